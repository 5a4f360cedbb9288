import { useState } from "preact/hooks";
import { type ApiProblem, api, problem, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import { Problem } from "../Problem";
import { Scanner } from "./Scanner";

type Check = Schemas["VoucherCheck"];

/** The voucher desk: type a code (or scan its QR), see what it is and until when, redeem it once. The page
 * loads with no API call; checking is one (POST /v1/vouchers/validate, nothing changes), redeeming one more
 * (POST /v1/vouchers/redeem). Every refusal (unknown code, already redeemed, expired, wrong place, too many
 * tries) is the API's, shown in the person's language with its code. */
export function Desk() {
  const { words } = useConsole();
  const [code, setCode] = useState("");
  const [location, setLocation] = useState("");
  const [scanning, setScanning] = useState(false);
  const [check, setCheck] = useState<Check | null>(null);
  const [redeemed, setRedeemed] = useState(false);
  const [failure, setFailure] = useState<ApiProblem | "network" | null>(null);
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);

  const body = () => ({ code: code.trim(), ...(location.trim() ? { location: location.trim() } : {}) });
  const ask = async (path: "/v1/vouchers/validate" | "/v1/vouchers/redeem") => {
    setFailure(null);
    setBusy(true);
    try {
      const { data, error } = await api.POST(path, { body: body() });
      if (!data) setFailure(problem(error) ?? "network");
      return data ?? null;
    } catch {
      setFailure("network");
      return null;
    } finally {
      setBusy(false);
    }
  };

  const validate = async (event: Event) => {
    event.preventDefault();
    setCheck(null);
    setRedeemed(false);
    if (!code.trim()) {
      setMissing(true);
      return;
    }
    const found = await ask("/v1/vouchers/validate");
    if (found && !found.usable && found.refusal) {
      setFailure(found.refusal); // it cannot be used here, now or on this purchase: the rule, in the person's language
      return;
    }
    setCheck(found);
  };

  const redeem = async () => {
    const done = await ask("/v1/vouchers/redeem");
    if (done) {
      setCheck(done);
      setRedeemed(true);
    }
  };

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{words.t("desk.title")}</h1>
      <form class="form card" onSubmit={validate} noValidate>
        <label for="desk-code">{words.t("desk.code")}</label>
        <input
          id="desk-code"
          autoComplete="off"
          autoCapitalize="characters"
          spellcheck={false}
          maxLength={64}
          value={code}
          aria-invalid={missing}
          onInput={(e) => {
            setCode(e.currentTarget.value);
            setMissing(false);
            setCheck(null);
          }}
        />
        <label for="desk-location">{words.t("desk.location")}</label>
        <input
          id="desk-location"
          maxLength={200}
          value={location}
          onInput={(e) => setLocation(e.currentTarget.value)}
        />
        <p class="hint">{words.t("desk.location_hint")}</p>
        {missing && (
          <p class="problem" role="alert">
            {words.t("desk.need_code")}
          </p>
        )}
        <div class="actions">
          <button type="submit" class="check" disabled={busy}>
            {words.t("desk.check")}
          </button>
          {!scanning && (
            <button type="button" class="secondary" onClick={() => setScanning(true)}>
              {words.t("desk.scan.start")}
            </button>
          )}
        </div>
      </form>
      {scanning && (
        <Scanner
          onCode={(read) => {
            setScanning(false);
            setCode(read);
            setCheck(null);
          }}
          onClose={() => setScanning(false)}
        />
      )}
      <Problem problem={failure} />
      {check && (
        <div class="card voucher" data-voucher={check.voucher_id} data-status={check.status}>
          <h2>{check.item_name}</h2>
          <dl class="record">
            <dt>{words.t("desk.status")}</dt>
            <dd>{words.t(`desk.status_${check.status}`)}</dd>
            <dt>{words.t("desk.expires")}</dt>
            <dd>
              {check.expires_on
                ? new Intl.DateTimeFormat(words.locale, { dateStyle: "long", timeZone: "UTC" }).format(
                    new Date(`${check.expires_on}T00:00:00Z`),
                  )
                : words.t("desk.no_expiry")}
            </dd>
            {check.redeemed_at && (
              <>
                <dt>{words.t("desk.redeemed_at")}</dt>
                <dd>{words.dateTime(check.redeemed_at)}</dd>
              </>
            )}
          </dl>
          {redeemed ? (
            <p class="done" role="status">
              {words.t("desk.redeemed", { item: check.item_name })}
            </p>
          ) : (
            <button type="button" class="redeem-now" disabled={busy} onClick={redeem}>
              {words.t("desk.redeem")}
            </button>
          )}
        </div>
      )}
    </section>
  );
}
