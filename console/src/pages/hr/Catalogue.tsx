import { api, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import type { MessageKey } from "../../i18n";
import { call, succeeded } from "./call";
import { amount, Check, Choice, EditorButtons, Input, listOf, orNull, useDraft, useEditor, whole } from "./fields";
import { ListPage, RowButton, useList } from "./ListPage";

type Item = Schemas["CatalogItemView"];
type Spec = Schemas["CatalogItemSpec"];
const TYPES: readonly Schemas["ItemType"][] = [
  "gift_card",
  "experience",
  "travel",
  "discount_voucher",
  "donation",
  "merchandise",
  "company_perk",
];
/** How items are delivered: one entry a method the API accepts (a new one: its entry here and its
 * hr.catalogue.fulfilment_<method> words). */
const FULFILMENTS: readonly Schemas["FulfilmentMethod"][] = ["provider", "code_stock", "internal", "instant"];
const PROVIDERS = ["", "tremendous", "tango", "sandbox"] as const;
const VALUES = ["fixed", "range", "offer"] as const;
const EXPIRY = ["none", "days", "date"] as const;
const PERIODS = ["", "weekly", "monthly", "quarterly"] as const;
const CATEGORY = /^[a-z0-9][a-z0-9_-]{0,39}$/;
const CURRENCY = /^[A-Z]{3}$/;
const COUNTRY = /^[A-Z]{2}$/;
const IMAGE = /^https:\/\/[^\s/]+\.[^\s]+$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

const BLANK = {
  name: "",
  description: "",
  brand: "",
  image: "",
  category: "",
  type: "gift_card",
  value: "fixed",
  fixed: "",
  min: "",
  max: "",
  offerKind: "percentage",
  percent: "",
  cap: "",
  points: "",
  currency: "USD",
  countries: "",
  inventory: "",
  fulfilment: "code_stock",
  provider: "",
  sku: "",
  approval: false,
  tier: "",
  expiry: "none",
  days: "",
  lastDay: "",
  blackouts: "",
  locations: "",
  vendors: "",
  minimum: "",
  excluded: "",
  perPerson: "",
  perPeriod: "",
  active: true,
};
type Draft = typeof BLANK;

const text = (value: unknown) => (value == null ? "" : String(value));

/** An item's fields as the form shows them, to edit it. */
function draftOf(item: Item): Draft {
  const r = item.restrictions ?? {};
  const d = item.denominations;
  return {
    name: item.name,
    description: item.description ?? "",
    brand: text(item.brand),
    image: text(item.image_url),
    category: item.category,
    type: item.type,
    value: item.offer ? "offer" : d?.fixed ? "fixed" : "range",
    fixed: (d?.fixed ?? []).join(", "),
    min: text(d?.min),
    max: text(d?.max),
    offerKind: item.offer?.kind ?? "percentage",
    percent: text(item.offer?.percent),
    cap: text(item.offer?.cap?.amount),
    points: text(item.points),
    currency: item.currency,
    countries: (item.countries ?? []).join(", "),
    inventory: text(item.inventory),
    fulfilment: item.fulfilment,
    provider: text(item.provider),
    sku: text(item.provider_sku),
    approval: item.requires_approval,
    tier: text(item.min_tier),
    expiry: r.expires_after_days ? "days" : r.expires_on ? "date" : "none",
    days: text(r.expires_after_days),
    lastDay: text(r.expires_on),
    blackouts: (r.blackouts ?? []).map((b) => [b.start, b.end, b.reason ?? ""].join(", ").replace(/, $/, "")).join("\n"),
    locations: (r.locations ?? []).join(", "),
    vendors: (r.vendors ?? []).join(", "),
    minimum: text(r.minimum_purchase),
    excluded: (r.excluded_categories ?? []).join(", "),
    perPerson: text(r.per_person?.count),
    perPeriod: text(r.per_person?.period),
    active: item.active,
  };
}

/** The blackouts as typed, one a line: `first day, last day[, reason]`; null if a line is not that. */
function blackoutsOf(raw: string): Schemas["Blackout"][] | null {
  const blackouts: Schemas["Blackout"][] = [];
  for (const line of raw.split("\n").filter((l) => l.trim())) {
    const [start = "", end = "", ...reason] = line.split(",").map((part) => part.trim());
    if (!DAY.test(start) || !DAY.test(end) || end < start) return null;
    blackouts.push({ start, end, reason: reason.join(", ") || null });
  }
  return blackouts;
}

/** Why the API would refuse the draft (a message key), or null. */
function wrong(d: Draft): MessageKey | null {
  if (!d.name.trim() || d.name.length > 120) return "hr.catalogue.need_name";
  if (!CATEGORY.test(d.category.trim())) return "hr.catalogue.bad_category";
  if (!CURRENCY.test(d.currency.trim())) return "hr.catalogue.bad_currency";
  if (d.image.trim() && !IMAGE.test(d.image.trim())) return "hr.catalogue.bad_image";
  if (d.value === "fixed") {
    const fixed = listOf(d.fixed);
    if (!fixed.length || fixed.length > 20 || !fixed.every((v) => amount(v)) || new Set(fixed.map(Number)).size !== fixed.length)
      return "hr.catalogue.bad_fixed";
  }
  if (d.value === "range" && (!amount(d.min) || !amount(d.max) || Number(d.min) > Number(d.max))) return "hr.catalogue.bad_range";
  if (d.value === "offer") {
    if (!/^\d{1,3}(\.\d{1,2})?$/.test(d.percent.trim()) || Number(d.percent) < 1 || Number(d.percent) > 100)
      return "hr.catalogue.bad_percent";
    if (d.cap.trim() && !amount(d.cap)) return "hr.catalogue.bad_cap";
    if (!whole(d.points, 1, 10_000_000)) return "hr.catalogue.bad_points";
    if (d.fulfilment === "provider" || d.type === "donation") return "hr.catalogue.offer_fulfilment";
  }
  if (listOf(d.countries).some((c) => !COUNTRY.test(c))) return "hr.catalogue.bad_countries";
  if (d.inventory.trim() && !whole(d.inventory, 0, 10_000_000)) return "hr.catalogue.bad_inventory";
  if ((d.fulfilment === "provider") !== Boolean(d.sku.trim())) return "hr.catalogue.need_sku";
  if (d.provider && d.fulfilment !== "provider") return "hr.catalogue.provider_only";
  if (d.expiry === "days" && !whole(d.days, 1, 3650)) return "hr.catalogue.bad_expiry_days";
  if (d.expiry === "date" && !DAY.test(d.lastDay)) return "hr.catalogue.bad_last_day";
  if (blackoutsOf(d.blackouts) === null) return "hr.catalogue.bad_blackouts";
  if (d.minimum.trim() && (!amount(d.minimum) || (d.type !== "discount_voucher" && d.value !== "offer")))
    return "hr.catalogue.bad_minimum";
  if (Boolean(d.perPerson.trim()) !== Boolean(d.perPeriod) || (d.perPerson.trim() && !whole(d.perPerson, 1, 1000)))
    return "hr.catalogue.bad_per_person";
  return null;
}

function specOf(d: Draft): Spec {
  const currency = d.currency.trim();
  return {
    name: d.name.trim(),
    description: d.description.trim(),
    brand: orNull(d.brand),
    image_url: orNull(d.image),
    category: d.category.trim(),
    type: d.type as Schemas["ItemType"],
    denominations:
      d.value === "fixed" ? { fixed: listOf(d.fixed) } : d.value === "range" ? { min: d.min.trim(), max: d.max.trim() } : null,
    offer:
      d.value === "offer"
        ? {
            kind: d.offerKind as Schemas["OfferKind"],
            percent: d.percent.trim(),
            cap: d.cap.trim() ? { amount: d.cap.trim(), currency } : null,
          }
        : null,
    points: d.value === "offer" ? Number(d.points) : null,
    currency,
    countries: listOf(d.countries),
    inventory: d.inventory.trim() ? Number(d.inventory) : null,
    fulfilment: d.fulfilment as Schemas["FulfilmentMethod"],
    provider: (d.fulfilment === "provider" && d.provider ? d.provider : null) as Spec["provider"],
    provider_sku: d.fulfilment === "provider" ? d.sku.trim() : null,
    requires_approval: d.approval,
    min_tier: orNull(d.tier),
    restrictions: {
      expires_after_days: d.expiry === "days" ? Number(d.days) : null,
      expires_on: d.expiry === "date" ? d.lastDay : null,
      blackouts: blackoutsOf(d.blackouts) ?? [],
      locations: listOf(d.locations),
      vendors: listOf(d.vendors),
      minimum_purchase: orNull(d.minimum),
      excluded_categories: listOf(d.excluded),
      per_person: d.perPerson.trim() ? { count: Number(d.perPerson), period: d.perPeriod as Schemas["PeriodKind"] } : null,
    },
    active: d.active,
  };
}

/** Every item of the catalogue, HR's view (one call, a page more at a time): a new item of any type, editing one
 * (a replacement, PUT), deactivating one, and uploading codes for a code-stock item as CSV (one call each). */
export function Catalogue() {
  const { words } = useConsole();
  const list = useList<Item>((cursor) => api.GET("/v1/catalog/items", { params: { query: { limit: 100, cursor } } }));
  const form = useEditor(BLANK, draftOf, "item-name");
  const { draft: d, editing, edit } = form;
  const stocked = (list.items ?? []).filter((item) => item.fulfilment === "code_stock" && item.active);
  const codes = useDraft({ target: "", codes: "" });

  const deactivate = (item: Item) =>
    list.act(null, async () => {
      const request = api.DELETE("/v1/catalog/items/{item_id}", { params: { path: { item_id: item.id } } });
      if (!(await succeeded(request, list.setFailure))) return null;
      list.put({ ...item, active: false }); // deactivated, not gone: HR still sees it
      return words.t("hr.catalogue.deactivated", { item: item.name });
    });

  async function save(event: Event) {
    event.preventDefault();
    const why = wrong(d);
    const body = specOf(d);
    const saved = await list.keep(
      why && words.t(why),
      () =>
        editing
          ? api.PUT("/v1/catalog/items/{item_id}", { params: { path: { item_id: editing.id } }, body })
          : api.POST("/v1/catalog/items", { body }),
      (item) => words.t(editing ? "hr.list.saved" : "hr.catalogue.created", { item: item.name }),
    );
    if (saved) edit(null);
  }

  async function readFile(event: Event) {
    const file = (event.currentTarget as HTMLInputElement).files?.[0];
    if (file) codes.setDraft({ ...codes.draft, codes: await file.text() });
  }

  async function upload(event: Event) {
    event.preventDefault();
    const item = stocked.find((i) => i.id === (codes.draft.target || stocked[0]?.id));
    const why = !item || !codes.draft.codes.trim() ? words.t("hr.catalogue.need_codes") : null;
    const sent = await list.act(why, async () => {
      const stock = await call(
        api.POST("/v1/catalog/items/{item_id}/codes", {
          params: { path: { item_id: item!.id } },
          body: codes.draft.codes,
          bodySerializer: (text: string) => text,
          headers: { "content-type": "text/csv" },
        }),
        list.setFailure,
      );
      return (
        stock &&
        words.t("hr.catalogue.uploaded", {
          item: item!.name,
          added: stock.added,
          duplicates: stock.duplicates,
          available: stock.available,
        })
      );
    });
    if (sent) codes.setDraft({ ...codes.draft, codes: "" });
  }

  const price = (item: Item) =>
    item.min_points == null
      ? words.t("hr.chart.none")
      : item.min_points === item.max_points || item.max_points == null
        ? words.number(item.min_points)
        : words.t("hr.catalogue.range", { min: item.min_points, max: item.max_points });
  const name = (prefix: string) => (option: string) => words.t(`${prefix}${option || "none"}` as MessageKey);

  return (
    <ListPage
      list={list}
      title="hr.catalogue.title"
      table="catalogue"
      columns={["hr.catalogue.item", "hr.catalogue.fulfilment", "hr.catalogue.points", "hr.rules.actions"]}
      rowKey="item"
      cells={(item) => (
        <>
          <td>{words.t(`hr.catalogue.fulfilment_${item.fulfilment}` as MessageKey)}</td>
          <td>{price(item)}</td>
          <td class="actions">
            <RowButton label={words.t("hr.list.edit_item", { item: item.name })} onClick={() => edit(item)}>
              {words.t("hr.list.edit")}
            </RowButton>
            {item.active ? (
              <RowButton label={words.t("hr.catalogue.deactivate_item", { item: item.name })} onClick={() => void deactivate(item)}>
                {words.t("hr.catalogue.deactivate")}
              </RowButton>
            ) : (
              words.t("hr.catalogue.inactive")
            )}
          </td>
        </>
      )}
    >
      <form class="form card" onSubmit={save} noValidate data-form="item">
        <h2>{editing ? words.t("hr.list.editing", { item: editing.name }) : words.t("hr.catalogue.new")}</h2>
        <Input id="item-name" label="hr.catalogue.item" dir="auto" maxLength={120} {...form.text("name")} />
        <Input id="item-description" label="hr.catalogue.description" dir="auto" rows={2} maxLength={2000} {...form.text("description")} />
        <Input id="item-brand" label="hr.catalogue.brand" dir="auto" maxLength={120} {...form.text("brand")} />
        <Input id="item-image" label="hr.catalogue.image" {...form.text("image")} />
        <Input id="item-category" label="hr.catalogue.category" hint="hr.catalogue.category_hint" {...form.text("category")} />
        <Choice id="item-type" label="hr.catalogue.type" options={TYPES} name={name("hr.catalogue.type_")} {...form.text("type")} />
        <Input id="item-currency" label="hr.catalogue.currency" maxLength={3} {...form.text("currency")} />
        <Choice id="item-value" label="hr.catalogue.value" options={VALUES} name={name("hr.catalogue.value_")} {...form.text("value")} />
        {d.value === "fixed" && <Input id="item-fixed" label="hr.catalogue.fixed" hint="hr.catalogue.fixed_hint" {...form.text("fixed")} />}
        {d.value === "range" && (
          <>
            <Input id="item-min" label="hr.catalogue.min" numeric {...form.text("min")} />
            <Input id="item-max" label="hr.catalogue.max" numeric {...form.text("max")} />
          </>
        )}
        {d.value === "offer" && (
          <>
            <Choice
              id="item-offer-kind"
              label="hr.catalogue.offer_kind"
              options={["percentage", "cashback"]}
              name={name("hr.catalogue.offer_")}
              {...form.text("offerKind")}
            />
            <Input id="item-percent" label="hr.catalogue.percent" numeric {...form.text("percent")} />
            <Input id="item-cap" label="hr.catalogue.cap" numeric {...form.text("cap")} />
            <Input id="item-points" label="hr.catalogue.points" numeric {...form.text("points")} />
          </>
        )}
        <Input id="item-countries" label="hr.catalogue.countries" hint="hr.rules.list_hint" {...form.text("countries")} />
        <Input id="item-inventory" label="hr.catalogue.inventory" numeric {...form.text("inventory")} />
        <Choice
          id="item-fulfilment"
          label="hr.catalogue.fulfilment"
          options={FULFILMENTS}
          name={name("hr.catalogue.fulfilment_")}
          {...form.text("fulfilment")}
        />
        {d.fulfilment === "provider" && (
          <>
            <Choice id="item-provider" label="hr.catalogue.provider" options={PROVIDERS} name={name("hr.catalogue.provider_")} {...form.text("provider")} />
            <Input id="item-sku" label="hr.catalogue.sku" {...form.text("sku")} />
          </>
        )}
        <Check id="item-approval" label="hr.catalogue.approval" {...form.check("approval")} />
        <Input id="item-tier" label="hr.catalogue.tier" dir="auto" maxLength={40} {...form.text("tier")} />
        <fieldset>
          <legend>{words.t("hr.catalogue.restrictions")}</legend>
          <Choice id="item-expiry" label="hr.catalogue.expiry" options={EXPIRY} name={name("hr.catalogue.expiry_")} {...form.text("expiry")} />
          {d.expiry === "days" && <Input id="item-days" label="hr.catalogue.expiry_days" numeric {...form.text("days")} />}
          {d.expiry === "date" && <Input id="item-last-day" label="hr.catalogue.last_day" type="date" {...form.text("lastDay")} />}
          <Input id="item-blackouts" label="hr.catalogue.blackouts" hint="hr.catalogue.blackouts_hint" rows={2} {...form.text("blackouts")} />
          <Input id="item-locations" label="hr.catalogue.locations" hint="hr.rules.list_hint" dir="auto" {...form.text("locations")} />
          <Input id="item-vendors" label="hr.catalogue.vendors" hint="hr.rules.list_hint" dir="auto" {...form.text("vendors")} />
          <Input id="item-minimum" label="hr.catalogue.minimum" numeric {...form.text("minimum")} />
          <Input id="item-excluded" label="hr.catalogue.excluded" hint="hr.rules.list_hint" {...form.text("excluded")} />
          <Input id="item-per-person" label="hr.catalogue.per_person" numeric {...form.text("perPerson")} />
          <Choice id="item-per-period" label="hr.catalogue.per_period" options={PERIODS} name={name("hr.settings.option.")} {...form.text("perPeriod")} />
        </fieldset>
        <Check id="item-active" label="hr.catalogue.active" {...form.check("active")} />
        <EditorButtons editing={editing !== null} create="hr.catalogue.create" cancel={() => edit(null)} />
      </form>
      {stocked.length > 0 && (
        <form class="form card" onSubmit={upload} noValidate data-form="codes">
          <h2>{words.t("hr.catalogue.upload")}</h2>
          <Choice
            id="codes-item"
            label="hr.catalogue.item"
            options={stocked.map((item) => item.id)}
            name={(id) => stocked.find((item) => item.id === id)?.name ?? id}
            {...codes.text("target")}
          />
          <label for="codes-file">{words.t("hr.catalogue.file")}</label>
          <input id="codes-file" type="file" accept=".csv,text/csv,text/plain" onChange={(e) => void readFile(e)} />
          <Input id="codes" label="hr.catalogue.codes" hint="hr.catalogue.codes_hint" rows={5} {...codes.text("codes")} />
          <button type="submit">{words.t("hr.catalogue.upload")}</button>
        </form>
      )}
    </ListPage>
  );
}
