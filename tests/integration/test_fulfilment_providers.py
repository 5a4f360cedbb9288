"""Fulfilment by the real providers' adapters against the local stack's fakes of Tremendous and Tango Card
(plaudit_dev.fake_rewards, reached through the adapters' HTTP transport): an order per redemption whatever
the redeliveries, a declined order refunded once, pending and unavailable providers retried, a provider not
configured yet keeps the points held, the sandbox refused outside dev, and the balances reported hourly."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from api_checks import assert_audit_clean
from test_fulfilment import ALICE, START_POINTS, message, my_vouchers, points_of, redeem, shop, status_of

from plaudit.domain.access import SYSTEM
from plaudit.domain.catalog import CatalogItemSpec, Denominations, FulfilmentMethod, ItemType
from plaudit.environment import Environment, _Variable, environment
from plaudit.integrations import aws as aws_clients
from plaudit.integrations import secrets
from plaudit.integrations.rewards import fulfiller_for, http
from plaudit.integrations.rewards.provider import TransientFailure
from plaudit.services import catalog
from plaudit_dev.fake_rewards import FakeTango, FakeTremendous, rewards_function_env
from plaudit_dev.http_api import HttpRequest
from plaudit_dev.template import local_secret_name, secret_arn

__all__ = ["shop"]  # the fixture, shared with test_fulfilment
TICK = {"source": "plaudit.schedule", "job": "redemptions"}
FAKE_URL = "http://fake-providers.invalid"


@pytest.fixture
def fakes(monkeypatch) -> Iterator[dict[str, Any]]:
    """Both fakes as the providers, with the credentials the local stack gives the functions."""
    found = {"tremendous": FakeTremendous(), "tango": FakeTango()}
    for values in rewards_function_env(FAKE_URL).values():
        for name, value in values.items():
            monkeypatch.setenv(name, value)
    environment.cache_clear()

    def send(request: http.Request) -> http.Response:
        url = urlsplit(request.url)
        asked = HttpRequest(
            request.method, url.path, url.query, list(request.headers.items()), request.body or b"", ""
        )
        for fake in found.values():
            answer = fake.handle(asked)
            if answer is not None:
                return http.Response(answer.status, answer.body)
        raise http.TransportError("no such host")

    http.use_transport(send)
    yield found
    http.use_transport(None)
    environment.cache_clear()


def as_prod(monkeypatch) -> None:
    """The functions as a prod stack runs them: no development settings, the voucher hash key's secret."""
    for variable in vars(Environment).values():
        if isinstance(variable, _Variable) and variable.dev_only:
            monkeypatch.delenv(variable.name, raising=False)
    key = json.dumps({"key": "prod-test-key", "previous": []})
    client = boto3.client("secretsmanager", region_name="us-east-1")
    client.create_secret(Name=local_secret_name("VoucherHashSecret"), SecretString=key)
    monkeypatch.setenv("VOUCHER_HASH_SECRET_ARN", secret_arn("VoucherHashSecret"))
    monkeypatch.setenv("STAGE", "prod")
    monkeypatch.setattr(aws_clients, "_secrets", None)
    environment.cache_clear()


SKUS = {"tremendous": "VISA-PREPAID", "tango": "VISA-PREPAID"}


def provider_item(provider: str) -> str:
    spec = CatalogItemSpec(
        name=f"Prepaid Visa ({provider})",
        category="gift-cards",
        type=ItemType.GIFT_CARD,
        denominations=Denominations(
            fixed=[Decimal(20), Decimal("20.03"), Decimal("20.13"), Decimal("20.42")]
        ),
        currency="USD",
        fulfilment=FulfilmentMethod.PROVIDER,
        provider=provider,
        provider_sku=SKUS[provider],
    )
    return catalog.create_item(SYSTEM, spec).id


@pytest.fixture(params=["tremendous", "tango"])
def provider(request) -> str:
    return request.param


def test_an_order_is_placed_once_and_its_code_becomes_the_voucher(api, shop, fakes, provider):
    item = provider_item(provider)
    redemption = redeem(api, item, "20", f"{provider}-1")
    done = status_of(redemption["id"])
    assert done["status"] == "fulfilled"
    [order] = fakes[provider]._orders.values()
    assert order["reference"] == redemption["id"]
    assert done["external_order_id"] == order["id"]
    [voucher] = my_vouchers(api)
    assert order["code"] in voucher["code"]
    message(redemption["id"])  # delivered again: nothing more is ordered
    api.drain_queues()
    assert len(fakes[provider]._orders) == 1
    assert points_of(ALICE) == START_POINTS - redemption["points"]
    assert_audit_clean()


def test_a_declined_order_refunds_once(api, shop, fakes, provider):
    redemption = redeem(api, provider_item(provider), "20.13", f"{provider}-2")
    failed = status_of(redemption["id"])
    assert failed["status"] == "failed"
    assert "refused" in failed["failure_reason"]
    message(redemption["id"])
    api.drain_queues()
    assert points_of(ALICE) == START_POINTS
    assert fakes[provider]._orders == {}
    assert_audit_clean()


def test_pending_and_unavailable_providers_are_asked_again_until_the_order_completes(
    api, shop, fakes, provider
):
    pending = redeem(api, provider_item(provider), "20.42", f"{provider}-3")
    assert status_of(pending["id"])["status"] == "fulfilling"
    flaky = redeem(api, provider_item(provider), "20.03", f"{provider}-4")
    assert status_of(flaky["id"])["status"] == "fulfilling"
    for _ in range(3):
        api.drain_queues()
    assert status_of(pending["id"])["status"] == "fulfilled"
    assert status_of(flaky["id"])["status"] == "fulfilled"
    assert sorted(o["reference"] for o in fakes[provider]._orders.values()) == sorted(
        [pending["id"], flaky["id"]]
    )
    assert len(my_vouchers(api)) == 2
    assert_audit_clean()


def test_a_provider_whose_secret_is_still_empty_keeps_the_points_held_until_it_is_filled(
    api, shop, fakes, monkeypatch, capsys
):
    """As deployed: the TangoSecret the template creates empty, read from Secrets Manager."""
    monkeypatch.setattr(aws_clients, "_secrets", None)
    monkeypatch.setattr(secrets, "_logged", set())
    client = boto3.client("secretsmanager", region_name="us-east-1")
    empty = dict.fromkeys(("platform_name", "platform_key", "account_identifier", "customer_identifier"), "")
    client.create_secret(Name=local_secret_name("TangoSecret"), SecretString=json.dumps(empty))
    monkeypatch.setenv("TANGO_SECRET_ARN", secret_arn("TangoSecret"))
    monkeypatch.delenv("TANGO_CREDENTIALS")
    environment.cache_clear()
    redemption = redeem(api, provider_item("tango"), "20", "unconfigured")
    assert status_of(redemption["id"])["status"] == "fulfilling"
    assert len(api.queue_failures) == 1
    assert points_of(ALICE) == START_POINTS - redemption["points"]
    assert fakes["tango"]._orders == {}
    with pytest.raises(
        TransientFailure, match="tango is not configured: fill in platform_name"
    ):  # the reason
        fulfiller_for("provider", "tango").fulfil(status_of(redemption["id"]))
    assert '"secret":"tango"' in capsys.readouterr().out.replace(" ", "")  # SecretEmpty, counted
    # the hourly balances skip a provider nobody filled in, without counting it as an empty secret
    assert api.invoke("RedemptionsScheduleFunction", TICK)["balances_read"] == 1  # Tremendous only
    assert "SecretEmpty" not in capsys.readouterr().out

    client.put_secret_value(
        SecretId=secret_arn("TangoSecret"),
        SecretString=rewards_function_env(FAKE_URL)["TANGO_SECRET_ARN"]["TANGO_CREDENTIALS"],
    )
    monkeypatch.setattr(aws_clients, "_secrets", None)  # a new container (or the cache's five minutes)
    api.drain_queues()
    assert status_of(redemption["id"])["status"] == "fulfilled"
    assert len(fakes["tango"]._orders) == 1
    assert_audit_clean()


def test_outside_dev_an_item_without_a_provider_is_never_sent_to_the_sandbox(api, shop, fakes, monkeypatch):
    item = catalog.create_item(  # made in dev, before items named their provider
        SYSTEM,
        CatalogItemSpec(
            name="Old item",
            category="gift-cards",
            type=ItemType.GIFT_CARD,
            denominations=Denominations(fixed=[Decimal(20)]),
            currency="USD",
            fulfilment=FulfilmentMethod.PROVIDER,
            provider_sku="VISA-PREPAID-GLOBAL",
        ),
    ).id
    as_prod(monkeypatch)
    redemption = redeem(api, item, "20", "old-item")
    failed = status_of(redemption["id"])
    assert failed["status"] == "failed"
    assert "names no rewards provider" in failed["failure_reason"]
    assert points_of(ALICE) == START_POINTS
    assert_audit_clean()


def test_the_hourly_run_reports_each_providers_balance(api, shop, fakes, capsys):
    redeem(api, provider_item("tango"), "20", "spent")
    capsys.readouterr()
    summary = api.invoke("RedemptionsScheduleFunction", TICK)
    assert summary["balances_read"] == 2
    points = {}
    for line in capsys.readouterr().out.splitlines():
        if '"ProviderBalance"' in line:
            record = json.loads(line)
            points[record["provider"]] = record["ProviderBalance"]
    assert points == {"tremendous": [10000.0], "tango": [9980.0]}
