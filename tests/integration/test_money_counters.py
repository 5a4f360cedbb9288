"""The money side's counters, kept by the real projection from the table's stream: approval waits, spend by
item, type and method, each person's spend row in the month of delivery, budgets' spend (awards and
direct awards), the liability (points in wallets and held) from the ledger's transactions, and live
vouchers by expiry day. The audit recounts every one of them from the records."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from plaudit.domain.access import SYSTEM, Caller
from plaudit.domain.catalog import CatalogItemSpec, Denominations, FulfilmentMethod, ItemType
from plaudit.domain.ids import derived_id
from plaudit.domain.ledger import Balance, Posting, Transaction, TxnKind, budget_account, employee_account
from plaudit.domain.recognition import WalletChange
from plaudit.integrations import fulfilment_queue
from plaudit.services import budgets, catalog, redemptions, vouchers
from plaudit.services.insights import audit_aggregates, rebuild
from plaudit.services.runtime import now
from plaudit.store import insights as insight_store
from plaudit.store import report_rows
from plaudit.store.budgets import balance_write
from plaudit.store.client import dynamodb, table_name
from plaudit.store.ledger import transaction_writes, wallet_write
from plaudit.store.transact import write_all

HR, MAYA, ALICE = "E1001", "E1002", "E1003"  # Maya manages Alice (Engineering)
MONTH = "2026-11"


@pytest.fixture(autouse=True)
def queued(monkeypatch) -> list[str]:
    sent: list[str] = []
    monkeypatch.setattr(fulfilment_queue, "send", sent.append)
    return sent


def wallet_points() -> int:
    """The points in every wallet, straight from the table."""
    total = 0
    for page in dynamodb().get_paginator("scan").paginate(TableName=table_name()):
        for item in page["Items"]:
            if item.get("type", {}).get("S") == "wallet":
                total += int(item.get("points", {}).get("N", "0"))
    return total


def grant(employee_id: str, points: int) -> None:
    """Points from the budget through the ledger, as an award pays them (no award record: no spend)."""
    at = now()
    txn = Transaction(
        derived_id("txn", "test-grant", employee_id, str(points)),
        TxnKind.MILESTONE_AWARD,
        at,
        (
            Posting(budget_account("spot"), -points),
            Posting(employee_account(employee_id, Balance.POINTS), points),
        ),
    )
    write_all(
        [
            balance_write("spot", -points, at),
            wallet_write(WalletChange(employee_id, points_delta=points), at),
            *transaction_writes(txn),
        ]
    )


def fulfil(rid: str) -> None:
    redemptions.begin_fulfilment(rid)
    redemptions.complete_fulfilment(rid, voucher_id=f"vch_{rid}", external_order_id=None)


def test_a_redemption_approved_then_delivered_counts_its_wait_its_spend_and_the_liability(api, org, clock):
    budgets.create_budget(SYSTEM, budgets.CreateBudget(id="spot", name="Spot", kind="company"))
    budgets.move_points(SYSTEM, "spot", TxnKind.BUDGET_TOP_UP, budgets.MovePoints(points=100_000))
    lunch = catalog.create_item(
        SYSTEM,
        CatalogItemSpec(
            name="Gift card",
            category="food",
            type=ItemType.GIFT_CARD,
            denominations=Denominations(fixed=[Decimal(60)]),
            currency="USD",
            fulfilment=FulfilmentMethod.INTERNAL,
            requires_approval=True,
        ),
    ).id
    grant(ALICE, 10_000)
    award = api.call(
        "POST",
        "/v1/awards",
        as_employee=HR,
        body={"employee_id": ALICE, "item_id": lunch, "denomination": "60", "budget_id": "spot"},
    )
    assert award.status == 201, award.body
    fulfil(award.json["id"])
    rid = redemptions.request(
        Caller(employee_id=ALICE), redemptions.RedeemRequest(item_id=lunch, denomination=Decimal(60))
    )[0].id
    api.drain_streams()
    clock.advance(hours=3)
    redemptions.approve(Caller(employee_id=MAYA), rid)
    fulfil(rid)
    api.drain_streams()

    found = insight_store.scan_aggregates()[0]
    team = found[("team:E1002", MONTH)]
    assert (team["approvals"], team["approval_seconds"], team["approval_le_4h"]) == (1, 3 * 3600, 1)
    assert team["spent_item_" + lunch + "_USD_hundredths"] == 2 * 6000  # the award and Alice's own
    assert team["spent_type_gift_card_USD_hundredths"] == 12000
    assert team["spent_method_internal_USD_hundredths"] == 12000
    assert found[("budgets", MONTH)] == {"spend_spot": 6000}
    liability = found[("liability", "all")]
    assert liability["points_outstanding"] == wallet_points() == 10_000 - 6000
    assert liability.get("points_held", 0) == 0  # held, then delivered
    assert found[("liability", MONTH)]["points_outstanding"] == 10_000 - 6000
    rows, more = report_rows.spend_rows_page(MONTH, limit=10)
    assert more is None
    assert [(row.employee_id, row.figures) for row in rows] == [(ALICE, {"gift_card_USD_hundredths": 12000})]
    assert audit_aggregates() == []
    rebuild()
    assert audit_aggregates() == []


def test_live_vouchers_count_on_their_expiry_day_until_redeemed(api, org, clock, monkeypatch):
    monkeypatch.setattr(vouchers, "redemption_state", lambda rid, status: None)
    today = now().date()
    kept = vouchers.issue(
        {"id": "red_a", "employee_id": ALICE, "item_id": "item_spa", "item_name": "Spa"},
        expires_on=today + timedelta(days=10),
    )
    used = vouchers.issue(
        {"id": "red_b", "employee_id": ALICE, "item_id": "item_spa", "item_name": "Spa"},
        expires_on=today + timedelta(days=10),
    )
    vouchers.issue(
        {"id": "red_c", "employee_id": ALICE, "item_id": "item_spa", "item_name": "Spa"},
        expires_on=today + timedelta(days=40),
    )
    api.drain_streams()
    window = (today, today + timedelta(days=30))
    assert report_rows.expiring("person:E1003", *window) == {(today + timedelta(days=10)).isoformat(): 2}
    assert kept != used
    reply = api.call("POST", f"/v1/vouchers/{used}/used", as_employee=ALICE, body={})
    assert reply.status == 200, reply.body
    assert report_rows.expiring("org", *window) == {(today + timedelta(days=10)).isoformat(): 1}
    assert report_rows.expiring("person:E1004", *window) == {}
    assert audit_aggregates() == []


def test_the_audit_names_a_tampered_spend_row(api, org, clock):
    dynamodb().put_item(
        TableName=table_name(),
        Item={
            "PK": {"S": "ROW#spend#2026-11"},
            "SK": {"S": "E1003#KR#E1002#Engineering"},
            "type": {"S": "insight_row"},
            "family": {"S": "spend"},
            "group": {"S": "2026-11"},
            "sort": {"S": "E1003#KR#E1002#Engineering"},
            "gift_card_USD_hundredths": {"N": "100"},
        },
    )
    breaches = audit_aggregates()
    assert breaches == [
        "row spend / 2026-11 / E1003#KR#E1002#Engineering: gift_card_USD_hundredths 100 (records say 0)"
    ]
    rebuild()
    assert audit_aggregates() == []
