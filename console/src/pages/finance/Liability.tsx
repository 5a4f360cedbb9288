import { useEffect, useState } from "preact/hooks";
import { type ApiProblem, problem, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import { Problem } from "../Problem";
import { Scroll } from "./Scroll";
import { thisMonth } from "./report";

/** What the organisation owes in points now, and its cash value in each currency (one API call). */
export function Liability() {
  const { words } = useConsole();
  const [report, setReport] = useState<Schemas["LiabilityReport"] | null>(null);
  const [failure, setFailure] = useState<ApiProblem | "network" | null>(null);

  useEffect(() => {
    thisMonth("liability")
      .then(({ data, error }) => (data ? setReport(data) : setFailure(problem(error))))
      .catch(() => setFailure("network"));
  }, []);

  const totals = report?.totals.current;
  const before = report?.totals.previous;
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{words.t("finance.liability.title")}</h1>
      <Problem problem={failure} />
      {!report && failure === null && <p>{words.t("app.loading")}</p>}
      {totals && (
        <dl class="figures">
          <div class="card">
            <dt>{words.t("finance.liability.outstanding")}</dt>
            <dd class="figure" data-outstanding={totals.points_outstanding}>
              {words.t("finance.points", { count: totals.points_outstanding })}
            </dd>
            {before && (
              <dd>{words.t("finance.before", { value: words.number(before.points_outstanding) })}</dd>
            )}
          </div>
          <div class="card">
            <dt>{words.t("finance.liability.held")}</dt>
            <dd class="figure">{words.t("finance.points", { count: totals.points_held })}</dd>
            {before && <dd>{words.t("finance.before", { value: words.number(before.points_held) })}</dd>}
          </div>
        </dl>
      )}
      {report && report.rows.length > 0 && (
        <Scroll label={words.t("finance.liability.by_currency")}>
          <table class="board">
            <caption>{words.t("finance.liability.by_currency")}</caption>
            <thead>
              <tr>
                <th scope="col">{words.t("finance.currency")}</th>
                <th scope="col">{words.t("finance.liability.point_value")}</th>
                <th scope="col">{words.t("finance.liability.outstanding")}</th>
                <th scope="col">{words.t("finance.liability.held")}</th>
              </tr>
            </thead>
            <tbody>
              {report.rows.map(({ group, label, current }) => {
                const money = (amount: string | null | undefined) =>
                  amount && current.currency ? words.money(amount, current.currency) : "—";
                return (
                  <tr key={group} data-group={group}>
                    <th scope="row">{label}</th>
                    <td>{money(current.point_value)}</td>
                    <td>{money(current.value_outstanding)}</td>
                    <td>{money(current.value_held)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </Scroll>
      )}
    </section>
  );
}
