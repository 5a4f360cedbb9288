"""Fulfilment by an external rewards provider: one order per redemption, the redemption id as its external
reference, so however often a redemption is retried the provider places it once."""

from decimal import Decimal
from typing import Any, Protocol

from plaudit.integrations.rewards.provider import (
    Completed,
    Outcome,
    Pending,
    PermanentFailure,
    TransientFailure,
)
from plaudit.integrations.rewards.sandbox import Order, OrderRejected, OrderStatus, ProviderUnavailable
from plaudit.store import keys
from plaudit.store.reads import get_one


class RewardsApi(Protocol):
    """What a rewards-as-a-service client offers (the sandbox, or a real provider's client)."""

    def create_order(
        self, sku: str, amount: Decimal, currency: str, country: str, external_reference: str
    ) -> Order: ...

    def get_order(self, order_id: str) -> Order: ...


class ProviderFulfiller:
    def __init__(self, api: RewardsApi):
        self.api = api

    def fulfil(self, redemption: dict[str, Any]) -> Outcome:
        sku = redemption.get("provider_sku")
        if not sku:
            return PermanentFailure("the catalogue item names no provider SKU")
        try:
            order = self.api.create_order(
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


def _country_of(employee_id: str) -> str:
    profile = get_one(keys.employee(employee_id)) or {}
    return profile.get("country") or ""
