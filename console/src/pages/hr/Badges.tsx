import { api, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import type { MessageKey } from "../../i18n";
import { Check, Choice, EditorButtons, Input, orNull, useEditor, whole } from "./fields";
import { ListPage, RowButton, useList } from "./ListPage";

type Badge = Schemas["Badge"];
type Kind = Schemas["BadgeSpec"]["criteria"]["kind"];
const KINDS: readonly Kind[] = ["count", "first", "streak", "milestone", "season_placement"];
const METRICS: readonly Schemas["Metric"][] = ["kudos_received", "kudos_given", "points_received", "points_given"];
const WINDOWS = ["week", "month", "quarter", "year", "all"] as const;
const RULE_TYPES: readonly Schemas["RuleType"][] = ["work_anniversary", "birthday", "days_after_start", "hris_event"];
const SLUG = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const EMOJI = /^[a-z0-9_+'-]{1,100}$/;

const BLANK = {
  name: "",
  emoji: "",
  description: "",
  public: true,
  kind: "count",
  metric: "kudos_received",
  value: "",
  window: "all",
  atLeast: "",
  perWindow: false,
  side: "received",
  weeks: "",
  ruleType: "work_anniversary",
  years: "",
  top: "",
  season: "",
};
type Draft = typeof BLANK;

const text = (value: unknown) => (value == null ? "" : String(value));

/** A badge's fields as the form shows them, to edit it. */
function draftOf(badge: Badge): Draft {
  const c = badge.criteria as Record<string, unknown>;
  return {
    ...BLANK,
    name: badge.name,
    emoji: badge.emoji,
    description: badge.description ?? "",
    public: badge.public !== false,
    kind: badge.criteria.kind,
    metric: text(c.metric) || BLANK.metric,
    value: text(c.value),
    window: text(c.window) || BLANK.window,
    atLeast: text(c.at_least),
    perWindow: c.per_window === true,
    side: text(c.side) || BLANK.side,
    weeks: text(c.weeks),
    ruleType: text(c.rule_type) || BLANK.ruleType,
    years: text(c.years),
    top: text(c.top),
    season: text(c.season_id),
  };
}

/** Why the API would refuse the draft (a message key), or null. */
function wrong(d: Draft): MessageKey | null {
  if (!d.name.trim() || d.name.length > 80 || !EMOJI.test(d.emoji.trim())) return "hr.badges.need_name";
  if (d.kind === "count") {
    if (!whole(d.atLeast, 1, 1_000_000)) return "hr.badges.bad_count";
    if (d.value.trim() && !SLUG.test(d.value.trim())) return "hr.badges.bad_value";
    if (d.perWindow && d.window === "all") return "hr.badges.per_window_all";
  }
  if (d.kind === "streak" && !whole(d.weeks, 2, 520)) return "hr.badges.bad_weeks";
  if (d.kind === "milestone" && d.years.trim() && (d.ruleType !== "work_anniversary" || !whole(d.years, 1, 100)))
    return "hr.badges.bad_years";
  if (d.kind === "season_placement" && !whole(d.top, 1, 50)) return "hr.badges.bad_top";
  return null;
}

function criteriaOf(d: Draft): Schemas["BadgeSpec"]["criteria"] {
  switch (d.kind as Kind) {
    case "first":
      return { kind: "first", side: d.side as Schemas["Side"] };
    case "streak":
      return { kind: "streak", weeks: Number(d.weeks) };
    case "milestone":
      return {
        kind: "milestone",
        rule_type: d.ruleType as Schemas["RuleType"],
        years: d.years.trim() ? Number(d.years) : null,
      };
    case "season_placement":
      return { kind: "season_placement", top: Number(d.top), season_id: orNull(d.season) };
    default:
      return {
        kind: "count",
        metric: d.metric as Schemas["Metric"],
        value: orNull(d.value),
        window: d.window as (typeof WINDOWS)[number],
        at_least: Number(d.atLeast),
        per_window: d.perWindow,
      };
  }
}

/** Badge definitions (one call, then a page more at a time); a new badge of any criterion, and deleting one. */
export function Badges() {
  const { words } = useConsole();
  const list = useList<Badge>((cursor) => api.GET("/v1/badges", { params: { query: { limit: 100, cursor } } }));
  const form = useEditor(BLANK, draftOf, "badge-name");
  const { draft: d, editing, edit } = form;

  const remove = (badge: Badge) =>
    list.remove(
      badge,
      () =>
        api.DELETE("/v1/badges/{badge_id}", {
          params: { path: { badge_id: badge.id }, header: { "if-match": `"${badge.version ?? 1}"` } },
        }),
      words.t("hr.badges.deleted", { badge: badge.name }),
    );

  async function create(event: Event) {
    event.preventDefault();
    const why = wrong(d);
    const body = {
      name: d.name.trim(),
      emoji: d.emoji.trim(),
      description: d.description.trim(),
      criteria: criteriaOf(d),
      public: d.public,
    };
    const made = await list.keep(
      why && words.t(why),
      () =>
        editing
          ? api.PUT("/v1/badges/{badge_id}", {
              params: { path: { badge_id: editing.id }, header: { "if-match": `"${editing.version ?? 1}"` } },
              body,
            })
          : api.POST("/v1/badges", { body }),
      (badge) => words.t(editing ? "hr.list.saved" : "hr.badges.created", editing ? { item: badge.name } : { badge: badge.name }),
    );
    if (made) edit(null);
  }

  const name = (prefix: string) => (option: string) => words.t(`${prefix}${option}` as MessageKey);
  return (
    <ListPage
      list={list}
      title="hr.badges.title"
      table="badges"
      columns={["hr.badges.name", "hr.badges.criterion", "hr.rules.actions"]}
      rowKey="badge"
      name={(badge) => `:${badge.emoji}: ${badge.name}`}
      cells={(badge) => (
        <>
          <td>{words.t(`hr.badges.kind_${badge.criteria.kind}`)}</td>
          <td class="actions">
            <RowButton label={words.t("hr.list.edit_item", { item: badge.name })} onClick={() => edit(badge)}>
              {words.t("hr.list.edit")}
            </RowButton>
            <RowButton label={words.t("hr.badges.delete_badge", { badge: badge.name })} onClick={() => void remove(badge)}>
              {words.t("hr.rules.delete")}
            </RowButton>
          </td>
        </>
      )}
    >
      <form class="form card" onSubmit={create} noValidate data-form="new-badge">
        <h2>{editing ? words.t("hr.list.editing", { item: editing.name }) : words.t("hr.badges.new")}</h2>
        <Input id="badge-name" label="hr.badges.name" dir="auto" maxLength={80} {...form.text("name")} />
        <Input id="badge-emoji" label="hr.badges.emoji" {...form.text("emoji")} />
        <Input id="badge-description" label="hr.badges.description" dir="auto" maxLength={300} {...form.text("description")} />
        <Check id="badge-public" label="hr.badges.public" {...form.check("public")} />
        <Choice id="badge-kind" label="hr.badges.criterion" options={KINDS} name={name("hr.badges.kind_")} {...form.text("kind")} />
        {d.kind === "count" && (
          <>
            <Choice id="badge-metric" label="hr.badges.metric" options={METRICS} name={name("hr.badges.metric_")} {...form.text("metric")} />
            <Input id="badge-value" label="hr.badges.value" hint="hr.badges.value_hint" {...form.text("value")} />
            <Choice id="badge-window" label="hr.badges.window" options={WINDOWS} name={name("hr.period.")} {...form.text("window")} />
            <Input id="badge-count" label="hr.badges.at_least" numeric {...form.text("atLeast")} />
            <Check id="badge-per-window" label="hr.badges.per_window" {...form.check("perWindow")} />
          </>
        )}
        {d.kind === "first" && (
          <Choice
            id="badge-side"
            label="hr.badges.side"
            options={["received", "given"]}
            name={name("hr.seasons.metric_")}
            {...form.text("side")}
          />
        )}
        {d.kind === "streak" && <Input id="badge-weeks" label="hr.badges.weeks" numeric {...form.text("weeks")} />}
        {d.kind === "milestone" && (
          <>
            <Choice id="badge-rule-type" label="hr.rules.type" options={RULE_TYPES} name={name("hr.rules.type_")} {...form.text("ruleType")} />
            {d.ruleType === "work_anniversary" && (
              <Input id="badge-years" label="hr.badges.years" hint="hr.badges.years_hint" numeric {...form.text("years")} />
            )}
          </>
        )}
        {d.kind === "season_placement" && (
          <>
            <Input id="badge-top" label="hr.badges.top" numeric {...form.text("top")} />
            <Input id="badge-season" label="hr.badges.season" hint="hr.badges.season_hint" {...form.text("season")} />
          </>
        )}
        <EditorButtons editing={editing !== null} create="hr.badges.create" cancel={() => edit(null)} />
      </form>
    </ListPage>
  );
}
