import { useEffect, useState } from "preact/hooks";
import { type ApiProblem, api, problem, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import type { MessageKey } from "../../i18n";
import { Problem } from "../Problem";
import { InstantPass } from "./InstantPass";
import { Restrictions } from "./Restrictions";

type Item = Schemas["CatalogItemView"];
type ItemType = Schemas["ItemType"];
const TYPES: readonly ItemType[] = [
  "gift_card",
  "company_perk",
  "experience",
  "travel",
  "discount_voucher",
  "donation",
  "merchandise",
];

/** The catalogue, filtered by type, category and "what I can afford": two API calls (the items, my wallet). */
export function Catalogue() {
  const { words, me } = useConsole();
  const [type, setType] = useState<ItemType | "">("");
  const [category, setCategory] = useState("");
  const [affordable, setAffordable] = useState(false);
  const [items, setItems] = useState<Item[] | null>(null);
  const [points, setPoints] = useState<number | null>(null);
  const [failure, setFailure] = useState<ApiProblem | "network" | null>(null);

  useEffect(() => {
    api
      .GET("/v1/employees/{employee_id}/wallet", { params: { path: { employee_id: me.id } } })
      .then(({ data }) => data && setPoints(data.points))
      .catch(() => setFailure("network"));
  }, [me.id]);

  useEffect(() => {
    setItems(null);
    setFailure(null);
    api
      .GET("/v1/catalog/items", {
        params: { query: { type: type || null, category: category || null, affordable, limit: 100 } },
      })
      .then(({ data, error }) => (data ? setItems(data.items) : setFailure(problem(error))))
      .catch(() => setFailure("network"));
  }, [type, category, affordable]);

  const categories = [...new Set(items?.map((item) => item.category) ?? [])].sort();
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{words.t("employee.catalogue.title")}</h1>
      {points !== null && (
        <p class="figure-line" data-balance={points}>
          {words.t("employee.catalogue.balance", { count: points })}
        </p>
      )}
      <form class="filters card" onSubmit={(event) => event.preventDefault()}>
        <label>
          {words.t("employee.catalogue.type")}
          <select
            id="filter-type"
            value={type}
            onChange={(e) => setType(e.currentTarget.value as ItemType | "")}
          >
            <option value="">{words.t("employee.catalogue.any")}</option>
            {TYPES.map((name) => (
              <option key={name} value={name}>
                {words.t(`employee.type.${name}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {words.t("employee.catalogue.category")}
          <select
            id="filter-category"
            value={category}
            onChange={(e) => setCategory(e.currentTarget.value)}
          >
            <option value="">{words.t("employee.catalogue.any")}</option>
            {[...new Set([...categories, ...(category ? [category] : [])])].map((name) => (
              <option key={name} value={name} dir="auto">
                {name}
              </option>
            ))}
          </select>
        </label>
        <label class="choice">
          <input
            id="filter-affordable"
            type="checkbox"
            checked={affordable}
            onChange={(e) => setAffordable(e.currentTarget.checked)}
          />
          {words.t("employee.catalogue.affordable")}
        </label>
      </form>
      <Problem problem={failure} />
      {items === null && failure === null && <p>{words.t("app.loading")}</p>}
      {items?.length === 0 && <p>{words.t("employee.catalogue.empty")}</p>}
      <ul class="items">
        {items?.map((item) => (
          <CatalogueItem key={item.id} item={item} points={points} onRedeemed={setPoints} />
        ))}
      </ul>
    </section>
  );
}

function pointsFor(item: Item, amount: number): number | null {
  // the item's points are proportional to its value: min_points buys the lowest denomination
  if (!item.denominations) return item.points ?? null; // an offer (percentage, cashback): its own price
  const lowest = Number(item.denominations.fixed?.[0] ?? item.denominations.min ?? 0);
  if (item.min_points === null || !lowest) return null;
  return Math.ceil((item.min_points * amount) / lowest);
}

function CatalogueItem({
  item,
  points,
  onRedeemed,
}: {
  item: Item;
  points: number | null;
  onRedeemed(points: number): void;
}) {
  const { words } = useConsole();
  const offer = !item.denominations; // a percentage or cashback voucher: nothing to choose
  const fixed = item.denominations?.fixed?.map(String) ?? null;
  const [denomination, setDenomination] = useState(fixed?.[0] ?? String(item.denominations?.min ?? ""));
  const [invalid, setInvalid] = useState<MessageKey | null>(null);
  const [failure, setFailure] = useState<ApiProblem | "network" | null>(null);
  const [done, setDone] = useState<Schemas["RedemptionView"] | null>(null);
  const [busy, setBusy] = useState(false);
  const amount = Number(denomination);
  const cost = offer ? pointsFor(item, 0) : Number.isFinite(amount) && amount > 0 ? pointsFor(item, amount) : null;
  const id = `item-${item.id}`;

  function check(): MessageKey | null {
    if (offer) return cost !== null && points !== null && cost > points ? "employee.redeem.not_enough" : null;
    if (!/^\d+(\.\d{1,2})?$/.test(denomination.trim())) return "employee.redeem.bad_amount";
    const { min, max } = item.denominations ?? {};
    if (!fixed && ((min && amount < Number(min)) || (max && amount > Number(max))))
      return "employee.redeem.out_of_range";
    if (cost !== null && points !== null && cost > points) return "employee.redeem.not_enough";
    return null;
  }

  async function redeem(event: Event) {
    event.preventDefault();
    setDone(null);
    setFailure(null);
    const wrong = check();
    setInvalid(wrong);
    if (wrong) return;
    setBusy(true);
    try {
      const { data, error } = await api.POST("/v1/redemptions", {
        params: { header: { "idempotency-key": crypto.randomUUID() } },
        body: offer ? { item_id: item.id } : { item_id: item.id, denomination: denomination.trim() },
      });
      if (data) {
        setDone(data);
        if (points !== null) onRedeemed(points - data.points);
      } else {
        setFailure(problem(error));
      }
    } catch {
      setFailure("network");
    } finally {
      setBusy(false);
    }
  }

  return (
    <li class="card item" data-item={item.id}>
      <h2 id={`${id}-name`} dir="auto">
        {item.name}
      </h2>
      <p class="meta">
        {item.brand && <span dir="auto">{item.brand}</span>}
        <span>{words.t(`employee.type.${item.type}` as MessageKey)}</span>
        <span class="points">
          {item.min_points === item.max_points || item.max_points === null
            ? words.t("feed.points", { count: item.min_points ?? 0 })
            : words.t("employee.catalogue.points_range", {
                min: item.min_points ?? 0,
                max: item.max_points,
              })}
        </span>
        {item.requires_approval && <span class="tag">{words.t("employee.catalogue.needs_approval")}</span>}
      </p>
      {item.description && (
        <p class="description" dir="auto">
          {item.description}
        </p>
      )}
      <Restrictions restrictions={item.restrictions} />
      {item.fulfilment === "instant" ? (
        <InstantPass item={item} />
      ) : (
        <form class="redeem" onSubmit={redeem} noValidate aria-labelledby={`${id}-name`}>
          {!offer && (
            <label for={`${id}-denomination`}>
              {words.t("employee.redeem.denomination", { currency: item.currency })}
            </label>
          )}
          {offer ? null : fixed ? (
            <select
              id={`${id}-denomination`}
              value={denomination}
              onChange={(e) => setDenomination(e.currentTarget.value)}
            >
              {fixed.map((value) => (
                <option key={value} value={value}>
                  {words.money(value, item.currency)}
                </option>
              ))}
            </select>
          ) : (
            <input
              id={`${id}-denomination`}
              inputMode="decimal"
              value={denomination}
              aria-describedby={`${id}-range`}
              onInput={(e) => setDenomination(e.currentTarget.value)}
            />
          )}
          {!fixed && !offer && (
            <p id={`${id}-range`} class="hint">
              {words.t("employee.redeem.range", {
                min: words.money(String(item.denominations?.min ?? 0), item.currency),
                max: words.money(String(item.denominations?.max ?? 0), item.currency),
              })}
            </p>
          )}
          {cost !== null && <p class="hint">{words.t("employee.redeem.costs", { count: cost })}</p>}
          {invalid && (
            <p class="problem" role="alert">
              {words.t(invalid)}
            </p>
          )}
          <Problem problem={failure} />
          {done && (
            <p class="done" role="status" data-redemption={done.id}>
              {words.t(
                done.status === "pending_approval" ? "employee.redeem.pending" : "employee.redeem.done",
              )}{" "}
              <a href="#/rewards">{words.t("employee.rewards.title")}</a>
            </p>
          )}
          <button type="submit" disabled={busy}>
            {words.t("employee.redeem.submit")}
          </button>
        </form>
      )}
    </li>
  );
}
