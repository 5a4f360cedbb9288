import { api, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import type { MessageKey } from "../../i18n";
import { amount, Choice, EditorButtons, Input, useEditor, whole } from "./fields";
import { ListPage, RowButton, useList } from "./ListPage";

type Season = Schemas["SeasonView"];
type Prize = Schemas["Prize-Input"];
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const BUDGET_ID = /^[a-z0-9][a-z0-9-]{0,47}$/;
const MAX_DAYS = 366;
const MAX_PRIZES = 10;

/** The prizes as typed, one a line: `rank, points, budget` and optionally `, item, denomination`; null if a
 * line would be refused (each line checked as the API checks a prize). */
function prizesOf(text: string): Prize[] | null {
  const prizes: Prize[] = [];
  for (const line of text.split("\n").filter((l) => l.trim())) {
    const [rank = "", points = "", budget = "", item = "", value = "", ...rest] = line.split(",").map((c) => c.trim());
    if (rest.length || !whole(rank, 1, 50) || !whole(points || "0", 0, 1_000_000) || !BUDGET_ID.test(budget)) return null;
    if (Boolean(item) !== Boolean(value) || (value && !amount(value)) || (Number(points || 0) === 0 && !item)) return null;
    prizes.push({
      rank: Number(rank),
      points: Number(points || 0),
      budget_id: budget,
      catalog_item_id: item || null,
      catalog_denomination: value || null,
    });
  }
  const ranks = new Set(prizes.map((p) => p.rank));
  return prizes.length > MAX_PRIZES || ranks.size !== prizes.length ? null : prizes;
}

const BLANK = { name: "", starts: "", ends: "", metric: "received", by: "points", prizes: "" };

/** A season's fields as the form shows them, to edit it. */
function draftOf(season: Season): typeof BLANK {
  return {
    name: season.name,
    starts: season.starts_on,
    ends: season.ends_on,
    metric: season.metric ?? "received",
    by: season.by ?? "points",
    prizes: (season.prizes ?? [])
      .map((p) =>
        [p.rank, p.points ?? 0, p.budget_id, ...(p.catalog_item_id ? [p.catalog_item_id, p.catalog_denomination] : [])].join(", "),
      )
      .join("\n"),
  };
}

const days = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000;

/** Seasons with their status (one call); a new season (board, ranking, prizes), and deleting one before it
 * counts (one call each). */
export function Seasons() {
  const { words } = useConsole();
  const list = useList<Season>(() => api.GET("/v1/seasons"));
  const form = useEditor(BLANK, draftOf, "season-name");
  const { draft: d, editing, edit } = form;

  const remove = (season: Season) =>
    list.remove(
      season,
      () =>
        api.DELETE("/v1/seasons/{season_id}", {
          params: { path: { season_id: season.id }, header: { "if-match": `"${season.version}"` } },
        }),
      words.t("hr.seasons.deleted", { season: season.name }),
    );

  async function create(event: Event) {
    event.preventDefault();
    const prizes = prizesOf(d.prizes);
    const why: MessageKey | null = !d.name.trim()
      ? "hr.seasons.need_name"
      : !DAY.test(d.starts) || !DAY.test(d.ends) || d.ends < d.starts || days(d.starts, d.ends) >= MAX_DAYS
        ? "hr.seasons.bad_days"
        : prizes === null
          ? "hr.seasons.bad_prizes"
          : editing && editing.status !== "scheduled" && (d.starts !== editing.starts_on || d.ends !== editing.ends_on)
            ? "hr.seasons.dates_fixed"
            : null;
    const body = {
      name: d.name.trim(),
      starts_on: d.starts,
      ends_on: d.ends,
      metric: d.metric as Schemas["Side"],
      by: d.by as "points" | "kudos",
      prizes: prizes ?? [],
    };
    const made = await list.keep(
      why && words.t(why),
      () =>
        editing
          ? api.PUT("/v1/seasons/{season_id}", {
              params: { path: { season_id: editing.id }, header: { "if-match": `"${editing.version}"` } },
              body,
            })
          : api.POST("/v1/seasons", { body }),
      (season) =>
        words.t(editing ? "hr.list.saved" : "hr.seasons.created", editing ? { item: season.name } : { season: season.name }),
    );
    if (made) edit(null);
  }

  return (
    <ListPage
      list={list}
      title="hr.seasons.title"
      table="seasons"
      empty="hr.seasons.none"
      columns={["hr.seasons.name", "hr.seasons.days", "hr.seasons.status", "hr.rules.actions"]}
      rowKey="season"
      cells={(season) => (
        <>
          <td>{words.t("hr.seasons.from_to", { from: words.date(season.starts_on), to: words.date(season.ends_on) })}</td>
          <td>{words.t(`hr.seasons.status_${season.status}`)}</td>
          <td class="actions">
            {(season.status === "scheduled" || season.status === "running") && (
              <RowButton label={words.t("hr.list.edit_item", { item: season.name })} onClick={() => edit(season)}>
                {words.t("hr.list.edit")}
              </RowButton>
            )}
            {season.status === "scheduled" && (
              <RowButton label={words.t("hr.seasons.delete_season", { season: season.name })} onClick={() => void remove(season)}>
                {words.t("hr.rules.delete")}
              </RowButton>
            )}
          </td>
        </>
      )}
    >
      <form class="form card" onSubmit={create} noValidate data-form="new-season">
        <h2>{editing ? words.t("hr.list.editing", { item: editing.name }) : words.t("hr.seasons.new")}</h2>
        <Input id="season-name" label="hr.seasons.name" dir="auto" maxLength={120} {...form.text("name")} />
        <Input id="season-starts" label="hr.seasons.starts" type="date" {...form.text("starts")} />
        <Input id="season-ends" label="hr.seasons.ends" type="date" hint="hr.seasons.ends_hint" {...form.text("ends")} />
        <Choice
          id="season-metric"
          label="hr.seasons.metric"
          options={["received", "given"]}
          name={(side) => words.t(`hr.seasons.metric_${side}` as MessageKey)}
          {...form.text("metric")}
        />
        <Choice
          id="season-by"
          label="hr.seasons.by"
          options={["points", "kudos"]}
          name={(by) => words.t(`hr.seasons.by_${by}` as MessageKey)}
          {...form.text("by")}
        />
        <Input id="season-prizes" label="hr.seasons.prizes" hint="hr.seasons.prizes_hint" rows={3} {...form.text("prizes")} />
        <EditorButtons editing={editing !== null} create="hr.seasons.create" cancel={() => edit(null)} />
      </form>
    </ListPage>
  );
}
