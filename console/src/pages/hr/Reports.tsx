import { useEffect, useState } from "preact/hooks";
import { api } from "../../api/client";
import { useConsole } from "../../context";
import type { MessageKey, Words } from "../../i18n";
import english from "../../i18n/messages/hr/en.json";
import { Problem } from "../Problem";
import { call, type Failure, periodLabel } from "./call";

// Every report GET /v1/reports/{name} serves (its summary lists them), and the periods it reads.
const REPORTS = [
  "dashboard",
  "participation",
  "recognition",
  "allowance",
  "milestones",
  "quiet-people",
  "rewards",
  "budgets",
  "liability",
  "vouchers",
  "taxable-rewards",
] as const;
type ReportName = (typeof REPORTS)[number];
const PERIODS = ["week", "month", "quarter", "year", "all"] as const;
type Period = (typeof PERIODS)[number];

type Figures = Record<string, string | number | null>;
interface Row {
  group: string;
  label: string;
  current: Figures;
}
interface AnyReport {
  period: string;
  totals: Row;
  rows: Row[];
  next_cursor?: string | null; // a paged report's (participation's groups)
}

/** A figure's value as people read it: numbers (and decimal strings) in their language, the rest as it is. */
function shown(words: Words, value: string | number | null | undefined): string {
  if (value === null || value === undefined) return words.t("hr.chart.none");
  if (typeof value === "number") return words.number(value);
  return /^-?\d+(\.\d+)?$/.test(value) ? words.number(Number(value)) : value;
}

/** Every report in a table, one API call per choice (and one per "more" of a paged report's groups); the
 * same report as CSV on demand (one more). */
export function Reports() {
  const { words } = useConsole();
  const [name, setName] = useState<ReportName>("participation");
  const [period, setPeriod] = useState<Period>("month");
  const [report, setReport] = useState<AnyReport | null>(null);
  const [failure, setFailure] = useState<Failure>(null);
  const [download, setDownload] = useState<{ url: string; file: string } | null>(null);
  const query = { params: { path: { name }, query: { period } } };

  useEffect(() => {
    setReport(null);
    setFailure(null);
    setDownload(null);
    void call(api.GET("/v1/reports/{name}", query), setFailure).then((data) =>
      setReport(data as unknown as AnyReport | null),
    );
  }, [name, period]);

  /** The next page of groups, after the rows shown. */
  async function more(cursor: string) {
    setFailure(null);
    const page = { params: { path: { name }, query: { period, cursor } } };
    const data = (await call(api.GET("/v1/reports/{name}", page), setFailure)) as unknown as AnyReport | null;
    if (data) setReport((shown) => shown && { ...data, rows: [...shown.rows, ...data.rows] });
  }

  async function csv() {
    setFailure(null);
    const text = await call(
      api.GET("/v1/reports/{name}", { ...query, headers: { accept: "text/csv" }, parseAs: "text" }),
      setFailure,
    );
    if (text === null) return;
    if (download) URL.revokeObjectURL(download.url);
    const file = `${name}-${report?.period ?? period}.csv`;
    const url = URL.createObjectURL(new Blob([text as string], { type: "text/csv" }));
    setDownload({ url, file });
    const link = document.createElement("a");
    link.href = url;
    link.download = file;
    link.click();
  }

  const figures = report ? Object.keys(report.totals.current) : [];
  // a figure a newer API adds before the console names it is shown by its id
  const label = (figure: string) => {
    const key = `hr.figure.${figure}`;
    return key in english ? words.t(key as MessageKey) : figure;
  };

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{words.t("hr.reports.title")}</h1>
      <div class="form card">
        <label for="report">{words.t("hr.reports.report")}</label>
        <select id="report" value={name} onChange={(e) => setName(e.currentTarget.value as ReportName)}>
          {REPORTS.map((choice) => (
            <option key={choice} value={choice}>
              {words.t(`hr.report.${choice}`)}
            </option>
          ))}
        </select>
        <label for="period">{words.t("hr.reports.period")}</label>
        <select id="period" value={period} onChange={(e) => setPeriod(e.currentTarget.value as Period)}>
          {PERIODS.map((choice) => (
            <option key={choice} value={choice}>
              {words.t(`hr.period.${choice}`)}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => void csv()} disabled={!report}>
          {words.t("hr.reports.csv")}
        </button>
        {download && (
          <p class="done" role="status">
            <a href={download.url} download={download.file} data-download={download.file}>
              {words.t("hr.reports.csv_ready", { file: download.file })}
            </a>
          </p>
        )}
      </div>
      <Problem problem={failure} />
      {!report && failure === null && <p>{words.t("app.loading")}</p>}
      {report && (
        <div class="card table-scroll" tabIndex={0} role="region" aria-label={words.t(`hr.report.${name}`)}>
          <table class="board" data-report={name}>
            <caption>
              {words.t("hr.reports.caption", {
                report: words.t(`hr.report.${name}`),
                period: periodLabel(words, report.period),
              })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{words.t("hr.reports.group")}</th>
                {figures.map((figure) => (
                  <th key={figure} scope="col">
                    {label(figure)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {[report.totals, ...report.rows].map((row, index) => (
                <tr key={`${index}-${row.group}`} class={index === 0 ? "totals" : undefined}>
                  <th scope="row" dir="auto">
                    {index === 0 ? words.t("hr.reports.totals") : row.label}
                  </th>
                  {figures.map((figure) => (
                    <td key={figure}>{shown(words, row.current[figure])}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {report?.next_cursor && (
        <button type="button" data-more-groups onClick={() => void more(report.next_cursor as string)}>
          {words.t("hr.reports.more")}
        </button>
      )}
    </section>
  );
}
