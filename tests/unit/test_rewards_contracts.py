"""Contract tests of the Tremendous and Tango Card adapters: each fixture under tests/contracts/<provider>/
holds the exact requests an adapter must send for one call (method, path, query, headers without the
credentials, JSON body with our redemption id as the idempotency reference) and the provider's answers
(or a timeout), in the shapes of the providers' API references; the adapter is replayed against them and
its result (an order, offers, a balance, or the failure it maps to) checked."""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from plaudit.integrations.rewards import orders
from plaudit.integrations.rewards.http import JsonApi, Request, Response, TransportError
from plaudit.integrations.rewards.tango import TangoRewards
from plaudit.integrations.rewards.tremendous import TremendousRewards

CONTRACTS = Path(__file__).parents[1] / "contracts"
AUTH = {"tremendous": "Bearer TEST_tremendous_key", "tango": "Basic cGxhdWRpdDp0ZXN0LWtleQ=="}


def fixtures(provider: str) -> list[Path]:
    return sorted((CONTRACTS / provider).glob("*.json"))


class Replay:
    """A transport that checks each request against the fixture's next exchange and answers its response."""

    def __init__(self, provider: str, exchanges: list[dict[str, Any]]):
        self.provider = provider
        self.exchanges = list(exchanges)

    def __call__(self, request: Request) -> Response:
        assert self.exchanges, f"unexpected request {request.method} {request.url}"
        exchange = self.exchanges.pop(0)
        expected = exchange["request"]
        url = urlsplit(request.url)
        headers = dict(request.headers)
        assert headers.pop("Authorization") == AUTH[self.provider]
        sent = {
            "method": request.method,
            "path": url.path,
            "query": dict(parse_qsl(url.query)),
            "headers": headers,
            "body": json.loads(request.body) if request.body else None,
        }
        assert sent == {"query": {}, "body": None, **expected}
        answer = exchange["response"]
        if answer.get("timeout"):
            raise TransportError("ReadTimeoutError")
        return Response(answer["status"], json.dumps(answer["body"]).encode())


def adapter(provider: str, base_url: str, replay: Replay) -> Any:
    api = JsonApi(provider, base_url, {"Authorization": AUTH[provider]}, replay)
    if provider == "tremendous":
        return TremendousRewards(api)
    return TangoRewards(api, "plaudit-main", "plaudit")


def args_of(contract: dict[str, Any]) -> dict[str, Any]:
    args = dict(contract["args"])
    if "amount" in args:
        args["amount"] = Decimal(args["amount"])
    return args


@pytest.mark.parametrize(
    "path",
    [*fixtures("tremendous"), *fixtures("tango")],
    ids=lambda path: f"{path.parent.name}-{path.stem}",
)
def test_the_adapter_sends_and_maps_what_the_contract_records(path: Path, clock):
    contract = json.loads(path.read_text())
    provider = path.parent.name
    replay = Replay(provider, contract["exchanges"])
    client = adapter(provider, contract["base_url"], replay)
    call = getattr(client, contract["call"])
    expect = contract["expect"]

    if "raises" in expect:
        with pytest.raises(getattr(orders, expect["raises"])) as raised:
            call(**args_of(contract))
        if "code" in expect:
            assert raised.value.code == expect["code"]
    elif "offers" in expect:
        offers = call()
        assert [
            {
                "sku": offer.sku,
                "currency": offer.currency,
                **({"fixed": [str(v) for v in offer.fixed]} if offer.fixed else {}),
                **({"min": str(offer.min), "max": str(offer.max)} if offer.min is not None else {}),
                "countries": list(offer.countries),
                "donation": offer.donation,
            }
            for offer in offers
        ] == expect["offers"]
    elif "balance" in expect:
        assert call() == orders.Balance(Decimal(expect["balance"]), expect["currency"])
    else:
        order = call(**args_of(contract))
        assert (order.status.value, order.id, order.code) == (
            expect["status"],
            expect["id"],
            expect.get("code"),
        )
        if contract["call"] == "create_order":
            assert order.external_reference == contract["args"]["external_reference"]
    assert replay.exchanges == [], "the adapter skipped requests the contract expects"


def test_every_call_and_outcome_has_a_contract():
    for provider in ("tremendous", "tango"):
        outcomes = set()
        for path in fixtures(provider):
            contract = json.loads(path.read_text())
            expect = contract["expect"]
            kind = expect.get("status") or expect.get("raises") or next(iter(expect))
            timeout = any(exchange["response"].get("timeout") for exchange in contract["exchanges"])
            statuses = {exchange["response"].get("status") for exchange in contract["exchanges"]}
            outcomes |= {(contract["call"], kind), *(("status", s) for s in statuses)}
            outcomes |= {("timeout", True)} if timeout else set()
        assert {
            ("create_order", "COMPLETED"),
            ("create_order", "PENDING"),
            ("create_order", "OrderRejected"),
            ("create_order", "ProviderUnavailable"),
            ("get_order", "COMPLETED"),
            ("products", "offers"),
            ("balance", "balance"),
            ("status", 429),
            ("timeout", True),
        } <= outcomes, provider
        assert any(s and s >= 500 for kind, s in outcomes if kind == "status"), provider


def test_a_completed_orders_code_never_shows_in_its_repr():
    contract = json.loads((CONTRACTS / "tango" / "order_complete.json").read_text())
    replay = Replay("tango", contract["exchanges"])
    order = adapter("tango", contract["base_url"], replay).create_order(**args_of(contract))
    assert order.code
    assert order.code not in repr(order)
