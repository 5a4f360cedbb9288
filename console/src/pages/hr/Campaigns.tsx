import { useEffect, useState } from "preact/hooks";
import { api, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import { Problem } from "../Problem";
import { call, type Failure, onceKey } from "./call";
import { BudgetPick, useBudgets } from "./pickers";

const POLL_MS = 1000;
type Campaign = Schemas["CampaignView"];

/** A campaign: points to many people from one budget, from a CSV (employee_id or email, points) or to
 * everyone. Preview first (who, how much, whether the budget covers it, who is skipped and why, by line), then
 * create and run it, follow its progress, and download its report as CSV. The page loads the budgets HR must
 * choose from (one call, more only past a page). */
export function Campaigns() {
  const { words } = useConsole();
  const budgets = useBudgets();
  const [failure, setFailure] = useState<Failure>(null);
  const [name, setName] = useState("");
  const [budget, setBudget] = useState("");
  const [message, setMessage] = useState("");
  const [points, setPoints] = useState("");
  const [everyone, setEveryone] = useState(false);
  const [csv, setCsv] = useState("");
  const [preview, setPreview] = useState<Schemas["Preview"] | null>(null);
  const [campaign, setCampaign] = useState<Campaign | null>(null);
  const [invalid, setInvalid] = useState<string | null>(null);
  const [report, setReport] = useState<{ url: string; file: string } | null>(null);

  const running = campaign?.status === "running";
  useEffect(() => {
    if (!campaign || !running) return;
    const timer = setTimeout(() => {
      const request = api.GET("/v1/campaigns/{campaign_id}", { params: { path: { campaign_id: campaign.id } } });
      void call(request, setFailure).then((next) => next && setCampaign(next));
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [campaign]);

  function request(): Schemas["CampaignRequest"] | null {
    setFailure(null);
    setInvalid(null);
    if (!name.trim()) return setInvalid(words.t("hr.campaigns.need_name")), null;
    if (!budget) return setInvalid(words.t("hr.campaigns.need_budget")), null;
    if (points.trim() && !/^[1-9]\d{0,6}$/.test(points.trim())) return setInvalid(words.t("hr.budgets.bad_points")), null;
    if (!everyone && !csv.trim()) return setInvalid(words.t("hr.campaigns.need_people")), null;
    if (everyone && !points.trim()) return setInvalid(words.t("hr.budgets.bad_points")), null;
    return {
      name: name.trim(),
      budget_id: budget,
      message: message.trim() || null,
      public: false,
      points: points.trim() ? Number(points) : null,
      csv: everyone ? null : csv,
      selector: everyone
        ? { everyone: true, departments: [], countries: [], tiers: [], manager_id: null, started_from: null, started_to: null }
        : null,
    };
  }

  async function check(event: Event) {
    event.preventDefault();
    setPreview(null);
    setCampaign(null);
    const body = request();
    if (body) setPreview(await call(api.POST("/v1/campaigns/preview", { body }), setFailure));
  }

  async function run() {
    const body = request();
    if (!body) return;
    const made = await call(
      api.POST("/v1/campaigns", { params: { header: { "idempotency-key": onceKey() } }, body }),
      setFailure,
    );
    if (!made) return;
    setCampaign(made);
    const started = await call(
      api.POST("/v1/campaigns/{campaign_id}/run", { params: { path: { campaign_id: made.id } } }),
      setFailure,
    );
    if (started) setCampaign(started);
  }

  async function download() {
    if (!campaign) return;
    const text = await call(
      api.GET("/v1/campaigns/{campaign_id}/report", {
        params: { path: { campaign_id: campaign.id } },
        headers: { accept: "text/csv" },
        parseAs: "text",
      }),
      setFailure,
    );
    if (text === null) return;
    if (report) URL.revokeObjectURL(report.url);
    const file = `campaign-${campaign.id}.csv`;
    const url = URL.createObjectURL(new Blob([text as string], { type: "text/csv" }));
    setReport({ url, file });
    const link = document.createElement("a");
    link.href = url;
    link.download = file;
    link.click();
  }

  async function readFile(event: Event) {
    const file = (event.currentTarget as HTMLInputElement).files?.[0];
    if (file) setCsv(await file.text());
  }

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{words.t("hr.campaigns.title")}</h1>
      {!budgets.items && budgets.failure === null && <p>{words.t("app.loading")}</p>}
      <Problem problem={budgets.failure} />
      {budgets.items && (
        <form class="form card" onSubmit={check} noValidate data-form="campaign">
          <label for="campaign-name">{words.t("hr.campaigns.name")}</label>
          <input id="campaign-name" dir="auto" maxLength={120} value={name} onInput={(e) => setName(e.currentTarget.value)} />
          <BudgetPick id="campaign-budget" label="hr.budgets.name" blank="hr.pick.choose" budgets={budgets} value={budget} set={setBudget} />
          <label for="campaign-points">{words.t("hr.campaigns.points")}</label>
          <input id="campaign-points" inputMode="numeric" value={points} onInput={(e) => setPoints(e.currentTarget.value)} />
          <label for="campaign-message">{words.t("hr.rules.message")}</label>
          <textarea id="campaign-message" dir="auto" rows={2} maxLength={1000} value={message} onInput={(e) => setMessage(e.currentTarget.value)} />
          <label class="choice" for="campaign-everyone">
            <input id="campaign-everyone" type="checkbox" checked={everyone} onChange={(e) => setEveryone(e.currentTarget.checked)} />
            {words.t("hr.campaigns.everyone")}
          </label>
          {!everyone && (
            <>
              <label for="campaign-file">{words.t("hr.catalogue.file")}</label>
              <input id="campaign-file" type="file" accept=".csv,text/csv" onChange={(e) => void readFile(e)} />
              <label for="campaign-csv">{words.t("hr.campaigns.csv")}</label>
              <textarea id="campaign-csv" dir="ltr" rows={4} value={csv} aria-describedby="campaign-csv-hint" onInput={(e) => setCsv(e.currentTarget.value)} />
              <p id="campaign-csv-hint" class="hint">
                {words.t("hr.campaigns.csv_hint")}
              </p>
            </>
          )}
          <button type="submit">{words.t("hr.campaigns.preview")}</button>
          {invalid && (
            <p class="problem" role="alert">
              {invalid}
            </p>
          )}
          <Problem problem={failure} />
        </form>
      )}
      {preview && (
        <div class="card" data-preview role="status">
          <p>
            {words.t("hr.campaigns.previewed", {
              people: preview.people,
              points: preview.total_points,
              available: preview.budget_available,
            })}
          </p>
          {!preview.covered && <p class="problem">{words.t("hr.campaigns.not_covered")}</p>}
          {preview.skipped.length > 0 && (
            <ul class="problem" data-skipped>
              {preview.skipped.map((row, index) => (
                <li key={index} data-line={row.line ?? ""}>
                  {words.t("hr.campaigns.skipped", {
                    line: row.line ?? "—",
                    who: row.employee_id ?? row.email ?? "—",
                    reason: row.reason,
                  })}
                </li>
              ))}
            </ul>
          )}
          {preview.people > 0 && !campaign && (
            <button type="button" data-action="run" onClick={() => void run()}>
              {words.t("hr.campaigns.run", { people: preview.people })}
            </button>
          )}
        </div>
      )}
      {campaign && (
        <div class="card" data-campaign={campaign.status}>
          <label for="campaign-progress">{words.t("hr.directory.progress")}</label>
          <progress id="campaign-progress" max={campaign.people} value={campaign.people - campaign.remaining} />
          <p role="status">
            {words.t("hr.campaigns.progress", {
              paid: campaign.paid,
              pending: campaign.pending,
              failed: campaign.failed,
              remaining: campaign.remaining,
            })}
          </p>
          <button type="button" data-action="report" onClick={() => void download()}>
            {words.t("hr.campaigns.report")}
          </button>
          {report && (
            <p class="done">
              <a href={report.url} download={report.file} data-download={report.file}>
                {words.t("hr.reports.csv_ready", { file: report.file })}
              </a>
            </p>
          )}
        </div>
      )}
    </section>
  );
}
