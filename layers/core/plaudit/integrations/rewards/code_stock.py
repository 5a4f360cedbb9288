"""Fulfilment from a stock of codes an admin uploaded: claim one for the redemption, in a conditional
transaction. The same redemption retried gets the code it claimed first. When a claim leaves fewer codes
than the item's threshold (and when it takes the last one) a `stock_alert` item tells HR."""

from typing import Any

from plaudit.integrations import voucher_crypto
from plaudit.integrations.rewards.provider import Completed, Outcome, PermanentFailure, TransientFailure
from plaudit.services.retry import attempts
from plaudit.services.runtime import now
from plaudit.store import code_stock
from plaudit.store.transact import WriteRefused, write_all

DEFAULT_ALERT_BELOW = 10
CLAIM_ATTEMPTS = 5


def crypto_context(item_id: str) -> str:
    """What a stock code's encryption is bound to: it decrypts only as a code of this item's stock."""
    return f"stock:{item_id}"


def alert_for(available_before: int, alert_below: int, item_name: str) -> dict[str, Any] | None:
    """The alert a claim raises: when it crosses below the threshold, and when the stock runs out."""
    remaining = available_before - 1
    if remaining == 0 or available_before >= alert_below > remaining:
        return {"remaining": remaining, "alert_below": alert_below, "item_name": item_name}
    return None


class CodeStockFulfiller:
    def fulfil(self, redemption: dict[str, Any]) -> Outcome:
        item_id, redemption_id = redemption["item_id"], redemption["id"]
        claim = self._claim(redemption, item_id, redemption_id)
        if claim is None:
            return PermanentFailure("no codes left in stock")
        return Completed(code=voucher_crypto.decrypt(claim["code_ciphertext"], crypto_context(item_id)))

    @staticmethod
    def _claim(redemption: dict[str, Any], item_id: str, redemption_id: str) -> dict[str, Any] | None:
        for _ in attempts(CLAIM_ATTEMPTS):
            claim, count = code_stock.claim_state(item_id, redemption_id)
            if claim is not None:
                return claim
            code = code_stock.oldest_code(item_id)
            if code is None or count is None:
                return None
            available = int(count.get("available", 0))
            alert = alert_for(
                available, int(count.get("alert_below", DEFAULT_ALERT_BELOW)), redemption["item_name"]
            )
            writes = code_stock.claim_writes(code, redemption_id, available, now(), alert)
            try:
                write_all(writes)
            except WriteRefused:
                continue  # another claim took this code or moved the counter (or ours landed): look again
            return {"code_ciphertext": code["code_ciphertext"]}
        raise TransientFailure("the code stock is contended")
