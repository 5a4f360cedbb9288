import { useState } from "preact/hooks";
import { api, problem, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import { Problem } from "../Problem";
import { call, type Failure } from "./call";
import { ListPage, useList } from "./ListPage";
import { PersonData } from "./PersonData";

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
type Preview = Schemas["ImportPreview"];
type Planned = Preview["rows"][number];
interface Refused {
  line: number;
  id: string;
  reason: string;
}

/** The directory (one call: its first page, then a page more at a time), and a CSV import as `plaudit import` reads it: the server's dry
 * run first (POST /v1/employees/import-preview, the same rules as the CLI: every row checked and compared with
 * the directory, what each changes field by field, errors by line, nothing written), then the changes applied
 * one person at a time in the preview's order (new managers first) through PUT /v1/employees/{id}, with
 * progress and the API's refusals by line. */
export function Directory() {
  const { words } = useConsole();
  const list = useList<Schemas["Employee"]>((cursor) =>
    api.GET("/v1/employees", { params: { query: { limit: 100, cursor } } }),
  );
  const [text, setText] = useState("");
  const [plan, setPlan] = useState<Preview | null>(null);
  const [progress, setProgress] = useState<{ done: number; refused: Refused[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const [previewFailure, setPreviewFailure] = useState<Failure>(null);
  const [applyFailure, setApplyFailure] = useState<Failure>(null);

  async function readFile(event: Event) {
    const file = (event.currentTarget as HTMLInputElement).files?.[0];
    if (file) setText(await file.text());
    setPlan(null);
    setProgress(null);
  }

  async function dryRun() {
    setPlan(null);
    setProgress(null);
    setPreviewFailure(null);
    setBusy(true);
    const preview = await call(
      api.POST("/v1/employees/import-preview", {
        body: text,
        bodySerializer: (csv: string) => csv,
        headers: { "content-type": "text/csv" },
      }),
      setPreviewFailure,
    );
    setBusy(false);
    if (preview) setPlan(preview);
  }

  async function apply() {
    if (!plan) return;
    setApplyFailure(null);
    setBusy(true);
    const refused: Refused[] = [];
    let done = 0;
    setProgress({ done, refused });
    for (const row of plan.rows) {
      const { id: _, roles: __, ...fields } = row.employee; // the roles stay as they are
      try {
        const { data: saved, error } = await api.PUT("/v1/employees/{employee_id}", {
          params: { path: { employee_id: row.employee_id } },
          body: fields as Schemas["EmployeeFields"],
        });
        if (!saved) {
          const refusal = problem(error);
          refused.push({
            line: row.line,
            id: row.employee_id,
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
    <ListPage
      list={list}
      title="hr.directory.title"
      table="people"
      columns={["hr.directory.name", "hr.directory.id", "hr.directory.department", "hr.directory.status"]}
      rowKey="person"
      cells={(person) => (
        <>
          <td dir="ltr">{person.id}</td>
          <td dir="auto">{person.department ?? ""}</td>
          <td>{words.t(`hr.directory.${person.status ?? "active"}`)}</td>
        </>
      )}
    >
      <div class="form card" data-form="import">
        <h2>{words.t("hr.directory.import")}</h2>
        <label for="import-file">{words.t("hr.catalogue.file")}</label>
        <input id="import-file" type="file" accept=".csv,text/csv" onChange={(e) => void readFile(e)} />
        <p class="hint">{words.t("hr.directory.columns", { columns: COLUMNS.join(", ") })}</p>
        <button type="button" data-action="dry-run" disabled={!text || busy} onClick={() => void dryRun()}>
          {words.t("hr.directory.dry_run")}
        </button>
        <Problem problem={previewFailure} />
        {plan && (
          <div data-plan role="status">
            <p>
              {words.t("hr.directory.plan", {
                changes: plan.rows.length,
                unchanged: plan.unchanged,
                refused: plan.errors.length,
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
                        <td dir="ltr">{row.employee_id}</td>
                        <td>
                          <Change row={row} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <Refusals
              rows={plan.errors.map((bad) => ({
                line: bad.line,
                id: bad.employee_id ?? "",
                reason: bad.reasons.join("; "),
              }))}
            />
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
    </ListPage>
  );
}

/** What one row changes: its action, then each field "before → after" (a new person: the fields given). */
function Change({ row }: { row: Planned }) {
  const { words } = useConsole();
  const shown = (value: unknown) => (value === null || value === undefined ? "—" : String(value));
  return (
    <>
      <span data-action={row.action}>{words.t(`hr.directory.action_${row.action}`)}</span>
      <ul class="changes">
        {row.changes.map((change) => (
          <li key={change.field} dir="auto">
            {row.action === "created"
              ? words.t("hr.directory.field_set", { field: change.field, after: shown(change.after) })
              : words.t("hr.directory.field_changed", {
                  field: change.field,
                  before: shown(change.before),
                  after: shown(change.after),
                })}
          </li>
        ))}
      </ul>
    </>
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
