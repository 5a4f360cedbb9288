import type { Schemas } from "../../api/client";
import { useConsole } from "../../context";
import { Restrictions } from "../employee/Restrictions";

type Check = Schemas["VoucherCheck"];

/** The validate (or redeem) answer as the desk reads it: what the voucher is worth, its restrictions in
 * words, its expiry, whose it is (first name), and whether it can be used on this purchase (for how much
 * off or back) or, if not, the refusal naming the rule, in the person's language with its code. */
export function VoucherAnswer({
  check,
  redeemed,
  busy,
  onRedeem,
}: {
  check: Check;
  redeemed: boolean;
  busy: boolean;
  onRedeem: () => void;
}) {
  const { words } = useConsole();
  const currency = check.value?.currency ?? null;
  const money = (amount: string) => (currency ? words.money(amount, currency) : words.number(Number(amount)));
  const worth = worthOf(check.value, money, words.t);
  return (
    <div
      class="card voucher"
      data-voucher={check.voucher_id}
      data-status={check.status}
      data-usable={String(check.usable)}
    >
      <h2 dir="auto">{check.item_name}</h2>
      <dl class="record">
        <dt>{words.t("desk.status")}</dt>
        <dd>{words.t(`desk.status_${check.status}`)}</dd>
        <dt>{words.t("desk.owner")}</dt>
        <dd class="owner" dir="auto">
          {check.owner_first_name ?? words.t("desk.owner_left")}
        </dd>
        {worth && (
          <>
            <dt>{words.t("desk.worth")}</dt>
            <dd class="worth">{worth}</dd>
          </>
        )}
        <dt>{words.t("desk.expires")}</dt>
        <dd class="expires">{check.expires_on ? words.date(check.expires_on) : words.t("desk.no_expiry")}</dd>
        {check.redeemed_at && (
          <>
            <dt>{words.t("desk.redeemed_at")}</dt>
            <dd>{words.dateTime(check.redeemed_at)}</dd>
          </>
        )}
        {check.discount && (
          <>
            <dt>{words.t("desk.discount")}</dt>
            <dd class="discount">{money(check.discount)}</dd>
          </>
        )}
        {check.cashback && (
          <>
            <dt>{words.t("desk.cashback")}</dt>
            <dd class="cashback">{money(check.cashback)}</dd>
          </>
        )}
      </dl>
      <Restrictions restrictions={check.restrictions} />
      {redeemed ? (
        <p class="done" role="status">
          {words.t("desk.redeemed", { item: check.item_name })}
        </p>
      ) : check.usable ? (
        <>
          <p class="usable">{words.t("desk.usable")}</p>
          <button type="button" class="redeem-now" disabled={busy} onClick={onRedeem}>
            {words.t("desk.redeem")}
          </button>
        </>
      ) : (
        check.refusal && (
          <p class="problem refusal" role="alert" data-refusal={check.refusal.code}>
            {words.t("desk.refused", { message: check.refusal.message, code: check.refusal.code })}
          </p>
        )
      )}
    </div>
  );
}

type Translate = ReturnType<typeof useConsole>["words"]["t"];

/** "$60.00", "20% off, at most $20.00", "5% back": the voucher's value in words (null: not kept). */
function worthOf(value: Check["value"], money: (amount: string) => string, t: Translate): string | null {
  if (!value) return null;
  if (value.kind === "amount") return value.amount ? money(value.amount) : null;
  const percent = Number(value.percent ?? 0);
  const key = value.kind === "percentage" ? "desk.worth_percentage" : "desk.worth_cashback";
  return value.cap
    ? t(`${key}_capped`, { percent, cap: money(value.cap) })
    : t(key, { percent });
}
