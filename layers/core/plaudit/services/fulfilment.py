"""Fulfilling an approved redemption: move it to fulfilling, let its method's Fulfiller deliver, then issue
the voucher and settle the held points, or refund them when delivery can never work.

Every step is idempotent, so a message delivered twice (or redriven from the dead-letter queue) does the
work once: the provider order's external reference and the stock claim are the redemption id, the voucher
id derives from it, and completing or failing a redemption twice is a no-op.
"""

from datetime import date
from enum import StrEnum

from plaudit.domain.access import SYSTEM
from plaudit.domain.catalog import voucher_expiry
from plaudit.domain.errors import NotFound
from plaudit.domain.redemptions import RedemptionView, Status
from plaudit.integrations.rewards import fulfiller_for
from plaudit.integrations.rewards.provider import Completed, Pending, PermanentFailure, TransientFailure
from plaudit.services import catalog, redemptions, vouchers
from plaudit.services.runtime import now


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
        redemption = redemptions.begin_fulfilment(rid) or _still_fulfilling(rid)
    except NotFound:
        return Result.SKIPPED
    if redemption is None:
        return Result.SKIPPED
    record = redemption.model_dump(mode="json")
    try:
        outcome = fulfiller_for(record["fulfilment"]).fulfil(record)
    except TransientFailure as error:
        raise RetryLater(str(error)) from error
    if isinstance(outcome, Pending):
        raise RetryLater("the provider's order is pending", outcome.external_order_id)
    if isinstance(outcome, PermanentFailure):
        redemptions.fail_fulfilment(rid, outcome.reason)
        return Result.FAILED
    assert isinstance(outcome, Completed)
    expires_on = outcome.expires_on or _item_expiry(record["item_id"], now().date())
    voucher_id = vouchers.issue(record, code=outcome.code, expires_on=expires_on)
    redemptions.complete_fulfilment(rid, voucher_id=voucher_id, external_order_id=outcome.external_order_id)
    return Result.FULFILLED


def _still_fulfilling(rid: str) -> RedemptionView | None:
    """A redelivery after a pending order or a transient failure finds the redemption fulfilling already:
    carry on with it. Anything else (cancelled before it began, done, failed) is not ours any more."""
    try:
        view = redemptions.get(SYSTEM, rid)
    except NotFound:
        return None
    return view if view.status is Status.FULFILLING else None


def _item_expiry(item_id: str, issued_on: date) -> date | None:
    try:
        return voucher_expiry(catalog.get_item(item_id), issued_on)
    except NotFound:
        return None
