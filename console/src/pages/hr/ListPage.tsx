// The HR pages' one list-and-create scaffolding: a list loaded page by page with the API's cursor ("Show more"),
// the outcome of the last act (the API's refusal, the form's own "why not", or what was done), the table, and
// the page's forms below it. A page gives its columns, how one row reads, and its forms.
import type { ComponentChildren, JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { useConsole } from "../../context";
import type { MessageKey } from "../../i18n";
import { Problem } from "../Problem";
import { call, type Failure, succeeded } from "./call";

export interface Listing<T> {
  items: T[];
  next_cursor?: string | null;
}

/** A list and what happened last on its page. `load(cursor)`: one page of the list (no cursor: the first). */
export function useList<T extends { id: string }>(
  load: (cursor: string | undefined) => Promise<{ data?: Listing<T>; error?: unknown }>,
) {
  const [items, setItems] = useState<T[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [failure, setFailure] = useState<Failure>(null);
  const [invalid, setInvalid] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function page(cursor?: string) {
    const data = await call(load(cursor), setFailure);
    if (!data) return;
    setItems((before) => [...(cursor ? (before ?? []) : []), ...data.items]);
    setNext(data.next_cursor ?? null);
  }
  useEffect(() => void page(), []);

  /** One act of the page (a form sent, a row's button): `why` says first why it would be refused (then nothing
   * is sent); `run` makes the call and answers what to tell the person (null: it failed, the failure is set). */
  async function act(why: string | null, run: () => Promise<string | null>) {
    setDone(null);
    setFailure(null);
    setInvalid(why);
    if (why) return false;
    const said = await run();
    setDone(said);
    return said !== null;
  }

  /** A row added or changed in place (an edit costs one call, never a reload). */
  const put = (item: T) =>
    setItems(
      (before) =>
        before &&
        (before.some((i) => i.id === item.id) ? before.map((i) => (i.id === item.id ? item : i)) : [...before, item]),
    );
  const drop = (id: string) => setItems((before) => before && before.filter((i) => i.id !== id));

  return {
    items,
    next,
    more: () => page(next ?? undefined),
    put,
    failure,
    setFailure,
    invalid,
    done,
    act,
    /** An act whose answer is a row (a new or changed one), kept in the list; `said`: what to tell. */
    keep: (why: string | null, request: () => Promise<{ data?: T; error?: unknown }>, said: (item: T) => string) =>
      act(why, async () => {
        const item = await call(request(), setFailure);
        if (!item) return null;
        put(item);
        return said(item);
      }),
    /** A row deleted (the call answers no body). */
    remove: (item: T, request: () => Promise<{ error?: unknown; response: Response }>, said: string) =>
      act(null, async () => {
        if (!(await succeeded(request(), setFailure))) return null;
        drop(item.id);
        return said;
      }),
  };
}

export type List<T extends { id: string }> = ReturnType<typeof useList<T>>;

/** A button of a table's row, named for the row (`label`) for people who hear the page. */
export function RowButton(props: { label: string; onClick: () => void; children: ComponentChildren }) {
  return (
    <button type="button" class="link" aria-label={props.label} onClick={props.onClick}>
      {props.children}
    </button>
  );
}

/** The page: its title, the last outcome, the table (one row per item), "Show more" while the API
 * has another page, and the page's forms (`children`, shown once the list is loaded). */
export function ListPage<T extends { id: string; name: string }>(props: {
  list: List<T>;
  title: MessageKey;
  table: string;
  columns: readonly MessageKey[];
  /** The row's data attribute (data-<rowKey>="<id>"), its heading (default: the item's name) and other cells. */
  rowKey: string;
  name?: (item: T) => string;
  cells: (item: T) => JSX.Element;
  empty?: MessageKey;
  children?: ComponentChildren;
}) {
  const { words } = useConsole();
  const { list } = props;
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{words.t(props.title)}</h1>
      <Problem problem={list.failure} />
      {list.invalid && (
        <p class="problem" role="alert">
          {list.invalid}
        </p>
      )}
      {list.done && (
        <p class="done" role="status">
          {list.done}
        </p>
      )}
      {!list.items && list.failure === null && <p>{words.t("app.loading")}</p>}
      {list.items && list.items.length === 0 && props.empty && <p>{words.t(props.empty)}</p>}
      {list.items && (
        <div class="card table-scroll" tabIndex={0} role="region" aria-label={words.t(props.title)}>
          <table class="board" data-table={props.table}>
            <thead>
              <tr>
                {props.columns.map((column) => (
                  <th key={column} scope="col">
                    {words.t(column)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {list.items.map((item) => (
                <tr key={item.id} {...{ [`data-${props.rowKey}`]: item.id }}>
                  <th scope="row" dir="auto">
                    {props.name ? props.name(item) : item.name}
                  </th>
                  {props.cells(item)}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.next && (
        <button type="button" class="more" data-action="more" onClick={() => void list.more()}>
          {words.t("hr.list.more")}
        </button>
      )}
      {list.items && props.children}
    </section>
  );
}
