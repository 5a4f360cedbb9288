import { useState } from "preact/hooks";
import { api, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import type { MessageKey } from "../../i18n";
import { amount, Choice, EditorButtons, Input, useEditor, whole } from "./fields";
import { ListPage, RowButton, useList } from "./ListPage";
import { BudgetPick, ItemPick, useBudgets, useGivableItems } from "./pickers";

type Season = Schemas["SeasonView"];
type Prize = Schemas["Prize-Input"];
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_DAYS = 366;
const MAX_PRIZES = 10;

/** A prize as the form holds it: the place, the points, the budget and item picked, the item's value. */
const NO_PRIZE = { rank: "", points: "", budget: "", item: "", denomination: "" };
type PrizeDraft = typeof NO_PRIZE;

/** The prizes as the API takes them; null if one would be refused (each checked as the API checks a prize). */
function prizesOf(drafts: PrizeDraft[]): Prize[] | null {
  const prizes: Prize[] = [];
  for (const { rank, points, budget, item, denomination: value } of drafts) {
    if (!whole(rank, 1, 50) || !whole(points.trim() || "0", 0, 1_000_000) || !budget) return null;
    if (Boolean(item) !== Boolean(value.trim()) || (value.trim() && !amount(value)) || (Number(points || 0) === 0 && !item))
      return null;
    prizes.push({
      rank: Number(rank),
      points: Number(points || 0),
      budget_id: budget,
      catalog_item_id: item || null,
      catalog_denomination: value.trim() || null,
    });
  }
  const ranks = new Set(prizes.map((p) => p.rank));
  return prizes.length > MAX_PRIZES || ranks.size !== prizes.length ? null : prizes;
}

/** A season's prizes as the form shows them, to edit it. */
const prizeDrafts = (season: Season): PrizeDraft[] =>
  (season.prizes ?? []).map((p) => ({
    rank: String(p.rank),
    points: String(p.points ?? 0),
    budget: p.budget_id,
    item: p.catalog_item_id ?? "",
    denomination: p.catalog_denomination == null ? "" : String(p.catalog_denomination),
  }));

const BLANK = { name: "", starts: "", ends: "", metric: "received", by: "points" };

/** A season's fields as the form shows them, to edit it. */
function draftOf(season: Season): typeof BLANK {
  return {
    name: season.name,
    starts: season.starts_on,
    ends: season.ends_on,
    metric: season.metric ?? "received",
    by: season.by ?? "points",
  };
}

const days = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000;

/** Seasons with their status, and the budgets and catalogue items prizes are picked from (one call each, more
 * only past a page); a new season (board, ranking, prizes), and deleting one before it counts (one call each). */
export function Seasons() {
  const { words } = useConsole();
  const list = useList<Season>(() => api.GET("/v1/seasons"));
  const form = useEditor(BLANK, draftOf, "season-name");
  const { draft: d, editing } = form;
  const budgets = useBudgets();
  const items = useGivableItems();
  const [prizes, setPrizes] = useState<PrizeDraft[]>([]);
  const edit = (season: Season | null) => {
    form.edit(season);
    setPrizes(season ? prizeDrafts(season) : []);
  };
  const prize = (index: number, name: keyof PrizeDraft) => ({
    value: prizes[index]?.[name] ?? "",
    set: (value: string) => setPrizes((before) => before.map((p, i) => (i === index ? { ...p, [name]: value } : p))),
  });
  const addPrize = () =>
    setPrizes((before) => {
      const taken = new Set(before.map((p) => Number(p.rank)));
      const rank = [...Array(MAX_PRIZES + 1).keys()].find((r) => r > 0 && !taken.has(r)) ?? before.length + 1;
      return [...before, { ...NO_PRIZE, rank: String(rank) }];
    });

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
    const sent = prizesOf(prizes);
    const why: MessageKey | null = !d.name.trim()
      ? "hr.seasons.need_name"
      : !DAY.test(d.starts) || !DAY.test(d.ends) || d.ends < d.starts || days(d.starts, d.ends) >= MAX_DAYS
        ? "hr.seasons.bad_days"
        : sent === null
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
      prizes: sent ?? [],
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
        <fieldset data-prizes>
          <legend>{words.t("hr.seasons.prizes")}</legend>
          {prizes.map((_, index) => (
            <fieldset key={index} data-prize={index}>
              <legend>{words.t("hr.seasons.prize", { number: index + 1 })}</legend>
              <Input id={`prize-${index}-rank`} label="hr.seasons.rank" numeric {...prize(index, "rank")} />
              <Input id={`prize-${index}-points`} label="hr.rules.points" numeric {...prize(index, "points")} />
              <BudgetPick
                id={`prize-${index}-budget`}
                label="hr.seasons.budget"
                blank="hr.pick.choose"
                budgets={budgets}
                {...prize(index, "budget")}
              />
              <ItemPick
                id={`prize-${index}`}
                label="hr.rules.item"
                items={items}
                item={prize(index, "item")}
                denomination={prize(index, "denomination")}
              />
              <button
                type="button"
                class="link"
                data-action="remove-prize"
                onClick={() => setPrizes((before) => before.filter((_, i) => i !== index))}
              >
                {words.t("hr.seasons.remove_prize", { number: index + 1 })}
              </button>
            </fieldset>
          ))}
          {prizes.length < MAX_PRIZES && (
            <button type="button" class="link" data-action="add-prize" onClick={addPrize}>
              {words.t("hr.seasons.add_prize")}
            </button>
          )}
        </fieldset>
        <EditorButtons editing={editing !== null} create="hr.seasons.create" cancel={() => edit(null)} />
      </form>
    </ListPage>
  );
}
