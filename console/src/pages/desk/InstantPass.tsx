import { useEffect, useState } from "preact/hooks";
import { type ApiProblem, api, problem, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import { Problem } from "../Problem";

/** Whether a scanned or typed text is an instant perk's pass (its QR's token, or its 8-character code), not a
 * voucher code: the desk checks and confirms those at /v1/instant-passes. */
export function isPass(text: string): boolean {
  const chars = text.replace(/[\s\-_.]+/g, "").toUpperCase();
  return chars.startsWith("PASS") ? chars.length === 28 : chars.length === 8;
}

/** A pass at the desk: what it is for and whose it is (one call, nothing changes), then Confirm (one more
 * call): the points move and the perk is handed over. Refusals (expired, used, another vendor's) are the API's. */
export function InstantPass({ pass }: { pass: { code: string; location: string } }) {
  const { words } = useConsole();
  const [check, setCheck] = useState<Schemas["PassCheck"] | null>(null);
  const [used, setUsed] = useState<Schemas["PassUse"] | null>(null);
  const [failure, setFailure] = useState<ApiProblem | "network" | null>(null);
  const [busy, setBusy] = useState(false);
  const body = { code: pass.code, ...(pass.location ? { location: pass.location } : {}) };

  async function send(path: "/v1/instant-passes/check" | "/v1/instant-passes/confirm") {
    setBusy(true);
    setFailure(null);
    try {
      const { data, error } = await api.POST(path, { body });
      if (!data) setFailure(problem(error) ?? "network");
      return data ?? null;
    } catch {
      setFailure("network");
      return null;
    } finally {
      setBusy(false);
    }
  }

  useEffect(() => {
    setCheck(null);
    setUsed(null);
    send("/v1/instant-passes/check").then((found) => found && setCheck(found as Schemas["PassCheck"]));
  }, [pass]);

  const confirm = async () => {
    const done = await send("/v1/instant-passes/confirm");
    if (done) setUsed(done as Schemas["PassUse"]);
  };

  return (
    <>
      <Problem problem={failure} />
      {check && (
        <div class="card voucher pass" data-pass-item={check.item_id} data-status={used ? "used" : "issued"}>
          <h2>
            {words.t("desk.pass.title")}: <span dir="auto">{check.item_name}</span>
          </h2>
          <dl class="record">
            <dt>{words.t("desk.pass.owner")}</dt>
            <dd dir="auto">{check.owner_first_name ?? "—"}</dd>
            <dt>{words.t("desk.pass.value")}</dt>
            <dd>{check.denomination ? words.money(check.denomination, check.currency) : "—"}</dd>
            <dt>{words.t("desk.pass.points")}</dt>
            <dd>{words.number(check.points)}</dd>
            <dt>{words.t("desk.pass.expires")}</dt>
            <dd>{words.dateTime(check.expires_at)}</dd>
          </dl>
          {used ? (
            <p class="done" role="status" data-redemption={used.redemption.id}>
              {words.t("desk.pass.confirmed", { item: used.item_name })}
            </p>
          ) : (
            <button type="button" class="confirm-pass" disabled={busy} onClick={confirm}>
              {words.t("desk.pass.confirm")}
            </button>
          )}
        </div>
      )}
    </>
  );
}
