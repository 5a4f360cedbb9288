"""Tango Card's Rewards as a Service (RaaS API v2, https://developers.tangocard.com/reference) as a
RewardsApi.

The calls, as its API reference describes them:
- `GET  /orders?externalRefID=R`  Get orders, filtered by the external reference we gave: finds the order a
  previous attempt placed (its answer lost to a timeout) before ordering again.
- `POST /orders`  Place an order: accountIdentifier and customerIdentifier (the account that pays), `utid`
  (the catalogue item), `amount`, `externalRefID` (our redemption id: Tango refuses a second order with the
  same one; we then read the first), sendEmail false (Plaudit delivers the reward itself). The answer has
  `referenceOrderID`, `status` (COMPLETE, PENDING, FAILED, CANCELLED) and `reward.credentialList`
  [{label, value, type}] - the claim code, or the link of a link reward.
- `GET  /orders/{referenceOrderID}`  Get order: the same shape.
- `GET  /catalogs`  Get catalog: brands[{brandName, description, imageUrls, items[{utid, rewardName,
  currencyCode, status, valueType FIXED_VALUE|VARIABLE_VALUE, faceValue, minValue, maxValue, countries,
  rewardType}]}].
- `GET  /accounts/{accountIdentifier}`  Get account: currentBalance, currencyCode.
Authentication: HTTP Basic with the platform name and key. Errors answer {httpCode, i18nKey, message}.
"""

import base64
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

API_URL = "https://api.tangocard.com/raas/v2"
NAME = "tango"
REQUIRED = ("platform_name", "platform_key", "account_identifier", "customer_identifier")
FAILED_STATUSES = frozenset({"FAILED", "CANCELLED", "CANCELED"})
CODE_LABELS = ("claim code", "code", "card number", "redemption link", "link")


class TangoRewards:
    def __init__(self, api: JsonApi, account_identifier: str, customer_identifier: str):
        self.api = api
        self.account_identifier = account_identifier
        self.customer_identifier = customer_identifier

    @classmethod
    def configured(cls, transport: Transport | None = None) -> "TangoRewards":
        """The client the environment configures (credentials from the secret; ProviderUnavailable while
        the secret is empty or incomplete)."""
        found = credentials(NAME, REQUIRED)
        basic = base64.b64encode(f"{found['platform_name']}:{found['platform_key']}".encode()).decode()
        base_url = environment().tango_api_url or API_URL
        api = JsonApi(NAME, base_url, {"Authorization": f"Basic {basic}"}, transport or shared_transport())
        return cls(api, found["account_identifier"], found["customer_identifier"])

    def create_order(
        self, sku: str, amount: Decimal, currency: str, country: str, external_reference: str
    ) -> Order:
        existing = self._order_for(external_reference)
        if existing is not None:
            return existing
        body = {
            "accountIdentifier": self.account_identifier,
            "customerIdentifier": self.customer_identifier,
            "utid": sku,
            "amount": float(amount),
            "externalRefID": external_reference,
            "sendEmail": False,
        }
        response = self.api.post("/orders", body)
        if response.status == 409:  # the reference is taken: by our own earlier attempt
            found = self._order_for(external_reference)
            if found is not None:
                return found
        _check(response)
        return _order(response.json(), country=country)

    def get_order(self, order_id: str) -> Order:
        response = self.api.get(f"/orders/{order_id}")
        _check(response)
        return _order(response.json())

    def products(self) -> list[Offer]:
        response = self.api.get("/catalogs")
        _check(response)
        return [
            offer
            for brand in response.json().get("brands", [])
            for item in brand.get("items", [])
            if (offer := _offer(brand, item)) is not None
        ]

    def balance(self) -> Balance:
        response = self.api.get(f"/accounts/{self.account_identifier}")
        _check(response)
        found = response.json()
        return Balance(Decimal(str(found.get("currentBalance", "0"))), str(found.get("currencyCode", "USD")))

    def _order_for(self, external_reference: str) -> Order | None:
        response = self.api.get("/orders", {"externalRefID": external_reference})
        _check(response)
        orders = [
            o for o in response.json().get("orders", []) if o.get("externalRefID") == external_reference
        ]
        return _order(orders[0]) if orders else None


def _check(response: Response) -> None:
    """Map an answer that is not a success: 401/403 (credentials refused: an operator's fix, so the points
    stay held and the order is tried again), other 4xx (declined as asked, insufficient funds included)."""
    if response.status < 300:
        return
    if response.status in (401, 403):
        raise ProviderUnavailable(f"tango: credentials refused (HTTP {response.status})")
    body = response.json()
    key = str(body.get("i18nKey") or "") if isinstance(body, dict) else ""
    message = str(body.get("message") or "") if isinstance(body, dict) else ""
    raise OrderRejected(key[:80] or f"http_{response.status}", message[:200] or "refused")


def _order(found: dict[str, Any], *, country: str = "") -> Order:
    status = str(found.get("status", "")).upper()
    amount = found.get("amount") or {}
    if isinstance(amount, dict):
        value, currency = amount.get("value", "0"), str(amount.get("currencyCode", ""))
    else:
        value, currency = amount, str(found.get("currencyCode", ""))
    code = _code((found.get("reward") or {}).get("credentialList") or [])
    if status in FAILED_STATUSES:
        state, reason = OrderStatus.FAILED, f"the order is {status.lower()} at Tango Card"
    elif status == "COMPLETE" and code:
        state, reason = OrderStatus.COMPLETED, None
    else:
        state, reason = OrderStatus.PENDING, None
    return Order(
        id=str(found["referenceOrderID"]),
        external_reference=str(found.get("externalRefID") or ""),
        sku=str(found.get("utid") or ""),
        amount=Decimal(str(value)),
        currency=currency,
        country=country,
        status=state,
        created_at=str(found.get("createdAt", "")),
        failure_reason=reason,
        code=code if state == OrderStatus.COMPLETED else None,
    )


def _code(credentials: list[dict[str, Any]]) -> str | None:
    """The one value a person needs: the claim code, else the card number (with its PIN), else the link."""
    by_label = {
        str(c.get("label", "")).lower(): str(c.get("value", "")) for c in credentials if c.get("value")
    }
    for label in CODE_LABELS:
        if by_label.get(label):
            pin = by_label.get("pin")
            return f"{by_label[label]} PIN {pin}" if label == "card number" and pin else by_label[label]
    return next(iter(by_label.values()), None)


def _offer(brand: dict[str, Any], item: dict[str, Any]) -> Offer | None:
    if str(item.get("status", "active")).lower() != "active" or not item.get("utid"):
        return None
    images = brand.get("imageUrls") or {}
    image = next((url for url in images.values() if str(url).startswith("https://")), None)
    common = {
        "sku": str(item["utid"]),
        "name": str(item.get("rewardName") or brand.get("brandName") or item["utid"])[:120],
        "currency": str(item.get("currencyCode", "")),
        "countries": tuple(sorted(set(item.get("countries") or []))),
        "brand": str(brand["brandName"])[:120] if brand.get("brandName") else None,
        "description": str(brand.get("description") or "")[:2000],
        "image_url": image,
        "donation": "donation" in str(item.get("rewardType", "")).lower(),
    }
    if item.get("valueType") == "FIXED_VALUE" and item.get("faceValue") is not None:
        return Offer(**common, fixed=(Decimal(str(item["faceValue"])),))
    if item.get("minValue") is not None and item.get("maxValue") is not None:
        return Offer(**common, min=Decimal(str(item["minValue"])), max=Decimal(str(item["maxValue"])))
    return None
