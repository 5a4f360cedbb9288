import { useEffect, useState } from "preact/hooks";
import { type ApiProblem, api, problem, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import { Problem } from "../Problem";
import { Scroll } from "./Scroll";
import { thisMonth } from "./report";

type Budget = Schemas["BudgetView"];
type Burn = Schemas["BudgetFigures"];

/** Every budget with its balance, this month's spend and when it runs out at its rate (two API calls), and a
 * top-up form (HR and finance may top up; the API refuses anyone else). */
export function Budgets() {
  const { words } = useConsole();
  const [budgets, setBudgets] = useState<Budget[] | null>(null);
  const [burn, setBurn] = useState<Record<string, Burn>>({});
  const [failure, setFailure] = useState<ApiProblem | "network" | null>(null);

  useEffect(() => {
    Promise.all([api.GET("/v1/budgets", { params: { query: { limit: 100 } } }), thisMonth("budgets")])
      .then(([listed, report]) => {
        if (!listed.data) return setFailure(problem(listed.error));
        setBudgets(listed.data.items);
        // the burn is a report finance and HR read; a budget holder sees the balances without it
        const rows = report.data?.rows ?? [];
        setBurn(Object.fromEntries(rows.map((row) => [row.group.replace(/^budget:/, ""), row.current])));
      })
      .catch(() => setFailure("network"));
  }, []);

  const toppedUp = (id: string, points: number) =>
    setBudgets((all) => (all ?? []).map((b) => (b.id === id ? { ...b, balance: b.balance + points } : b)));

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{words.t("finance.budgets.title")}</h1>
      <Problem problem={failure} />
      {!budgets && failure === null && <p>{words.t("app.loading")}</p>}
      {budgets && budgets.length === 0 && <p>{words.t("finance.budgets.empty")}</p>}
      {budgets && budgets.length > 0 && (
        <>
          <Scroll label={words.t("finance.budgets.title")}>
            <table class="board">
              <thead>
                <tr>
                  <th scope="col">{words.t("finance.budgets.name")}</th>
                  <th scope="col">{words.t("finance.budgets.balance")}</th>
                  <th scope="col">{words.t("finance.budgets.spent")}</th>
                  <th scope="col">{words.t("finance.budgets.runs_out")}</th>
                </tr>
              </thead>
              <tbody>
                {budgets.map((budget) => {
                  const figures = burn[budget.id];
                  return (
                    <tr key={budget.id} data-budget={budget.id}>
                      <th scope="row">{budget.name}</th>
                      <td class="balance">{words.number(budget.balance)}</td>
                      <td>{figures ? words.number(figures.spent) : "—"}</td>
                      <td>
                        {figures?.runs_out_in
                          ? monthName(figures.runs_out_in, words.locale)
                          : words.t("finance.budgets.never")}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </Scroll>
          <TopUp budgets={budgets} onDone={toppedUp} />
        </>
      )}
    </section>
  );
}

function monthName(month: string, locale: string): string {
  const [year, index] = month.split("-").map(Number);
  return new Intl.DateTimeFormat(locale, { year: "numeric", month: "long", timeZone: "UTC" }).format(
    new Date(Date.UTC(year ?? 1970, (index ?? 1) - 1, 1)),
  );
}

function TopUp({ budgets, onDone }: { budgets: Budget[]; onDone(id: string, points: number): void }) {
  const { words } = useConsole();
  const [budget, setBudget] = useState(budgets[0]?.id ?? "");
  const [points, setPoints] = useState("");
  const [note, setNote] = useState("");
  const [failure, setFailure] = useState<ApiProblem | "network" | null>(null);
  const [invalid, setInvalid] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setDone(null);
    setFailure(null);
    const amount = Number(points);
    if (!/^\d+$/.test(points.trim()) || amount < 1 || amount > 100_000_000) {
      setInvalid(true);
      return;
    }
    setBusy(true);
    try {
      const { data, error } = await api.POST("/v1/budgets/{budget_id}/top-ups", {
        params: { path: { budget_id: budget }, header: { "idempotency-key": crypto.randomUUID() } },
        body: note.trim() ? { points: amount, note: note.trim() } : { points: amount },
      });
      if (!data) return setFailure(problem(error) ?? "network");
      onDone(budget, amount);
      setDone(words.t("finance.topup.done", { count: amount }));
      setPoints("");
      setNote("");
    } catch {
      setFailure("network");
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form card" onSubmit={submit} noValidate>
      <h2>{words.t("finance.topup.title")}</h2>
      <label for="topup-budget">{words.t("finance.topup.budget")}</label>
      <select id="topup-budget" value={budget} onChange={(e) => setBudget(e.currentTarget.value)}>
        {budgets.map((b) => (
          <option key={b.id} value={b.id}>
            {b.name}
          </option>
        ))}
      </select>
      <label for="topup-points">{words.t("finance.topup.points")}</label>
      <input
        id="topup-points"
        inputMode="numeric"
        value={points}
        aria-invalid={invalid}
        onInput={(e) => {
          setPoints(e.currentTarget.value);
          setInvalid(false);
        }}
      />
      <label for="topup-note">{words.t("finance.topup.note")}</label>
      <input id="topup-note" maxLength={500} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      {invalid && (
        <p class="problem" role="alert">
          {words.t("finance.topup.bad_points")}
        </p>
      )}
      <Problem problem={failure} />
      {done && (
        <p class="done" role="status">
          {done}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {words.t("finance.topup.submit")}
      </button>
    </form>
  );
}
