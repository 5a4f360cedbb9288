import { useEffect, useState } from "preact/hooks";
import { api, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import { Problem } from "../Problem";
import { BarChart } from "./BarChart";
import { call, type Failure, percent, periodLabel } from "./call";

type Span = "week" | "month" | "quarter";
const SPANS: readonly Span[] = ["week", "month", "quarter"];
const rate = (value: string | null | undefined) => (value == null ? null : Number(value));

/** The HR dashboard: the organisation's trend over six periods and its budgets' burn. Two API calls (the
 * dashboard report and the budgets report), both reading counters only. */
export function Dashboard() {
  const { words } = useConsole();
  const [span, setSpan] = useState<Span>("month");
  const [trend, setTrend] = useState<Schemas["DashboardReport"] | null>(null);
  const [budgets, setBudgets] = useState<Schemas["BudgetsReport"] | null>(null);
  const [failure, setFailure] = useState<Failure>(null);

  useEffect(() => {
    setFailure(null);
    const report = (name: "dashboard" | "budgets") =>
      api.GET("/v1/reports/{name}", { params: { path: { name }, query: { period: span } } });
    void call(report("dashboard"), setFailure).then((data) => setTrend(data as Schemas["DashboardReport"]));
    void call(report("budgets"), setFailure).then((data) => setBudgets(data as Schemas["BudgetsReport"]));
  }, [span]);

  const rows = trend?.rows ?? [];
  const periods = rows.map((row) => periodLabel(words, row.group));
  const share = (value: number) => percent(words, value);
  const points = (value: number) => words.number(value);
  const now = trend?.totals.current;

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{words.t("hr.dashboard.title")}</h1>
      <label class="inline" for="span">
        {words.t("hr.dashboard.span")}
      </label>
      <select id="span" value={span} onChange={(e) => setSpan(e.currentTarget.value as Span)}>
        {SPANS.map((choice) => (
          <option key={choice} value={choice}>
            {words.t(`hr.period.${choice}`)}
          </option>
        ))}
      </select>
      <Problem problem={failure} />
      {!trend && failure === null && <p>{words.t("app.loading")}</p>}
      {now && (
        <dl class="figures" data-figures="dashboard">
          <div class="card">
            <dt>{words.t("hr.dashboard.participation")}</dt>
            <dd class="figure">{share(Number(now.share_giving))}</dd>
            <dd>{words.t("hr.dashboard.giving_of", { giving: now.giving, people: now.people })}</dd>
          </div>
          <div class="card">
            <dt>{words.t("hr.dashboard.points_given")}</dt>
            <dd class="figure">{points(now.points_given)}</dd>
          </div>
          <div class="card">
            <dt>{words.t("hr.dashboard.redemption_rate")}</dt>
            <dd class="figure">
              {now.redemption_rate == null ? words.t("hr.chart.none") : share(Number(now.redemption_rate))}
            </dd>
          </div>
        </dl>
      )}
      {trend && (
        <>
          <BarChart
            id="participation"
            title={words.t("hr.dashboard.participation_trend")}
            categories={periods}
            series={[
              { name: words.t("hr.dashboard.share_giving"), values: rows.map((r) => rate(r.current.share_giving)) },
              {
                name: words.t("hr.dashboard.share_receiving"),
                values: rows.map((r) => rate(r.current.share_receiving)),
              },
            ]}
            format={share}
          />
          <BarChart
            id="points"
            title={words.t("hr.dashboard.points_trend")}
            categories={periods}
            series={[
              { name: words.t("hr.dashboard.points_given"), values: rows.map((r) => r.current.points_given) },
              { name: words.t("hr.dashboard.points_received"), values: rows.map((r) => r.current.points_received) },
            ]}
            format={points}
          />
          <BarChart
            id="redemption"
            title={words.t("hr.dashboard.redemption_trend")}
            categories={periods}
            series={[
              { name: words.t("hr.dashboard.redemption_rate"), values: rows.map((r) => rate(r.current.redemption_rate)) },
            ]}
            format={share}
          />
          <BarChart
            id="burn"
            title={words.t("hr.dashboard.burn_trend")}
            categories={periods}
            series={[{ name: words.t("hr.dashboard.budget_spent"), values: rows.map((r) => r.current.budget_spent) }]}
            format={points}
          />
        </>
      )}
      {budgets && (
        <div class="card table-scroll" tabIndex={0} role="region" aria-label={words.t("hr.dashboard.budgets")}>
          <table class="board" data-table="budgets">
            <caption>{words.t("hr.dashboard.budgets")}</caption>
            <thead>
              <tr>
                <th scope="col">{words.t("hr.dashboard.budget")}</th>
                <th scope="col">{words.t("hr.dashboard.spent")}</th>
                <th scope="col">{words.t("hr.dashboard.remaining")}</th>
                <th scope="col">{words.t("hr.dashboard.runs_out")}</th>
              </tr>
            </thead>
            <tbody>
              {budgets.rows.map((row) => (
                <tr key={row.group}>
                  <th scope="row" dir="auto">
                    {row.label}
                  </th>
                  <td>{points(row.current.spent)}</td>
                  <td>{row.current.remaining == null ? words.t("hr.chart.none") : points(row.current.remaining)}</td>
                  <td>
                    {row.current.runs_out_in
                      ? periodLabel(words, row.current.runs_out_in)
                      : words.t("hr.dashboard.never")}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
