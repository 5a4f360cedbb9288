import { useEffect, useState } from "preact/hooks";
import { type ApiProblem, api, problem, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import type { MessageKey } from "../../i18n";
import { Problem } from "../Problem";

const PERIODS = ["week", "month", "quarter", "year", "all"] as const;
type Period = (typeof PERIODS)[number];

/** The leaderboard of points received or given over a period, with my own standing: one call per choice. */
export function Leaderboard() {
  const { words } = useConsole();
  const [metric, setMetric] = useState<Schemas["Side"]>("received");
  const [period, setPeriod] = useState<Period>("month");
  const [board, setBoard] = useState<Schemas["Leaderboard"] | null>(null);
  const [failure, setFailure] = useState<ApiProblem | "network" | null>(null);

  useEffect(() => {
    setBoard(null);
    setFailure(null);
    api
      .GET("/v1/insights/leaderboard", { params: { query: { metric, period } } })
      .then(({ data, error }) => (data ? setBoard(data) : setFailure(problem(error))))
      .catch(() => setFailure("network"));
  }, [metric, period]);

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{words.t("employee.leaderboard.title")}</h1>
      <form class="filters card" onSubmit={(event) => event.preventDefault()}>
        <fieldset>
          <legend>{words.t("employee.leaderboard.metric")}</legend>
          {(["received", "given"] as const).map((side) => (
            <label key={side} class="choice">
              <input
                type="radio"
                name="metric"
                value={side}
                checked={metric === side}
                onChange={() => setMetric(side)}
              />
              {words.t(`employee.leaderboard.${side}`)}
            </label>
          ))}
        </fieldset>
        <label>
          {words.t("employee.leaderboard.period")}
          <select
            id="period"
            value={period}
            onChange={(e) => setPeriod(e.currentTarget.value as Period)}
          >
            {PERIODS.map((name) => (
              <option key={name} value={name}>
                {words.t(`employee.period.${name}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
      </form>
      <Problem problem={failure} />
      {board === null && failure === null && <p>{words.t("app.loading")}</p>}
      {board?.me && (
        <p class="figure-line" data-my-rank={board.me.rank ?? ""}>
          {board.me.rank === null
            ? words.t("employee.leaderboard.me_unranked", { count: board.me.points })
            : words.t("employee.leaderboard.me", { rank: board.me.rank, count: board.me.points })}
        </p>
      )}
      {board?.entries.length === 0 && <p data-empty-board="">{words.t("employee.leaderboard.empty")}</p>}
      {board && board.entries.length > 0 && (
        <div class="table-scroll">
          <table class="board">
            <caption>
              {words.t("employee.leaderboard.caption", {
                period: board.period === "all" ? words.t("employee.period.all") : board.period,
              })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{words.t("employee.leaderboard.rank")}</th>
                <th scope="col">{words.t("employee.leaderboard.person")}</th>
                <th scope="col">{words.t("employee.leaderboard.points")}</th>
                <th scope="col">{words.t("employee.leaderboard.kudos")}</th>
              </tr>
            </thead>
            <tbody>
              {board.entries.map((row) => (
                <tr key={row.employee_id} data-employee={row.employee_id}>
                  <td>{words.number(row.rank)}</td>
                  <td dir="auto">{row.name}</td>
                  <td>{words.number(row.points)}</td>
                  <td>{words.number(row.kudos)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
