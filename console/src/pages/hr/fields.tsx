// The HR forms' fields: a label tied to its input, select, text area or check box, bound to one entry of the
// form's draft; and the checks that say why a value would be refused before anything is sent.
import { useState } from "preact/hooks";
import { useConsole } from "../../context";
import type { MessageKey } from "../../i18n";

type Value = string | boolean;

/** A form's draft (every field as typed) and bindings of its entries to fields. */
export function useDraft<D extends Record<string, Value>>(blank: D) {
  const [draft, setDraft] = useState<D>(blank);
  const set = (name: keyof D) => (value: Value) => setDraft((before) => ({ ...before, [name]: value }));
  return {
    draft,
    setDraft,
    reset: () => setDraft(blank),
    text: (name: keyof D & string) => ({ value: String(draft[name]), set: set(name) as (value: string) => void }),
    check: (name: keyof D & string) => ({ checked: draft[name] === true, set: set(name) as (value: boolean) => void }),
  };
}

/** A form that adds an item or edits one (`editing`; null: a new one): `edit(item)` fills it with the item's
 * fields and moves the focus to its first one (`first`: its id); `edit(null)` empties it for a new one. */
export function useEditor<T, D extends Record<string, Value>>(blank: D, draftOf: (item: T) => D, first: string) {
  const form = useDraft(blank);
  const [editing, setEditing] = useState<T | null>(null);
  function edit(item: T | null) {
    setEditing(item);
    form.setDraft(item ? draftOf(item) : blank);
    document.getElementById(first)?.focus();
  }
  return { ...form, editing, edit };
}

/** The form's buttons: create (`create`: its words) or, while editing, save and cancel. */
export function EditorButtons(props: { editing: boolean; create: MessageKey; cancel: () => void }) {
  const { words } = useConsole();
  return (
    <>
      <button type="submit">{words.t(props.editing ? "hr.list.save" : props.create)}</button>
      {props.editing && (
        <button type="button" class="link" onClick={props.cancel}>
          {words.t("hr.list.cancel")}
        </button>
      )}
    </>
  );
}

interface Labelled {
  id: string;
  label: MessageKey;
  hint?: MessageKey;
}

function Label({ id, label, hint }: Labelled) {
  const { words } = useConsole();
  return (
    <>
      <label for={id}>{words.t(label)}</label>
      {hint && (
        <p id={`${id}-hint`} class="hint">
          {words.t(hint)}
        </p>
      )}
    </>
  );
}

/** A text field; `dir="ltr"` for codes and numbers, `auto` for people's words. */
export function Input(
  props: Labelled & {
    value: string;
    set: (value: string) => void;
    dir?: "ltr" | "auto";
    type?: "text" | "date" | "number";
    numeric?: boolean;
    maxLength?: number;
    rows?: number;
  },
) {
  const shared = {
    id: props.id,
    dir: props.dir ?? "ltr",
    value: props.value,
    maxLength: props.maxLength,
    "aria-describedby": props.hint ? `${props.id}-hint` : undefined,
  };
  return (
    <>
      <Label {...props} />
      {props.rows ? (
        <textarea {...shared} rows={props.rows} onInput={(e) => props.set(e.currentTarget.value)} />
      ) : (
        <input
          {...shared}
          type={props.type ?? "text"}
          inputMode={props.numeric ? "decimal" : undefined}
          onInput={(e) => props.set(e.currentTarget.value)}
        />
      )}
    </>
  );
}

/** A choice among `options`, each shown as `name(option)`; a value not among them shows (and a page takes) the
 * first option. */
export function Choice(
  props: Labelled & {
    value: string;
    set: (value: string) => void;
    options: readonly string[];
    name: (option: string) => string;
  },
) {
  return (
    <>
      <Label {...props} />
      <select
        id={props.id}
        value={props.options.includes(props.value) ? props.value : props.options[0]}
        aria-describedby={props.hint ? `${props.id}-hint` : undefined}
        onChange={(e) => props.set(e.currentTarget.value)}
      >
        {props.options.map((option) => (
          <option key={option} value={option}>
            {props.name(option)}
          </option>
        ))}
      </select>
    </>
  );
}

/** A choice HR must make among what the API lists (budgets, catalogue items): a blank first option (`blank`: its
 * words, "Choose…" or "None"), then each option as `label`; a value not among them (an archived item an existing
 * rule still names) is shown as `missing(value)` rather than dropped. `problem`: the id of the message saying why
 * the list is not there (a failed load), tied to the select. */
export function Pick(
  props: Labelled & {
    value: string;
    set: (value: string) => void;
    blank: MessageKey;
    options: readonly { value: string; label: string }[];
    missing: (value: string) => string;
    problem?: string;
  },
) {
  const { words } = useConsole();
  const known = props.value === "" || props.options.some((option) => option.value === props.value);
  const described = [props.hint && `${props.id}-hint`, props.problem].filter(Boolean).join(" ");
  return (
    <>
      <Label {...props} />
      <select
        id={props.id}
        value={props.value}
        aria-describedby={described || undefined}
        aria-invalid={props.problem ? true : undefined}
        onChange={(e) => props.set(e.currentTarget.value)}
      >
        <option value="">{words.t(props.blank)}</option>
        {!known && <option value={props.value}>{props.missing(props.value)}</option>}
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </>
  );
}

/** A yes/no. */
export function Check(props: { id: string; label: MessageKey; checked: boolean; set: (value: boolean) => void }) {
  const { words } = useConsole();
  return (
    <label class="choice" for={props.id}>
      <input id={props.id} type="checkbox" checked={props.checked} onChange={(e) => props.set(e.currentTarget.checked)} />
      {words.t(props.label)}
    </label>
  );
}

/** Whether `raw` is a whole number from `min` to `max`. */
export const whole = (raw: string, min: number, max: number) =>
  /^\d{1,12}$/.test(raw.trim()) && Number(raw) >= min && Number(raw) <= max;

/** Whether `raw` is an amount above 0 and at most `max`, with at most two decimals. */
export const amount = (raw: string, max = 1_000_000) =>
  /^\d{1,9}(\.\d{1,2})?$/.test(raw.trim()) && Number(raw) > 0 && Number(raw) <= max;

/** A comma-separated list as its trimmed, non-empty entries. */
export const listOf = (raw: string) =>
  raw
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);

/** Blank as null, for optional fields. */
export const orNull = (raw: string) => raw.trim() || null;
