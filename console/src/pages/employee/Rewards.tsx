import { useEffect, useState } from "preact/hooks";
import { type ApiProblem, api, problem, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import type { MessageKey } from "../../i18n";
import { Problem } from "../Problem";
import { QrCode } from "./QrCode";

type Redemption = Schemas["RedemptionView"];
type Voucher = Schemas["OwnedVoucher"];
const CANCELLABLE: ReadonlySet<string> = new Set(["pending_approval", "approved"]);

/** "My rewards": my redemptions and my vouchers, each voucher's code with a QR code for the desk. Two calls. */
export function Rewards() {
  const { words } = useConsole();
  const [redemptions, setRedemptions] = useState<Redemption[] | null>(null);
  const [vouchers, setVouchers] = useState<Voucher[] | null>(null);
  const [failure, setFailure] = useState<ApiProblem | "network" | null>(null);

  useEffect(() => {
    const failed = (error: unknown) => setFailure(problem(error));
    api
      .GET("/v1/vouchers/mine")
      .then(({ data, error }) => (data ? setVouchers(data.items) : failed(error)))
      .catch(() => setFailure("network"));
    api
      .GET("/v1/redemptions", { params: { query: { limit: 50 } } })
      .then(({ data, error }) => (data ? setRedemptions(data.items) : failed(error)))
      .catch(() => setFailure("network"));
  }, []);

  const live = vouchers?.filter((voucher) => voucher.status === "issued" || voucher.status === "delivered");
  const past = vouchers?.filter((voucher) => !live?.includes(voucher));
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{words.t("employee.rewards.title")}</h1>
      <Problem problem={failure} />
      {(vouchers === null || redemptions === null) && failure === null && <p>{words.t("app.loading")}</p>}
      <h2>{words.t("employee.rewards.vouchers")}</h2>
      {vouchers?.length === 0 && <p>{words.t("employee.rewards.no_vouchers")}</p>}
      <ul class="vouchers">
        {[...(live ?? []), ...(past ?? [])].map((voucher) => (
          <VoucherCard key={voucher.id} voucher={voucher} />
        ))}
      </ul>
      <h2>{words.t("employee.rewards.redemptions")}</h2>
      {redemptions?.length === 0 && <p>{words.t("employee.rewards.no_redemptions")}</p>}
      <ul class="items">
        {redemptions?.map((redemption) => (
          <RedemptionCard key={redemption.id} redemption={redemption} />
        ))}
      </ul>
    </section>
  );
}

function VoucherCard({ voucher }: { voucher: Voucher }) {
  const { words } = useConsole();
  const usable = voucher.status === "issued" || voucher.status === "delivered";
  return (
    <li class="card voucher" data-voucher={voucher.id}>
      <h3 dir="auto">{voucher.item_name}</h3>
      <p class="meta">
        <span class="tag">{words.t(`employee.voucher.${voucher.status}` as MessageKey)}</span>
        {voucher.expires_on && (
          <span>{words.t("employee.voucher.expires", { date: words.date(voucher.expires_on) })}</span>
        )}
      </p>
      <p class="code">
        {words.t("employee.voucher.code")}{" "}
        <code dir="ltr" data-code="">
          {voucher.code}
        </code>
      </p>
      {usable && <QrCode text={voucher.code} label={words.t("employee.voucher.qr", { code: voucher.code })} />}
    </li>
  );
}

function RedemptionCard({ redemption: initial }: { redemption: Redemption }) {
  const { words } = useConsole();
  const [redemption, setRedemption] = useState(initial);
  const [failure, setFailure] = useState<ApiProblem | "network" | null>(null);
  const last = redemption.history?.[redemption.history.length - 1];

  async function cancel() {
    setFailure(null);
    try {
      const { data, error } = await api.POST("/v1/redemptions/{redemption_id}/cancel", {
        params: { path: { redemption_id: redemption.id } },
      });
      if (data) setRedemption(data);
      else setFailure(problem(error));
    } catch {
      setFailure("network");
    }
  }

  return (
    <li class="card" data-redemption={redemption.id}>
      <h3 dir="auto">{redemption.item_name}</h3>
      <p class="meta">
        <span class="tag" data-status={redemption.status}>
          {words.t(`employee.status.${redemption.status}` as MessageKey)}
        </span>
        <span>{words.money(redemption.denomination, redemption.currency)}</span>
        <span class="points">{words.t("feed.points", { count: redemption.points })}</span>
        <time dateTime={redemption.created_at}>{words.dateTime(redemption.created_at)}</time>
      </p>
      {last?.reason && (
        <p class="hint" dir="auto">
          {words.t("employee.rewards.reason", { reason: last.reason })}
        </p>
      )}
      <Problem problem={failure} />
      {CANCELLABLE.has(redemption.status) && (
        <button type="button" class="secondary" onClick={() => void cancel()}>
          {words.t("employee.rewards.cancel")}
        </button>
      )}
    </li>
  );
}
