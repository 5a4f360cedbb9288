import { useEffect, useState } from "preact/hooks";
import { type ApiProblem, api, problem, type Schemas } from "../api/client";
import { useConsole } from "../context";
import { Problem } from "./Problem";

const PAGE_SIZE = 20;

const MAX_NAMES = 50; // GET /v1/people takes at most 50 ids

/** The kudos feed, newest first: per page of kudos, one API call for it and one for the names it shows. */
export function Feed() {
  const { words } = useConsole();
  const [items, setItems] = useState<Schemas["Recognition"][] | null>(null);
  const [names, setNames] = useState<Record<string, string>>({});
  const [cursor, setCursor] = useState<string | null>(null);
  const [failure, setFailure] = useState<ApiProblem | "network" | null>(null);

  async function load(after: string | null) {
    try {
      const { data, error } = await api.GET("/v1/recognitions", {
        params: { query: { limit: PAGE_SIZE, cursor: after } },
      });
      if (data) {
        setItems((before) => [...(after ? (before ?? []) : []), ...data.items]);
        setCursor(data.next_cursor ?? null);
        void lookUp(data.items);
      } else {
        setFailure(problem(error));
      }
    } catch {
      setFailure("network");
    }
  }
  useEffect(() => void load(null), []);

  /** People's names instead of their ids (an id stays shown if the lookup fails or they left). */
  async function lookUp(kudos: Schemas["Recognition"][]) {
    const ids = [...new Set(kudos.flatMap((k) => [k.giver_id, ...k.recipient_ids]))]
      .filter((id) => !(id in names))
      .slice(0, MAX_NAMES);
    if (ids.length === 0) return;
    try {
      const { data } = await api.GET("/v1/people", { params: { query: { ids: ids.join(",") } } });
      if (data) setNames((before) => ({ ...before, ...Object.fromEntries(data.items.map((p) => [p.id, p.name])) }));
    } catch {
      // the ids stay shown
    }
  }
  const name = (id: string) => names[id] ?? id;

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{words.t("feed.title")}</h1>
      <Problem problem={failure} />
      {items === null && failure === null && <p>{words.t("app.loading")}</p>}
      {items?.length === 0 && <p>{words.t("feed.empty")}</p>}
      <ol class="feed">
        {items?.map((kudos) => (
          <li key={kudos.id} class="card" data-kudos={kudos.id}>
            <p class="meta">
              <span>
                {words.t("feed.from_to", {
                  giver: name(kudos.giver_id),
                  recipients: kudos.recipient_ids.map(name).join(", "),
                })}
              </span>
              <span class="points">{words.t("feed.points", { count: kudos.points })}</span>
              {kudos.visibility === "private" && <span class="tag">{words.t("feed.private")}</span>}
            </p>
            {/* text, never HTML: Preact sets it as a text node; dir=auto and isolation contain RTL overrides */}
            <p class="message" dir="auto">
              {kudos.message}
            </p>
            {kudos.values.length > 0 && (
              <p class="values">{words.t("feed.values", { values: kudos.values.join(", ") })}</p>
            )}
            <p class="when">
              <time dateTime={kudos.created_at}>{words.dateTime(kudos.created_at)}</time>
            </p>
          </li>
        ))}
      </ol>
      {cursor && (
        <button type="button" onClick={() => void load(cursor)}>
          {words.t("feed.more")}
        </button>
      )}
    </section>
  );
}
