"""Directory sync from an HRIS: partial upserts merged into the profile through the directory's one save
path, replays that change nothing, terminations, manager changes, and the changes refused whole."""

from __future__ import annotations

from datetime import date

import pytest
from api_checks import assert_audit_clean, assert_error, table_items

from plaudit.domain.employees import Role
from plaudit.domain.errors import Conflict, RuleViolation
from plaudit.domain.hris import EmployeeUpsert, ManagerChange, Termination
from plaudit.services.directory_sync import apply_change, apply_due_terminations
from plaudit.store import snapshots

HR, MAYA, ALICE, BOB = "E1001", "E1002", "E1003", "E1004"
NEW = {"email": "zoe@plaudit.example", "name": "Zoe Park", "manager_id": MAYA, "department": "Engineering"}


def profile(employee_id: str):
    return snapshots.load(employees=[employee_id]).employee(employee_id)


def test_create_then_partial_update_then_replay_changes_nothing(aws, org, clock):
    created = apply_change(EmployeeUpsert(employee_id="E2001", fields=NEW), source="test")
    assert (created.action, created.changed) == ("created", ["department", "email", "manager_id", "name"])
    zoe = profile("E2001")
    assert (zoe.name, zoe.manager_id, zoe.roles, zoe.time_zone) == ("Zoe Park", MAYA, [Role.EMPLOYEE], "UTC")

    change = EmployeeUpsert(
        employee_id="E2001",
        fields={"country": "JP", "time_zone": "Asia/Tokyo", "start_date": "2026-12-01", "birthday": "02-29"},
    )
    updated = apply_change(change, source="test")
    assert (updated.action, updated.changed) == (
        "updated",
        ["birthday", "country", "start_date", "time_zone"],
    )
    zoe = profile("E2001")
    assert (zoe.name, zoe.department, zoe.start_date) == ("Zoe Park", "Engineering", date(2026, 12, 1))

    before = table_items(aws)
    for replayed in (change, EmployeeUpsert(employee_id="E2001", fields=NEW)):
        assert apply_change(replayed, source="test").action == "unchanged"
    assert table_items(aws) == before  # not even a version bump


def test_hris_never_touches_roles(aws, org, clock):
    outcome = apply_change(EmployeeUpsert(employee_id=HR, fields={"department": "HR"}), source="test")
    assert (outcome.action, outcome.changed) == ("updated", ["department"])
    assert set(profile(HR).roles) == {Role.EMPLOYEE, Role.MANAGER, Role.HR_ADMIN}
    with pytest.raises(RuleViolation) as refused:
        apply_change(EmployeeUpsert(employee_id=ALICE, fields={"roles": ["admin"]}), source="test")
    assert refused.value.code == "unknown_field"
    assert profile(ALICE).roles == [Role.EMPLOYEE]


def test_termination_deactivates_and_the_person_can_no_longer_receive_kudos(api, aws, org, clock):
    outcome = apply_change(Termination(employee_id=BOB, effective_on=date(2026, 11, 16)), source="test")
    assert (outcome.action, outcome.changed) == ("deactivated", ["status"])
    assert not profile(BOB).active
    before = table_items(aws)
    assert apply_change(Termination(employee_id=BOB), source="test").action == "unchanged"
    assert table_items(aws) == before

    kudos = {"recipient_ids": [BOB], "points": 5, "message": "Thanks!"}
    reply = api.call("POST", "/v1/recognitions", as_employee=ALICE, body=kudos)
    assert assert_error(reply, 422, "recipient_inactive")["id"] == BOB

    back = apply_change(EmployeeUpsert(employee_id=BOB, fields={"status": "active"}), source="test")
    assert (back.action, back.changed) == ("reactivated", ["status"])
    assert api.call("POST", "/v1/recognitions", as_employee=ALICE, body=kudos).status == 201
    assert_audit_clean()


def test_a_future_termination_takes_effect_on_its_day_in_the_persons_zone(aws, org, clock):
    """Bob is in Lagos (UTC+1): 2026-11-20 starts there at 2026-11-19 23:00 UTC. Now: 2026-11-16 09:30."""
    leaves = Termination(employee_id=BOB, effective_on=date(2026, 11, 20))
    assert apply_change(leaves, source="test").model_dump() == {
        "employee_id": BOB,
        "action": "scheduled",
        "changed": ["termination"],
    }
    assert profile(BOB).active
    before = table_items(aws)
    assert apply_change(leaves, source="test").action == "unchanged"  # a replay
    assert table_items(aws) == before

    later = Termination(employee_id=BOB, effective_on=date(2026, 11, 25))
    assert apply_change(later, source="test").action == "scheduled"  # replaces the first
    clock.advance(days=3, hours=13, minutes=29)  # 2026-11-19 22:59 UTC
    assert apply_due_terminations(clock.at).deactivated == []
    clock.advance(minutes=1)
    assert apply_due_terminations(clock.at).deactivated == []  # the 20th was replaced by the 25th
    assert profile(BOB).active

    clock.advance(days=5)
    report = apply_due_terminations(clock.at)
    assert report.deactivated == [BOB]
    assert not profile(BOB).active
    assert [item for item in table_items(aws) if "LEAVING" in item["PK"]["S"] + item["SK"]["S"]] == []
    assert apply_due_terminations(clock.at).deactivated == []


def test_an_upsert_saying_active_cancels_a_scheduled_termination(aws, org, clock):
    assert apply_change(Termination(employee_id=BOB, effective_on=date(2027, 1, 31)), source="t").action == (
        "scheduled"
    )
    kept = apply_change(EmployeeUpsert(employee_id=BOB, fields={"status": "active"}), source="test")
    assert (kept.action, kept.changed) == ("updated", ["termination"])
    clock.advance(days=90)
    assert apply_due_terminations(clock.at).deactivated == []
    assert profile(BOB).active


def test_a_termination_dated_in_the_past_applies_at_once(aws, org, clock):
    outcome = apply_change(Termination(employee_id=BOB, effective_on=date(2026, 11, 1)), source="test")
    assert outcome.action == "deactivated"


def test_manager_change(aws, org, clock):
    outcome = apply_change(ManagerChange(employee_id=ALICE, manager_id=HR), source="test")
    assert (outcome.action, outcome.changed) == ("updated", ["manager_id"])
    assert profile(ALICE).manager_id == HR
    assert apply_change(ManagerChange(employee_id=ALICE, manager_id=None), source="test").changed == [
        "manager_id"
    ]
    assert profile(ALICE).manager_id is None


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (ManagerChange(employee_id=ALICE, manager_id="E9999"), "unknown_manager"),
        (EmployeeUpsert(employee_id=ALICE, fields={"manager_id": "E9999"}), "unknown_manager"),
        (EmployeeUpsert(employee_id="E2002", fields=NEW | {"manager_id": "E9999"}), "unknown_manager"),
        (ManagerChange(employee_id=ALICE, manager_id=ALICE), "invalid_manager"),
        (EmployeeUpsert(employee_id="E2002", fields={"name": "No Email"}), "incomplete_employee"),
        (EmployeeUpsert(employee_id="E2002", fields={"email": "x@plaudit.example"}), "incomplete_employee"),
        (EmployeeUpsert(employee_id=ALICE, fields={"birthday": "13-01"}), "invalid_employee"),
        (EmployeeUpsert(employee_id=ALICE, fields={"time_zone": "Mars/Olympus"}), "invalid_employee"),
        (EmployeeUpsert(employee_id=ALICE, fields={"email": None}), "invalid_employee"),
        (Termination(employee_id="E9999"), "unknown_employee"),
        (ManagerChange(employee_id="E9999", manager_id=MAYA), "unknown_employee"),
    ],
)
def test_bad_changes_are_refused_whole(aws, org, clock, change, code):
    before = table_items(aws)
    with pytest.raises(RuleViolation) as refused:
        apply_change(change, source="test")
    assert refused.value.code == code
    assert refused.value.message
    assert table_items(aws) == before


def test_an_email_that_belongs_to_someone_else_is_a_conflict(aws, org, clock):
    before = table_items(aws)
    with pytest.raises(Conflict) as refused:
        apply_change(EmployeeUpsert(employee_id=ALICE, fields={"email": "bob@plaudit.example"}), source="t")
    assert refused.value.code == "email_taken"
    assert table_items(aws) == before


def test_rest_put_and_sync_share_the_save_path(api, aws, org, clock):
    """A REST PUT that changes nothing writes nothing either; an unknown manager is the same refusal."""
    alice = api.call("GET", f"/v1/employees/{ALICE}", as_employee=HR).json
    before = table_items(aws)
    assert api.call("PUT", f"/v1/employees/{ALICE}", as_employee=HR, body=alice).status == 200
    assert table_items(aws) == before
    reply = api.call("PUT", f"/v1/employees/{ALICE}", as_employee=HR, body=alice | {"manager_id": "E9999"})
    assert assert_error(reply, 422, "unknown_manager")["manager_id"] == "E9999"
