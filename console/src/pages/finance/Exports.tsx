import { useEffect, useState } from "preact/hooks";
import { type ApiProblem, api, problem, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import { Problem } from "../Problem";

type Job = Schemas["ExportView"];
type What = "ledger" | "taxable-rewards";
const POLL_MS = 1000;
const MAX_DAYS = 366;
const DAY_MS = 86_400_000;

const today = () => new Date().toISOString().slice(0, 10);
const monthStart = () => `${today().slice(0, 8)}01`;

/** Start an export (the async job: POST /v1/exports), follow its progress, then get its download link. The
 * page loads with no API call; the job is polled once a second while it runs. */
export function Exports() {
  const { words } = useConsole();
  const [what, setWhat] = useState<What>("ledger");
  const [from, setFrom] = useState(monthStart);
  const [to, setTo] = useState(today);
  const [job, setJob] = useState<Job | null>(null);
  const [link, setLink] = useState<string | null>(null);
  const [invalid, setInvalid] = useState<"finance.exports.bad_period" | null>(null);
  const [failure, setFailure] = useState<ApiProblem | "network" | null>(null);

  const running = job !== null && (job.status === "queued" || job.status === "running");
  useEffect(() => {
    if (!job || !running) return;
    const timer = setTimeout(() => {
      api
        .GET("/v1/exports/{export_id}", { params: { path: { export_id: job.id } } })
        .then(({ data, error }) => (data ? setJob(data) : setFailure(problem(error))))
        .catch(() => setFailure("network"));
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [job]);

  useEffect(() => {
    if (job?.status !== "done") return;
    api
      .GET("/v1/exports/{export_id}/download", {
        params: { path: { export_id: job.id }, query: { redirect: false } },
      })
      .then(({ data, error }) => (data ? setLink((data as Schemas["DownloadLink"]).url) : setFailure(problem(error))))
      .catch(() => setFailure("network"));
  }, [job?.status]);

  const submit = async (event: Event) => {
    event.preventDefault();
    setFailure(null);
    const days = (Date.parse(to) - Date.parse(from)) / DAY_MS;
    if (!from || !to || Number.isNaN(days) || days < 0 || days >= MAX_DAYS) {
      setInvalid("finance.exports.bad_period");
      return;
    }
    setJob(null);
    setLink(null);
    try {
      const body =
        what === "ledger"
          ? { kind: "ledger" as const, format: "csv" as const, from, to }
          : { kind: "report" as const, report: "taxable-rewards" as const, format: "csv" as const, from, to };
      const { data, error } = await api.POST("/v1/exports", {
        params: { header: { "idempotency-key": crypto.randomUUID() } },
        body,
      });
      if (data) setJob(data);
      else setFailure(problem(error) ?? "network");
    } catch {
      setFailure("network");
    }
  };

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{words.t("finance.exports.title")}</h1>
      <form class="form card" onSubmit={submit} noValidate>
        <label for="export-what">{words.t("finance.exports.what")}</label>
        <select id="export-what" value={what} onChange={(e) => setWhat(e.currentTarget.value as What)}>
          <option value="ledger">{words.t("finance.exports.ledger")}</option>
          <option value="taxable-rewards">{words.t("finance.exports.taxable")}</option>
        </select>
        <label for="export-from">{words.t("finance.exports.from")}</label>
        <input
          id="export-from"
          type="date"
          value={from}
          onInput={(e) => {
            setFrom(e.currentTarget.value);
            setInvalid(null);
          }}
        />
        <label for="export-to">{words.t("finance.exports.to")}</label>
        <input
          id="export-to"
          type="date"
          value={to}
          onInput={(e) => {
            setTo(e.currentTarget.value);
            setInvalid(null);
          }}
        />
        <p class="hint">{words.t("finance.exports.hint", { days: MAX_DAYS })}</p>
        {invalid && (
          <p class="problem" role="alert">
            {words.t(invalid, { days: MAX_DAYS })}
          </p>
        )}
        <button type="submit" disabled={running}>
          {words.t("finance.exports.start")}
        </button>
      </form>
      <Problem problem={failure} />
      {job && (
        <div class="card" role="status" data-export={job.id} data-status={job.status}>
          <p>{words.t(`finance.exports.status_${job.status}`)}</p>
          <p class="meta">{words.t("finance.exports.progress", { count: job.rows, bytes: job.bytes })}</p>
          {job.status === "failed" && job.failure && <p class="problem">{job.failure}</p>}
          {link && (
            <p>
              <a class="download" href={link} download>
                {words.t("finance.exports.download")}
              </a>
            </p>
          )}
        </div>
      )}
    </section>
  );
}
