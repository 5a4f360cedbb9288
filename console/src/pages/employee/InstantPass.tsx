import { useEffect, useState } from "preact/hooks";
import { type ApiProblem, api, problem, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import { Problem } from "../Problem";
import { QrCode } from "./QrCode";

type Pass = Schemas["IssuedPass"];
const RENEW_BEFORE_MS = 10_000; // a new pass this long before the shown one runs out
const MAX_PASSES = 6; // about six minutes of showing, then the person asks again

/** "Use now" on an instant perk: a single-use pass valid for a minute, shown as a QR for the desk's camera (and
 * its short code to type), renewed by itself shortly before it runs out while it is shown. One API call per
 * pass (POST /v1/instant-passes); nothing moves until the desk confirms it. */
export function InstantPass({ item }: { item: Schemas["CatalogItemView"] }) {
  const { words } = useConsole();
  const [pass, setPass] = useState<Pass | null>(null);
  const [shown, setShown] = useState(0);
  const [failure, setFailure] = useState<ApiProblem | "network" | null>(null);
  const [busy, setBusy] = useState(false);

  async function ask() {
    setBusy(true);
    setFailure(null);
    try {
      const { data, error } = await api.POST("/v1/instant-passes", { body: { item_id: item.id } });
      setPass(data ?? null);
      if (data) setShown((count) => count + 1);
      else setFailure(problem(error) ?? "network");
    } catch {
      setFailure("network");
    } finally {
      setBusy(false);
    }
  }

  useEffect(() => {
    if (!pass) return;
    const left = new Date(pass.expires_at).getTime() - Date.now();
    const timer = window.setTimeout(
      () => (shown < MAX_PASSES ? ask() : setPass(null)),
      Math.max(left - RENEW_BEFORE_MS, 1_000),
    );
    return () => window.clearTimeout(timer);
  }, [pass]);

  const stop = () => {
    setPass(null);
    setShown(0);
  };
  return (
    <div class="instant" data-instant={item.id}>
      <Problem problem={failure} />
      {pass ? (
        <div class="pass" data-pass-expires={pass.expires_at}>
          <QrCode text={pass.token} label={words.t("employee.pass.qr_label", { item: item.name })} />
          <p class="code">
            {words.t("employee.pass.code")} <code>{pass.code}</code>
          </p>
          <p class="hint" role="status">
            {words.t("employee.pass.until", { time: words.dateTime(pass.expires_at) })}
          </p>
          <button type="button" class="secondary" onClick={stop}>
            {words.t("employee.pass.done")}
          </button>
        </div>
      ) : (
        <>
          <p class="hint">{words.t("employee.pass.how")}</p>
          <button type="button" class="use-now" disabled={busy} onClick={ask}>
            {words.t("employee.pass.use_now")}
          </button>
        </>
      )}
    </div>
  );
}
