"""What a rewards-as-a-service API (the sandbox, Tremendous, Tango Card) gives back, in one shape: an order
for one reward, placed under our redemption id as its external reference, and the two ways a call fails.
Each provider's client (sandbox.py, tremendous.py, tango.py) implements RewardsApi."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Protocol


class OrderStatus(StrEnum):
    PENDING = "PENDING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class ProviderUnavailable(Exception):
    """503 / 429 / timeout / a provider not configured yet: the same request may work later."""


class OrderRejected(Exception):
    """4xx: the provider will never accept this order as asked (declined, unknown product, no funds)."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Order:
    id: str
    external_reference: str
    sku: str
    amount: Decimal
    currency: str
    country: str
    status: OrderStatus
    created_at: str
    requests: int = 1
    failure_reason: str | None = None
    expires_on: date | None = None
    code: str | None = field(default=None, repr=False)  # COMPLETED orders only; never log it


class RewardsApi(Protocol):
    """What a rewards-as-a-service client offers. `create_order` with a reference already used returns
    that reference's order (its current state), never a second one."""

    def create_order(
        self, sku: str, amount: Decimal, currency: str, country: str, external_reference: str
    ) -> Order: ...

    def get_order(self, order_id: str) -> Order: ...


@dataclass(frozen=True)
class Offer:
    """One product a provider sells, in one currency (a catalogue item has one): what `plaudit catalog sync`
    turns into an item. `fixed` values, or a `min`..`max` range."""

    sku: str
    name: str
    currency: str
    countries: tuple[str, ...] = ()  # empty: everywhere
    fixed: tuple[Decimal, ...] = ()
    min: Decimal | None = None
    max: Decimal | None = None
    brand: str | None = None
    description: str = ""
    image_url: str | None = None
    donation: bool = False


@dataclass(frozen=True)
class Balance:
    """What the account that pays for orders holds now."""

    amount: Decimal
    currency: str
