import { useEffect, useState } from "preact/hooks";
import { type ApiProblem, api, problem, type Schemas } from "../api/client";
import { useConsole } from "../context";
import { Problem } from "./Problem";

/** Allowance left to give and points to spend: one API call (the person's record is already loaded). */
export function Wallet() {
  const { words, me } = useConsole();
  const [wallet, setWallet] = useState<Schemas["WalletView"] | null>(null);
  const [failure, setFailure] = useState<ApiProblem | "network" | null>(null);

  useEffect(() => {
    api
      .GET("/v1/employees/{employee_id}/wallet", { params: { path: { employee_id: me.id } } })
      .then(({ data, error }) => (data ? setWallet(data) : setFailure(problem(error))))
      .catch(() => setFailure("network"));
  }, [me.id]);

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{words.t("wallet.title")}</h1>
      <Problem problem={failure} />
      {wallet === null && failure === null && <p>{words.t("app.loading")}</p>}
      {wallet && (
        <dl class="figures">
          <div class="card">
            <dt>{words.t("wallet.allowance")}</dt>
            <dd class="figure">
              {words.t("wallet.allowance_of", {
                remaining: wallet.allowance.remaining,
                total: wallet.allowance.total,
              })}
            </dd>
            <dd>
              {words.t("wallet.resets", { date: words.dateTime(wallet.allowance.resets_at) })}
            </dd>
          </div>
          <div class="card">
            <dt>{words.t("wallet.points")}</dt>
            <dd class="figure" data-points={wallet.points}>
              {words.t("feed.points", { count: wallet.points })}
            </dd>
            <dd>
              {words.t("wallet.value", {
                money: words.money(wallet.points_value.amount, wallet.points_value.currency),
              })}
            </dd>
          </div>
        </dl>
      )}
    </section>
  );
}
