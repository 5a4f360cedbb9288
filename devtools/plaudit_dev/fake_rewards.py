"""Fakes of the rewards providers inside the local stack: Tremendous under `/_local/tremendous/api/v2` and
Tango Card RaaS under `/_local/tango/raas/v2`, answering the calls Plaudit's adapters make
(integrations/rewards/tremendous.py, tango.py) in the shapes of the contract fixtures (tests/contracts/),
keeping orders by their idempotency reference (Tremendous `external_id`, Tango `externalRefID`) so a
repeated order is never placed twice. They check the credentials the local stack gives the functions.

Like the sandbox, they react to the amount's cents: .13 declined, .57 insufficient funds, .42 pending
then complete at the next read, .03 the first 2 orders of a reference answer 503. Everything else is
fulfilled at once. Orders are kept in memory while the stack runs.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import threading
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

from plaudit_dev.http_api import HttpRequest, HttpResponse, json_response

TREMENDOUS_PATH = "/_local/tremendous/api/v2"
TANGO_PATH = "/_local/tango/raas/v2"
DEV_TREMENDOUS_KEY = "TEST_plaudit-local-tremendous"
DEV_TANGO = {
    "platform_name": "plaudit-local",
    "platform_key": "plaudit-local-tango-key",
    "account_identifier": "plaudit-local",
    "customer_identifier": "plaudit-local",
}
DECLINED, NO_FUNDS, SETTLES_LATER, UNAVAILABLE = "13", "57", "42", "03"
UNAVAILABLE_TIMES = 2
CREATED_AT = "2026-01-01T00:00:00.000Z"
# The products both fakes sell: (sku, name, currency, countries, min, max, fixed value, donation)
PRODUCTS = (
    ("AMAZON-US", "Amazon.com Gift Card", "USD", ("US",), "1", "2000", None, False),
    ("VISA-PREPAID", "Prepaid Visa", "USD", (), "10", "1000", None, False),
    ("VISA-PREPAID-EU", "Prepaid Visa", "EUR", (), "10", "1000", None, False),
    ("STREAMING-25", "Streaming gift card 25", "EUR", ("DE", "FR", "IT"), None, None, "25", False),
    ("REDCROSS", "Red Cross donation", "USD", (), "1", "5000", None, True),
)


def rewards_function_env(server_url: str) -> dict[str, dict[str, str]]:
    """What stands in for each provider's secret in the local stack (by the secret's variable): the fake's
    URL and the credentials it accepts."""
    return {
        "TREMENDOUS_SECRET_ARN": {
            "TREMENDOUS_API_URL": server_url + TREMENDOUS_PATH,
            "TREMENDOUS_CREDENTIALS": json.dumps({"api_key": DEV_TREMENDOUS_KEY}),
        },
        "TANGO_SECRET_ARN": {
            "TANGO_API_URL": server_url + TANGO_PATH,
            "TANGO_CREDENTIALS": json.dumps(DEV_TANGO),
        },
    }


class _FakeProvider:
    prefix = ""
    authorization = ""

    def __init__(self, balance: Decimal = Decimal("10000.00")) -> None:
        self._lock = threading.Lock()
        self._orders: dict[str, dict[str, Any]] = {}  # by reference
        self._ids: dict[str, str] = {}  # order id -> reference
        self._refused: dict[str, int] = {}  # reference -> 503s answered
        self._seq = itertools.count(1)
        self.balance = balance

    def handle(self, request: HttpRequest) -> HttpResponse | None:
        if not request.path.startswith(self.prefix + "/") and request.path != self.prefix:
            return None
        headers = {name.lower(): value for name, value in request.headers}
        if headers.get("authorization") != self.authorization:
            return self.error(401, "unauthorized", "Bad credentials")
        path = request.path[len(self.prefix) :]
        query = dict(parse_qsl(request.query))
        try:
            body = json.loads(request.body) if request.body else {}
        except ValueError:
            return self.error(400, "invalid_json", "The body is not JSON")
        with self._lock:
            return self.route(request.method, path, query, body)

    def route(self, method: str, path: str, query: Mapping[str, str], body: Any) -> HttpResponse:
        raise NotImplementedError

    def error(self, status: int, key: str, message: str) -> HttpResponse:
        raise NotImplementedError

    # the orders, by reference, as both fakes keep them
    def _place(self, reference: str, sku: str, amount: Decimal, currency: str) -> tuple[dict[str, Any], int]:
        """The order for `reference` (new, or the one placed before) and the status to answer; a 4xx or
        5xx status carries a reason and no order."""
        cents = f"{amount:.2f}"[-2:]
        if reference in self._orders:
            return self._orders[reference], 200
        if cents == UNAVAILABLE and self._refused.get(reference, 0) < UNAVAILABLE_TIMES:
            self._refused[reference] = self._refused.get(reference, 0) + 1
            return {"reason": "unavailable"}, 503
        product = next((p for p in PRODUCTS if p[0] == sku and p[2] == currency), None)
        if product is None:
            return {"reason": f"no product {sku} in {currency}"}, 422
        low, high, fixed = product[4], product[5], product[6]
        if (fixed and amount != Decimal(fixed)) or (low and not Decimal(low) <= amount <= Decimal(high)):
            return {"reason": "amount outside the product's values"}, 422
        if cents == DECLINED:
            return {"reason": "declined"}, 422
        if cents == NO_FUNDS or amount > self.balance:
            return {"reason": "insufficient funds"}, 402
        self.balance -= amount
        order_id = f"{self.id_prefix}{next(self._seq):06d}"
        order = {
            "id": order_id,
            "reference": reference,
            "sku": sku,
            "amount": amount,
            "currency": currency,
            "state": "PENDING" if cents == SETTLES_LATER else "COMPLETE",
            "code": _code(order_id),
        }
        self._orders[reference], self._ids[order_id] = order, reference
        return order, 201

    def _read(self, reference: str) -> dict[str, Any] | None:
        """An order as a read finds it: a pending one completes at the first read after its creation."""
        order = self._orders.get(reference)
        if order is not None and order["state"] == "PENDING":
            if order.get("read"):
                order["state"] = "COMPLETE"
            order["read"] = True
        return order

    id_prefix = ""


class FakeTremendous(_FakeProvider):
    prefix = TREMENDOUS_PATH
    authorization = f"Bearer {DEV_TREMENDOUS_KEY}"
    id_prefix = "FAKETRM"

    def route(self, method: str, path: str, query: Mapping[str, str], body: Any) -> HttpResponse:
        if method == "GET" and path == "/orders":
            found = self._read(query.get("external_id", ""))
            orders = [self._order(found)] if found else []
            return json_response(200, {"orders": orders, "total_count": len(orders)})
        if method == "GET" and path.startswith("/orders/"):
            reference = self._ids.get(path[len("/orders/") :])
            if reference is None:
                return self.error(404, "not_found", "No such order")
            return json_response(200, {"order": self._order(self._read(reference))})
        if method == "POST" and path == "/orders":
            reward = body.get("reward") or {}
            value = reward.get("value") or {}
            products = reward.get("products") or [""]
            if not body.get("external_id") or "denomination" not in value:
                return self.error(400, "invalid", "external_id and reward.value are required")
            order, status = self._place(
                body["external_id"],
                products[0],
                Decimal(str(value["denomination"])),
                str(value.get("currency_code", "USD")),
            )
            if status >= 400:
                return self.error(status, "refused", order["reason"])
            answer = self._order(order)
            return json_response(202 if answer["status"] != "EXECUTED" else 201, {"order": answer})
        if method == "GET" and path == "/products":
            return json_response(200, {"products": [_tremendous_product(p) for p in PRODUCTS]})
        if method == "GET" and path == "/funding_sources":
            cents = int(self.balance * 100)
            source = {"id": "FAKEBALANCE", "method": "balance", "meta": {"available_cents": cents}}
            return json_response(200, {"funding_sources": [source]})
        return self.error(404, "not_found", "No such route")

    def error(self, status: int, key: str, message: str) -> HttpResponse:
        return json_response(status, {"errors": {"message": message, "payload": {}}})

    def _order(self, order: dict[str, Any]) -> dict[str, Any]:
        done = order["state"] == "COMPLETE"
        delivery = {"method": "LINK", "status": "SUCCEEDED" if done else "PENDING"}
        if done:
            delivery["link"] = f"https://testflight.tremendous.com/rewards/payout/{order['code']}"
        return {
            "id": order["id"],
            "external_id": order["reference"],
            "created_at": CREATED_AT,
            "status": "EXECUTED" if done else "PENDING APPROVAL",
            "rewards": [
                {
                    "id": order["id"] + "R",
                    "order_id": order["id"],
                    "value": {"denomination": float(order["amount"]), "currency_code": order["currency"]},
                    "delivery": delivery,
                }
            ],
        }


class FakeTango(_FakeProvider):
    prefix = TANGO_PATH
    authorization = (
        "Basic "
        + base64.b64encode(f"{DEV_TANGO['platform_name']}:{DEV_TANGO['platform_key']}".encode()).decode()
    )
    id_prefix = "RA-FAKE-"

    def route(self, method: str, path: str, query: Mapping[str, str], body: Any) -> HttpResponse:
        if method == "GET" and path == "/orders":
            found = self._read(query.get("externalRefID", ""))
            orders = [self._order(found)] if found else []
            page = {"number": 0, "resultsPerPage": 10, "totalCount": len(orders), "totalPages": len(orders)}
            return json_response(200, {"page": page, "orders": orders})
        if method == "GET" and path.startswith("/orders/"):
            reference = self._ids.get(path[len("/orders/") :])
            if reference is None:
                return self.error(404, "order.not.found", "No such order")
            return json_response(200, self._order(self._read(reference)))
        if method == "POST" and path == "/orders":
            reference = body.get("externalRefID")
            if (
                not reference
                or "amount" not in body
                or body.get("accountIdentifier") != DEV_TANGO["account_identifier"]
            ):
                return self.error(400, "order.invalid", "externalRefID, amount and the account are required")
            if reference in self._orders:
                return self.error(409, "order.externalRefID.exists", "The externalRefID is taken")
            currency = next((p[2] for p in PRODUCTS if p[0] == body.get("utid")), "USD")
            order, status = self._place(
                reference, str(body.get("utid")), Decimal(str(body["amount"])), currency
            )
            if status >= 400:
                key = {402: "account.insufficient.funds", 503: "system.unavailable"}.get(
                    status, "order.invalid"
                )
                return self.error(400 if status == 402 else status, key, order["reason"])
            return json_response(201, self._order(order))
        if method == "GET" and path == "/catalogs":
            return json_response(
                200, {"catalogName": "Plaudit local", "brands": [_tango_brand(p) for p in PRODUCTS]}
            )
        if method == "GET" and path == f"/accounts/{DEV_TANGO['account_identifier']}":
            account = {"accountIdentifier": DEV_TANGO["account_identifier"], "currencyCode": "USD"}
            return json_response(200, {**account, "currentBalance": float(self.balance), "status": "ACTIVE"})
        return self.error(404, "not.found", "No such route")

    def error(self, status: int, key: str, message: str) -> HttpResponse:
        phrase = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 409: "Conflict"}.get(
            status, "Error"
        )
        body = {"httpCode": status, "httpPhrase": phrase, "i18nKey": key, "message": message}
        return json_response(status, body)

    def _order(self, order: dict[str, Any]) -> dict[str, Any]:
        done = order["state"] == "COMPLETE"
        found = {
            "referenceOrderID": order["id"],
            "externalRefID": order["reference"],
            "accountIdentifier": DEV_TANGO["account_identifier"],
            "customerIdentifier": DEV_TANGO["customer_identifier"],
            "amount": {"value": float(order["amount"]), "currencyCode": order["currency"]},
            "utid": order["sku"],
            "status": "COMPLETE" if done else "PENDING",
            "createdAt": CREATED_AT,
        }
        if done:
            credential = {"label": "Claim Code", "value": order["code"], "type": "text"}
            found["reward"] = {"credentialList": [credential], "credentials": {"Claim Code": order["code"]}}
        return found


def _code(order_id: str) -> str:
    """A gift code for a fake order (a dev value, derived from the order id: worth nothing)."""
    chars = base64.b32encode(hashlib.sha256(f"plaudit-local-{order_id}".encode()).digest()[:10]).decode()
    return "FAKE-" + "-".join(chars[i : i + 4] for i in range(0, 16, 4))


def _tremendous_product(product: tuple) -> dict[str, Any]:
    sku, name, currency, countries, low, high, fixed, donation = product
    return {
        "id": sku,
        "name": name,
        "description": f"{name} (local fake)",
        "category": "charity" if donation else "merchant_card",
        "currency_codes": [currency],
        "countries": [{"abbr": country} for country in countries],
        "skus": [{"min": float(fixed or low), "max": float(fixed or high)}],
        "images": [],
    }


def _tango_brand(product: tuple) -> dict[str, Any]:
    sku, name, currency, countries, low, high, fixed, donation = product
    item: dict[str, Any] = {
        "utid": sku,
        "rewardName": name,
        "currencyCode": currency,
        "status": "active",
        "rewardType": "donation" if donation else "gift card",
        "countries": list(countries),
    }
    if fixed:
        item |= {"valueType": "FIXED_VALUE", "faceValue": float(fixed)}
    else:
        item |= {"valueType": "VARIABLE_VALUE", "minValue": float(low), "maxValue": float(high)}
    return {"brandKey": "B" + sku, "brandName": name, "description": f"{name} (local fake)", "items": [item]}
