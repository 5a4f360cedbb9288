import { useState } from "preact/hooks";
import { type ApiProblem, api, problem, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import { Problem } from "../Problem";
import { InstantPass, isPass } from "./InstantPass";
import { Scanner } from "./Scanner";
import { VoucherAnswer } from "./VoucherAnswer";

type Check = Schemas["VoucherCheck"];

const AMOUNT = /^\d{1,7}(\.\d{1,2})?$/; // the API's: more than 0, at most 1,000,000, two decimals

/** The voucher desk: type a code (or scan its QR) and the purchase it pays for, see what it is worth, its
 * restrictions, expiry and owner and whether it can be used on this purchase, redeem it once. The page
 * loads with no API call; checking is one (POST /v1/vouchers/validate, nothing changes), redeeming one more
 * (POST /v1/vouchers/redeem), both with the purchase. A voucher that cannot be used here (already redeemed,
 * expired, wrong place, below the minimum purchase...) shows the rule that refuses it (VoucherAnswer); an
 * unknown code or too many tries is the API's error, both in the person's language with their code. */
export function Desk() {
  const { words } = useConsole();
  const [code, setCode] = useState("");
  const [location, setLocation] = useState("");
  const [amount, setAmount] = useState("");
  const [category, setCategory] = useState("");
  const [scanning, setScanning] = useState(false);
  const [check, setCheck] = useState<Check | null>(null);
  const [redeemed, setRedeemed] = useState(false);
  const [failure, setFailure] = useState<ApiProblem | "network" | null>(null);
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [pass, setPass] = useState<{ code: string; location: string } | null>(null); // an instant perk's pass

  const badAmount = amount.trim() !== "" && (!AMOUNT.test(amount.trim()) || Number(amount) <= 0 || Number(amount) > 1e6);
  const body = () => ({
    code: code.trim(),
    ...(location.trim() ? { location: location.trim() } : {}),
    ...(amount.trim() ? { purchase_amount: amount.trim() } : {}),
    ...(category.trim() ? { purchase_category: category.trim() } : {}),
  });
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
    setPass(isPass(code) ? { code: code.trim(), location: location.trim() } : null); // its own component
    if (isPass(code)) return;
    if (badAmount) return; // the form says why; the API would refuse it
    setCheck(await ask("/v1/vouchers/validate"));
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
            setPass(null);
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
        <label for="desk-amount">{words.t("desk.purchase_amount")}</label>
        <input
          id="desk-amount"
          inputMode="decimal"
          autoComplete="off"
          maxLength={10}
          value={amount}
          aria-invalid={badAmount}
          aria-describedby="desk-amount-hint"
          onInput={(e) => {
            setAmount(e.currentTarget.value);
            setCheck(null);
          }}
        />
        <p class="hint" id="desk-amount-hint">
          {words.t("desk.purchase_amount_hint")}
        </p>
        {badAmount && (
          <p class="problem" role="alert">
            {words.t("desk.bad_amount")}
          </p>
        )}
        <label for="desk-category">{words.t("desk.purchase_category")}</label>
        <input
          id="desk-category"
          autoComplete="off"
          maxLength={40}
          value={category}
          onInput={(e) => {
            setCategory(e.currentTarget.value);
            setCheck(null);
          }}
        />
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
      {pass && <InstantPass pass={pass} />}
      {check && <VoucherAnswer check={check} redeemed={redeemed} busy={busy} onRedeem={redeem} />}
    </section>
  );
}
