"""Referral bonuses through the real handlers: referral rules (REST), a referred hire reported over REST,
the generic HRIS webhook (through the worker) and a CSV, replays, bad input, and the later part paid or
forfeited by the hourly scheduled function."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from api_checks import assert_audit_clean, assert_error, newest_trail_entry, table_items
from test_hris_webhooks import deliver, sent  # noqa: F401 (the fixture)

from plaudit.domain.hris import EmployeeUpsert, Termination
from plaudit.services.directory_sync import apply_change
from plaudit.store import snapshots

HR, MAYA, ALICE, BOB, GRACE, HUGO = "E1001", "E1002", "E1003", "E1004", "E1009", "E1010"
HIRE, OTHER_HIRE = "E2001", "E2002"
BUDGET = "referrals"
RULE = {
    "name": "Referral bonus",
    "type": "referral",
    "points": 1000,
    "at_hire_percent": 40,
    "after_days": 90,
    "budget_id": BUDGET,
    "message": "Thank you for the referral, {first_name}: {points} points!",
}
HIRED_ON = "2026-11-23"
SCHEDULE_EVENT = json.loads(
    (Path(__file__).parents[2] / "events/milestones_schedule/schedule.json").read_text()
)


@pytest.fixture(autouse=True)
def hire_day(clock):
    clock.at = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture
def programme(api, org, clock) -> dict[str, Any]:
    """A funded referral budget, the 40% now / 60% after 90 days rule, and two new hires."""
    body = {"id": BUDGET, "name": "Referral bonuses", "kind": "program"}
    assert api.call("POST", "/v1/budgets", body=body).status == 201
    assert api.call("POST", f"/v1/budgets/{BUDGET}/top-ups", body={"points": 5000}).status == 201
    rule = api.call("POST", "/v1/milestone-rules", body=RULE)
    assert rule.status == 201, rule.body
    for employee_id, name in ((HIRE, "Zoe Park"), (OTHER_HIRE, "Yann Roux")):
        email = f"{name.split()[0].lower()}@plaudit.example"
        fields = {"email": email, "name": name, "manager_id": MAYA, "department": "Engineering"}
        apply_change(
            EmployeeUpsert(employee_id=employee_id, fields=fields | {"start_date": HIRED_ON}), source="test"
        )
    api.drain_streams()
    return rule.json


def refer(api, hire: str = HIRE, as_employee: str = HR, **referrer: str):
    body = {"hire_id": hire, "hired_on": HIRED_ON, **(referrer or {"referrer_id": ALICE})}
    reply = api.call("POST", "/v1/referrals", body=body, as_employee=as_employee)
    api.drain_streams()
    return reply


def points_of(employee_id: str) -> int:
    return snapshots.load(wallets=[employee_id]).wallet(employee_id).points


def tick(api, clock, at: datetime) -> dict[str, Any]:
    clock.at = at
    summary = api.invoke("MilestonesScheduleFunction", SCHEDULE_EVENT)
    api.drain_streams()
    return summary


def referral(api, hire: str = HIRE) -> dict[str, Any]:
    reply = api.call("GET", "/v1/referrals")
    assert reply.status == 200, reply.body
    return next(item for item in reply.json["items"] if item["hire_id"] == hire)


DUE = datetime(2026, 11, 23, 10, 0, tzinfo=UTC) + timedelta(days=90)


# --------------------------------------------------------------------------- rules


def test_referral_rules_say_what_is_paid_when(api, org):
    bad = {**RULE, "at_hire_percent": 40}
    del bad["after_days"]
    assert_error(api.call("POST", "/v1/milestone-rules", body=bad), 422, "invalid_request")
    all_now = {**RULE, "at_hire_percent": 100}
    assert_error(api.call("POST", "/v1/milestone-rules", body=all_now), 422, "invalid_request")
    anniversary = {**RULE, "type": "work_anniversary"}
    assert_error(api.call("POST", "/v1/milestone-rules", body=anniversary), 422, "invalid_request")


# --------------------------------------------------------------------------- REST, replays, schedule


def test_a_hire_pays_its_share_now_and_the_rest_once_after_the_days(api, org, clock, programme):
    before = points_of(ALICE)
    reply = refer(api)
    assert reply.status == 201, reply.body
    recorded = reply.json
    assert [(a["employee_id"], a["points"], a["status"]) for a in recorded["awards"]] == [
        (ALICE, 400, "paid")
    ]
    assert recorded["awards"][0]["rule_id"] == programme["id"]
    parts = recorded["referral"]["parts"]
    assert [(p["part"], p["points"], p["status"], p["due_on"]) for p in parts] == [
        ("at_hire", 400, "awarded", HIRED_ON),
        ("later", 600, "scheduled", "2027-02-21"),
    ]
    assert points_of(ALICE) == before + 400
    entry = newest_trail_entry()
    assert (entry["actor"], entry["action"], entry["target"]) == (HR, "referral.record", f"referral:{HIRE}")

    again = refer(api, referrer_email="bob@plaudit.example")  # the same hire, another referrer
    details = assert_error(again, 409, "referral_already_recorded")
    assert details["referrer_id"] == ALICE
    assert points_of(ALICE) == before + 400

    assert tick(api, clock, DUE - timedelta(days=1))["referral_parts_awarded"] == 0
    assert points_of(ALICE) == before + 400
    summary = tick(api, clock, DUE + timedelta(hours=1))
    assert (summary["referral_parts_awarded"], summary["referral_parts_forfeited"]) == (1, 0)
    assert points_of(ALICE) == before + 1000
    assert tick(api, clock, DUE + timedelta(hours=2))["referral_parts_awarded"] == 0  # paid once
    assert points_of(ALICE) == before + 1000
    assert [p["status"] for p in referral(api)["parts"]] == ["awarded", "awarded"]
    awards = api.call("GET", f"/v1/milestones/awards?employee={ALICE}").json["items"]
    assert sorted(a["points"] for a in awards if a["rule_id"] == programme["id"]) == [400, 600]
    assert_audit_clean()


def test_a_hire_who_left_before_the_days_forfeits_the_rest(api, org, clock, programme):
    assert refer(api).status == 201
    clock.at += timedelta(days=30)
    apply_change(Termination(employee_id=HIRE), source="test")
    summary = tick(api, clock, DUE + timedelta(hours=1))
    assert (summary["referral_parts_awarded"], summary["referral_parts_forfeited"]) == (0, 1)
    later = referral(api)["parts"][1]
    assert (later["status"], later["reason"]) == ("forfeited", "hire_inactive")
    assert points_of(ALICE) == 400
    assert_audit_clean()


def test_a_referrer_who_left_gets_nothing_more_and_a_leaver_nothing_at_all(api, org, clock, programme):
    assert refer(api).status == 201
    apply_change(Termination(employee_id=ALICE), source="test")
    tick(api, clock, DUE + timedelta(hours=1))
    later = referral(api)["parts"][1]
    assert (later["status"], later["reason"]) == ("forfeited", "referrer_inactive")
    awards = api.call("GET", f"/v1/milestones/awards?employee={ALICE}").json["items"]
    assert [a["points"] for a in awards if a["rule_id"] == programme["id"]] == [400]
    details = assert_error(refer(api, OTHER_HIRE), 422, "referrer_inactive")
    assert details == {"referrer_id": ALICE}
    assert_audit_clean()


def test_bad_referrals_are_clear_4xx_and_write_nothing(api, org, clock, aws, programme):
    before = table_items(aws)
    assert_error(refer(api, referrer_id="E9999"), 422, "unknown_referrer")
    assert_error(refer(api, referrer_email="nobody@plaudit.example"), 422, "unknown_referrer")
    assert_error(refer(api, referrer_id=HIRE), 422, "self_referral")
    assert_error(refer(api, as_employee=ALICE), 403, "forbidden")
    both = {"hire_id": HIRE, "hired_on": HIRED_ON, "referrer_id": ALICE, "referrer_email": "a@b.example"}
    assert_error(api.call("POST", "/v1/referrals", body=both), 422, "invalid_request")
    assert table_items(aws) == before


def test_a_scoped_budget_refuses_a_referrer_outside_it(api, org, clock):
    body = {"id": BUDGET, "name": "People referrals", "kind": "department", "department": "People"}
    assert api.call("POST", "/v1/budgets", body=body).status == 201
    assert api.call("POST", f"/v1/budgets/{BUDGET}/top-ups", body={"points": 5000}).status == 201
    assert api.call("POST", "/v1/milestone-rules", body=RULE).status == 201
    assert_error(refer(api), 422, "outside_budget_scope")  # Alice is in Engineering
    assert refer(api, referrer_id=HUGO).status == 201  # Hugo is in People
    assert points_of(HUGO) == 400


def test_no_referral_rule_means_a_clear_refusal(api, org):
    assert_error(refer(api), 422, "no_referral_rule")


# --------------------------------------------------------------------------- HRIS webhook


def test_the_webhook_rewards_a_hire_once_however_often_it_is_reported(api, org, clock, programme, sent):  # noqa: F811
    event = {"type": "referral.hired", "hire_id": HIRE, "referrer_email": "alice@plaudit.example",
             "hired_on": HIRED_ON}  # fmt: skip
    assert deliver(api, clock, {"id": "hris-ref-1", "events": [event]}).status == 202
    assert deliver(api, clock, {"id": "hris-ref-2", "events": [event]}).status == 202  # a new delivery
    api.drain_streams()
    assert sent == [1, 1]
    assert api.queue_failures == []  # the second report is refused and dropped, not retried
    assert points_of(ALICE) == 400
    recorded = referral(api)
    assert (recorded["referrer_id"], recorded["source"], recorded["recorded_by"]) == (
        ALICE,
        "hris_webhook",
        "hris:hris_webhook",
    )
    bad = {**event, "referrer_id": ALICE}  # both: a 422 at the door, nothing queued
    assert_error(deliver(api, clock, {"id": "hris-ref-3", "events": [bad]}), 422, "invalid_request")
    assert_audit_clean()


# --------------------------------------------------------------------------- CSV


def test_a_csv_with_bad_rows_is_refused_line_by_line_before_anything_is_paid(api, org, clock, aws, programme):
    assert refer(api, OTHER_HIRE).status == 201
    before = table_items(aws)
    text = (
        "hire_id,referrer_id,referrer_email,hired_on\n"
        f"{HIRE},{BOB},,2026-13-01\n"
        f"{HIRE},E9999,,{HIRED_ON}\n"
        f"{OTHER_HIRE},{BOB},,{HIRED_ON}\n"
        f"E2003,,nobody@plaudit.example,{HIRED_ON}\n"
    )
    reply = api.call("POST", "/v1/referrals/imports", body={"csv": text})
    details = assert_error(reply, 422, "referral_csv_invalid")
    assert details["lines"] == [2, 3, 4, 5]
    fields = [error["field"] for error in details["errors"]]
    assert fields[0].startswith("line 2.hired_on"), fields
    assert table_items(aws) == before


def test_a_good_csv_records_every_hire_and_a_dry_run_nothing(api, org, clock, aws, programme):
    text = (
        f"hire_id,referrer_id,referrer_email,hired_on\n{HIRE},{BOB},,{HIRED_ON}\n"
        f"{OTHER_HIRE},,alice@plaudit.example,{HIRED_ON}\n"
    )
    before = table_items(aws)
    dry = api.call("POST", "/v1/referrals/imports", body={"csv": text, "dry_run": True})
    assert dry.status == 200, dry.body
    assert [r["referral"]["referrer_id"] for r in dry.json["recorded"]] == [BOB, ALICE]
    assert table_items(aws) == before
    alice, bob = points_of(ALICE), points_of(BOB)
    reply = api.call("POST", "/v1/referrals/imports", body={"csv": text})
    assert reply.status == 201, reply.body
    api.drain_streams()
    assert (points_of(ALICE), points_of(BOB)) == (alice + 400, bob + 400)
    assert {r["referral"]["source"] for r in reply.json["recorded"]} == {"csv"}
    assert_audit_clean()
