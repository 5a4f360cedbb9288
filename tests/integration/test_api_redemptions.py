"""Redemptions: points held at once (never more than the balance, however many requests race), every
restriction refusing with its code and writing nothing, approvals by the right person only (manager,
fallback, HR after escalation), cancel racing approval ending in one state, refunds exactly once, and the
ledger audit clean (hold accounts included) after every scenario."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from decimal import Decimal
from typing import Any

import boto3
import pytest
from api_checks import assert_audit_clean, assert_error, table_items

from plaudit.domain.access import SYSTEM, Caller
from plaudit.domain.catalog import (
    Blackout,
    CatalogItemSpec,
    Denominations,
    FulfilmentMethod,
    ItemType,
    PerPersonLimit,
    Restrictions,
)
from plaudit.domain.errors import Conflict, Forbidden, RuleViolation
from plaudit.domain.ids import derived_id
from plaudit.domain.ledger import Balance, Posting, Transaction, TxnKind, budget_account, employee_account
from plaudit.domain.recognition import WalletChange
from plaudit.domain.redemptions import FINANCE_APPROVER, HR_APPROVER
from plaudit.domain.settings import ApprovalPolicy, PeriodKind
from plaudit.integrations import fulfilment_queue
from plaudit.services import budgets, catalog, redemptions
from plaudit.services import settings as settings_service
from plaudit.services.insights import audit_aggregates
from plaudit.services.runtime import now
from plaudit.store import insights as insight_store
from plaudit.store import keys, snapshots
from plaudit.store.budgets import balance_write
from plaudit.store.client import use_client
from plaudit.store.ledger import transaction_writes, wallet_write
from plaudit.store.reads import get_one
from plaudit.store.transact import write_all

HR, MAYA, ALICE, BOB, GRACE = "E1001", "E1002", "E1003", "E1004", "E1009"  # Maya manages Alice and Bob
FUNDS = "redemption-tests"
SEND = fulfilment_queue.send


@pytest.fixture(autouse=True)
def queued(monkeypatch) -> list[str]:
    """Redemptions queued for fulfilment, kept from the worker: these tests stop at the queue."""
    sent: list[str] = []
    monkeypatch.setattr(fulfilment_queue, "send", sent.append)
    return sent


# --- the shop ---------------------------------------------------------------------------------------------


def spec(**overrides: Any) -> CatalogItemSpec:
    values: dict[str, Any] = {
        "name": "Coffee card",
        "category": "food",
        "type": ItemType.GIFT_CARD,
        "denominations": Denominations(fixed=[Decimal(10), Decimal(25), Decimal(60)]),
        "currency": "USD",
        "fulfilment": FulfilmentMethod.PROVIDER,
        "provider_sku": "COFFEE-US",
    }
    return CatalogItemSpec(**(values | overrides))


def add_item(**overrides: Any) -> str:
    return catalog.create_item(SYSTEM, spec(**overrides)).id


def grant(employee_id: str, points: int) -> None:
    """Give points the way an award does: from a funded budget, through the ledger."""
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


def stock_of(item_id: str) -> int | None:
    return catalog.get_item(item_id).inventory


def set_policy(**policy: Any) -> None:
    current = settings_service.get_settings(SYSTEM).settings
    settings_service.replace_settings(
        SYSTEM, current.model_copy(update={"approvals": ApprovalPolicy(**policy)})
    )


@pytest.fixture
def shop(org, clock) -> dict[str, str]:
    budgets.create_budget(SYSTEM, budgets.CreateBudget(id=FUNDS, name="Test funds", kind="company"))
    budgets.move_points(SYSTEM, FUNDS, TxnKind.BUDGET_TOP_UP, budgets.MovePoints(points=1_000_000))
    for person in (ALICE, BOB, MAYA):
        grant(person, 20_000)
    return {
        "coffee": add_item(),
        "flagged": add_item(
            name="Team lunch",
            type=ItemType.COMPANY_PERK,
            fulfilment=FulfilmentMethod.INTERNAL,
            provider_sku=None,
            requires_approval=True,
        ),
        "scarce": add_item(
            name="Hoodie",
            type=ItemType.MERCHANDISE,
            inventory=2,
            fulfilment=FulfilmentMethod.INTERNAL,
            provider_sku=None,
            restrictions=Restrictions(per_person=PerPersonLimit(count=1, period=PeriodKind.MONTHLY)),
        ),
    }


def redeem(api, item_id: str, denomination: str = "25", *, who: str = ALICE, key: str | None = None):
    headers = {"Idempotency-Key": key} if key else None
    body = {"item_id": item_id, "denomination": denomination}
    return api.call("POST", "/v1/redemptions", body=body, as_employee=who, headers=headers)


def request(item_id: str, denomination: str = "25", *, who: str = ALICE, key: str | None = None):
    caller = Caller(employee_id=who)
    body = redemptions.RedeemRequest(item_id=item_id, denomination=Decimal(denomination))
    return redemptions.request(caller, body, idempotency_key=key)[0]


def person(employee_id: str) -> Caller:
    return Caller(employee_id=employee_id)


def refunds_of(rid: str) -> int:
    return int(get_one(keys.transaction(derived_id("txn", TxnKind.REDEMPTION_REFUND.value, rid))) is not None)


# --- requests ---------------------------------------------------------------------------------------------


def test_a_request_holds_the_points_and_a_replay_returns_the_same(api, shop, clock):
    reply = redeem(api, shop["coffee"], key="coffee-1")
    assert reply.status == 201, reply.body
    body = reply.json
    assert (body["status"], body["points"], body["denomination"], body["approver_id"]) == (
        "approved",
        2500,
        "25",
        None,
    )
    assert {"limit_period", "inventory_held"}.isdisjoint(body)
    assert points_of(ALICE) == 17_500
    clock.advance(minutes=5)
    again = redeem(api, shop["coffee"], key="coffee-1")
    assert (again.status, again.headers.get("idempotent-replayed")) == (201, "true")
    assert again.json == body
    assert redeem(api, shop["coffee"], "25.00", key="coffee-1").json == body  # the same amount
    assert_error(redeem(api, shop["coffee"], "10", key="coffee-1"), 409, "idempotency_key_reused")
    assert points_of(ALICE) == 17_500

    read = api.call("GET", f"/v1/redemptions/{body['id']}", as_employee=ALICE)
    assert read.json == body
    assert api.call("GET", f"/v1/redemptions/{body['id']}", as_employee=MAYA).status == 200  # her manager
    assert_error(
        api.call("GET", f"/v1/redemptions/{body['id']}", as_employee=BOB), 404, "redemption_not_found"
    )
    mine = api.call("GET", "/v1/redemptions", as_employee=ALICE)
    assert [item["id"] for item in mine.json["items"]] == [body["id"]]
    assert_error(api.call("GET", f"/v1/redemptions?employee={ALICE}", as_employee=BOB), 403, "forbidden")
    assert_audit_clean()


def test_a_replay_after_the_redemption_moved_on_returns_the_first_response(api, shop, clock):
    """The README's promise: a replay answers what the first request answered, not today's state."""
    first = redeem(api, shop["flagged"], key="lunch-1")
    assert first.status == 201, first.body
    assert (first.json["status"], first.json["version"]) == ("pending_approval", 1)
    rid = first.json["id"]
    approved = api.call("POST", f"/v1/redemptions/{rid}/approve", body={}, as_employee=MAYA)
    assert approved.status == 200, approved.body
    assert api.call("GET", f"/v1/redemptions/{rid}", as_employee=ALICE).json["status"] != "pending_approval"

    clock.advance(minutes=5)
    again = redeem(api, shop["flagged"], key="lunch-1")
    assert (again.status, again.headers.get("idempotent-replayed")) == (201, "true")
    assert again.body == first.body  # byte for byte: pending_approval, version 1
    assert_audit_clean()


def test_a_storm_of_requests_holds_exactly_what_the_balance_allows(shop, monkeypatch):
    """Every request decides on the same stale snapshot (as concurrent ones would): the wallet's condition
    refuses those the balance no longer covers."""
    real = redemptions.get_many
    stale: dict = {}

    def stale_wallet(wanted):
        found = real(wanted)
        wallet = keys.wallet(BOB)
        if wallet in found:
            found[wallet] = stale.setdefault("wallet", found[wallet])
        return found

    monkeypatch.setattr(redemptions, "get_many", stale_wallet)
    held, refused = [], []
    for n in range(12):  # 12 x 2,500 against 20,000
        try:
            held.append(request(shop["coffee"], who=BOB, key=f"storm-{n}").points)
        except RuleViolation as error:
            refused.append(error.code)
    assert (sum(held), len(held)) == (20_000, 8)
    assert refused == ["insufficient_points"] * 4
    assert points_of(BOB) == 0
    assert_audit_clean()


def test_the_last_unit_goes_to_one_person(shop, monkeypatch):
    real = redemptions.get_many
    item_key = keys.catalog_item(shop["scarce"])
    stale: dict = {}

    def stale_item(wanted):
        found = real(wanted)
        if item_key in found:
            found[item_key] = stale.setdefault("item", found[item_key])
        return found

    monkeypatch.setattr(redemptions, "get_many", stale_item)
    for who in (ALICE, BOB):
        request(shop["scarce"], who=who)
    with pytest.raises(RuleViolation) as refused:
        request(shop["scarce"], who=MAYA)  # sees stock 2, the write finds 0
    assert refused.value.code == "out_of_stock"
    assert stock_of(shop["scarce"]) == 0
    assert_audit_clean()


def test_each_restriction_refuses_with_its_reason_and_writes_nothing(api, aws, shop, clock):
    today = clock().date()
    refusing = {
        "not_available_in_country": add_item(name="Berlin zoo", countries=["DE"]),
        "blackout": add_item(
            name="Skiing", restrictions=Restrictions(blackouts=[Blackout(start=today, end=today)])
        ),
        "item_expired": add_item(
            name="Old offer", restrictions=Restrictions(expires_on=today - timedelta(days=1))
        ),
        "out_of_stock": add_item(name="Sold out", inventory=0),
        "item_inactive": add_item(name="Retired", active=False),
    }
    request(shop["scarce"])  # Alice's one hoodie this month
    refusing["per_person_limit"] = shop["scarce"]
    grant(GRACE, 100)
    api.drain_streams()  # what the stream projects of the set-up lands before, not during, the refusals
    before = table_items(aws)
    for code, item_id in refusing.items():
        assert_error(redeem(api, item_id), 422, code, item_id)
    assert_error(redeem(api, shop["coffee"], "11"), 422, "bad_denomination")
    no_amount = api.call("POST", "/v1/redemptions", body={"item_id": shop["coffee"]}, as_employee=ALICE)
    assert_error(no_amount, 422, "bad_denomination")  # an amount item asked for without its amount
    assert_error(redeem(api, shop["coffee"], who=GRACE), 422, "insufficient_points")
    assert_error(redeem(api, "item_NOPE"), 404, "item_not_found")
    assert_error(redeem(api, shop["coffee"], "-5"), 422, "invalid_request")
    assert table_items(aws) == before
    assert_audit_clean()


def test_the_per_person_limit_opens_again_next_period_and_after_a_refund(api, shop, clock):
    first = request(shop["scarce"])
    with pytest.raises(RuleViolation) as refused:
        request(shop["scarce"])
    assert refused.value.code == "per_person_limit"
    redemptions.cancel(person(ALICE), first.id)
    again = request(shop["scarce"])  # the cancel gave the count (and the stock) back
    assert stock_of(shop["scarce"]) == 1
    clock.advance(days=20)  # December
    request(shop["scarce"], who=ALICE)
    assert stock_of(shop["scarce"]) == 0
    assert again.status == "approved"
    api.drain_streams()  # the stream links the trail's entries (here, after the clock has moved on)
    assert_audit_clean()


# --- approvals --------------------------------------------------------------------------------------------


def test_the_manager_approves_once_and_only_the_manager(api, shop):
    pending = redeem(api, shop["coffee"], "60", key="big")
    assert pending.status == 201, pending.body
    rid = pending.json["id"]
    assert (pending.json["status"], pending.json["approver_id"], pending.json["points"]) == (
        "pending_approval",
        MAYA,
        6000,
    )
    queue = api.call("GET", "/v1/approvals", as_employee=MAYA)
    assert [(entry["id"], entry["points"]) for entry in queue.json["items"]] == [(rid, 6000)]
    assert api.call("GET", "/v1/approvals", as_employee=BOB).json["items"] == []

    assert_error(api.call("POST", f"/v1/redemptions/{rid}/approve", as_employee=BOB), 403, "not_approver")
    assert_error(api.call("POST", f"/v1/redemptions/{rid}/approve", as_employee=HR), 403, "not_approver")
    assert_error(api.call("POST", f"/v1/redemptions/{rid}/approve", as_employee=ALICE), 403, "own_redemption")
    approved = api.call("POST", f"/v1/redemptions/{rid}/approve", body={"reason": "enjoy"}, as_employee=MAYA)
    assert approved.status == 200, approved.body
    assert approved.json["status"] == "approved"
    assert approved.json["history"][-1] | {"at": None} == {
        "status": "approved",
        "at": None,
        "by": MAYA,
        "reason": "enjoy",
        "handed_to": None,
    }
    assert_error(api.call("POST", f"/v1/redemptions/{rid}/approve", as_employee=MAYA), 409, "already_decided")
    second = api.call("POST", f"/v1/redemptions/{rid}/reject", body={"reason": "no"}, as_employee=MAYA)
    assert_error(second, 409, "already_decided")
    assert api.call("GET", "/v1/approvals", as_employee=MAYA).json["items"] == []
    assert points_of(ALICE) == 14_000
    assert_audit_clean()


def test_a_flagged_item_without_a_manager_goes_to_the_fallback_then_hr(api, shop):
    set_policy(fallback_approver_id=GRACE)
    to_grace = request(shop["flagged"], "10", who=MAYA)  # Maya has no manager
    assert (to_grace.status, to_grace.approver_id) == ("pending_approval", GRACE)
    assert_error(
        api.call("POST", f"/v1/redemptions/{to_grace.id}/reject", body={}, as_employee=GRACE),
        400,
        "reason_required",
    )
    rejected = api.call(
        "POST", f"/v1/redemptions/{to_grace.id}/reject", body={"reason": "not this month"}, as_employee=GRACE
    )
    assert (rejected.status, rejected.json["status"]) == (200, "rejected")
    assert points_of(MAYA) == 20_000

    set_policy()
    to_hr = request(shop["flagged"], "10", who=MAYA)
    assert to_hr.approver_id == HR_APPROVER
    queue = api.call("GET", "/v1/approvals", as_employee=HR)
    assert [entry["id"] for entry in queue.json["items"]] == [to_hr.id]
    assert queue.json["next_cursor"] is None
    approved = api.call("POST", f"/v1/redemptions/{to_hr.id}/approve", as_employee=HR)
    assert (approved.status, approved.json["status"]) == (200, "approved")
    assert_audit_clean()


def test_a_sole_hr_admins_own_redemption_waits_for_finance(api, shop, clock):
    grant(HR, 20_000)
    own = request(shop["flagged"], "10", who=HR)  # Hana: the only hr_admin, no manager, no fallback set
    assert (own.status, own.approver_id) == ("pending_approval", FINANCE_APPROVER)
    assert_error(api.call("POST", f"/v1/redemptions/{own.id}/approve", as_employee=HR), 403, "own_redemption")
    assert api.call("GET", "/v1/approvals", as_employee=HR).json["items"] == []
    queue = api.call("GET", "/v1/approvals", as_employee=GRACE).json  # Grace: finance
    assert [entry["id"] for entry in queue["items"]] == [own.id]
    assert_error(api.call("POST", f"/v1/redemptions/{own.id}/approve", as_employee=MAYA), 403, "not_approver")
    clock.advance(days=5)
    assert redemptions.escalate_due(now()) == 0  # a role's queue is never handed on (to its owner's own role)
    assert_error(api.call("POST", f"/v1/redemptions/{own.id}/approve", as_employee=HR), 403, "own_redemption")
    approved = api.call("POST", f"/v1/redemptions/{own.id}/approve", as_employee=GRACE)
    assert (approved.status, approved.json["status"]) == (200, "approved")
    assert api.call("GET", "/v1/approvals", as_employee=GRACE).json["items"] == []
    api.drain_streams()
    assert_audit_clean()


def test_the_finance_role_as_the_fallback_approver(api, shop):
    body = {"approvals": {"fallback_approver_id": "role:finance"}}
    merge = {"Content-Type": "application/merge-patch+json"}
    assert api.call("PATCH", "/v1/settings", as_employee=HR, body=body, headers=merge).status == 200
    to_finance = request(shop["flagged"], "10", who=MAYA)  # Maya has no manager
    assert to_finance.approver_id == FINANCE_APPROVER
    rejected = api.call(
        "POST", f"/v1/redemptions/{to_finance.id}/reject", body={"reason": "next quarter"}, as_employee=GRACE
    )
    assert (rejected.status, rejected.json["status"]) == (200, "rejected")
    assert points_of(MAYA) == 20_000
    for bad in ("role:hr", "role:", "finance role"):
        reply = api.call(
            "PATCH",
            "/v1/settings",
            as_employee=HR,
            body={"approvals": {"fallback_approver_id": bad}},
            headers=merge,
        )
        assert_error(reply, 422, "invalid_request")
    assert_audit_clean()


def test_a_large_request_needs_a_second_approval_by_finance(api, shop, queued):
    set_policy(second_level_points=6000)
    small = redeem(api, shop["flagged"], "25").json  # 2,500 points, flagged: one level
    assert (small["approver_id"], small["second_approver_id"]) == (MAYA, None)
    big = redeem(api, shop["coffee"], "60").json  # 6,000 points: the manager, then finance
    assert (big["status"], big["approver_id"], big["second_approver_id"]) == (
        "pending_approval",
        MAYA,
        FINANCE_APPROVER,
    )
    rid = big["id"]
    assert_error(api.call("POST", f"/v1/redemptions/{rid}/approve", as_employee=GRACE), 403, "not_approver")
    first = api.call("POST", f"/v1/redemptions/{rid}/approve", body={"reason": "ok"}, as_employee=MAYA)
    assert first.status == 200, first.body
    assert (first.json["status"], first.json["approver_id"], first.json["second_approver_id"]) == (
        "pending_approval",
        FINANCE_APPROVER,
        None,
    )
    assert first.json["history"][-1]["handed_to"] == FINANCE_APPROVER
    assert queued == []  # nothing is fulfilled before the second approval
    mine = api.call("GET", "/v1/approvals", as_employee=MAYA).json["items"]
    assert [e["id"] for e in mine] == [small["id"]]  # the large one left her queue for finance's
    assert [e["id"] for e in api.call("GET", "/v1/approvals", as_employee=GRACE).json["items"]] == [rid]
    again = api.call("POST", f"/v1/redemptions/{rid}/approve", as_employee=MAYA)
    assert_error(again, 403, "second_approver_needed")
    done = api.call("POST", f"/v1/redemptions/{rid}/approve", as_employee=GRACE)
    assert (done.status, done.json["status"]) == (200, "approved")
    assert queued == [rid]
    assert api.call("GET", "/v1/approvals", as_employee=GRACE).json["items"] == []
    reply = api.call(
        "PATCH",
        "/v1/settings",
        as_employee=HR,
        body={"approvals": {"second_level_points": 10}},
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert_error(reply, 422, "invalid_request")  # below the first level's threshold
    api.drain_streams()
    assert_audit_clean()


def test_a_second_level_rejection_refunds_once(api, shop):
    set_policy(second_level_points=6000)
    rid = redeem(api, shop["coffee"], "60").json["id"]
    assert api.call("POST", f"/v1/redemptions/{rid}/approve", as_employee=MAYA).status == 200
    rejected = api.call(
        "POST", f"/v1/redemptions/{rid}/reject", body={"reason": "too much"}, as_employee=GRACE
    )
    assert (rejected.status, rejected.json["status"]) == (200, "rejected")
    assert points_of(ALICE) == 20_000
    assert refunds_of(rid) == 1
    api.drain_streams()
    assert_audit_clean()


def test_unanswered_approvals_escalate_to_hr(api, shop, clock):
    rid = request(shop["coffee"], "60").id
    clock.advance(days=2)
    assert redemptions.escalate_due(now()) == 0
    assert_error(api.call("POST", f"/v1/redemptions/{rid}/approve", as_employee=HR), 403, "not_approver")
    clock.advance(days=1)
    assert redemptions.escalate_due(now()) == 1
    assert redemptions.escalate_due(now()) == 0
    escalated = api.call("GET", f"/v1/redemptions/{rid}", as_employee=ALICE).json
    assert escalated["approver_id"] == HR_APPROVER
    assert api.call("GET", "/v1/approvals", as_employee=MAYA).json["items"] == []
    hr_queue = api.call("GET", "/v1/approvals", as_employee=HR).json
    assert [entry["id"] for entry in hr_queue["items"]] == [rid]
    approved = api.call("POST", f"/v1/redemptions/{rid}/approve", as_employee=HR)
    assert (approved.status, approved.json["status"]) == (200, "approved")
    assert_audit_clean()


def test_hr_may_decide_an_overdue_approval_before_the_schedule_escalates(api, shop, clock):
    rid = request(shop["coffee"], "60").id
    clock.advance(days=3)
    assert redemptions.reject(person(HR), rid, "over budget").status == "rejected"
    assert refunds_of(rid) == 1
    assert points_of(ALICE) == 20_000
    api.drain_streams()
    assert_audit_clean()


# --- cancel, refunds, races -------------------------------------------------------------------------------


def test_reject_and_cancel_refund_exactly_once(api, shop):
    rid = request(shop["scarce"], "25", who=BOB).id
    assert stock_of(shop["scarce"]) == 1
    assert_error(api.call("POST", f"/v1/redemptions/{rid}/cancel", as_employee=ALICE), 403, "not_owner")
    cancelled = api.call(
        "POST", f"/v1/redemptions/{rid}/cancel", body={"reason": "changed my mind"}, as_employee=BOB
    )
    assert (cancelled.status, cancelled.json["status"]) == (200, "cancelled")
    assert_error(api.call("POST", f"/v1/redemptions/{rid}/cancel", as_employee=BOB), 409, "not_cancellable")
    assert (points_of(BOB), stock_of(shop["scarce"]), refunds_of(rid)) == (20_000, 2, 1)

    pending = request(shop["coffee"], "60", who=BOB).id
    redemptions.reject(person(MAYA), pending, "no")
    with pytest.raises(Conflict, match="already"):
        redemptions.reject(person(MAYA), pending, "no again")
    assert (points_of(BOB), refunds_of(pending)) == (20_000, 1)
    assert_audit_clean()
    api.drain_streams()  # the projection counts each step once, however often it sees the redemption
    bob = insight_store.scan_aggregates()[0][("person:E1004", "2026-11")]
    assert bob["redemptions_requested"] == bob["redemptions_returned"] == 2
    assert bob["redemption_points_requested"] == bob["redemption_points_returned"]
    assert bob["redemptions_type_merchandise"] == 1
    assert audit_aggregates() == []


def test_cancel_racing_an_approval_ends_in_one_state(shop, monkeypatch, clock):
    """Both read the pending redemption; whichever writes second finds it moved on."""
    real = redemptions.get_many
    rid = request(shop["coffee"], "60").id
    key = keys.redemption(rid)
    stale = real([key])[key]
    sent: list[str] = []
    monkeypatch.setattr(fulfilment_queue, "send", sent.append)

    def first_read_stale(wanted):
        found = real(wanted)
        if key in found and stale is not None:
            found[key] = stale
            monkeypatch.setattr(redemptions, "get_many", real)
        return found

    redemptions.cancel(person(ALICE), rid)  # the cancel wins
    monkeypatch.setattr(redemptions, "get_many", first_read_stale)
    with pytest.raises(Conflict) as lost:
        redemptions.approve(person(MAYA), rid)  # read pending, the write found it cancelled
    assert lost.value.code == "already_decided"
    assert len(clock.slept) == 1  # the lost race waited its backoff, then read again
    assert sent == []
    assert redemptions.get(person(ALICE), rid).status == "cancelled"
    assert refunds_of(rid) == 1
    assert_audit_clean()


def test_an_approval_winning_the_race_is_then_cancelled_and_never_fulfilled(shop, monkeypatch):
    real = redemptions.get_many
    rid = request(shop["coffee"], "60").id
    key = keys.redemption(rid)
    stale = real([key])[key]
    redemptions.approve(person(MAYA), rid)

    def first_read_stale(wanted):
        found = real(wanted)
        found[key] = stale
        monkeypatch.setattr(redemptions, "get_many", real)
        return found

    monkeypatch.setattr(redemptions, "get_many", first_read_stale)
    assert redemptions.cancel(person(ALICE), rid).status == "cancelled"  # retried on the approved one
    assert redemptions.begin_fulfilment(rid) is None  # the queued message finds nothing to do
    assert (refunds_of(rid), points_of(ALICE)) == (1, 20_000)
    assert_audit_clean()


# --- the fulfilment steps the worker takes -----------------------------------------------------------------


def test_fulfilment_settles_once_and_a_failure_refunds_once(shop):
    done = request(shop["coffee"]).id
    assert redemptions.begin_fulfilment(done).status == "fulfilling"
    again = redemptions.begin_fulfilment(done)  # a redelivered message carries on with it
    assert (again.status, again.version) == ("fulfilling", 2)
    with pytest.raises(Forbidden):
        redemptions.cancel(person(BOB), done)
    with pytest.raises(Conflict, match="no longer be cancelled"):
        redemptions.cancel(person(ALICE), done)
    redemptions.complete_fulfilment(done, voucher_id="vch_1", external_order_id="ord_1")
    redemptions.complete_fulfilment(done, voucher_id="vch_1", external_order_id="ord_1")
    view = redemptions.get(person(ALICE), done)
    assert (view.status, view.voucher_id, view.external_order_id) == ("fulfilled", "vch_1", "ord_1")
    assert_audit_clean()
    redemptions.mark_voucher_state(done, "redeemed")
    redemptions.mark_voucher_state(done, "redeemed")
    assert redemptions.get(person(ALICE), done).status == "redeemed"

    failed = request(shop["scarce"]).id
    redemptions.begin_fulfilment(failed)
    redemptions.fail_fulfilment(failed, "provider said no")
    redemptions.fail_fulfilment(failed, "provider said no")
    view = redemptions.get(person(ALICE), failed)
    assert (view.status, view.failure_reason) == ("failed", "provider said no")
    assert (refunds_of(failed), stock_of(shop["scarce"])) == (1, 2)
    assert points_of(ALICE) == 20_000 - 2500
    assert_audit_clean()


def test_the_audit_sees_a_hold_that_does_not_match(shop):
    rid = request(shop["coffee"]).id
    leak = Transaction(
        "txn_LEAK",
        TxnKind.REDEMPTION_REFUND,
        now(),
        (Posting(f"hold:{rid}", -100), Posting("org:redeemed", 100)),
    )
    write_all(transaction_writes(leak))
    from plaudit.services.audit import audit_ledger

    assert any(f"hold:{rid}" in breach for breach in audit_ledger().breaches)


def test_requests_and_approvals_queue_for_fulfilment_after_the_commit(shop, queued, monkeypatch):
    direct = request(shop["coffee"]).id
    pending = request(shop["coffee"], "60").id
    assert queued == [direct]
    redemptions.approve(person(MAYA), pending)
    assert queued == [direct, pending]

    monkeypatch.setattr(fulfilment_queue, "send", SEND)  # the real one, to moto's queue
    rid = request(shop["coffee"], who=BOB).id
    sqs = boto3.client("sqs", region_name="us-east-1")
    messages = sqs.receive_message(QueueUrl=os.environ["FULFILMENT_QUEUE_URL"], MaxNumberOfMessages=10)
    bodies = [json.loads(message["Body"]) for message in messages.get("Messages", [])]
    assert {"redemption_id": rid} in bodies


class CountingClient:
    """The DynamoDB client, counting round trips."""

    def __init__(self, client):
        self.client, self.calls = client, []

    def __getattr__(self, name):
        method = getattr(self.client, name)

        def counted(*args, **kwargs):
            self.calls.append(name)
            return method(*args, **kwargs)

        return counted


def test_round_trips_of_a_request_an_approval_and_the_fulfilment_steps(aws, shop):
    counting = CountingClient(aws)
    use_client(counting)
    try:
        direct = request(shop["coffee"]).id
        assert counting.calls == ["batch_get_item", "transact_write_items"]
        counting.calls.clear()
        rid = request(shop["scarce"], "60").id  # approval (the manager read) and a per-person count
        assert counting.calls == ["batch_get_item", "batch_get_item", "transact_write_items"]
        counting.calls.clear()
        redemptions.approve(person(MAYA), rid)  # an administrative act: its trail entry adds no round trip
        assert counting.calls == ["batch_get_item", "transact_write_items"]
        counting.calls.clear()
        redemptions.begin_fulfilment(direct)
        redemptions.complete_fulfilment(direct, voucher_id="vch_1")
        assert counting.calls == ["batch_get_item", "transact_write_items"] * 2
    finally:
        use_client(aws)
    assert_audit_clean()
