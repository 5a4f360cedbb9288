import { useState } from "preact/hooks";
import { api, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import { Problem } from "../Problem";
import { call, succeeded, useLoad } from "./call";

type Season = Schemas["SeasonView"];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Seasons with their status (one call); a new season, and deleting one before it counts (one call each). */
export function Seasons() {
  const { words } = useConsole();
  const { data, setData, failure, setFailure } = useLoad(() => api.GET("/v1/seasons"));
  const seasons = data?.items ?? [];
  const blank = { name: "", starts: "", ends: "", metric: "received" as Schemas["Side"] };
  const [draft, setDraft] = useState(blank);
  const [invalid, setInvalid] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const keep = (items: Season[]) => setData((before) => before && { ...before, items });

  async function remove(season: Season) {
    setDone(null);
    setFailure(null);
    const request = api.DELETE("/v1/seasons/{season_id}", {
      params: { path: { season_id: season.id }, header: { "if-match": `"${season.version}"` } },
    });
    if (!(await succeeded(request, setFailure))) return;
    keep(seasons.filter((s) => s.id !== season.id));
    setDone(words.t("hr.seasons.deleted", { season: season.name }));
  }

  async function create(event: Event) {
    event.preventDefault();
    setDone(null);
    setFailure(null);
    if (!draft.name.trim()) return setInvalid(words.t("hr.seasons.need_name"));
    if (!DAY.test(draft.starts) || !DAY.test(draft.ends) || draft.ends < draft.starts) {
      return setInvalid(words.t("hr.seasons.bad_days"));
    }
    setInvalid(null);
    const made = await call(
      api.POST("/v1/seasons", {
        body: { name: draft.name.trim(), starts_on: draft.starts, ends_on: draft.ends, metric: draft.metric, by: "points" },
      }),
      setFailure,
    );
    if (!made) return;
    keep([...seasons, made]);
    setDone(words.t("hr.seasons.created", { season: made.name }));
    setDraft(blank);
  }

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{words.t("hr.seasons.title")}</h1>
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
      {data && seasons.length === 0 && <p>{words.t("hr.seasons.none")}</p>}
      {data && (
        <div class="card table-scroll" tabIndex={0} role="region" aria-label={words.t("hr.seasons.title")}>
          <table class="board" data-table="seasons">
            <thead>
              <tr>
                <th scope="col">{words.t("hr.seasons.name")}</th>
                <th scope="col">{words.t("hr.seasons.days")}</th>
                <th scope="col">{words.t("hr.seasons.status")}</th>
                <th scope="col">{words.t("hr.rules.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {seasons.map((season) => (
                <tr key={season.id} data-season={season.id}>
                  <th scope="row" dir="auto">
                    {season.name}
                  </th>
                  <td>{words.t("hr.seasons.from_to", { from: words.date(season.starts_on), to: words.date(season.ends_on) })}</td>
                  <td>{words.t(`hr.seasons.status_${season.status}`)}</td>
                  <td>
                    {season.status === "scheduled" && (
                      <button
                        type="button"
                        class="link"
                        aria-label={words.t("hr.seasons.delete_season", { season: season.name })}
                        onClick={() => void remove(season)}
                      >
                        {words.t("hr.rules.delete")}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && (
        <form class="form card" onSubmit={create} noValidate data-form="new-season">
          <h2>{words.t("hr.seasons.new")}</h2>
          <label for="season-name">{words.t("hr.seasons.name")}</label>
          <input
            id="season-name"
            dir="auto"
            maxLength={120}
            value={draft.name}
            onInput={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
          />
          <label for="season-starts">{words.t("hr.seasons.starts")}</label>
          <input
            id="season-starts"
            type="date"
            value={draft.starts}
            onInput={(e) => setDraft({ ...draft, starts: e.currentTarget.value })}
          />
          <label for="season-ends">{words.t("hr.seasons.ends")}</label>
          <input
            id="season-ends"
            type="date"
            value={draft.ends}
            onInput={(e) => setDraft({ ...draft, ends: e.currentTarget.value })}
          />
          <label for="season-metric">{words.t("hr.seasons.metric")}</label>
          <select
            id="season-metric"
            value={draft.metric}
            onChange={(e) => setDraft({ ...draft, metric: e.currentTarget.value as Schemas["Side"] })}
          >
            {(["received", "given"] as const).map((side) => (
              <option key={side} value={side}>
                {words.t(`hr.seasons.metric_${side}`)}
              </option>
            ))}
          </select>
          <button type="submit">{words.t("hr.seasons.create")}</button>
        </form>
      )}
    </section>
  );
}
