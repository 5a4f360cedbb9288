import { useState } from "preact/hooks";
import { api, problem, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import type { MessageKey } from "../../i18n";
import { Problem } from "../Problem";
import { call, type Failure, useLoad } from "./call";
import { PersonData } from "./PersonData";

type Employee = Schemas["Employee"];
// The columns `plaudit import` reads (examples/employees.csv); an empty cell is "not provided".
const COLUMNS = [
  "id",
  "email",
  "name",
  "manager_id",
  "department",
  "country",
  "time_zone",
  "start_date",
  "birthday",
  "public_birthday",
  "status",
  "slack_user_id",
  "locale",
] as const;
const CHECKS: Record<string, RegExp> = {
  id: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
  email: /^[^@\s]+@[^@\s]+\.[^@\s]+$/,
  country: /^[A-Z]{2}$/,
  start_date: /^\d{4}-\d{2}-\d{2}$/,
  birthday: /^\d{2}-\d{2}$/,
  public_birthday: /^(true|false)$/,
  status: /^(active|deactivated)$/,
  locale: /^(en|it|fr|ar)$/,
};

interface Planned {
  line: number;
  id: string;
  cells: Record<string, string>;
  changed: string[]; // the fields that change (all given ones for a new person)
  isNew: boolean;
}
interface Refused {
  line: number;
  id: string;
  reason: string;
}

/** RFC 4180 CSV: rows of cells with the line each row starts on (quoted cells may hold commas, quotes, newlines). */
function parseCsv(text: string): { line: number; cells: string[] }[] {
  const rows: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let start = 1;
  const source = text.replace(/^\ufeff/, "");
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (quoted) {
      if (char === '"' && source[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else {
        if (char === "\n") line++;
        cell += char;
      }
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      cells.push(cell);
      cell = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && source[i + 1] === "\n") i++;
      cells.push(cell);
      if (cells.some((c) => c.trim())) rows.push({ line: start, cells });
      cells = [];
      cell = "";
      line++;
      start = line;
    } else cell += char;
  }
  cells.push(cell);
  if (cells.some((c) => c.trim())) rows.push({ line: start, cells });
  return rows;
}

const shownValue = (person: Employee, field: string) => {
  const value = (person as unknown as Record<string, unknown>)[field];
  return value == null ? "" : String(value);
};

/** The directory (one call: its first page), and a CSV import as `plaudit import` reads it: a dry run first
 * (every row checked and compared with the directory, errors by line), then the changes applied one person at a
 * time through PUT /v1/employees/{id}, with progress and the API's refusals by line. */
export function Directory() {
  const { words } = useConsole();
  const { data, failure, setFailure } = useLoad(() =>
    api.GET("/v1/employees", { params: { query: { limit: 100 } } }),
  );
  const [text, setText] = useState("");
  const [plan, setPlan] = useState<{ rows: Planned[]; unchanged: number; refused: Refused[] } | null>(null);
  const [directory, setDirectory] = useState<Map<string, Employee> | null>(null);
  const [progress, setProgress] = useState<{ done: number; refused: Refused[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  const [applyFailure, setApplyFailure] = useState<Failure>(null);

  async function everyone(): Promise<Map<string, Employee> | null> {
    if (directory) return directory;
    const people = new Map<string, Employee>();
    let cursor: string | null = null;
    do {
      const page: Schemas["EmployeePage"] | null = await call(api.GET("/v1/employees", { params: { query: { limit: 100, cursor } } }), setFailure);
      if (!page) return null;
      for (const person of page.items) people.set(person.id, person);
      cursor = page.next_cursor ?? null;
    } while (cursor);
    setDirectory(people);
    return people;
  }

  async function readFile(event: Event) {
    const file = (event.currentTarget as HTMLInputElement).files?.[0];
    if (file) setText(await file.text());
    setPlan(null);
    setProgress(null);
  }

  async function dryRun() {
    setPlan(null);
    setProgress(null);
    setFileProblem(null);
    const rows = parseCsv(text);
    const header = (rows.shift()?.cells ?? []).map((name) => name.trim());
    const unknown = header.filter((name) => !(COLUMNS as readonly string[]).includes(name));
    if (header.length === 0 || !header.includes("id")) return setFileProblem(words.t("hr.directory.need_id"));
    if (unknown.length) return setFileProblem(words.t("hr.directory.unknown_columns", { columns: unknown.join(", ") }));
    setBusy(true);
    const people = await everyone();
    setBusy(false);
    if (!people) return;
    const planned: Planned[] = [];
    const refused: Refused[] = [];
    const seen = new Set<string>();
    let unchanged = 0;
    for (const { line, cells: raw } of rows) {
      const cells: Record<string, string> = {};
      header.forEach((name, index) => {
        const value = (raw[index] ?? "").trim();
        if (value) cells[name] = value;
      });
      const id = cells.id ?? "";
      const refuse = (key: MessageKey, params: Record<string, string> = {}) =>
        refused.push({ line, id, reason: words.t(key, params) });
      if (raw.length > header.length) {
        refuse("hr.directory.too_many_cells");
        continue;
      }
      if (!CHECKS.id?.test(id)) {
        refuse("hr.directory.bad_id");
        continue;
      }
      if (seen.has(id)) {
        refuse("hr.directory.repeated", { id });
        continue;
      }
      seen.add(id);
      const wrong = Object.entries(cells).find(([name, value]) => CHECKS[name] && !CHECKS[name].test(value));
      if (wrong) {
        refuse("hr.directory.bad_value", { column: wrong[0] });
        continue;
      }
      const before = people.get(id);
      if (!before && (!cells.email || !cells.name)) {
        refuse("hr.directory.new_needs");
        continue;
      }
      const changed = Object.keys(cells).filter((name) => name !== "id" && (!before || shownValue(before, name) !== cells[name]));
      if (changed.length === 0) unchanged++;
      else planned.push({ line, id, cells, changed, isNew: !before });
    }
    setPlan({ rows: planned, unchanged, refused });
  }

  async function apply() {
    if (!plan || !directory) return;
    setApplyFailure(null);
    setBusy(true);
    const refused: Refused[] = [];
    let done = 0;
    setProgress({ done, refused });
    for (const row of plan.rows) {
      const before = directory.get(row.id);
      const fields: Record<string, unknown> = {};
      if (before) {
        for (const [name, value] of Object.entries(before)) if (name !== "id" && name !== "roles") fields[name] = value;
      }
      for (const [name, value] of Object.entries(row.cells)) {
        if (name !== "id") fields[name] = name === "public_birthday" ? value === "true" : value;
      }
      try {
        const { data: saved, error } = await api.PUT("/v1/employees/{employee_id}", {
          params: { path: { employee_id: row.id } },
          body: fields as Schemas["EmployeeFields"],
        });
        if (saved) directory.set(saved.id, saved);
        else {
          const refusal = problem(error);
          refused.push({
            line: row.line,
            id: row.id,
            reason: refusal ? words.t("error.with_code", { message: refusal.message, code: refusal.code }) : "",
          });
        }
      } catch {
        setApplyFailure("network");
        break;
      }
      done++;
      setProgress({ done, refused: [...refused] });
    }
    setBusy(false);
  }

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{words.t("hr.directory.title")}</h1>
      <Problem problem={failure} />
      {!data && failure === null && <p>{words.t("app.loading")}</p>}
      {data && (
        <div class="card table-scroll" tabIndex={0} role="region" aria-label={words.t("hr.directory.title")}>
          <table class="board" data-table="people">
            <thead>
              <tr>
                <th scope="col">{words.t("hr.directory.id")}</th>
                <th scope="col">{words.t("hr.directory.name")}</th>
                <th scope="col">{words.t("hr.directory.department")}</th>
                <th scope="col">{words.t("hr.directory.status")}</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((person) => (
                <tr key={person.id}>
                  <td dir="ltr">{person.id}</td>
                  <th scope="row" dir="auto">
                    {person.name}
                  </th>
                  <td dir="auto">{person.department ?? ""}</td>
                  <td>{words.t(`hr.directory.${person.status ?? "active"}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {data.next_cursor && <p class="hint">{words.t("hr.directory.first_page", { count: data.items.length })}</p>}
        </div>
      )}
      <div class="form card" data-form="import">
        <h2>{words.t("hr.directory.import")}</h2>
        <label for="import-file">{words.t("hr.catalogue.file")}</label>
        <input id="import-file" type="file" accept=".csv,text/csv" onChange={(e) => void readFile(e)} />
        <p class="hint">{words.t("hr.directory.columns", { columns: COLUMNS.join(", ") })}</p>
        <button type="button" data-action="dry-run" disabled={!text || busy} onClick={() => void dryRun()}>
          {words.t("hr.directory.dry_run")}
        </button>
        {fileProblem && (
          <p class="problem" role="alert">
            {fileProblem}
          </p>
        )}
        {plan && (
          <div data-plan role="status">
            <p>
              {words.t("hr.directory.plan", {
                changes: plan.rows.length,
                unchanged: plan.unchanged,
                refused: plan.refused.length,
              })}
            </p>
            {plan.rows.length > 0 && (
              <div class="table-scroll" tabIndex={0} role="region" aria-label={words.t("hr.directory.changes")}>
                <table class="board" data-table="changes">
                  <caption>{words.t("hr.directory.changes")}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{words.t("hr.directory.line")}</th>
                      <th scope="col">{words.t("hr.directory.id")}</th>
                      <th scope="col">{words.t("hr.directory.what")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {plan.rows.map((row) => (
                      <tr key={row.line} data-line={row.line}>
                        <td>{words.number(row.line)}</td>
                        <td dir="ltr">{row.id}</td>
                        <td>
                          {row.isNew
                            ? words.t("hr.directory.new")
                            : words.t("hr.directory.changed", { fields: row.changed.join(", ") })}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <Refusals rows={plan.refused} />
            {plan.rows.length > 0 && !progress && (
              <button type="button" data-action="apply" disabled={busy} onClick={() => void apply()}>
                {words.t("hr.directory.apply", { count: plan.rows.length })}
              </button>
            )}
          </div>
        )}
        {progress && plan && (
          <div data-progress>
            <label for="import-progress">{words.t("hr.directory.progress")}</label>
            <progress id="import-progress" max={plan.rows.length} value={progress.done} />
            <p role="status">
              {words.t("hr.directory.applied", {
                done: progress.done - progress.refused.length,
                total: plan.rows.length,
                refused: progress.refused.length,
              })}
            </p>
            <Refusals rows={progress.refused} />
          </div>
        )}
        <Problem problem={applyFailure} />
      </div>
      <PersonData />
    </section>
  );
}

function Refusals({ rows }: { rows: Refused[] }) {
  const { words } = useConsole();
  if (rows.length === 0) return null;
  return (
    <ul class="problem" data-refused>
      {rows.map((row) => (
        <li key={`${row.line}-${row.id}`} data-line={row.line}>
          {words.t("hr.directory.refused", { line: row.line, id: row.id || "—", reason: row.reason })}
        </li>
      ))}
    </ul>
  );
}
