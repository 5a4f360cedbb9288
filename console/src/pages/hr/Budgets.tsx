import { useState } from "preact/hooks";
import { api, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import { Problem } from "../Problem";
import { call, onceKey, useLoad } from "./call";

const KINDS: readonly Schemas["BudgetKind"][] = ["company", "department", "program"];
const BUDGET_ID = /^[a-z0-9][a-z0-9-]{0,47}$/;

/** Budgets with their balances (one call), a top-up of one of them, and a new budget: one call each. */
export function Budgets() {
  const { words } = useConsole();
  const { data, setData, failure, setFailure } = useLoad(() =>
    api.GET("/v1/budgets", { params: { query: { limit: 100 } } }),
  );
  const budgets = data?.items ?? [];
  const [target, setTarget] = useState("");
  const [points, setPoints] = useState("");
  const [note, setNote] = useState("");
  const [draft, setDraft] = useState({ id: "", name: "", kind: "program" as Schemas["BudgetKind"], department: "" });
  const [invalid, setInvalid] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const replaceBudget = (budget: Schemas["BudgetView"]) =>
    setData((before) =>
      before && {
        ...before,
        items: before.items.some((b) => b.id === budget.id)
          ? before.items.map((b) => (b.id === budget.id ? budget : b))
          : [...before.items, budget],
      },
    );

  async function topUp(event: Event) {
    event.preventDefault();
    setDone(null);
    setFailure(null);
    const budget = budgets.find((b) => b.id === (target || budgets[0]?.id));
    if (!budget || !/^[1-9]\d{0,8}$/.test(points.trim())) return setInvalid(words.t("hr.budgets.bad_points"));
    setInvalid(null);
    const moved = await call(
      api.POST("/v1/budgets/{budget_id}/top-ups", {
        params: { path: { budget_id: budget.id }, header: { "idempotency-key": onceKey() } },
        body: { points: Number(points), note: note.trim() || null },
      }),
      setFailure,
    );
    if (!moved) return;
    replaceBudget({ ...budget, balance: budget.balance + moved.points });
    setDone(words.t("hr.budgets.topped_up", { budget: budget.name, points: moved.points }));
    setPoints("");
    setNote("");
  }

  async function create(event: Event) {
    event.preventDefault();
    setDone(null);
    setFailure(null);
    if (!BUDGET_ID.test(draft.id)) return setInvalid(words.t("hr.budgets.bad_id"));
    if (!draft.name.trim()) return setInvalid(words.t("hr.budgets.need_name"));
    setInvalid(null);
    const made = await call(
      api.POST("/v1/budgets", {
        body: {
          id: draft.id,
          name: draft.name.trim(),
          kind: draft.kind,
          department: draft.kind === "department" ? draft.department.trim() || null : null,
        },
      }),
      setFailure,
    );
    if (!made) return;
    replaceBudget(made);
    setDone(words.t("hr.budgets.created", { budget: made.name }));
    setDraft({ id: "", name: "", kind: "program", department: "" });
  }

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{words.t("hr.budgets.title")}</h1>
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
      {data && (
        <div class="card table-scroll" tabIndex={0} role="region" aria-label={words.t("hr.budgets.title")}>
          <table class="board" data-table="budgets">
            <thead>
              <tr>
                <th scope="col">{words.t("hr.budgets.name")}</th>
                <th scope="col">{words.t("hr.budgets.kind")}</th>
                <th scope="col">{words.t("hr.budgets.balance")}</th>
              </tr>
            </thead>
            <tbody>
              {budgets.map((budget) => (
                <tr key={budget.id} data-budget={budget.id}>
                  <th scope="row" dir="auto">
                    {budget.name}
                  </th>
                  <td>{words.t(`hr.budgets.kind_${budget.kind}`)}</td>
                  <td data-balance={budget.balance}>{words.number(budget.balance)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {budgets.length > 0 && (
        <form class="form card" onSubmit={topUp} noValidate data-form="top-up">
          <h2>{words.t("hr.budgets.top_up")}</h2>
          <label for="top-up-budget">{words.t("hr.budgets.name")}</label>
          <select id="top-up-budget" value={target} onChange={(e) => setTarget(e.currentTarget.value)}>
            {budgets.map((budget) => (
              <option key={budget.id} value={budget.id}>
                {budget.name}
              </option>
            ))}
          </select>
          <label for="top-up-points">{words.t("hr.budgets.points")}</label>
          <input
            id="top-up-points"
            inputMode="numeric"
            value={points}
            onInput={(e) => setPoints(e.currentTarget.value)}
          />
          <label for="top-up-note">{words.t("hr.budgets.note")}</label>
          <input id="top-up-note" dir="auto" maxLength={200} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
          <button type="submit">{words.t("hr.budgets.top_up")}</button>
        </form>
      )}
      {data && (
        <form class="form card" onSubmit={create} noValidate data-form="new-budget">
          <h2>{words.t("hr.budgets.new")}</h2>
          <label for="budget-id">{words.t("hr.budgets.id")}</label>
          <input
            id="budget-id"
            dir="ltr"
            value={draft.id}
            aria-describedby="budget-id-hint"
            onInput={(e) => setDraft({ ...draft, id: e.currentTarget.value })}
          />
          <p id="budget-id-hint" class="hint">
            {words.t("hr.budgets.id_hint")}
          </p>
          <label for="budget-name">{words.t("hr.budgets.name")}</label>
          <input
            id="budget-name"
            dir="auto"
            value={draft.name}
            onInput={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
          />
          <label for="budget-kind">{words.t("hr.budgets.kind")}</label>
          <select
            id="budget-kind"
            value={draft.kind}
            onChange={(e) => setDraft({ ...draft, kind: e.currentTarget.value as Schemas["BudgetKind"] })}
          >
            {KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {words.t(`hr.budgets.kind_${kind}`)}
              </option>
            ))}
          </select>
          {draft.kind === "department" && (
            <>
              <label for="budget-department">{words.t("hr.budgets.department")}</label>
              <input
                id="budget-department"
                dir="auto"
                value={draft.department}
                onInput={(e) => setDraft({ ...draft, department: e.currentTarget.value })}
              />
            </>
          )}
          <button type="submit">{words.t("hr.budgets.create")}</button>
        </form>
      )}
    </section>
  );
}
