import { useEffect, useState } from "preact/hooks";
import { type ApiProblem, api, problem, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import { Problem } from "../Problem";

type Participation = Schemas["ParticipationReport"];
type Quiet = Schemas["QuietPeopleReport"];

/** The manager's team this month (participation) and its quiet people: two API calls, the reports API's
 * team scope (`manager` = the caller, the only team a manager may read). */
export function Team() {
  const { words, me } = useConsole();
  const [participation, setParticipation] = useState<Participation | null>(null);
  const [quiet, setQuiet] = useState<Quiet | null>(null);
  const [failure, setFailure] = useState<ApiProblem | "network" | null>(null);

  useEffect(() => {
    const report = (name: "participation" | "quiet-people") =>
      api.GET("/v1/reports/{name}", {
        params: { path: { name }, query: { manager: me.id, period: "month" } },
      });
    Promise.all([report("participation"), report("quiet-people")])
      .then(([first, second]) => {
        if (first.data && second.data) {
          setParticipation(first.data as Participation);
          setQuiet(second.data as Quiet);
        } else {
          setFailure(problem(first.error ?? second.error));
        }
      })
      .catch(() => setFailure("network"));
  }, [me.id]);

  const share = (value: string) =>
    new Intl.NumberFormat(words.locale, { style: "percent", maximumFractionDigits: 0 }).format(Number(value));
  const figures = participation?.totals.current;

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{words.t("manager.team.title")}</h1>
      <Problem problem={failure} />
      {!participation && failure === null && <p>{words.t("app.loading")}</p>}
      {figures && (
        <dl class="figures" data-people={figures.people}>
          <div class="card">
            <dt>{words.t("manager.team.people")}</dt>
            <dd class="figure">{words.number(figures.people)}</dd>
          </div>
          <div class="card">
            <dt>{words.t("manager.team.giving")}</dt>
            <dd class="figure">{share(figures.share_giving)}</dd>
            <dd>{words.t("manager.team.of_people", { count: figures.giving })}</dd>
          </div>
          <div class="card">
            <dt>{words.t("manager.team.receiving")}</dt>
            <dd class="figure">{share(figures.share_receiving)}</dd>
            <dd>{words.t("manager.team.of_people", { count: figures.receiving })}</dd>
          </div>
        </dl>
      )}
      {quiet && (
        <>
          <h2>{words.t("manager.team.quiet_title")}</h2>
          <p class="hint">{words.t("manager.team.quiet_hint")}</p>
          {quiet.rows.length === 0 ? (
            <p>{words.t("manager.team.quiet_none")}</p>
          ) : (
            <ul class="feed quiet">
              {quiet.rows.map((row) => (
                <li key={row.group} class="card" data-group={row.group}>
                  <span class="message">{row.label}</span>
                  <span class="when">
                    {row.current.days_since === null || row.current.days_since === undefined
                      ? words.t("manager.team.never")
                      : words.t("manager.team.days_since", { count: row.current.days_since })}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
