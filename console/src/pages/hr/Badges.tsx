import { useState } from "preact/hooks";
import { api, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import { Problem } from "../Problem";
import { call, succeeded, useLoad } from "./call";

type Badge = Schemas["Badge"];
type Metric = Schemas["Metric"];
const METRICS: readonly Metric[] = ["kudos_received", "kudos_given", "points_received", "points_given"];
const WINDOWS = ["week", "month", "quarter", "year", "all"] as const;

/** Badge definitions (one call); a new badge (the first kudos, or a count reached) and deleting one. */
export function Badges() {
  const { words } = useConsole();
  const { data, setData, failure, setFailure } = useLoad(() =>
    api.GET("/v1/badges", { params: { query: { limit: 100 } } }),
  );
  const badges = data?.items ?? [];
  const blank = {
    name: "",
    emoji: "",
    description: "",
    kind: "count" as "count" | "first",
    metric: "kudos_received" as Metric,
    window: "all" as (typeof WINDOWS)[number],
    atLeast: "",
    side: "received" as Schemas["Side"],
  };
  const [draft, setDraft] = useState(blank);
  const [invalid, setInvalid] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const keep = (items: Badge[]) => setData((before) => before && { ...before, items });

  async function remove(badge: Badge) {
    setDone(null);
    setFailure(null);
    const request = api.DELETE("/v1/badges/{badge_id}", {
      params: { path: { badge_id: badge.id }, header: { "if-match": `"${badge.version ?? 1}"` } },
    });
    if (!(await succeeded(request, setFailure))) return;
    keep(badges.filter((b) => b.id !== badge.id));
    setDone(words.t("hr.badges.deleted", { badge: badge.name }));
  }

  async function create(event: Event) {
    event.preventDefault();
    setDone(null);
    setFailure(null);
    if (!draft.name.trim() || !draft.emoji.trim()) return setInvalid(words.t("hr.badges.need_name"));
    if (draft.kind === "count" && !/^[1-9]\d{0,5}$/.test(draft.atLeast.trim())) {
      return setInvalid(words.t("hr.badges.bad_count"));
    }
    setInvalid(null);
    const criteria: Schemas["BadgeSpec"]["criteria"] =
      draft.kind === "first"
        ? { kind: "first", side: draft.side }
        : { kind: "count", metric: draft.metric, window: draft.window, at_least: Number(draft.atLeast), per_window: false };
    const made = await call(
      api.POST("/v1/badges", {
        body: { name: draft.name.trim(), emoji: draft.emoji.trim(), description: draft.description.trim(), criteria, public: true },
      }),
      setFailure,
    );
    if (!made) return;
    keep([...badges, made]);
    setDone(words.t("hr.badges.created", { badge: made.name }));
    setDraft(blank);
  }

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{words.t("hr.badges.title")}</h1>
      <Problem problem={failure} />
      {invalid && (
        <p class="problem" role="alert">
          {invalid}
        </p>
      )}
      {done && (
        <p class="done" role="status">
          {done}
        </p>
      )}
      {!data && failure === null && <p>{words.t("app.loading")}</p>}
      {data && (
        <div class="card table-scroll" tabIndex={0} role="region" aria-label={words.t("hr.badges.title")}>
          <table class="board" data-table="badges">
            <thead>
              <tr>
                <th scope="col">{words.t("hr.badges.name")}</th>
                <th scope="col">{words.t("hr.badges.criterion")}</th>
                <th scope="col">{words.t("hr.rules.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {badges.map((badge) => (
                <tr key={badge.id} data-badge={badge.id}>
                  <th scope="row" dir="auto">
                    {`:${badge.emoji}: ${badge.name}`}
                  </th>
                  <td>{words.t(`hr.badges.kind_${badge.criteria.kind}`)}</td>
                  <td>
                    <button
                      type="button"
                      class="link"
                      aria-label={words.t("hr.badges.delete_badge", { badge: badge.name })}
                      onClick={() => void remove(badge)}
                    >
                      {words.t("hr.rules.delete")}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && (
        <form class="form card" onSubmit={create} noValidate data-form="new-badge">
          <h2>{words.t("hr.badges.new")}</h2>
          <label for="badge-name">{words.t("hr.badges.name")}</label>
          <input
            id="badge-name"
            dir="auto"
            value={draft.name}
            onInput={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
          />
          <label for="badge-emoji">{words.t("hr.badges.emoji")}</label>
          <input
            id="badge-emoji"
            dir="ltr"
            value={draft.emoji}
            onInput={(e) => setDraft({ ...draft, emoji: e.currentTarget.value })}
          />
          <label for="badge-description">{words.t("hr.badges.description")}</label>
          <input
            id="badge-description"
            dir="auto"
            value={draft.description}
            onInput={(e) => setDraft({ ...draft, description: e.currentTarget.value })}
          />
          <label for="badge-kind">{words.t("hr.badges.criterion")}</label>
          <select
            id="badge-kind"
            value={draft.kind}
            onChange={(e) => setDraft({ ...draft, kind: e.currentTarget.value as "count" | "first" })}
          >
            <option value="count">{words.t("hr.badges.kind_count")}</option>
            <option value="first">{words.t("hr.badges.kind_first")}</option>
          </select>
          {draft.kind === "first" ? (
            <>
              <label for="badge-side">{words.t("hr.badges.side")}</label>
              <select
                id="badge-side"
                value={draft.side}
                onChange={(e) => setDraft({ ...draft, side: e.currentTarget.value as Schemas["Side"] })}
              >
                {(["received", "given"] as const).map((side) => (
                  <option key={side} value={side}>
                    {words.t(`hr.seasons.metric_${side}`)}
                  </option>
                ))}
              </select>
            </>
          ) : (
            <>
              <label for="badge-metric">{words.t("hr.badges.metric")}</label>
              <select
                id="badge-metric"
                value={draft.metric}
                onChange={(e) => setDraft({ ...draft, metric: e.currentTarget.value as Metric })}
              >
                {METRICS.map((metric) => (
                  <option key={metric} value={metric}>
                    {words.t(`hr.badges.metric_${metric}`)}
                  </option>
                ))}
              </select>
              <label for="badge-window">{words.t("hr.badges.window")}</label>
              <select
                id="badge-window"
                value={draft.window}
                onChange={(e) => setDraft({ ...draft, window: e.currentTarget.value as (typeof WINDOWS)[number] })}
              >
                {WINDOWS.map((window) => (
                  <option key={window} value={window}>
                    {words.t(`hr.period.${window}`)}
                  </option>
                ))}
              </select>
              <label for="badge-count">{words.t("hr.badges.at_least")}</label>
              <input
                id="badge-count"
                inputMode="numeric"
                value={draft.atLeast}
                onInput={(e) => setDraft({ ...draft, atLeast: e.currentTarget.value })}
              />
            </>
          )}
          <button type="submit">{words.t("hr.badges.create")}</button>
        </form>
      )}
    </section>
  );
}
