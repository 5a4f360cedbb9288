"""The hourly redemptions run: unanswered approvals go to HR, redemptions whose fulfilment message was lost
(approved over 10 minutes, fulfilling over an hour) are queued again from the in-flight index (not a scan)
and fulfilled once; recent ones are left to their message; finished ones leave the index."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from api_checks import assert_audit_clean, table_items

from plaudit.domain.access import SYSTEM
from plaudit.domain.catalog import CatalogItemSpec, Denominations, FulfilmentMethod, ItemType
from plaudit.domain.ids import derived_id
from plaudit.domain.ledger import Balance, Posting, Transaction, TxnKind, budget_account, employee_account
from plaudit.domain.recognition import WalletChange
from plaudit.domain.redemptions import HR_APPROVER
from plaudit.integrations import fulfilment_queue
from plaudit.services import budgets, catalog, redemptions
from plaudit.services.runtime import now
from plaudit.store.budgets import balance_write
from plaudit.store.ledger import transaction_writes, wallet_write
from plaudit.store.transact import write_all

HR, MAYA, ALICE = "E1001", "E1002", "E1003"  # Maya manages Alice and holds the budget
TEAM = "schedule-awards"
TICK = {"source": "plaudit.schedule", "job": "redemptions"}


@pytest.fixture
def shop(org, clock) -> dict[str, str]:
    budgets.create_budget(SYSTEM, budgets.CreateBudget(id=TEAM, name=TEAM, kind="company", holders=[MAYA]))
    budgets.move_points(SYSTEM, TEAM, TxnKind.BUDGET_TOP_UP, budgets.MovePoints(points=100_000))
    spec: dict[str, Any] = {
        "name": "Prepaid Visa",
        "category": "gift-cards",
        "type": ItemType.GIFT_CARD,
        "denominations": Denominations(fixed=[Decimal("20")]),
        "currency": "USD",
        "fulfilment": FulfilmentMethod.PROVIDER,
        "provider_sku": "VISA-PREPAID-GLOBAL",
    }
    return {
        "visa": catalog.create_item(SYSTEM, CatalogItemSpec(**spec)).id,
        "flagged": catalog.create_item(
            SYSTEM, CatalogItemSpec(**(spec | {"name": "Flagged", "requires_approval": True}))
        ).id,
    }


def give(api, item_id: str, key: str) -> str:
    body = {"employee_id": ALICE, "item_id": item_id, "denomination": "20", "budget_id": TEAM}
    reply = api.call("POST", "/v1/awards", body=body, as_employee=MAYA, headers={"Idempotency-Key": key})
    assert reply.status == 201, reply.body
    return reply.json["id"]


def in_flight(aws) -> list[str]:
    return sorted(item["SK"]["S"] for item in table_items(aws) if item["PK"]["S"].startswith("INFLIGHT#"))


def status_of(rid: str) -> str:
    return redemptions.get(SYSTEM, rid).status.value


def test_a_lost_message_is_queued_again_after_ten_minutes_and_fulfilled_once(
    api, aws, shop, clock, monkeypatch
):
    with monkeypatch.context() as patched:
        patched.setattr(fulfilment_queue, "send", lambda rid: False)  # the message is lost
        rid = give(api, shop["visa"], "lost")
    assert status_of(rid) == "approved"
    assert len(in_flight(aws)) == 1
    clock.advance(minutes=5)
    assert api.invoke("RedemptionsScheduleFunction", TICK) == {"escalated": 0, "requeued": 0}  # too recent
    clock.advance(minutes=6)
    assert api.invoke("RedemptionsScheduleFunction", TICK) == {"escalated": 0, "requeued": 1}
    api.drain_queues()
    assert status_of(rid) == "fulfilled"
    assert in_flight(aws) == []  # fulfilled: out of the index, never queued again
    clock.advance(hours=2)
    assert api.invoke("RedemptionsScheduleFunction", TICK) == {"escalated": 0, "requeued": 0}
    assert_audit_clean()


def test_a_stalled_fulfilment_is_queued_again_after_an_hour(api, aws, shop, clock, monkeypatch):
    with monkeypatch.context() as patched:
        patched.setattr(fulfilment_queue, "send", lambda rid: False)
        rid = give(api, shop["visa"], "stalled")
    assert redemptions.begin_fulfilment(rid) is not None  # the worker began, then its message was lost
    clock.advance(minutes=30)
    assert api.invoke("RedemptionsScheduleFunction", TICK)["requeued"] == 0
    clock.advance(minutes=31)
    assert api.invoke("RedemptionsScheduleFunction", TICK)["requeued"] == 1
    api.drain_queues()
    assert status_of(rid) == "fulfilled"
    assert in_flight(aws) == []
    assert_audit_clean()


def test_the_tick_escalates_unanswered_approvals(api, shop, clock):
    grant(ALICE, 5_000)
    body = {"item_id": shop["flagged"], "denomination": "20"}
    reply = api.call(
        "POST", "/v1/redemptions", body=body, as_employee=ALICE, headers={"Idempotency-Key": "f"}
    )
    assert reply.status == 201, reply.body
    assert reply.json["approver_id"] == MAYA
    assert api.invoke("RedemptionsScheduleFunction", TICK)["escalated"] == 0
    clock.advance(days=10)
    assert api.invoke("RedemptionsScheduleFunction", TICK)["escalated"] == 1
    assert redemptions.get(SYSTEM, reply.json["id"]).approver_id == HR_APPROVER
    assert_audit_clean()


def grant(employee_id: str, points: int) -> None:
    """Points the way an award gives them: from the budget, through the ledger."""
    at = now()
    txn = Transaction(
        derived_id("txn", "test-grant", employee_id, str(points), at.isoformat()),
        TxnKind.MILESTONE_AWARD,
        at,
        (
            Posting(budget_account(TEAM), -points),
            Posting(employee_account(employee_id, Balance.POINTS), points),
        ),
    )
    write_all(
        [
            balance_write(TEAM, -points, at),
            wallet_write(WalletChange(employee_id, points_delta=points), at),
            *transaction_writes(txn),
        ]
    )
