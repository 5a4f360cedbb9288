"""Tremendous (REST API v2, https://developers.tremendous.com/reference) as a RewardsApi.

The calls, as its API reference describes them:
- `GET  /orders?external_id=R`  List orders, filtered by the external id we gave: finds the order a
  previous attempt placed (its answer lost to a timeout) before ordering again.
- `POST /orders`  Create order: `external_id` (our redemption id) makes the order idempotent (a repeated
  external_id returns the order first created); `payment.funding_source_id`; one `reward` with `products`
  [product id], `value` {denomination, currency_code}, `delivery.method` LINK (Tremendous hosts the reward
  and we hand the person its link, our voucher's code) and a `recipient` (named by the redemption id: the
  person's name or address never leaves Plaudit). 201 executed, 202 waiting for approval in Tremendous;
  402 the funding source lacks the money.
- `GET  /orders/{id}`  Retrieve order: its `status` (EXECUTED, PENDING APPROVAL, CANCELED, FAILED, ...) and
  `rewards[].delivery` {status, link}.
- `GET  /products`  List products: id, name, description, category, currency_codes, countries[{abbr}],
  skus[{min, max}], images[{src, type}].
- `GET  /funding_sources`  List funding sources: the `balance` one's `meta.available_cents`.
Authentication: `Authorization: Bearer <API key>`.
"""

from decimal import Decimal
from typing import Any

from plaudit.environment import environment
from plaudit.integrations.rewards.credentials import credentials
from plaudit.integrations.rewards.http import JsonApi, Response, Transport, shared_transport
from plaudit.integrations.rewards.orders import (
    Balance,
    Offer,
    Order,
    OrderRejected,
    OrderStatus,
    ProviderUnavailable,
)

API_URL = "https://api.tremendous.com/api/v2"
NAME = "tremendous"
REQUIRED = ("api_key",)  # funding_source_id: "balance" (the account's balance) unless the secret names one
PENDING_STATUSES = frozenset({"PENDING APPROVAL", "PENDING INTERNAL PAYMENT APPROVAL", "PENDING"})
FAILED_STATUSES = frozenset({"CANCELED", "CANCELLED", "FAILED"})
BALANCE_CURRENCY = "USD"  # Tremendous keeps an account's balance in US dollars


class TremendousRewards:
    def __init__(self, api: JsonApi, funding_source_id: str = "balance"):
        self.api = api
        self.funding_source_id = funding_source_id

    @classmethod
    def configured(cls, transport: Transport | None = None) -> "TremendousRewards":
        """The client the environment configures (credentials from the secret; ProviderUnavailable while
        the secret is empty)."""
        found = credentials(NAME, REQUIRED)
        base_url = environment().tremendous_api_url or API_URL
        api = JsonApi(
            NAME, base_url, {"Authorization": f"Bearer {found['api_key']}"}, transport or shared_transport()
        )
        return cls(api, found.get("funding_source_id") or "balance")

    def create_order(
        self, sku: str, amount: Decimal, currency: str, country: str, external_reference: str
    ) -> Order:
        existing = self._order_for(external_reference)
        if existing is not None:
            return existing
        body = {
            "external_id": external_reference,
            "payment": {"funding_source_id": self.funding_source_id},
            "reward": {
                "products": [sku],
                "value": {"denomination": float(amount), "currency_code": currency},
                "delivery": {"method": "LINK"},
                "recipient": {"name": f"Plaudit {external_reference}"},
            },
        }
        response = self.api.post("/orders", body)
        _check(response)
        return _order(response.json()["order"], sku=sku, amount=amount, currency=currency, country=country)

    def get_order(self, order_id: str) -> Order:
        response = self.api.get(f"/orders/{order_id}")
        _check(response)
        return _order(response.json()["order"])

    def products(self) -> list[Offer]:
        response = self.api.get("/products")
        _check(response)
        return [offer for product in response.json().get("products", []) for offer in _offers(product)]

    def balance(self) -> Balance:
        response = self.api.get("/funding_sources")
        _check(response)
        for source in response.json().get("funding_sources", []):
            if source.get("id") == self.funding_source_id or (
                self.funding_source_id == "balance" and source.get("method") == "balance"
            ):
                cents = (source.get("meta") or {}).get("available_cents", 0)
                return Balance(Decimal(cents) / 100, BALANCE_CURRENCY)
        raise ProviderUnavailable("tremendous: the funding source is not in the account")

    def _order_for(self, external_reference: str) -> Order | None:
        response = self.api.get("/orders", {"external_id": external_reference})
        _check(response)
        orders = [o for o in response.json().get("orders", []) if o.get("external_id") == external_reference]
        return _order(orders[0]) if orders else None


def _check(response: Response) -> None:
    """Map an answer that is not a success: 401/403 (credentials refused: an operator's fix, so the points
    stay held and the order is tried again), 402 (no funds), other 4xx (declined as asked)."""
    if response.status < 300:
        return
    if response.status in (401, 403):
        raise ProviderUnavailable(f"tremendous: credentials refused (HTTP {response.status})")
    if response.status == 402:
        raise OrderRejected("insufficient_funds", "the funding source cannot pay for the order")
    body = response.json() or {}
    message = str(((body.get("errors") or {}) if isinstance(body, dict) else {}).get("message") or "")
    raise OrderRejected(f"http_{response.status}", message[:200] or "refused")


def _order(
    found: dict[str, Any],
    *,
    sku: str | None = None,
    amount: Decimal | None = None,
    currency: str | None = None,
    country: str = "",
) -> Order:
    reward = (found.get("rewards") or [{}])[0]
    value = reward.get("value") or {}
    delivery = reward.get("delivery") or {}
    status = str(found.get("status", "")).upper()
    link = delivery.get("link")
    if status in FAILED_STATUSES or str(delivery.get("status", "")).upper() == "FAILED":
        state, reason = OrderStatus.FAILED, f"the order is {status.lower() or 'failed'} at Tremendous"
    elif status == "EXECUTED" and link:
        state, reason = OrderStatus.COMPLETED, None
    else:  # awaiting approval at Tremendous, or executed with the link not made yet
        state, reason = OrderStatus.PENDING, None
    return Order(
        id=str(found["id"]),
        external_reference=str(found.get("external_id") or ""),
        sku=sku or "",
        amount=amount if amount is not None else Decimal(str(value.get("denomination", "0"))),
        currency=currency or str(value.get("currency_code", "")),
        country=country,
        status=state,
        created_at=str(found.get("created_at", "")),
        failure_reason=reason,
        code=link if state == OrderStatus.COMPLETED else None,
    )


def _offers(product: dict[str, Any]) -> list[Offer]:
    """One offer per currency the product is sold in: fixed values when each sku is one value (min = max),
    else the range its skus span."""
    skus = product.get("skus") or []
    lows = [Decimal(str(sku["min"])) for sku in skus if sku.get("min") is not None]
    highs = [Decimal(str(sku["max"])) for sku in skus if sku.get("max") is not None]
    if not lows or not highs:
        return []
    images = product.get("images") or []
    image = next((i.get("src") for i in images if i.get("type") == "card"), None) or next(
        (i.get("src") for i in images), None
    )
    countries = tuple(sorted({c["abbr"] for c in product.get("countries") or [] if c.get("abbr")}))
    if len(lows) == len(highs) == len(skus) and lows == highs:  # fixed values: one sku per value
        values: dict[str, Any] = {"fixed": tuple(sorted(set(lows)))}
    else:
        values = {"min": min(lows), "max": max(highs)}
    return [
        Offer(
            sku=str(product["id"]),
            name=str(product.get("name") or product["id"])[:120],
            currency=code,
            countries=countries,
            **values,
            description=str(product.get("description") or "")[:2000],
            image_url=image if image and image.startswith("https://") else None,
            donation=product.get("category") == "charity",
        )
        for code in product.get("currency_codes") or []
    ]
