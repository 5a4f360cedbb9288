"""Fulfilment by an external rewards provider: one order per redemption, the redemption id as its external
reference, so however often a redemption is retried the provider places it once. A pending order is read
again by the same call when the message comes back (the provider finds it by the reference)."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from plaudit.integrations.rewards.orders import OrderRejected, OrderStatus, ProviderUnavailable, RewardsApi
from plaudit.integrations.rewards.provider import (
    Completed,
    Outcome,
    Pending,
    PermanentFailure,
    TransientFailure,
)
from plaudit.store import keys
from plaudit.store.reads import get_one


class ProviderFulfiller:
    def __init__(self, connect: Callable[[], RewardsApi]):
        """`connect()` makes the provider's client (it may find the provider not configured yet)."""
        self.connect = connect

    def fulfil(self, redemption: dict[str, Any]) -> Outcome:
        sku = redemption.get("provider_sku")
        if not sku:
            return PermanentFailure("the catalogue item names no provider SKU")
        try:
            order = self.connect().create_order(
                sku=sku,
                amount=Decimal(str(redemption["denomination"])),
                currency=redemption["currency"],
                country=redemption.get("country") or _country_of(redemption["employee_id"]),
                external_reference=redemption["id"],
            )
        except ProviderUnavailable as error:
            raise TransientFailure(str(error)) from error
        except OrderRejected as rejected:
            return PermanentFailure(f"the provider refused the order ({rejected.code})")
        if order.status == OrderStatus.PENDING:
            return Pending(order.id)
        if order.status == OrderStatus.FAILED or order.code is None:
            return PermanentFailure(f"the provider could not fulfil the order ({order.failure_reason})")
        return Completed(code=order.code, expires_on=order.expires_on, external_order_id=order.id)


class UnnamedProvider:
    """A provider item that names no provider, outside the dev stage: the sandbox would hand out codes
    that are worth nothing, so the redemption fails and its points are returned."""

    def fulfil(self, redemption: dict[str, Any]) -> Outcome:
        return PermanentFailure("the catalogue item names no rewards provider (and the stage is not dev)")


def _country_of(employee_id: str) -> str:
    profile = get_one(keys.employee(employee_id)) or {}
    return profile.get("country") or ""
