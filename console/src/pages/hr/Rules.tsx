import { api, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import type { MessageKey } from "../../i18n";
import { amount, Check, Choice, EditorButtons, Input, listOf, orNull, useEditor, whole } from "./fields";
import { ListPage, RowButton, useList } from "./ListPage";
import { BudgetPick, ItemPick, useBudgets, useGivableItems } from "./pickers";

type Rule = Schemas["MilestoneRule"];
const TYPES: readonly Schemas["RuleType"][] = [
  "work_anniversary",
  "birthday",
  "days_after_start",
  "hris_event",
  "referral",
];
const EVENT = /^[a-z0-9][a-z0-9_.-]{0,47}$/;
const CHANNEL = /^[CG][A-Z0-9]{2,20}$/;
const COUNTRY = /^[A-Z]{2}$/;
const PLACEHOLDERS = new Set(["name", "first_name", "years", "points", "rule", "event", "days"]);
const MAX_POINTS = 1_000_000;

/** The rule as the API takes it back (PUT): the stored rule without what the API keeps itself. */
function specOf(rule: Rule): Schemas["RuleSpec"] {
  const { id: _id, created_at: _c, updated_at: _u, history: _h, version: _v, ...spec } = rule;
  return spec;
}

const BLANK = {
  name: "",
  type: "birthday",
  points: "",
  message: "",
  budget: "",
  days: "",
  event: "",
  atHire: "",
  afterDays: "",
  years: "",
  byYear: "",
  item: "",
  denomination: "",
  announce: true,
  channel: "",
  dm: true,
  remind: "",
  departments: "",
  countries: "",
};
type Draft = typeof BLANK;

const text = (value: unknown) => (value == null ? "" : String(value));

/** A rule's fields as the form shows them, to edit it. */
function draftOf(rule: Rule): Draft {
  return {
    name: rule.name,
    type: rule.type,
    points: text(rule.points),
    message: rule.message,
    budget: text(rule.budget_id),
    days: text(rule.days_after_start),
    event: text(rule.event_name),
    atHire: text(rule.at_hire_percent),
    afterDays: text(rule.after_days),
    years: (rule.years ?? []).join(", "),
    byYear: Object.entries(rule.points_by_year ?? {})
      .map(([year, points]) => `${year}: ${points}`)
      .join(", "),
    item: text(rule.catalog_item_id),
    denomination: text(rule.catalog_denomination),
    announce: rule.announce !== false,
    channel: text(rule.channel),
    dm: rule.dm !== false,
    remind: text(rule.manager_reminder_days),
    departments: (rule.filter?.departments ?? []).join(", "),
    countries: (rule.filter?.countries ?? []).join(", "),
  };
}

/** `1: 100, 5: 500` as {1: 100, 5: 500}; null if an entry is not a year (1-100) and points. */
function byYearOf(raw: string): Record<string, number> | null {
  const table: Record<string, number> = {};
  for (const entry of listOf(raw)) {
    const [year = "", points = "", ...rest] = entry.split(":").map((part) => part.trim());
    if (rest.length || !whole(year, 1, 100) || !whole(points, 0, MAX_POINTS)) return null;
    table[String(Number(year))] = Number(points);
  }
  return table;
}

/** Why the API would refuse the draft (a message key), or null. */
function wrong(d: Draft): MessageKey | null {
  if (!d.name.trim() || !d.message.trim()) return "hr.rules.need_name";
  const names = [...d.message.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1] ?? "");
  if (names.some((name) => !PLACEHOLDERS.has(name))) return "hr.rules.bad_placeholder";
  if (!whole(d.points || "0", 0, MAX_POINTS)) return "hr.rules.bad_points";
  if (d.type === "days_after_start" && !whole(d.days, 0, 3650)) return "hr.rules.bad_days";
  if (d.type === "hris_event" && !EVENT.test(d.event.trim())) return "hr.rules.need_event";
  if (d.type === "referral") {
    const later = d.atHire.trim() !== "" && Number(d.atHire) < 100;
    if (d.atHire.trim() && !whole(d.atHire, 0, 100)) return "hr.rules.bad_referral";
    if (later !== Boolean(d.afterDays.trim()) || (later && !whole(d.afterDays, 1, 730))) return "hr.rules.bad_referral";
  }
  const years = listOf(d.years);
  if (d.type === "work_anniversary") {
    if (years.some((y) => !whole(y, 1, 100)) || new Set(years).size !== years.length) return "hr.rules.bad_years";
    if (byYearOf(d.byYear) === null) return "hr.rules.bad_by_year";
  }
  const paysPoints = Number(d.points || 0) > 0 || Object.values(byYearOf(d.byYear) ?? {}).some((p) => p > 0);
  if (paysPoints && !d.budget.trim()) return "hr.rules.need_budget";
  if (!paysPoints && !d.item.trim()) return "hr.rules.pays_nothing";
  if (Boolean(d.item.trim()) !== Boolean(d.denomination.trim()) || (d.denomination.trim() && !amount(d.denomination)))
    return "hr.rules.bad_item";
  if (d.channel.trim() && !CHANNEL.test(d.channel.trim())) return "hr.rules.bad_channel";
  if (d.remind.trim() && !whole(d.remind, 1, 60)) return "hr.rules.bad_remind";
  if (listOf(d.countries).some((c) => !COUNTRY.test(c))) return "hr.rules.bad_countries";
  return null;
}

function bodyOf(d: Draft): Schemas["RuleSpec"] {
  const anniversary = d.type === "work_anniversary";
  return {
    name: d.name.trim(),
    type: d.type as Schemas["RuleType"],
    points: Number(d.points || 0),
    message: d.message.trim(),
    budget_id: orNull(d.budget),
    days_after_start: d.type === "days_after_start" ? Number(d.days) : null,
    event_name: d.type === "hris_event" ? d.event.trim() : null,
    at_hire_percent: d.type === "referral" && d.atHire.trim() ? Number(d.atHire) : null,
    after_days: d.type === "referral" && d.afterDays.trim() ? Number(d.afterDays) : null,
    years: anniversary && listOf(d.years).length ? listOf(d.years).map(Number) : null,
    points_by_year: anniversary ? (byYearOf(d.byYear) ?? {}) : {},
    catalog_item_id: orNull(d.item),
    catalog_denomination: orNull(d.denomination),
    announce: d.announce,
    channel: orNull(d.channel),
    dm: d.dm,
    manager_reminder_days: d.remind.trim() ? Number(d.remind) : null,
    enabled: true,
    filter: { departments: listOf(d.departments), countries: listOf(d.countries) },
  };
}

/** Milestone rules (one call, then a page more at a time), with the budgets and catalogue items the form picks
 * from (one call each, more only past a page); turning one on or off, deleting one, adding one with every field
 * the API takes: one call each. */
export function Rules() {
  const { words } = useConsole();
  const list = useList<Rule>((cursor) => api.GET("/v1/milestone-rules", { params: { query: { limit: 100, cursor } } }));
  const budgets = useBudgets();
  const items = useGivableItems();
  const form = useEditor(BLANK, draftOf, "rule-name");
  const { draft: d, editing, edit } = form;

  const toggle = (rule: Rule) =>
    list.keep(
      null,
      () =>
        api.PUT("/v1/milestone-rules/{rule_id}", {
          params: { path: { rule_id: rule.id } },
          body: { ...specOf(rule), enabled: !rule.enabled },
        }),
      () => "",
    );

  const remove = (rule: Rule) =>
    list.remove(
      rule,
      () => api.DELETE("/v1/milestone-rules/{rule_id}", { params: { path: { rule_id: rule.id } } }),
      words.t("hr.rules.deleted", { rule: rule.name }),
    );

  async function create(event: Event) {
    event.preventDefault();
    const why = wrong(d);
    const made = await list.keep(
      why && words.t(why),
      () =>
        editing
          ? api.PUT("/v1/milestone-rules/{rule_id}", {
              params: { path: { rule_id: editing.id } },
              body: { ...bodyOf(d), enabled: editing.enabled },
            })
          : api.POST("/v1/milestone-rules", { body: bodyOf(d) }),
      (rule) => words.t(editing ? "hr.list.saved" : "hr.rules.created", editing ? { item: rule.name } : { rule: rule.name }),
    );
    if (made) edit(null);
  }

  return (
    <ListPage
      list={list}
      title="hr.rules.title"
      table="rules"
      columns={["hr.rules.name", "hr.rules.type", "hr.rules.points", "hr.rules.actions"]}
      rowKey="rule"
      cells={(rule) => (
        <>
          <td>{words.t(`hr.rules.type_${rule.type}`)}</td>
          <td>{words.number(rule.points ?? 0)}</td>
          <td class="actions">
            <button
              type="button"
              class="link"
              aria-pressed={rule.enabled !== false}
              aria-label={words.t("hr.rules.enabled_rule", { rule: rule.name })}
              onClick={() => void toggle(rule)}
            >
              {words.t("hr.rules.enabled")}
            </button>
            <RowButton label={words.t("hr.list.edit_item", { item: rule.name })} onClick={() => edit(rule)}>
              {words.t("hr.list.edit")}
            </RowButton>
            <RowButton label={words.t("hr.rules.delete_rule", { rule: rule.name })} onClick={() => void remove(rule)}>
              {words.t("hr.rules.delete")}
            </RowButton>
          </td>
        </>
      )}
    >
      <form class="form card" onSubmit={create} noValidate data-form="new-rule">
        <h2>{editing ? words.t("hr.list.editing", { item: editing.name }) : words.t("hr.rules.new")}</h2>
        <Input id="rule-name" label="hr.rules.name" dir="auto" maxLength={120} {...form.text("name")} />
        <Choice
          id="rule-type"
          label="hr.rules.type"
          options={TYPES}
          name={(type) => words.t(`hr.rules.type_${type}` as MessageKey)}
          {...form.text("type")}
        />
        {d.type === "days_after_start" && <Input id="rule-days" label="hr.rules.days" numeric {...form.text("days")} />}
        {d.type === "hris_event" && <Input id="rule-event" label="hr.rules.event" {...form.text("event")} />}
        {d.type === "referral" && (
          <>
            <Input id="rule-at-hire" label="hr.rules.at_hire" hint="hr.rules.at_hire_hint" numeric {...form.text("atHire")} />
            <Input id="rule-after-days" label="hr.rules.after_days" numeric {...form.text("afterDays")} />
          </>
        )}
        {d.type === "work_anniversary" && (
          <>
            <Input id="rule-years" label="hr.rules.years" hint="hr.rules.years_hint" {...form.text("years")} />
            <Input id="rule-by-year" label="hr.rules.by_year" hint="hr.rules.by_year_hint" {...form.text("byYear")} />
          </>
        )}
        <Input id="rule-points" label="hr.rules.points" numeric {...form.text("points")} />
        <BudgetPick id="rule-budget" label="hr.rules.budget" blank="hr.pick.none" budgets={budgets} {...form.text("budget")} />
        <ItemPick id="rule" label="hr.rules.item" items={items} item={form.text("item")} denomination={form.text("denomination")} />
        <Input id="rule-message" label="hr.rules.message" hint="hr.rules.message_hint" dir="auto" rows={3} maxLength={1000} {...form.text("message")} />
        <Check id="rule-announce" label="hr.rules.announce" {...form.check("announce")} />
        <Input id="rule-channel" label="hr.rules.channel" {...form.text("channel")} />
        <Check id="rule-dm" label="hr.rules.dm" {...form.check("dm")} />
        <Input id="rule-remind" label="hr.rules.remind" numeric {...form.text("remind")} />
        <Input id="rule-departments" label="hr.rules.departments" hint="hr.rules.list_hint" dir="auto" {...form.text("departments")} />
        <Input id="rule-countries" label="hr.rules.countries" hint="hr.rules.list_hint" {...form.text("countries")} />
        <EditorButtons editing={editing !== null} create="hr.rules.create" cancel={() => edit(null)} />
      </form>
    </ListPage>
  );
}
