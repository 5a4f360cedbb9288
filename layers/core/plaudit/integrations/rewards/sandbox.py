"""A SANDBOX rewards-as-a-service provider: it behaves like Tremendous, Tango Card or Runa, places no real
order and moves no money. Use it in dev, tests and demos; a real provider's client implements the same
`create_order` (RewardsApi in orders.py).

Like the real APIs it has its own catalogue (SKUs with fixed values or a min/max range per currency, in
some countries), refuses what it does not sell (OrderRejected, a 4xx), and takes our redemption id as the
external reference: a repeated reference returns the SAME order, never a second one.

Deterministic triggers, by the amount's cents:
  .13  declined: the order is created FAILED at once (a permanent failure)
  .42  PENDING, then COMPLETED at the next request about the order
  .44  PENDING, then FAILED at the next request about the order
  .03  the first 2 requests for the reference answer "503 unavailable" (ProviderUnavailable)
  else COMPLETED at once
`transient_failures=N` (or env SANDBOX_TRANSIENT_FAILURES) makes the first N requests for every reference
answer 503. The sandbox's time is counted in requests, not seconds, so tests and the local stack agree.
Its state lives in the domain table (SANDBOX_ORDER#<reference>) so it survives Lambda containers.
Gift card codes are derived from the order id with a sandbox key, never stored.
"""

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from plaudit.domain.ids import derived_id
from plaudit.environment import environment
from plaudit.integrations.rewards.orders import Order, OrderRejected, OrderStatus, ProviderUnavailable
from plaudit.services.retry import attempts
from plaudit.services.runtime import now
from plaudit.store import keys, sandbox_orders

DECLINED_CENTS = "13"
SETTLES_LATER = {"42": "COMPLETED", "44": "FAILED"}
UNAVAILABLE_CENTS = {"03": 2}
DEV_CODE_KEY = "plaudit-sandbox-codes-not-a-secret"


@dataclass(frozen=True)
class Values:
    """What a product sells for in one currency: a fixed list or a range (two decimals)."""

    fixed: tuple[Decimal, ...] = ()
    min: Decimal | None = None
    max: Decimal | None = None

    def admits(self, amount: Decimal) -> bool:
        if self.fixed:
            return amount in self.fixed
        low, high = self.min or Decimal(0), self.max or Decimal(0)
        return low <= amount <= high and amount == amount.quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    values: dict[str, Values]  # per currency
    countries: frozenset[str] = frozenset()  # empty: everywhere
    valid_days: int | None = None  # codes expire this many days after the order


def _range(low: str, high: str) -> Values:
    return Values(min=Decimal(low), max=Decimal(high))


def _fixed(*amounts: str) -> Values:
    return Values(fixed=tuple(Decimal(amount) for amount in amounts))


EU = frozenset({"AT", "BE", "CZ", "DE", "ES", "FI", "FR", "IE", "IT", "NL", "NO", "PL", "PT", "SE"})
CATALOGUE: dict[str, Product] = {
    product.sku: product
    for product in (
        Product("AMAZON-US-EGIFT", "Amazon.com eGift card", {"USD": _range("1", "2000")}, frozenset({"US"})),
        Product(
            "CITYBREAK-EU-WEEKEND",
            "CityBreaks weekend voucher",
            {"EUR": _range("100", "2500"), "GBP": _range("100", "2000")},
            valid_days=365,
        ),
        Product(
            "DONATION-REDCROSS",
            "Red Cross donation",
            {"USD": _range("1", "10000"), "EUR": _range("1", "10000")},
        ),
        Product(
            "VISA-PREPAID-GLOBAL",
            "Prepaid Visa card",
            {"USD": _range("10", "1000"), "EUR": _range("10", "1000"), "GBP": _range("10", "800")},
            valid_days=365,
        ),
        Product("STREAMING-EU", "Streaming subscription", {"EUR": _fixed("10", "30", "60")}, EU),
    )
}


class SandboxRewards:
    """The sandbox provider's API, as a client of a real one would see it."""

    def __init__(self, *, transient_failures: int | None = None, catalogue: dict[str, Product] = CATALOGUE):
        if transient_failures is None:
            transient_failures = environment().sandbox_transient_failures
        self.transient_failures = transient_failures
        self.catalogue = catalogue

    def create_order(
        self, sku: str, amount: Decimal, currency: str, country: str, external_reference: str
    ) -> Order:
        cents = f"{amount:.2f}"[-2:]
        unavailable_for = max(self.transient_failures, UNAVAILABLE_CENTS.get(cents, 0))
        if unavailable_for and sandbox_orders.count_attempt(external_reference) <= unavailable_for:
            raise ProviderUnavailable("503 Service Unavailable (sandbox)")
        requested = {"sku": sku, "amount": f"{amount:.2f}", "currency": currency, "country": country}
        for _ in attempts():
            existing = sandbox_orders.look_up(external_reference)
            if existing is not None:
                if {name: existing[name] for name in requested} != requested:
                    raise OrderRejected(
                        "external_reference_conflict", "This reference names an order for something else."
                    )
                return self._advance(existing)
            self._check(sku, amount, currency, country)
            order = self._new_order(requested, external_reference, cents)
            if sandbox_orders.place(order):
                return _order_from(order)
        raise ProviderUnavailable("503 Service Unavailable (sandbox: the order is contended)")

    def get_order(self, order_id: str) -> Order:
        reference = sandbox_orders.reference_of(order_id)
        found = sandbox_orders.look_up(reference) if reference else None
        if found is None:
            raise OrderRejected("order_not_found", "No such order.")
        return self._advance(found)

    def _check(self, sku: str, amount: Decimal, currency: str, country: str) -> None:
        product = self.catalogue.get(sku)
        if product is None:
            raise OrderRejected("sku_not_found", f"The sandbox sells no {sku}.")
        values = product.values.get(currency)
        if values is None:
            raise OrderRejected("currency_not_supported", f"{sku} is not sold in {currency}.")
        if not values.admits(amount):
            raise OrderRejected("invalid_amount", f"{sku} is not sold for {amount} {currency}.")
        if product.countries and country not in product.countries:
            raise OrderRejected("country_not_supported", f"{sku} cannot be delivered in {country}.")

    def _new_order(self, requested: dict[str, str], external_reference: str, cents: str) -> dict:
        at = now()
        status, reason, settles_to = OrderStatus.COMPLETED.value, None, None
        if cents == DECLINED_CENTS:
            status, reason = OrderStatus.FAILED.value, "declined by the sandbox (amount ends in .13)"
        elif cents in SETTLES_LATER:
            status, settles_to = OrderStatus.PENDING.value, SETTLES_LATER[cents]
        valid_days = self.catalogue[requested["sku"]].valid_days
        return requested | {
            "id": derived_id("sbxord", external_reference),
            "external_reference": external_reference,
            "status": status,
            "settles_to": settles_to,
            "failure_reason": reason,
            "created_at": keys.iso(at),
            "expires_on": (at.date() + timedelta(days=valid_days)).isoformat() if valid_days else None,
            "requests": 1,
        }

    @staticmethod
    def _advance(order: dict) -> Order:
        """A pending order settles at the first request after the one that created it."""
        if order["status"] == OrderStatus.PENDING and order.get("requests", 1) > 1:
            final = order["settles_to"]
            reason = "failed at the sandbox (amount ends in .44)" if final == OrderStatus.FAILED else None
            order = sandbox_orders.settle(order["external_reference"], final, reason, keys.iso(now()))
        return _order_from(order)


def _order_from(item: dict) -> Order:
    status = OrderStatus(item["status"])
    expires_on = item.get("expires_on")
    return Order(
        id=item["id"],
        external_reference=item["external_reference"],
        sku=item["sku"],
        amount=Decimal(item["amount"]),
        currency=item["currency"],
        country=item["country"],
        status=status,
        created_at=item["created_at"],
        requests=int(item.get("requests", 1)),
        failure_reason=item.get("failure_reason"),
        expires_on=date.fromisoformat(expires_on) if expires_on else None,
        code=_gift_code(item["id"]) if status == OrderStatus.COMPLETED else None,
    )


def _gift_code(order_id: str) -> str:
    key = (environment().sandbox_code_key or DEV_CODE_KEY).encode()
    digest = hmac.new(key, order_id.encode(), hashlib.sha256).digest()
    chars = base64.b32encode(digest[:10]).decode()  # 80 bits, 16 characters
    return "SBX-" + "-".join(chars[i : i + 4] for i in range(0, 16, 4))
