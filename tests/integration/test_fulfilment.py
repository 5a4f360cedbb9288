"""Fulfilment through the queue: a redelivered message places one provider order, a provider failure after
approval refunds once, transient failures and pending orders retry until they succeed, code stock is
uploaded (encrypted, de-duplicated, counts only), claimed once per redemption, alerts HR when it runs low
and refunds when it runs out, Plaudit issues its own codes; the ledger audit is clean after each."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from decimal import Decimal
from typing import Any

import boto3
import pytest
from api_checks import assert_audit_clean, assert_error, table_items

from plaudit.api.json_body import MAX_BODY_BYTES
from plaudit.domain.access import SYSTEM
from plaudit.domain.catalog import CatalogItemSpec, Denominations, FulfilmentMethod, ItemType, Restrictions
from plaudit.domain.ids import derived_id
from plaudit.domain.ledger import Balance, Posting, Transaction, TxnKind, budget_account, employee_account
from plaudit.domain.recognition import WalletChange
from plaudit.domain.voucher_codes import normalize
from plaudit.environment import environment
from plaudit.integrations import aws as aws_clients
from plaudit.integrations.rewards.code_stock import CodeStockFulfiller
from plaudit.services import budgets, catalog, redemptions, vouchers
from plaudit.services.runtime import now
from plaudit.store import keys, snapshots
from plaudit.store.budgets import balance_write
from plaudit.store.ledger import transaction_writes, wallet_write
from plaudit.store.reads import get_one
from plaudit.store.transact import write_all
from plaudit_dev.template import local_secret_name, secret_arn

HR, MAYA, ALICE = "E1001", "E1002", "E1003"  # Maya manages Alice
FUNDS = "fulfilment-tests"
START_POINTS = 50_000
WORKER = "FulfilmentFunction"


def add_item(**overrides: Any) -> str:
    values: dict[str, Any] = {
        "name": "Prepaid Visa",
        "category": "gift-cards",
        "type": ItemType.GIFT_CARD,
        "denominations": Denominations(
            fixed=[Decimal("20"), Decimal("20.03"), Decimal("20.13"), Decimal("20.42")]
        ),
        "currency": "USD",
        "fulfilment": FulfilmentMethod.PROVIDER,
        "provider_sku": "VISA-PREPAID-GLOBAL",
    }
    return catalog.create_item(SYSTEM, CatalogItemSpec(**(values | overrides))).id


def grant(employee_id: str, points: int) -> None:
    at = now()
    txn = Transaction(
        derived_id("txn", "test-grant", employee_id, str(points), at.isoformat()),
        TxnKind.MILESTONE_AWARD,
        at,
        (
            Posting(budget_account(FUNDS), -points),
            Posting(employee_account(employee_id, Balance.POINTS), points),
        ),
    )
    write_all(
        [
            balance_write(FUNDS, -points, at),
            wallet_write(WalletChange(employee_id, points_delta=points), at),
            *transaction_writes(txn),
        ]
    )


def points_of(employee_id: str) -> int:
    return snapshots.load(wallets=[employee_id]).wallet(employee_id).points


@pytest.fixture
def shop(org, clock) -> dict[str, str]:
    budgets.create_budget(SYSTEM, budgets.CreateBudget(id=FUNDS, name="Test funds", kind="company"))
    budgets.move_points(SYSTEM, FUNDS, TxnKind.BUDGET_TOP_UP, budgets.MovePoints(points=1_000_000))
    grant(ALICE, START_POINTS)
    return {
        "visa": add_item(),
        "flagged": add_item(name="Prepaid Visa (flagged)", requires_approval=True),
        "cinema": add_item(
            name="Cinema tickets",
            type=ItemType.EXPERIENCE,
            denominations=Denominations(fixed=[Decimal(10)]),
            fulfilment=FulfilmentMethod.CODE_STOCK,
            provider_sku=None,
        ),
        "donation": add_item(
            name="Donate to Red Cross",
            category="giving",
            type=ItemType.DONATION,
            denominations=Denominations(min=Decimal(5), max=Decimal(500)),
            provider_sku="DONATION-REDCROSS",
        ),
        "perk": add_item(
            name="Day off voucher",
            type=ItemType.COMPANY_PERK,
            denominations=Denominations(fixed=[Decimal(5)]),
            fulfilment=FulfilmentMethod.INTERNAL,
            provider_sku=None,
            restrictions=Restrictions(expires_after_days=30),
        ),
    }


def redeem(api, item_id: str, denomination: str, key: str) -> dict[str, Any]:
    reply = api.call(
        "POST",
        "/v1/redemptions",
        body={"item_id": item_id, "denomination": denomination},
        as_employee=ALICE,
        headers={"Idempotency-Key": key},
    )
    assert reply.status == 201, reply.body
    return reply.json


def status_of(rid: str) -> dict[str, Any]:
    return redemptions.get(SYSTEM, rid).model_dump(mode="json")


def kinds_for(aws, rid: str) -> list[str]:
    return sorted(
        item["kind"]["S"]
        for item in table_items(aws)
        if item["SK"]["S"] == "TXN"
        and item.get("ref", {}).get("M", {}).get("redemption_id", {}).get("S") == rid
    )


def sandbox_orders(aws) -> list[dict[str, Any]]:
    return [
        item
        for item in table_items(aws)
        if item["PK"]["S"].startswith("SANDBOX_ORDER#") and item["SK"]["S"] == "ORDER"
    ]


def my_vouchers(api) -> list[dict[str, Any]]:
    reply = api.call("GET", "/v1/vouchers/mine", as_employee=ALICE)
    assert reply.status == 200, reply.body
    return reply.json["items"]


def message(rid: str) -> dict[str, Any]:
    """An SQS message for the rid, as SQS would deliver it again (a duplicate or a redrive)."""
    url = os.environ["FULFILMENT_QUEUE_URL"]
    boto3.client("sqs", region_name="us-east-1").send_message(
        QueueUrl=url, MessageBody=json.dumps({"redemption_id": rid})
    )


def test_a_donation_is_made_and_confirmed_with_no_voucher_or_code(api, shop, aws):
    redemption = redeem(api, shop["donation"], "12", "give-1")
    done = status_of(redemption["id"])
    assert (done["status"], done["voucher_id"]) == ("fulfilled", None)
    assert done["external_order_id"]  # the provider's order, the receipt of the donation
    assert len(sandbox_orders(aws)) == 1
    assert my_vouchers(api) == []  # nothing to deliver, show or redeem
    assert kinds_for(aws, redemption["id"]) == ["redemption_hold", "redemption_settle"]
    assert_audit_clean()


def test_a_redelivered_message_places_one_provider_order(api, shop, aws, monkeypatch):
    real_issue = vouchers.issue_writes
    crashes = []

    def crash_once(*args: Any, **kwargs: Any) -> Any:
        if not crashes:
            crashes.append(1)
            raise RuntimeError("the container died after the order")
        return real_issue(*args, **kwargs)

    monkeypatch.setattr(vouchers, "issue_writes", crash_once)
    redemption = redeem(api, shop["visa"], "20", "r1")  # approved at once, queued, delivered: the crash
    assert status_of(redemption["id"])["status"] == "fulfilling"
    assert len(api.queue_failures) == 1
    api.drain_queues()  # redelivered: the same order, then the voucher
    done = status_of(redemption["id"])
    assert done["status"] == "fulfilled"
    message(redemption["id"])  # a duplicate delivery after it is done: nothing happens
    api.drain_queues()
    orders = sandbox_orders(aws)
    assert len(orders) == 1
    assert orders[0]["external_reference"]["S"] == redemption["id"]
    assert orders[0]["requests"]["N"] == "2"
    assert done["external_order_id"] == orders[0]["id"]["S"]
    assert len(my_vouchers(api)) == 1
    assert kinds_for(aws, redemption["id"]) == ["redemption_hold", "redemption_settle"]
    assert points_of(ALICE) == START_POINTS - redemption["points"]
    assert_audit_clean()


def test_a_provider_failure_after_approval_refunds_once(api, shop, aws, capsys):
    redemption = redeem(api, shop["flagged"], "20.13", "r2")
    assert redemption["status"] == "pending_approval"
    reply = api.call("POST", f"/v1/redemptions/{redemption['id']}/approve", body={}, as_employee=MAYA)
    assert reply.status == 200, reply.body
    failed = status_of(redemption["id"])
    assert failed["status"] == "failed"
    assert "declined" in failed["failure_reason"]
    assert points_of(ALICE) == START_POINTS
    message(redemption["id"])  # delivered again: the refund is not repeated
    api.drain_queues()
    assert kinds_for(aws, redemption["id"]) == ["redemption_hold", "redemption_refund"]
    assert points_of(ALICE) == START_POINTS
    assert my_vouchers(api) == []
    assert api.queue_failures == []
    assert_audit_clean()


def test_transient_failures_retry_until_the_order_goes_through(api, shop, aws):
    redemption = redeem(api, shop["visa"], "20.03", "r3")  # the sandbox is unavailable twice
    assert status_of(redemption["id"])["status"] == "fulfilling"
    api.drain_queues()
    assert status_of(redemption["id"])["status"] == "fulfilling"
    assert len(api.queue_failures) == 2
    assert sandbox_orders(aws) == []
    api.drain_queues()
    assert status_of(redemption["id"])["status"] == "fulfilled"
    assert len(sandbox_orders(aws)) == 1
    assert len(my_vouchers(api)) == 1
    assert_audit_clean()


def test_a_pending_order_is_asked_again_until_it_completes(api, shop, aws):
    redemption = redeem(api, shop["visa"], "20.42", "r4")
    assert status_of(redemption["id"])["status"] == "fulfilling"
    assert [failure.receive_count for failure in api.queue_failures] == [1]
    api.drain_queues()
    done = status_of(redemption["id"])
    assert done["status"] == "fulfilled"
    [voucher] = my_vouchers(api)
    assert voucher["code"].startswith("SBX-")
    assert voucher["expires_on"] is not None  # the provider's own expiry
    assert len(sandbox_orders(aws)) == 1
    assert_audit_clean()


def test_retries_back_off_exponentially(api):
    worker = api._module(api.template.functions[WORKER])
    assert [worker.retry_delay(count) for count in (1, 2, 3, 4, 5, 6, 7, 8)] == [
        30,
        60,
        120,
        240,
        480,
        900,
        900,
        900,
    ]


def upload(api, item_id: str, body: str, *, as_employee: str = HR, query: str = "", media: str = "text/csv"):
    return api.call(
        "POST",
        f"/v1/catalog/items/{item_id}/codes{query}",
        raw_body=body.encode(),
        as_employee=as_employee,
        headers={"content-type": media},
    )


CODES = ["CINE-0001-AAAA", "CINE-0002-BBBB", "CINE-0003-CCCC"]


def test_code_stock_upload_encrypts_deduplicates_and_answers_counts(api, shop, aws):
    body = (
        "code\n" + "\n".join(CODES) + "\ncine-0001-aaaa\n\n"
    )  # a header, a repeat (case aside), a blank row
    reply = upload(api, shop["cinema"], body, query="?alert_below=2")
    assert reply.status == 201, reply.body
    assert reply.json == {
        "item_id": shop["cinema"],
        "received": 4,
        "added": 3,
        "duplicates": 1,
        "available": 3,
        "alert_below": 2,
    }
    again = upload(api, shop["cinema"], f"{CODES[0]}\nCINE-0004-DDDD\n")
    assert (again.json["added"], again.json["duplicates"], again.json["available"]) == (1, 1, 4)
    other_item = add_item(
        name="Other cinema",
        fulfilment=FulfilmentMethod.CODE_STOCK,
        provider_sku=None,
        type=ItemType.EXPERIENCE,
    )
    assert upload(api, other_item, CODES[1]).json["added"] == 0  # a code is uploaded once, to any item
    stored = json.dumps(table_items(aws))
    assert not any(code in stored or code.lower() in stored for code in [*CODES, "CINE-0004-DDDD"])
    assert_error(upload(api, shop["cinema"], CODES[0], as_employee=ALICE), 403, "forbidden")
    assert_error(upload(api, shop["visa"], "X-1"), 422, "not_code_stock")
    assert_error(upload(api, shop["cinema"], "X-1", media="application/json"), 415, "unsupported_media_type")
    assert_error(upload(api, shop["cinema"], "code\n\n"), 400, "no_codes")
    assert_error(upload(api, "item_nope", "X-1"), 404, "item_not_found")


def test_code_stock_claims_alerts_and_refunds_when_it_runs_out(api, shop, aws, capsys):
    assert upload(api, shop["cinema"], "\n".join(CODES), query="?alert_below=2").status == 201
    fulfilled = [redeem(api, shop["cinema"], "10", f"c{n}") for n in range(3)]
    for redemption in fulfilled:
        assert status_of(redemption["id"])["status"] == "fulfilled"
    assert sorted(voucher["code"] for voucher in my_vouchers(api)) == sorted(CODES)
    alerts = [item for item in table_items(aws) if item.get("type", {}).get("S") == "stock_alert"]
    assert sorted(int(alert["remaining"]["N"]) for alert in alerts) == [0, 1]
    assert {alert["item_name"]["S"] for alert in alerts} == {"Cinema tickets"}

    record = status_of(fulfilled[0]["id"])  # the same redemption claims the same code again
    repeat = CodeStockFulfiller().fulfil(record)
    first_voucher = next(v for v in my_vouchers(api) if v["redemption_id"] == fulfilled[0]["id"])
    assert repeat.code == first_voucher["code"]
    assert get_one(keys.stock_count(shop["cinema"]))["available"] == 0

    empty = redeem(api, shop["cinema"], "10", "c-empty")
    failed = status_of(empty["id"])
    assert failed["status"] == "failed"
    assert failed["failure_reason"] == "no codes left in stock"
    assert kinds_for(aws, empty["id"]) == ["redemption_hold", "redemption_refund"]
    assert points_of(ALICE) == START_POINTS - sum(r["points"] for r in fulfilled)
    logged = capsys.readouterr()
    assert not any(code in logged.out or code in logged.err for code in CODES)
    assert_audit_clean()


def test_plaudit_issues_its_own_codes(api, shop, aws, clock):
    redemption = redeem(api, shop["perk"], "5", "p1")
    assert status_of(redemption["id"])["status"] == "fulfilled"
    [voucher] = my_vouchers(api)
    assert normalize(voucher["code"]) is not None
    assert voucher["expires_on"] == (clock.at.date() + timedelta(days=30)).isoformat()
    message(redemption["id"])
    api.drain_queues()
    assert len(my_vouchers(api)) == 1
    assert_audit_clean()


def test_a_cancelled_redemption_is_not_fulfilled(api, shop, aws):
    redemption = redeem(api, shop["flagged"], "20", "x1")
    reply = api.call("POST", f"/v1/redemptions/{redemption['id']}/cancel", body={}, as_employee=ALICE)
    assert reply.status == 200, reply.body
    message(redemption["id"])  # a stray message for it
    api.drain_queues()
    assert status_of(redemption["id"])["status"] == "cancelled"
    assert sandbox_orders(aws) == []
    assert api.queue_failures == []
    assert_audit_clean()


def test_after_the_dead_letter_queue_a_redrive_fulfils_it_once(api, shop, aws, monkeypatch):
    monkeypatch.setenv("SANDBOX_TRANSIENT_FAILURES", "1000")  # the provider is down
    environment.cache_clear()  # a new container would read it afresh
    redemption = redeem(api, shop["visa"], "20", "d1")
    for _ in range(8):
        api.drain_queues()
    assert [failure.receive_count for failure in api.queue_failures] == [1, 2, 3, 4, 5, 6, 7, 8]
    sqs = boto3.client("sqs", region_name="us-east-1")
    dead_url = sqs.get_queue_url(QueueName=api.template.queues["FulfilmentDeadLetterQueue"].name)["QueueUrl"]
    [parked] = sqs.receive_message(QueueUrl=dead_url, MaxNumberOfMessages=10)["Messages"]
    assert json.loads(parked["Body"]) == {"redemption_id": redemption["id"]}
    assert status_of(redemption["id"])["status"] == "fulfilling"  # its points still held
    assert points_of(ALICE) == START_POINTS - redemption["points"]
    assert_audit_clean()

    monkeypatch.setenv("SANDBOX_TRANSIENT_FAILURES", "0")  # the provider is back: redrive
    environment.cache_clear()  # a new container would read it afresh
    message(redemption["id"])
    api.drain_queues()
    assert status_of(redemption["id"])["status"] == "fulfilled"
    assert len(sandbox_orders(aws)) == 1
    assert len(my_vouchers(api)) == 1
    assert_audit_clean()


def test_a_malformed_or_unknown_message_is_dropped(api, shop):
    url = os.environ["FULFILMENT_QUEUE_URL"]
    sqs = boto3.client("sqs", region_name="us-east-1")
    for body in ("not json", '{"redemption": "x"}', '{"redemption_id": 7}', '{"redemption_id": "red_NOPE"}'):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    assert api.drain_queues() == []


def test_a_code_upload_over_the_size_limit_or_not_utf8_is_refused_before_any_work(api, shop, aws):
    api.drain_streams()  # what the shop's setup wrote is delivered (the trail's entries linked) first
    before = table_items(aws)
    too_large = "code\n" + "X" * (MAX_BODY_BYTES + 1)
    assert_error(upload(api, shop["cinema"], too_large), 413, "body_too_large")
    reply = api.call(
        "POST",
        f"/v1/catalog/items/{shop['cinema']}/codes",
        raw_body="code\nCINÉ-0001".encode("latin-1"),
        as_employee=HR,
        headers={"content-type": "text/csv"},
    )
    assert_error(reply, 400, "malformed_body")
    assert table_items(aws) == before


def test_a_stock_code_uploaded_before_the_hash_key_rotated_is_still_a_duplicate(api, shop, monkeypatch):
    secrets_manager = boto3.client("secretsmanager", region_name="us-east-1")
    secrets_manager.create_secret(
        Name=local_secret_name("VoucherHashSecret"), SecretString=json.dumps({"key": "v1", "previous": []})
    )
    monkeypatch.delenv("VOUCHER_HASH_KEY")
    monkeypatch.setenv("VOUCHER_HASH_SECRET_ARN", secret_arn("VoucherHashSecret"))

    def new_container() -> None:
        environment.cache_clear()
        monkeypatch.setattr(aws_clients, "_secrets", None)

    new_container()
    first = upload(api, shop["cinema"], "CINE-0001-AAAA\n")
    assert (first.status, first.json["added"]) == (201, 1), first.body
    secrets_manager.put_secret_value(
        SecretId=secret_arn("VoucherHashSecret"), SecretString=json.dumps({"key": "v2", "previous": ["v1"]})
    )
    new_container()
    again = upload(api, shop["cinema"], "CINE-0001-AAAA\nCINE-0002-BBBB\n")
    assert (again.json["added"], again.json["duplicates"]) == (1, 1), again.body
