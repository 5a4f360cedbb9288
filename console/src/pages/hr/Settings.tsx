import { useEffect, useState } from "preact/hooks";
import { api, problem, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import type { MessageKey } from "../../i18n";
import { Problem } from "../Problem";
import type { Failure } from "./call";
import fields from "./settings-fields.json";

// The settings this form edits, one a line in settings-fields.json (a new setting: its line there and its
// hr.settings.field.<path, dots as underscores> words): where it sits in the OrgSettings document (a dotted path
// merges into its object), the section it is shown in, and the limits the API checks (a unit test keeps them
// equal to the OpenAPI schema's), so the form says why before sending what it would be refused.
// A `records` field is a list of records (or, with `map`, a table keyed by its first column), one a line in a text
// area, its columns separated by "|".
interface Column {
  name: string;
  kind?: "number" | "amount";
  min?: number;
  max?: number;
  pattern?: string;
  max_length?: number;
  optional?: boolean;
}
interface Field {
  path: string;
  section: string;
  kind: "number" | "choice" | "text" | "switch" | "set" | "records";
  min?: number;
  max?: number;
  pattern?: string;
  options?: string[];
  optional?: boolean;
  columns?: Column[];
  map?: boolean;
  max_items?: number;
}
const FIELDS = fields as Field[];
const SECTIONS = [...new Set(FIELDS.map((field) => field.section))];
const PATTERNS = new Map(FIELDS.filter((f) => f.pattern).map((f) => [f.path, new RegExp(f.pattern!)]));
type Value = string | boolean | string[];
type Values = Record<string, Value>;
type Settings = Schemas["OrgSettings"];

const fieldKey = (path: string) => `hr.settings.field.${path.replace(".", "_")}` as MessageKey;
const optionKey = (field: Field, option: string) =>
  (field.path === "default_locale" ? `language.${option}` : field.kind === "set" ? `hr.catalogue.type_${option}` : `hr.settings.option.${option}`) as MessageKey;

const SEPARATOR = " | ";
const AMOUNT = /^\d{1,9}(\.\d{1,9})?$/;

/** Records as the text area shows them. */
function linesOf(field: Field, value: unknown): string {
  const columns = field.columns!;
  const rows = field.map
    ? Object.entries((value as Record<string, unknown>) ?? {}).map(([key, cell]) => [key, cell])
    : ((value as Record<string, unknown>[]) ?? []).map((record) => columns.map((column) => record[column.name]));
  return rows.map((row) => row.map((cell) => (cell == null ? "" : String(cell))).join(SEPARATOR).replace(/[ |]+$/, "")).join("\n");
}

/** The records typed in a text area, or null if one would be refused (a cell out of its column's limits, a first
 * column repeated, too many records). */
function recordsOf(field: Field, text: string): Record<string, unknown>[] | null {
  const columns = field.columns!;
  const records: Record<string, unknown>[] = [];
  for (const line of text.split("\n").filter((l) => l.trim())) {
    const cells = line.split("|").map((cell) => cell.trim());
    if (cells.length > columns.length) return null;
    const record: Record<string, unknown> = {};
    for (const [i, column] of columns.entries()) {
      const cell = cells[i] ?? "";
      if (cell === "" && column.optional) record[column.name] = null;
      else if (column.kind === "number") {
        if (!/^\d{1,12}$/.test(cell) || Number(cell) < (column.min ?? 0) || Number(cell) > (column.max ?? Infinity)) return null;
        record[column.name] = Number(cell);
      } else if (column.kind === "amount") {
        if (!AMOUNT.test(cell) || Number(cell) <= 0) return null;
        record[column.name] = cell;
      } else {
        if (!cell || cell.length > (column.max_length ?? Infinity)) return null;
        if (column.pattern && !new RegExp(column.pattern).test(cell)) return null;
        record[column.name] = cell;
      }
    }
    records.push(record);
  }
  const keys = records.map((record) => String(record[columns[0]!.name]).toLowerCase());
  if (new Set(keys).size !== keys.length || records.length > (field.max_items ?? Infinity)) return null;
  return records;
}

/** A records field's value as the API takes it: a list, or a table (a key no longer there: null, to remove it). */
function recordsValue(field: Field, before: string, after: string): unknown {
  const records = recordsOf(field, after) ?? [];
  if (!field.map) return records;
  const [key, cell] = field.columns!.map((column) => column.name) as [string, string];
  const table: Record<string, unknown> = Object.fromEntries((recordsOf(field, before) ?? []).map((r) => [r[key], null]));
  for (const record of records) table[String(record[key])] = record[cell];
  return table;
}

function valuesOf(settings: Settings): Values {
  const values: Values = {};
  for (const field of FIELDS) {
    const value = field.path.split(".").reduce<unknown>((at, name) => (at as Record<string, unknown> | null)?.[name], settings);
    values[field.path] =
      field.kind === "switch"
        ? Boolean(value)
        : field.kind === "set"
          ? [...((value as string[]) ?? [])]
          : field.kind === "records"
            ? linesOf(field, value)
            : value == null
              ? ""
              : String(value);
  }
  return values;
}

const same = (a: Value | undefined, b: Value | undefined) => JSON.stringify(a) === JSON.stringify(b);

/** A JSON Merge Patch of only what changed (an object's entries merge one by one; a blank optional is null). */
function patchOf(before: Values, after: Values): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const field of FIELDS) {
    if (same(before[field.path], after[field.path])) continue;
    const raw = after[field.path] as Value;
    const value =
      field.kind === "records"
        ? recordsValue(field, before[field.path] as string, raw as string)
        : field.optional && raw === ""
          ? null
          : field.kind === "number"
            ? Number(raw)
            : raw;
    const [head, inner] = field.path.split(".") as [string, string | undefined];
    if (inner) patch[head] = { ...(patch[head] as object | undefined), [inner]: value };
    else patch[head] = value;
  }
  return patch;
}

function wrong(values: Values): { key: MessageKey; params: Record<string, string | number> } | null {
  for (const field of FIELDS) {
    const raw = values[field.path];
    if (typeof raw !== "string" || (field.optional && raw === "")) continue;
    const name = fieldKey(field.path);
    const min = field.min ?? 0;
    if (field.kind === "number" && (!/^\d{1,15}$/.test(raw) || Number(raw) < min || Number(raw) > (field.max ?? Infinity))) {
      return field.max === undefined
        ? { key: "hr.settings.bad_number_from", params: { field: name, min } }
        : { key: "hr.settings.bad_number", params: { field: name, min, max: field.max } };
    }
    if (field.kind === "text" && !PATTERNS.get(field.path)?.test(raw)) return { key: "hr.settings.bad_text", params: { field: name } };
    if (field.kind === "records" && recordsOf(field, raw) === null) {
      return { key: "hr.settings.bad_records", params: { field: name } };
    }
  }
  const tiers = FIELDS.find((field) => field.path === "tiers.levels");
  const thresholds = (tiers && recordsOf(tiers, values[tiers.path] as string))?.map((tier) => Number(tier.threshold)) ?? [];
  if (thresholds.some((threshold, i) => i > 0 && threshold <= thresholds[i - 1]!)) {
    return { key: "hr.settings.tiers_ascending", params: {} };
  }
  const pointValues = FIELDS.find((field) => field.path === "point_values");
  const currencies = (pointValues && recordsOf(pointValues, values[pointValues.path] as string))?.map((r) => r.currency) ?? [];
  if (pointValues && !currencies.includes(values.currency)) {
    return { key: "hr.settings.home_currency_value", params: { currency: String(values.currency) } };
  }
  if (Number(values.min_points_per_kudos) > Number(values.max_points_per_kudos)) {
    return { key: "hr.settings.min_above_max", params: {} };
  }
  const second = values["approvals.second_level_points"];
  if (second !== "" && Number(second) < Number(values["approvals.threshold_points"])) {
    return { key: "hr.settings.second_below_first", params: {} };
  }
  return null;
}

/** The organisation's settings: one call to load them (the ETag is their version), one PATCH of only what
 * changed with If-Match, so two people editing at once get the conflict explained, never an overwrite. */
export function SettingsPage() {
  const { words } = useConsole();
  const [loaded, setLoaded] = useState<{ values: Values; version: string } | null>(null);
  const [values, setValues] = useState<Values>({});
  const [failure, setFailure] = useState<Failure>(null);
  const [invalid, setInvalid] = useState<string | null>(null);
  const [conflict, setConflict] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  /** Load the settings; `keep`: the person's own changes, laid over what is stored now. */
  async function load(keep: Values = {}) {
    setFailure(null);
    try {
      const { data, error, response } = await api.GET("/v1/settings");
      if (!data) return setFailure(problem(error));
      const fresh = valuesOf(data);
      setLoaded({ values: fresh, version: response.headers.get("etag") ?? "" });
      setValues({ ...fresh, ...keep });
      setConflict(null);
    } catch {
      setFailure("network");
    }
  }
  useEffect(() => void load(), []);

  const set = (name: string, value: Value) => {
    setSaved(false);
    setValues((before) => ({ ...before, [name]: value }));
  };

  async function save(event: Event) {
    event.preventDefault();
    if (!loaded) return;
    setSaved(false);
    setFailure(null);
    const bad = wrong(values);
    const patch = patchOf(loaded.values, values);
    setInvalid(
      bad
        ? words.t(bad.key, { ...bad.params, field: words.t((bad.params.field ?? "") as MessageKey) })
        : Object.keys(patch).length === 0
          ? words.t("hr.settings.unchanged")
          : null,
    );
    if (bad || Object.keys(patch).length === 0) return;
    setBusy(true);
    try {
      const { data, error, response } = await api.PATCH("/v1/settings", {
        params: { header: { "if-match": loaded.version } },
        body: patch,
      });
      if (data) {
        const fresh = valuesOf(data);
        setLoaded({ values: fresh, version: response.headers.get("etag") ?? "" });
        setValues(fresh);
        setSaved(true);
      } else {
        const refusal = problem(error);
        if (refusal?.code === "version_mismatch") {
          const details = (error as { error?: { details?: { version?: number } } }).error?.details;
          setConflict(String(details?.version ?? ""));
        }
        setFailure(refusal);
      }
    } catch {
      setFailure("network");
    } finally {
      setBusy(false);
    }
  }

  /** The person's changes, kept when the latest settings are loaded after a conflict. */
  const mine = (): Values =>
    loaded
      ? Object.fromEntries(Object.entries(values).filter(([name, value]) => !same(loaded.values[name], value)))
      : {};

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{words.t("hr.settings.title")}</h1>
      {!loaded && failure === null && <p>{words.t("app.loading")}</p>}
      {loaded && (
        <form class="form card" onSubmit={save} noValidate data-version={loaded.version}>
          {SECTIONS.map((section) => (
            <fieldset key={section} data-section={section}>
              <legend>{words.t(`hr.settings.section.${section}` as MessageKey)}</legend>
              {FIELDS.filter((field) => field.section === section).map((field) => (
                <SettingField key={field.path} field={field} value={values[field.path]!} set={(value) => set(field.path, value)} />
              ))}
            </fieldset>
          ))}
          {invalid && (
            <p class="problem" role="alert">
              {invalid}
            </p>
          )}
          {conflict !== null && (
            <div class="conflict" role="alert">
              <p>{words.t("hr.settings.conflict", { version: conflict })}</p>
              <button type="button" onClick={() => void load(mine())}>
                {words.t("hr.settings.reload")}
              </button>
            </div>
          )}
          <Problem problem={failure} />
          {saved && (
            <p class="done" role="status">
              {words.t("hr.settings.saved")}
            </p>
          )}
          <button type="submit" disabled={busy}>
            {words.t("hr.settings.save")}
          </button>
        </form>
      )}
      {!loaded && <Problem problem={failure} />}
    </section>
  );
}

/** One setting's input: a check box, a set of check boxes, a choice or a text field. */
function SettingField({ field, value, set }: { field: Field; value: Value; set: (value: Value) => void }) {
  const { words } = useConsole();
  const id = `setting-${field.path.replace(".", "-")}`;
  if (field.kind === "switch") {
    return (
      <label class="choice" for={id}>
        <input id={id} type="checkbox" checked={value === true} onChange={(e) => set(e.currentTarget.checked)} />
        {words.t(fieldKey(field.path))}
      </label>
    );
  }
  if (field.kind === "records") {
    const format = field.columns!.map((column) => words.t(`hr.settings.column.${column.name}` as MessageKey)).join(SEPARATOR);
    return (
      <div class="field">
        <label for={id}>{words.t(fieldKey(field.path))}</label>
        <p id={`${id}-hint`} class="hint">
          {words.t("hr.settings.records_hint", { format })}
        </p>
        <textarea id={id} dir="auto" rows={4} aria-describedby={`${id}-hint`} value={value as string} onInput={(e) => set(e.currentTarget.value)} />
      </div>
    );
  }
  if (field.kind === "set") {
    const chosen = value as string[];
    return (
      <fieldset id={id}>
        <legend>{words.t(fieldKey(field.path))}</legend>
        {field.options!.map((option) => (
          <label key={option} class="choice" for={`${id}-${option}`}>
            <input
              id={`${id}-${option}`}
              type="checkbox"
              checked={chosen.includes(option)}
              onChange={(e) =>
                set(e.currentTarget.checked ? field.options!.filter((o) => o === option || chosen.includes(o)) : chosen.filter((o) => o !== option))
              }
            />
            {words.t(optionKey(field, option))}
          </label>
        ))}
      </fieldset>
    );
  }
  return (
    <div class="field">
      <label for={id}>{words.t(fieldKey(field.path))}</label>
      {field.kind === "choice" ? (
        <select id={id} value={value as string} onChange={(e) => set(e.currentTarget.value)}>
          {field.options!.map((option) => (
            <option key={option} value={option}>
              {words.t(optionKey(field, option))}
            </option>
          ))}
        </select>
      ) : (
        <input
          id={id}
          dir="ltr"
          inputMode={field.kind === "number" ? "numeric" : undefined}
          placeholder={field.optional ? words.t("hr.settings.blank_none") : undefined}
          value={value as string}
          onInput={(e) => set(e.currentTarget.value)}
        />
      )}
    </div>
  );
}
