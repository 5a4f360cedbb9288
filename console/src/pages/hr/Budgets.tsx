import { api, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import type { MessageKey } from "../../i18n";
import { call, onceKey } from "./call";
import { Choice, Input, orNull, useDraft, whole } from "./fields";
import { ListPage, useList } from "./ListPage";
import { BudgetPick, useBudgets } from "./pickers";

type Budget = Schemas["BudgetView"];
const KINDS: readonly Schemas["BudgetKind"][] = ["company", "department", "program"];
const BUDGET_ID = /^[a-z0-9][a-z0-9-]{0,47}$/;

/** Budgets with their balances (one call, a page more at a time), a top-up of one of them (picked from every
 * budget: a call a page of them), and a new budget: one call each. */
export function Budgets() {
  const { words } = useConsole();
  const list = useList<Budget>((cursor) => api.GET("/v1/budgets", { params: { query: { limit: 100, cursor } } }));
  const budgets = list.items ?? [];
  const picks = useBudgets();
  const topUp = useDraft({ target: "", points: "", note: "" });
  const form = useDraft({ id: "", name: "", kind: "program", department: "" });
  const d = form.draft;

  async function send(event: Event) {
    event.preventDefault();
    const budget = picks.items?.find((b) => b.id === topUp.draft.target);
    const why = !budget
      ? words.t("hr.budgets.need_budget")
      : !whole(topUp.draft.points, 1, 999_999_999)
        ? words.t("hr.budgets.bad_points")
        : null;
    const sent = await list.act(why, async () => {
      const moved = await call(
        api.POST("/v1/budgets/{budget_id}/top-ups", {
          params: { path: { budget_id: budget!.id }, header: { "idempotency-key": onceKey() } },
          body: { points: Number(topUp.draft.points), note: orNull(topUp.draft.note) },
        }),
        list.setFailure,
      );
      if (!moved) return null;
      const shown = budgets.find((b) => b.id === budget!.id);
      if (shown) list.put({ ...shown, balance: shown.balance + moved.points });
      return words.t("hr.budgets.topped_up", { budget: budget!.name, points: moved.points });
    });
    if (sent) topUp.setDraft({ ...topUp.draft, points: "", note: "" });
  }

  async function create(event: Event) {
    event.preventDefault();
    const why = !BUDGET_ID.test(d.id) ? "hr.budgets.bad_id" : !d.name.trim() ? "hr.budgets.need_name" : null;
    const made = await list.keep(
      why && words.t(why),
      () =>
        api.POST("/v1/budgets", {
          body: {
            id: d.id,
            name: d.name.trim(),
            kind: d.kind as Schemas["BudgetKind"],
            department: d.kind === "department" ? orNull(d.department) : null,
          },
        }),
      (budget) => words.t("hr.budgets.created", { budget: budget.name }),
    );
    if (made) form.reset();
  }

  return (
    <ListPage
      list={list}
      title="hr.budgets.title"
      table="budgets"
      columns={["hr.budgets.name", "hr.budgets.kind", "hr.budgets.balance"]}
      rowKey="budget"
      cells={(budget) => (
        <>
          <td>{words.t(`hr.budgets.kind_${budget.kind}`)}</td>
          <td data-balance={budget.balance}>{words.number(budget.balance)}</td>
        </>
      )}
    >
      <form class="form card" onSubmit={send} noValidate data-form="top-up">
        <h2>{words.t("hr.budgets.top_up")}</h2>
        <BudgetPick id="top-up-budget" label="hr.budgets.name" blank="hr.pick.choose" budgets={picks} {...topUp.text("target")} />
        <Input id="top-up-points" label="hr.budgets.points" numeric {...topUp.text("points")} />
        <Input id="top-up-note" label="hr.budgets.note" dir="auto" maxLength={200} {...topUp.text("note")} />
        <button type="submit">{words.t("hr.budgets.top_up")}</button>
      </form>
      <form class="form card" onSubmit={create} noValidate data-form="new-budget">
        <h2>{words.t("hr.budgets.new")}</h2>
        <Input id="budget-id" label="hr.budgets.id" hint="hr.budgets.id_hint" {...form.text("id")} />
        <Input id="budget-name" label="hr.budgets.name" dir="auto" {...form.text("name")} />
        <Choice
          id="budget-kind"
          label="hr.budgets.kind"
          options={KINDS}
          name={(kind) => words.t(`hr.budgets.kind_${kind}` as MessageKey)}
          {...form.text("kind")}
        />
        {d.kind === "department" && <Input id="budget-department" label="hr.budgets.department" dir="auto" {...form.text("department")} />}
        <button type="submit">{words.t("hr.budgets.create")}</button>
      </form>
    </ListPage>
  );
}
