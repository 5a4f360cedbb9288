import { useEffect, useState } from "preact/hooks";
import { type ApiProblem, problem, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import { Problem } from "../Problem";
import { Scroll } from "./Scroll";
import { thisMonth } from "./report";

/** Rewards this month: requests, deliveries, the redemption rate and the money spent in each currency (one
 * API call: the rewards report by currency). */
export function Spend() {
  const { words } = useConsole();
  const [report, setReport] = useState<Schemas["RewardsReport"] | null>(null);
  const [failure, setFailure] = useState<ApiProblem | "network" | null>(null);

  useEffect(() => {
    thisMonth("rewards", "currency")
      .then(({ data, error }) => (data ? setReport(data) : setFailure(problem(error))))
      .catch(() => setFailure("network"));
  }, []);

  const totals = report?.totals.current;
  const count = (value: number | null | undefined) => words.number(value ?? 0);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{words.t("finance.spend.title")}</h1>
      <Problem problem={failure} />
      {!report && failure === null && <p>{words.t("app.loading")}</p>}
      {totals && (
        <dl class="figures">
          <div class="card">
            <dt>{words.t("finance.spend.requested")}</dt>
            <dd class="figure" data-requested={totals.redemptions_requested ?? 0}>
              {count(totals.redemptions_requested)}
            </dd>
          </div>
          <div class="card">
            <dt>{words.t("finance.spend.delivered")}</dt>
            <dd class="figure">{count(totals.redemptions_delivered)}</dd>
          </div>
          <div class="card">
            <dt>{words.t("finance.spend.returned")}</dt>
            <dd class="figure">{count(totals.redemptions_returned)}</dd>
          </div>
          <div class="card">
            <dt>{words.t("finance.spend.rate")}</dt>
            <dd class="figure">
              {totals.redemption_rate
                ? new Intl.NumberFormat(words.locale, { style: "percent", maximumFractionDigits: 1 }).format(
                    Number(totals.redemption_rate),
                  )
                : "—"}
            </dd>
          </div>
        </dl>
      )}
      {report && (
        <Scroll label={words.t("finance.spend.by_currency")}>
          <table class="board">
            <caption>{words.t("finance.spend.by_currency")}</caption>
            <thead>
              <tr>
                <th scope="col">{words.t("finance.currency")}</th>
                <th scope="col">{words.t("finance.spend.money")}</th>
                <th scope="col">{words.t("finance.spend.delivered")}</th>
              </tr>
            </thead>
            <tbody>
              {report.rows.length === 0 && (
                <tr>
                  <td colSpan={3}>{words.t("finance.spend.none")}</td>
                </tr>
              )}
              {report.rows.map(({ group, label, current }) => (
                <tr key={group} data-group={group}>
                  <th scope="row">{label}</th>
                  <td>{current.spend && current.currency ? words.money(current.spend, current.currency) : "—"}</td>
                  <td>{count(current.redemptions_delivered)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
    </section>
  );
}
