import { useEffect, useState } from "preact/hooks";
import { api, problem, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import { LOCALES, type MessageKey } from "../../i18n";
import { Problem } from "../Problem";
import type { Failure } from "./call";

// The settings this form edits, each as the API's OrgSettings names it (allowances.<role> inside allowances),
// with the limits the API checks, so the form says why before sending what it would refuse.
type Kind =
  | { kind: "number"; min: number; max: number }
  | { kind: "choice"; options: readonly string[] }
  | { kind: "text"; pattern: RegExp; optional?: boolean }
  | { kind: "switch" };
const CHANNEL: Kind = { kind: "text", pattern: /^[CG][A-Z0-9]{2,20}$/, optional: true };
const FIELDS: Record<string, Kind> = {
  time_zone: { kind: "text", pattern: /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/ },
  default_locale: { kind: "choice", options: LOCALES },
  currency: { kind: "text", pattern: /^[A-Z]{3}$/ },
  allowance_period: { kind: "choice", options: ["weekly", "monthly", "quarterly"] },
  "allowances.employee": { kind: "number", min: 0, max: 1_000_000 },
  "allowances.manager": { kind: "number", min: 0, max: 1_000_000 },
  min_points_per_kudos: { kind: "number", min: 1, max: 100_000 },
  max_points_per_kudos: { kind: "number", min: 1, max: 100_000 },
  recipient_cap_per_period: { kind: "number", min: 1, max: 1_000_000 },
  points_per_reaction: { kind: "number", min: 1, max: 100_000 },
  reaction_undo_minutes: { kind: "number", min: 0, max: 1440 },
  celebration_hour: { kind: "number", min: 0, max: 23 },
  announcement_channel: CHANNEL,
  hr_channel: CHANNEL,
  manager_digest: { kind: "switch" },
};
type Values = Record<string, string | boolean>;
type Settings = Schemas["OrgSettings"];

const fieldKey = (name: string) => `hr.settings.field.${name.replace(".", "_")}` as MessageKey;

function valuesOf(settings: Settings): Values {
  const values: Values = {};
  const source = settings as unknown as Record<string, unknown>;
  for (const [name, kind] of Object.entries(FIELDS)) {
    const [head, role] = name.split(".") as [string, string | undefined];
    const value = role ? (source[head] as Record<string, unknown>)[role] : source[head];
    values[name] = kind.kind === "switch" ? Boolean(value) : value == null ? "" : String(value);
  }
  return values;
}

/** A JSON Merge Patch of only what changed (allowances merge role by role). */
function patchOf(before: Values, after: Values): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const [name, kind] of Object.entries(FIELDS)) {
    if (before[name] === after[name]) continue;
    const raw = after[name] as string | boolean;
    const value =
      kind.kind === "number" ? Number(raw) : kind.kind === "text" && kind.optional && raw === "" ? null : raw;
    const [head, role] = name.split(".") as [string, string | undefined];
    if (role) patch[head] = { ...(patch[head] as object | undefined), [role]: value };
    else patch[head] = value;
  }
  return patch;
}

function wrong(values: Values): { key: MessageKey; params: Record<string, string | number> } | null {
  for (const [name, kind] of Object.entries(FIELDS)) {
    const raw = values[name] as string;
    const field = fieldKey(name);
    if (kind.kind === "number" && (!/^\d+$/.test(raw) || Number(raw) < kind.min || Number(raw) > kind.max)) {
      return { key: "hr.settings.bad_number", params: { field, min: kind.min, max: kind.max } };
    }
    if (kind.kind === "text" && !(kind.optional && raw === "") && !kind.pattern.test(raw)) {
      return { key: "hr.settings.bad_text", params: { field } };
    }
  }
  if (Number(values.min_points_per_kudos) > Number(values.max_points_per_kudos)) {
    return { key: "hr.settings.min_above_max", params: {} };
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

  const set = (name: string, value: string | boolean) => {
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
      ? Object.fromEntries(Object.entries(values).filter(([name, value]) => loaded.values[name] !== value))
      : {};

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{words.t("hr.settings.title")}</h1>
      {!loaded && failure === null && <p>{words.t("app.loading")}</p>}
      {loaded && (
        <form class="form card" onSubmit={save} noValidate data-version={loaded.version}>
          {Object.entries(FIELDS).map(([name, kind]) => {
            const id = `setting-${name.replace(".", "-")}`;
            const value = values[name];
            if (kind.kind === "switch") {
              return (
                <label key={name} class="choice" for={id}>
                  <input
                    id={id}
                    type="checkbox"
                    checked={value === true}
                    onChange={(e) => set(name, e.currentTarget.checked)}
                  />
                  {words.t(fieldKey(name))}
                </label>
              );
            }
            return (
              <div key={name} class="field">
                <label for={id}>{words.t(fieldKey(name))}</label>
                {kind.kind === "choice" ? (
                  <select id={id} value={value as string} onChange={(e) => set(name, e.currentTarget.value)}>
                    {kind.options.map((option) => (
                      <option key={option} value={option}>
                        {words.t(
                          (name === "default_locale" ? `language.${option}` : `hr.settings.option.${option}`) as MessageKey,
                        )}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input
                    id={id}
                    dir="ltr"
                    inputMode={kind.kind === "number" ? "numeric" : undefined}
                    value={value as string}
                    onInput={(e) => set(name, e.currentTarget.value)}
                  />
                )}
              </div>
            );
          })}
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
