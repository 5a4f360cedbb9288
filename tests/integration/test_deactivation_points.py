"""Leavers' points: kept through the grace period, then expired through the ledger exactly once; a
reactivation within the grace period keeps them; the keep policy never expires anything."""

from __future__ import annotations

from api_checks import assert_audit_clean, table_items

from plaudit.domain.access import SYSTEM
from plaudit.domain.hris import EmployeeUpsert, Termination
from plaudit.domain.ledger import ORG_FORFEITED, TxnKind
from plaudit.domain.settings import DeactivationPolicy
from plaudit.services.deactivation import expire_due
from plaudit.services.directory_sync import apply_change
from plaudit.services.settings import replace_settings
from plaudit.store import keys, snapshots
from plaudit_dev.seed import DEMO_SETTINGS

HR, ALICE, BOB, CARLOS = "E1001", "E1003", "E1004", "E1005"


def give(api, giver: str, recipient: str, points: int) -> None:
    body = {"recipient_ids": [recipient], "points": points, "message": "Thanks!"}
    reply = api.call("POST", "/v1/recognitions", as_employee=giver, body=body)
    assert reply.status == 201, reply.body


def points(employee_id: str) -> int:
    return snapshots.load(wallets=[employee_id]).wallet(employee_id).points


def markers(aws) -> list[str]:
    return [item["SK"]["S"] for item in table_items(aws) if item["type"]["S"].startswith("deactivation")]


def policy(**fields) -> None:
    replace_settings(SYSTEM, DEMO_SETTINGS.model_copy(update={"deactivation": DeactivationPolicy(**fields)}))


def test_points_expire_after_the_grace_period_once(api, aws, org, clock):
    give(api, ALICE, BOB, 15)
    apply_change(Termination(employee_id=BOB), source="test")  # 2026-11-16: expires on 2026-12-16
    assert markers(aws) == ["2026-12-16#E1004", "DEACTIVATION"]

    clock.advance(days=29, hours=14)  # 2026-12-15 23:30
    report = expire_due(clock.at)
    assert (report.expired, report.kept, report.items_read) == ([], 0, 1)
    assert points(BOB) == 15

    clock.advance(hours=1)
    report = expire_due(clock.at)
    assert [(e.employee_id, e.points) for e in report.expired] == [(BOB, 15)]
    assert report.items_read == 4  # settings, the marker, Bob's profile and wallet
    assert points(BOB) == 0
    txn = snapshots.load(transactions=[report.expired[0].txn_id]).transaction_item(report.expired[0].txn_id)
    assert txn["kind"] == TxnKind.POINTS_EXPIRY.value
    assert {p["account"]: p["amount"] for p in txn["postings"]} == {
        "emp:E1004:points": -15,
        ORG_FORFEITED: 15,
    }
    assert markers(aws) == []
    assert_audit_clean()

    before = table_items(aws)
    clock.advance(days=1)
    assert expire_due(clock.at).expired == []  # a rerun expires nothing twice
    assert table_items(aws) == before

    # back, paid again, leaves again: only what was earned since expires, under a new transaction
    apply_change(EmployeeUpsert(employee_id=BOB, fields={"status": "active"}), source="test")
    give(api, ALICE, BOB, 7)
    apply_change(Termination(employee_id=BOB), source="test")
    clock.advance(days=30)
    again = expire_due(clock.at)
    assert [(e.employee_id, e.points) for e in again.expired] == [(BOB, 7)]
    assert again.expired[0].txn_id != report.expired[0].txn_id
    assert points(BOB) == 0
    assert_audit_clean()


def test_reactivation_within_the_grace_period_keeps_the_points(api, aws, org, clock):
    give(api, ALICE, CARLOS, 20)
    carlos = api.call("GET", f"/v1/employees/{CARLOS}", as_employee=HR).json
    left = api.call("PUT", f"/v1/employees/{CARLOS}", as_employee=HR, body=carlos | {"status": "deactivated"})
    assert left.status == 200, left.body  # the REST path starts the grace period too
    assert markers(aws) == ["2026-12-16#E1005", "DEACTIVATION"]

    clock.advance(days=10)
    back = api.call("PUT", f"/v1/employees/{CARLOS}", as_employee=HR, body=carlos | {"status": "active"})
    assert back.status == 200, back.body
    assert markers(aws) == []
    clock.advance(days=60)
    report = expire_due(clock.at)
    assert (report.expired, report.kept) == ([], 0)
    assert points(CARLOS) == 20
    assert_audit_clean()


def test_the_keep_policy_never_expires(api, aws, org, clock):
    policy(points="keep")
    give(api, ALICE, BOB, 12)
    apply_change(Termination(employee_id=BOB), source="test")
    assert markers(aws) == []
    clock.advance(days=400)
    assert expire_due(clock.at).expired == []
    assert points(BOB) == 12
    assert_audit_clean()


def test_switching_to_keep_during_the_grace_period_keeps_the_points(api, aws, org, clock):
    give(api, ALICE, BOB, 9)
    apply_change(Termination(employee_id=BOB), source="test")
    policy(points="keep")
    clock.advance(days=31)
    report = expire_due(clock.at)
    assert (report.expired, report.kept) == ([], 1)
    assert (points(BOB), markers(aws)) == (9, [])
    assert_audit_clean()


def test_zero_grace_and_an_empty_wallet(api, aws, org, clock):
    policy(points="expire", grace_days=0)
    give(api, ALICE, BOB, 3)
    apply_change(Termination(employee_id=BOB), source="test")
    apply_change(Termination(employee_id=CARLOS), source="test")  # never received anything
    report = expire_due(clock.at)
    assert sorted((e.employee_id, e.points, e.txn_id is None) for e in report.expired) == [
        (BOB, 3, False),
        (CARLOS, 0, True),
    ]
    assert (points(BOB), markers(aws)) == (0, [])
    assert_audit_clean()


def test_a_marker_lands_on_its_expiry_day_key(aws, org, clock):
    policy(points="expire", grace_days=45)
    apply_change(Termination(employee_id=BOB), source="test")
    assert keys.deactivation_marker("2026-12-31", BOB)[1] in markers(aws)
