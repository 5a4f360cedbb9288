"""Fulfilling an approved redemption: move it to fulfilling, let its method's Fulfiller deliver, then issue
the voucher and settle the held points, or refund them when delivery can never work.

Every step is idempotent, so a message delivered twice (or redriven from the dead-letter queue) does the
work once: the provider order's external reference and the stock claim are the redemption id, the voucher
id derives from it, and completing or failing a redemption twice is a no-op.
"""

from enum import StrEnum

from plaudit.domain.catalog import Restrictions, RewardsProvider, expiry_under, gives_a_voucher
from plaudit.domain.errors import Conflict, NotFound
from plaudit.domain.redemptions import Redemption
from plaudit.integrations.rewards import fulfiller_for, required_credentials, rewards_api
from plaudit.integrations.rewards.credentials import configured
from plaudit.integrations.rewards.orders import Balance, OrderRejected, ProviderUnavailable
from plaudit.integrations.rewards.provider import Completed, Pending, PermanentFailure, TransientFailure
from plaudit.services import catalog, redemptions, vouchers
from plaudit.services.runtime import now
from plaudit.store.transact import WriteRefused


class Result(StrEnum):
    FULFILLED = "fulfilled"
    FAILED = "failed"  # refunded
    SKIPPED = "skipped"  # not ours to fulfil (cancelled, already done, unknown)


class RetryLater(Exception):
    """The order is pending or the method failed transiently: deliver the message again later."""

    def __init__(self, reason: str, external_order_id: str | None = None):
        super().__init__(reason)
        self.external_order_id = external_order_id


def fulfil(rid: str) -> Result:
    try:
        redemption = redemptions.begin_fulfilment(rid)  # a fulfilling one (a redelivery) carries on
    except NotFound:
        return Result.SKIPPED
    if redemption is None:
        return Result.SKIPPED
    record = redemption.model_dump(mode="json")
    try:
        outcome = fulfiller_for(record["fulfilment"], record.get("provider")).fulfil(record)
    except TransientFailure as error:
        raise RetryLater(str(error)) from error
    if isinstance(outcome, Pending):
        raise RetryLater("the provider's order is pending", outcome.external_order_id)
    if isinstance(outcome, PermanentFailure):
        redemptions.fail_fulfilment(rid, outcome.reason)
        return Result.FAILED
    assert isinstance(outcome, Completed)
    _complete(redemption, outcome)
    return Result.FULFILLED


def _complete(redemption: Redemption, outcome: Completed) -> None:
    """Issue the voucher (none for a donation) and complete the redemption in one transaction, with the
    item's restrictions as the redemption captured them (read from the catalogue only for redemptions older
    than that). A voucher issued already (an earlier attempt's) is kept; a Plaudit code that collides is
    made again."""
    if not gives_a_voucher(redemption.item_type):  # a donation: made, confirmed, nothing to deliver
        redemptions.complete_fulfilment(
            redemption.id, voucher_id=None, external_order_id=outcome.external_order_id, known=redemption
        )
        return
    restrictions = redemption.restrictions or _item_restrictions(redemption.item_id)
    record = redemption.model_dump(mode="json")
    expires_on = outcome.expires_on or (expiry_under(restrictions, now().date()) if restrictions else None)
    for _ in range(vouchers.MAX_CODE_ATTEMPTS):  # a fresh code each time: a collision, not a race
        voucher_id, writes = vouchers.issue_writes(
            record, code=outcome.code, expires_on=expires_on, restrictions=restrictions
        )
        try:
            redemptions.complete_fulfilment(
                redemption.id,
                voucher_id=voucher_id,
                external_order_id=outcome.external_order_id,
                known=redemption,
                with_writes=writes,
            )
            return
        except WriteRefused as refused:
            if refused.refused("voucher"):  # issued by an earlier attempt: complete with it
                redemptions.complete_fulfilment(
                    redemption.id, voucher_id=voucher_id, external_order_id=outcome.external_order_id
                )
                return
            if not refused.refused("code"):
                raise
            if outcome.code is not None:
                raise Conflict("error.voucher_code_taken", code="voucher_code_taken") from None
    raise Conflict("error.no_unused_voucher_code", code="voucher_code_taken")


def provider_balances() -> dict[str, Balance | None]:
    """The funding balance of each rewards provider whose credentials are filled in (a company need not use
    both): None when it cannot be read now. Read hourly by the redemptions schedule into the ProviderBalance
    metric, which an alarm watches."""
    found: dict[str, Balance | None] = {}
    for provider in (RewardsProvider.TREMENDOUS, RewardsProvider.TANGO):
        if not configured(provider.value, required_credentials(provider)):
            continue
        try:
            found[provider.value] = rewards_api(provider).balance()
        except (ProviderUnavailable, OrderRejected):
            found[provider.value] = None
    return found


def _item_restrictions(item_id: str) -> Restrictions | None:
    try:
        return catalog.get_item(item_id).restrictions
    except NotFound:
        return None
