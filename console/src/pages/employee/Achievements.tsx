import { useEffect, useState } from "preact/hooks";
import { type ApiProblem, api, problem, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import { Problem } from "../Problem";

/** My tier (from my record: no call), my weekly giving streak and my badges (one call). */
export function Achievements() {
  const { words, me } = useConsole();
  const [badges, setBadges] = useState<Schemas["PersonBadges"] | null>(null);
  const [failure, setFailure] = useState<ApiProblem | "network" | null>(null);

  useEffect(() => {
    api
      .GET("/v1/employees/{employee_id}/badges", { params: { path: { employee_id: me.id } } })
      .then(({ data, error }) => (data ? setBadges(data) : setFailure(problem(error))))
      .catch(() => setFailure("network"));
  }, [me.id]);

  const tier = me.tier;
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{words.t("employee.achievements.title")}</h1>
      <dl class="figures">
        <div class="card" data-tier={tier?.name ?? ""}>
          <dt>{words.t("employee.tier.title")}</dt>
          <dd class="figure" dir="auto">
            {tier?.name ?? words.t("employee.tier.none")}
          </dd>
          {tier && <dd>{words.t("employee.tier.points", { count: tier.points })}</dd>}
          {tier?.next && (
            <dd>
              {words.t("employee.tier.next", { count: tier.next.points_to_go, name: tier.next.name })}
            </dd>
          )}
        </div>
        {badges && (
          <div class="card" data-streak={badges.streak.current}>
            <dt>{words.t("employee.streak.title")}</dt>
            <dd class="figure">{words.t("employee.streak.weeks", { count: badges.streak.current })}</dd>
            <dd>{words.t("employee.streak.longest", { count: badges.streak.longest })}</dd>
          </div>
        )}
      </dl>
      <h2>{words.t("employee.badges.title")}</h2>
      <Problem problem={failure} />
      {badges === null && failure === null && <p>{words.t("app.loading")}</p>}
      {badges?.items.length === 0 && <p>{words.t("employee.badges.none")}</p>}
      <ul class="badges">
        {badges?.items.map((badge) => (
          <li key={`${badge.badge_id}-${badge.window}`} class="card" data-badge={badge.badge_id}>
            <span class="emoji" aria-hidden="true">
              {badge.emoji}
            </span>
            <strong dir="auto">{badge.name}</strong>
            <p class="hint" dir="auto">
              {badge.description}
            </p>
            <p class="hint">
              <time dateTime={badge.earned_at}>
                {words.t("employee.badges.earned", { date: words.dateTime(badge.earned_at) })}
              </time>
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
