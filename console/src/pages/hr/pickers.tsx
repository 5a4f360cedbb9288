// What HR picks from instead of typing identifiers: every budget and every catalogue item a rule or a prize may
// give, each list loaded once per page visit and followed page by page (`next_cursor`) so that none is cut off.
import { useEffect, useState } from "preact/hooks";
import { api, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import type { MessageKey, Words } from "../../i18n";
import { Problem } from "../Problem";
import { call, type Failure } from "./call";
import { Pick } from "./fields";
import type { Listing } from "./ListPage";

type Budget = Schemas["BudgetView"];
type Item = Schemas["CatalogItemView"];
/** A list to pick from: null while it loads or when it failed (`failure` says why). */
export interface Loaded<T> {
  items: T[] | null;
  failure: Failure;
}
/** A draft's entry a field is bound to. */
interface Bound {
  value: string;
  set: (value: string) => void;
}

/** Every item of a list, from its first page to its last. */
function useAll<T>(load: (cursor: string | undefined) => Promise<{ data?: Listing<T>; error?: unknown }>): Loaded<T> {
  const [items, setItems] = useState<T[] | null>(null);
  const [failure, setFailure] = useState<Failure>(null);
  useEffect(() => {
    void (async () => {
      const all: T[] = [];
      let cursor: string | undefined;
      do {
        const page = await call(load(cursor), setFailure);
        if (!page) return;
        all.push(...page.items);
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      setItems(all);
    })();
  }, []);
  return { items, failure };
}

export const useBudgets = () =>
  useAll<Budget>((cursor) => api.GET("/v1/budgets", { params: { query: { limit: 100, cursor } } }));

/** The active catalogue items an award can give: with a value to pick (not an offer) and not instant. */
export function useGivableItems(): Loaded<Item> {
  const all = useAll<Item>((cursor) => api.GET("/v1/catalog/items", { params: { query: { limit: 100, cursor } } }));
  return { ...all, items: all.items && all.items.filter((item) => item.denominations && item.fulfilment !== "instant") };
}

/** Why a list is not there, tied to its select by `id`. */
function Failed({ id, failure }: { id: string; failure: Failure }) {
  return failure === null ? null : (
    <div id={id}>
      <Problem problem={failure} />
    </div>
  );
}

/** A name for a value the list does not hold: the id itself while the list loads, then said to be missing. */
function missing<T>(list: Loaded<T>, words: Words) {
  return (id: string) => (list.items ? words.t("hr.pick.missing", { id }) : id);
}

/** A budget, each shown with its name and balance (points). */
export function BudgetPick(props: Bound & { id: string; label: MessageKey; blank: MessageKey; budgets: Loaded<Budget> }) {
  const { words } = useConsole();
  const { budgets } = props;
  return (
    <>
      <Pick
        id={props.id}
        label={props.label}
        blank={props.blank}
        value={props.value}
        set={props.set}
        options={(budgets.items ?? []).map((b) => ({
          value: b.id,
          label: words.t("hr.pick.budget_option", { name: b.name, points: b.balance }),
        }))}
        missing={missing(budgets, words)}
        problem={budgets.failure === null ? undefined : `${props.id}-problem`}
      />
      <Failed id={`${props.id}-problem`} failure={budgets.failure} />
    </>
  );
}

/** A catalogue item (`${id}-item`, shown with its values) and the value to give (`${id}-denomination`): picked
 * from the item's own fixed values, or typed within its range (the range said under the field). */
export function ItemPick(props: {
  id: string;
  label: MessageKey;
  items: Loaded<Item>;
  item: Bound;
  denomination: Bound;
}) {
  const { words } = useConsole();
  const { items } = props;
  const money = (item: Item, amount: string | number) => words.money(String(amount), item.currency);
  const chosen = items.items?.find((item) => item.id === props.item.value);
  const fixed = (chosen?.denominations?.fixed ?? []).map(String);
  const range = chosen?.denominations?.min != null && chosen.denominations.max != null ? chosen.denominations : null;
  const valueId = `${props.id}-denomination`;

  function choose(id: string) {
    const next = items.items?.find((item) => item.id === id)?.denominations?.fixed ?? [];
    props.item.set(id);
    props.denomination.set(next.length === 1 ? String(next[0]) : "");
  }

  return (
    <>
      <Pick
        id={`${props.id}-item`}
        label={props.label}
        blank="hr.pick.none"
        value={props.item.value}
        set={choose}
        options={(items.items ?? []).map((item) => {
          const values = item.denominations?.fixed?.length
            ? item.denominations.fixed.map((v) => money(item, v)).join(", ")
            : words.t("hr.pick.range", { from: money(item, item.denominations?.min ?? 0), to: money(item, item.denominations?.max ?? 0) });
          return { value: item.id, label: words.t("hr.pick.item_option", { name: item.name, values }) };
        })}
        missing={missing(items, words)}
        problem={items.failure === null ? undefined : `${props.id}-item-problem`}
      />
      <Failed id={`${props.id}-item-problem`} failure={items.failure} />
      {props.item.value && fixed.length > 0 && (
        <Pick
          id={valueId}
          label="hr.rules.denomination"
          blank="hr.pick.choose"
          value={fixed.find((v) => Number(v) === Number(props.denomination.value)) ?? props.denomination.value}
          set={props.denomination.set}
          options={fixed.map((v) => ({ value: v, label: money(chosen!, v) }))}
          missing={(v) => v}
        />
      )}
      {props.item.value && fixed.length === 0 && (
        <>
          <label for={valueId}>{words.t("hr.rules.denomination")}</label>
          {range && (
            <p id={`${valueId}-hint`} class="hint">
              {words.t("hr.pick.range", { from: money(chosen!, range.min!), to: money(chosen!, range.max!) })}
            </p>
          )}
          <input
            id={valueId}
            dir="ltr"
            inputMode="decimal"
            value={props.denomination.value}
            aria-describedby={range ? `${valueId}-hint` : undefined}
            onInput={(e) => props.denomination.set(e.currentTarget.value)}
          />
        </>
      )}
    </>
  );
}
