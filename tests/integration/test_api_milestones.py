"""REST v1 milestones (rules, on-demand runs, awards), the hourly scheduled event through the same
handler, `plaudit milestones run`, and the demo seed's milestones."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from api_checks import assert_audit_clean, assert_error, table_items
from aws_lambda_powertools import Logger

from plaudit.domain.hris import Termination
from plaudit.services import milestones
from plaudit.services.directory_sync import apply_change
from plaudit.services.insights import audit_aggregates
from plaudit.store import insights as insight_store
from plaudit.store import snapshots
from plaudit.store import trail as trail_store
from plaudit_dev import bootstrap, cli
from plaudit_dev.seed import MILESTONES_BUDGET, MILESTONES_FUNDING, seed_org

HR, MAYA, ALICE, BOB, GRACE = "E1001", "E1002", "E1003", "E1004", "E1009"  # Grace: finance
HRIS_CLIENT = {
    "sub": "5mtl0ef6l1q9c0hris7client",
    "client_id": "5mtl0ef6l1q9c0hris7client",
    "iss": "https://idp.plaudit.example/",
    "aud": "plaudit-api",
}
BOBS_DAY = "2026-11-23"  # Bob (Lagos, UTC+1): started 2022-11-23 and born on 11-23
BUDGET = "milestones"
ANNIVERSARY = {
    "name": "Work anniversary",
    "type": "work_anniversary",
    "points_by_year": {"1": 100, "5": 500, "10": 1000},
    "points": 200,
    "budget_id": BUDGET,
    "message": "Happy {years}-year anniversary, {first_name}!",
}
BIRTHDAY = {
    "name": "Birthday",
    "type": "birthday",
    "points": 50,
    "budget_id": BUDGET,
    "message": "Happy birthday, {name}!",
}
SCHEDULE_EVENT = json.loads(
    (Path(__file__).parents[2] / "events/milestones_schedule/schedule.json").read_text()
)


# --------------------------------------------------------------------------- helpers


def fund(api, points: int, *, create: bool = True) -> None:
    if create:
        body = {"id": BUDGET, "name": "Milestone awards", "kind": "company"}
        assert api.call("POST", "/v1/budgets", body=body).status == 201
    reply = api.call("POST", f"/v1/budgets/{BUDGET}/top-ups", body={"points": points})
    assert reply.status == 201, reply.body


@pytest.fixture(autouse=True)
def bobs_morning(clock):
    """The tests start early on Bob's day: it has begun, his celebration (09:00 in Lagos) is ahead."""
    clock.at = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


def create_rule(api, body: dict[str, Any], as_employee: str = HR) -> dict[str, Any]:
    reply = api.call("POST", "/v1/milestone-rules", body=body, as_employee=as_employee)
    assert reply.status == 201, reply.body
    return reply.json


def run(api, day: str = BOBS_DAY, dry_run: bool = False, as_employee: str = HR):
    return api.call(
        "POST", "/v1/milestones/runs", body={"date": day, "dry_run": dry_run}, as_employee=as_employee
    )


def awards(api, query: str = "", as_employee: str = HR) -> list[dict[str, Any]]:
    reply = api.call("GET", f"/v1/milestones/awards{query}", as_employee=as_employee)
    assert reply.status == 200, reply.body
    return reply.json["items"]


def points_of(employee_id: str) -> int:
    return snapshots.load(wallets=[employee_id]).wallet(employee_id).points


def budget_balance(api) -> int:
    return api.call("GET", f"/v1/budgets/{BUDGET}").json["balance"]


def scheduled(api, clock, at: datetime) -> dict[str, int]:
    """The EventBridge Scheduler tick, through the function's own lambda_handler."""
    clock.at = at
    summary = api.invoke("MilestonesScheduleFunction", SCHEDULE_EVENT)
    api.drain_streams()
    return summary


# --------------------------------------------------------------------------- rules


def test_rules_are_created_listed_read_replaced_and_deleted(api, org, clock):
    fund(api, 1000)
    rule = create_rule(api, ANNIVERSARY)
    assert rule["id"].startswith("rule_")
    assert (rule["version"], rule["history"], rule["points_by_year"]) == (
        1,
        [],
        {"1": 100, "5": 500, "10": 1000},
    )
    birthday = create_rule(api, BIRTHDAY)

    listed = api.call("GET", "/v1/milestone-rules?limit=1")
    assert listed.status == 200, listed.body
    assert [r["id"] for r in listed.json["items"]] == [rule["id"]]
    rest = api.call("GET", f"/v1/milestone-rules?cursor={listed.json['next_cursor']}")
    assert [r["id"] for r in rest.json["items"]] == [birthday["id"]]
    assert api.call("GET", f"/v1/milestone-rules/{rule['id']}").json == rule

    clock.advance(days=1)
    replaced = api.call("PUT", f"/v1/milestone-rules/{rule['id']}", body=ANNIVERSARY | {"points": 300})
    assert replaced.status == 200, replaced.body
    assert (replaced.json["version"], replaced.json["points"]) == (2, 300)
    assert [(v["points"], v["effective_from"]) for v in replaced.json["history"]] == [
        (200, rule["updated_at"])
    ]

    deleted = api.call("DELETE", f"/v1/milestone-rules/{birthday['id']}")
    assert (deleted.status, deleted.body) == (204, b"")
    assert_error(api.call("GET", f"/v1/milestone-rules/{birthday['id']}"), 404, "rule_not_found")
    assert_error(api.call("DELETE", f"/v1/milestone-rules/{birthday['id']}"), 404, "rule_not_found")
    assert_error(
        api.call("PUT", f"/v1/milestone-rules/{birthday['id']}", body=BIRTHDAY), 404, "rule_not_found"
    )
    assert [r["id"] for r in api.call("GET", "/v1/milestone-rules").json["items"]] == [rule["id"]]


def test_only_hr_admins_manage_rules_and_run_days(api, org, clock):
    fund(api, 1000)
    rule = create_rule(api, BIRTHDAY)
    before = table_items(api.client)
    for who in (ALICE, MAYA, GRACE):  # an employee, a manager, finance
        assert_error(
            api.call("POST", "/v1/milestone-rules", body=BIRTHDAY, as_employee=who), 403, "forbidden"
        )
        assert_error(api.call("GET", "/v1/milestone-rules", as_employee=who), 403, "forbidden")
        assert_error(api.call("GET", f"/v1/milestone-rules/{rule['id']}", as_employee=who), 403, "forbidden")
        put = api.call("PUT", f"/v1/milestone-rules/{rule['id']}", body=BIRTHDAY, as_employee=who)
        assert_error(put, 403, "forbidden")
        assert_error(
            api.call("DELETE", f"/v1/milestone-rules/{rule['id']}", as_employee=who), 403, "forbidden"
        )
        assert_error(run(api, as_employee=who), 403, "forbidden")
    # an HRIS integration token syncs the directory; it does not configure awards
    for method, path in (("GET", "/v1/milestone-rules"), ("POST", "/v1/milestones/runs")):
        body = {"date": BOBS_DAY} if method == "POST" else None
        reply = api.call(method, path, claims=HRIS_CLIENT, scopes=["plaudit/hris"], body=body)
        assert reply.status == 403, reply.body
    assert table_items(api.client) == before


def test_who_sees_which_awards(api, org, clock):
    fund(api, 1000)
    create_rule(api, BIRTHDAY)
    assert run(api).status == 201
    assert [a["employee_id"] for a in awards(api, as_employee=GRACE)] == [BOB]  # finance sees all
    assert [a["employee_id"] for a in awards(api, f"?employee={BOB}", as_employee=BOB)] == [BOB]
    assert awards(api, f"?employee={ALICE}", as_employee=ALICE) == []
    assert_error(api.call("GET", "/v1/milestones/awards", as_employee=ALICE), 403, "forbidden")
    assert_error(
        api.call("GET", f"/v1/milestones/awards?employee={BOB}", as_employee=ALICE), 403, "forbidden"
    )


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (BIRTHDAY | {"message": "Happy birthday {nickname}!"}, 422, "invalid_request"),  # unknown placeholder
        (BIRTHDAY | {"message": "Happy {"}, 422, "invalid_request"),  # not a template
        (
            {k: v for k, v in BIRTHDAY.items() if k != "budget_id"},
            422,
            "invalid_request",
        ),  # points, no budget
        (BIRTHDAY | {"budget_id": "nope"}, 422, "unknown_budget"),  # a budget that does not exist
        (BIRTHDAY | {"years": [1, 5]}, 422, "invalid_request"),  # years are for anniversaries
        (BIRTHDAY | {"points_by_year": {"1": 10}}, 422, "invalid_request"),
        (BIRTHDAY | {"type": "days_after_start"}, 422, "invalid_request"),  # without its days
        (BIRTHDAY | {"type": "hris_event"}, 422, "invalid_request"),  # without its event name
        (ANNIVERSARY | {"years": [0]}, 422, "invalid_request"),
        (BIRTHDAY | {"points": -1}, 422, "invalid_request"),
        (BIRTHDAY | {"channel": "#general"}, 422, "invalid_request"),
        (BIRTHDAY | {"filter": {"countries": ["germany"]}}, 422, "invalid_request"),
        (BIRTHDAY | {"surprise": True}, 422, "invalid_request"),
    ],
)
def test_bad_rules_are_refused_with_a_reason_and_write_nothing(api, org, clock, body, status, code):
    fund(api, 1000)
    before = table_items(api.client)
    assert_error(api.call("POST", "/v1/milestone-rules", body=body), status, code, body)
    assert table_items(api.client) == before


def test_bad_requests_name_what_is_wrong(api, org, clock):
    fund(api, 1000)
    rule = create_rule(api, BIRTHDAY)
    before = table_items(api.client)
    assert_error(api.call("GET", "/v1/milestone-rules/not a rule"), 422, "invalid_request")
    assert_error(api.call("GET", "/v1/milestone-rules/rule_missing"), 404, "rule_not_found")
    bad_put = api.call("PUT", f"/v1/milestone-rules/{rule['id']}", body=BIRTHDAY | {"years": [1]})
    assert_error(bad_put, 422, "invalid_request")
    assert_error(api.call("POST", "/v1/milestone-rules", raw_body=b"{nope"), 400, "malformed_json")
    for day in ("2026-02-30", "23/11/2026", "", None):
        assert_error(api.call("POST", "/v1/milestones/runs", body={"date": day}), 422, "invalid_request", day)
    assert_error(api.call("POST", "/v1/milestones/runs", body={}), 422, "invalid_request")
    extra = {"date": BOBS_DAY, "dry": True}
    assert_error(api.call("POST", "/v1/milestones/runs", body=extra), 422, "invalid_request")
    assert_error(api.call("GET", "/v1/milestones/awards?status=lost"), 422, "invalid_request")
    assert_error(api.call("GET", "/v1/milestones/awards?employee=a%20b"), 422, "invalid_request")
    assert_error(api.call("GET", "/v1/milestones/awards?limit=0"), 422, "invalid_request")
    assert table_items(api.client) == before


# --------------------------------------------------------------------------- runs


def test_a_dry_run_previews_and_a_real_run_awards_once(api, org, clock):
    fund(api, 1000)
    create_rule(api, ANNIVERSARY)
    create_rule(api, BIRTHDAY)
    before = table_items(api.client)

    preview = run(api, dry_run=True)
    assert preview.status == 200, preview.body
    assert preview.json["dry_run"] is True
    assert preview.json["days"] == [BOBS_DAY]
    expected = {("Work anniversary", "4", 200), ("Birthday", "2026", 50)}  # 4 years: not in the table
    would = {(a["rule_name"], a["occurrence"], a["points"]) for a in preview.json["awarded"]}
    assert would == expected
    assert {a["employee_id"] for a in preview.json["awarded"]} == {BOB}
    assert preview.json["items_read"] > 0
    assert table_items(api.client) == before  # nothing written

    done = run(api)
    assert done.status == 201, done.body
    assert {(a["rule_name"], a["occurrence"], a["points"]) for a in done.json["awarded"]} == expected
    assert {a["status"] for a in done.json["awarded"]} == {"paid"}
    assert points_of(BOB) == 250
    assert budget_balance(api) == 750

    again = run(api)
    assert again.status == 200, again.body
    assert (again.json["awarded"], again.json["pending"], again.json["already_awarded"]) == ([], [], 2)
    assert points_of(BOB) == 250
    listed = awards(api)
    assert {(a["rule_name"], a["status"], a["source"]) for a in listed} == {
        ("Work anniversary", "paid", "manual"),
        ("Birthday", "paid", "manual"),
    }
    assert [a["rule_name"] for a in awards(api, "?status=paid&limit=1")] in (
        ["Birthday"],
        ["Work anniversary"],
    )
    assert awards(api, "?status=pending") == []
    assert awards(api, f"?employee={ALICE}") == []
    assert_audit_clean()


def test_a_day_without_milestones_and_a_rule_not_yet_in_force(api, org, clock):
    fund(api, 1000)
    create_rule(api, BIRTHDAY)
    empty = run(api, day="2026-11-22")
    assert empty.status == 200, empty.body
    assert (empty.json["awarded"], empty.json["pending"], empty.json["skipped"]) == ([], [], [])
    assert_error(run(api, day="2026-11-24"), 422, "future_day")  # not begun anywhere: only a preview
    assert run(api, day="2026-11-24", dry_run=True).status == 200
    before_rule = run(api, day="2025-11-23")  # the rule did not exist then
    assert before_rule.status == 200, before_rule.body
    assert before_rule.json["awarded"] == []
    assert {(s["employee_id"], s["reason"]) for s in before_rule.json["skipped"]} == {
        (BOB, "rule_not_in_force")
    }
    assert_audit_clean()


def test_awards_the_budget_cannot_cover_wait_until_a_top_up_pays_them(api, org, clock):
    fund(api, 100)
    create_rule(api, ANNIVERSARY)  # 200 points: more than the budget holds
    create_rule(api, BIRTHDAY)  # 50 points
    done = run(api)
    assert done.status == 201, done.body
    assert [(a["rule_name"], a["status"]) for a in done.json["pending"]] == [("Work anniversary", "pending")]
    assert [a["rule_name"] for a in done.json["awarded"]] == ["Birthday"]
    waiting = awards(api, "?status=pending")
    assert [(a["employee_id"], a["points"], a["budget_id"]) for a in waiting] == [(BOB, 200, BUDGET)]
    assert (points_of(BOB), budget_balance(api)) == (50, 50)
    assert_audit_clean()
    bob = insight_store.scan_aggregates()[0][("person:E1004", "2026-11")]
    assert {name: value for name, value in bob.items() if "_rule_" not in name} == {
        "awards_paid": 1,
        "award_points_paid": 50,
        "awards_pending": 1,
        "award_points_pending": 200,
    }
    by_rule = {name.split("_rule_")[0]: value for name, value in bob.items() if "_rule_" in name}
    assert by_rule == {
        "awards_paid": 1,
        "award_points_paid": 50,
        "awards_pending": 1,
        "award_points_pending": 200,
    }
    assert audit_aggregates() == []

    fund(api, 500, create=False)  # the top-up pays what waits for the budget, oldest first
    assert awards(api, "?status=pending") == []
    assert {a["status"] for a in awards(api)} == {"paid"}
    assert (points_of(BOB), budget_balance(api)) == (250, 350)
    again = scheduled(api, clock, datetime(2026, 11, 24, 3, 0, tzinfo=UTC))
    assert (again["awarded"], again["pending"]) == (0, 0)
    assert (points_of(BOB), budget_balance(api)) == (250, 350)
    assert_audit_clean()
    counters = insight_store.scan_aggregates()[0]
    engineering = counters[("dept:Engineering", "2026-11")]
    assert {name: value for name, value in engineering.items() if "_rule_" not in name} == {
        "awards_paid": 2,
        "award_points_paid": 250,
        "awards_pending": 0,
        "award_points_pending": 0,
    }
    assert counters[("budget:milestones", "2026")] == {"award_points_paid": 250}  # the budget's spend
    assert audit_aggregates() == []


# --------------------------------------------------------------------------- the schedule


def test_the_template_schedules_the_run_function_hourly_with_the_sample_event(template):
    (schedule,) = [s for s in template.schedules if s.function_id == "MilestonesScheduleFunction"]
    assert (schedule.kind, schedule.expression, schedule.enabled) == ("ScheduleV2", "rate(1 hour)", True)
    assert json.loads(schedule.input) == SCHEDULE_EVENT
    assert template.functions["MilestonesScheduleFunction"].timeout_s == 900  # catching up missed days
    assert template.functions["MilestonesFunction"].timeout_s < 30  # the API's own limit


def test_the_scheduled_event_awards_at_local_celebration_hour_and_logs_counts_only(
    api, org, clock, capsys, monkeypatch
):
    fund(api, 1000)
    create_rule(api, ANNIVERSARY)
    create_rule(api, BIRTHDAY)
    module = api._module(api.template.functions["MilestonesScheduleFunction"])
    logged: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(module.logger, "info", lambda message, extra: logged.append((message, extra)))
    counted: list[dict[str, Any]] = []  # what plaudit.services.metrics logs (its own child loggers)
    monkeypatch.setattr(
        Logger, "info", lambda self, message, *args, **kwargs: counted.append(kwargs.get("extra"))
    )
    capsys.readouterr()

    # Bob is in Lagos (UTC+1): 09:00 local on his day is 08:00 UTC; the first tick looks back one hour
    early = scheduled(api, clock, datetime(2026, 11, 23, 7, 30, tzinfo=UTC))
    assert (early["awarded"], early["pending"]) == (0, 0)
    on_time = scheduled(api, clock, datetime(2026, 11, 23, 8, 30, tzinfo=UTC))
    assert (on_time["awarded"], on_time["pending"], on_time["already_awarded"]) == (2, 0, 0)
    assert on_time["points_expired"] == 0
    assert points_of(BOB) == 250
    retried = scheduled(api, clock, datetime(2026, 11, 23, 8, 30, tzinfo=UTC))  # a redelivered tick
    assert retried["awarded"] == 0
    assert points_of(BOB) == 250
    assert {a["source"] for a in awards(api)} == {"schedule"}
    chained = {entry["action"] for entry in trail_store.all_entries()}
    assert "milestone.award" not in chained  # the schedule's own work is not an administrative act

    assert [message for message, _ in logged] == ["Scheduled run"] * 3
    summaries = [extra["summary"] for _, extra in logged]
    assert [summary["awarded"] for summary in summaries] == [0, 2, 0]
    assert all(isinstance(value, int) for summary in summaries for value in summary.values())  # no names
    printed = capsys.readouterr().out
    metrics = [json.loads(line) for line in printed.splitlines() if line.startswith('{"_aws"')]
    # counted by the use case, one per award (plaudit.services.metrics)
    assert sum(sum(entry.get("MilestonesAwarded", [])) for entry in metrics) == 2, metrics
    # what the schedule did is counted in its log (plaudit.services.metrics: not a billed metric)
    assert {"counted": "PointsExpired", "value": 0} in counted, counted
    assert not any("PointsExpired" in entry for entry in metrics), metrics
    assert_audit_clean()


def test_the_scheduled_tick_applies_the_terminations_that_took_effect(api, org, clock):
    """Bob is in Lagos (UTC+1): the day he leaves starts there at 23:00 UTC the day before."""
    leaves_on = (clock.at + timedelta(days=10)).date()
    starts = datetime.combine(leaves_on, time(), UTC) - timedelta(hours=1)
    leaving = Termination(employee_id=BOB, effective_on=leaves_on)
    assert apply_change(leaving, source="test").action == "scheduled"
    before = scheduled(api, clock, starts - timedelta(minutes=1))
    assert before["terminations_applied"] == 0
    assert snapshots.load(employees=[BOB]).employee(BOB).active
    after = scheduled(api, clock, starts)
    assert (after["terminations_applied"], after["terminations_items_read"]) == (1, 1)
    assert not snapshots.load(employees=[BOB]).employee(BOB).active


def test_a_failing_milestone_run_still_expires_points_and_then_fails_the_tick(api, org, clock, monkeypatch):
    calls = []

    def broken(at):
        calls.append("milestones")
        raise RuntimeError("boom")

    module = api._module(api.template.functions["MilestonesScheduleFunction"])
    monkeypatch.setattr(module.milestones, "run_due", broken)
    real_expiry = module.deactivation.expire_due
    monkeypatch.setattr(
        module.deactivation, "expire_due", lambda at: calls.append("expiry") or real_expiry(at)
    )
    with pytest.raises(RuntimeError, match="boom"):
        scheduled(api, clock, datetime(2026, 11, 23, 8, 30, tzinfo=UTC))
    assert calls == ["milestones", "expiry"]


def test_a_scoped_budget_pays_no_milestone_outside_its_scope(api, org, clock):
    body = {"id": "people-only", "name": "People's awards", "kind": "department", "department": "People"}
    assert api.call("POST", "/v1/budgets", body=body).status == 201
    assert api.call("POST", "/v1/budgets/people-only/top-ups", body={"points": 1000}).status == 201
    create_rule(api, BIRTHDAY | {"budget_id": "people-only"})
    reply = run(api)  # Bob (Engineering) is born on 11-23
    assert reply.status == 200, reply.body
    assert (reply.json["awarded"], reply.json["pending"]) == ([], [])
    assert [(s["employee_id"], s["reason"]) for s in reply.json["skipped"]] == [(BOB, "outside_budget_scope")]
    assert snapshots.load(budgets=["people-only"]).budget_item("people-only")["balance"] == 1000
    assert_audit_clean()


# --------------------------------------------------------------------------- CLI and seed


def test_plaudit_milestones_run_previews_then_awards(api, org, clock, capsys):
    fund(api, 1000)
    create_rule(api, ANNIVERSARY)
    create_rule(api, BIRTHDAY)
    table = os.environ["TABLE_NAME"]
    before = table_items(api.client)

    assert cli.main(["milestones", "run", "--date", BOBS_DAY, "--dry-run", "--table", table]) == 0
    out = capsys.readouterr().out
    assert "dry run" in out
    assert "would award: 2" in out
    assert f"Bob Okafor ({BOB}): Work anniversary, 4, 200 points from {BUDGET}" in out
    assert f"Bob Okafor ({BOB}): Birthday, 2026, 50 points from {BUDGET}" in out
    assert "DynamoDB items read:" in out
    assert table_items(api.client) == before

    assert cli.main(["milestones", "run", "--date", BOBS_DAY, "--table", table]) == 0
    assert "awarded: 2" in capsys.readouterr().out
    assert points_of(BOB) == 250
    assert cli.main(["milestones", "run", "--date", BOBS_DAY, "--table", table]) == 0
    out = capsys.readouterr().out
    assert "awarded: 0" in out
    assert "already awarded before: 2" in out
    api.drain_streams()  # the projection counts the awards (the audit proves those counters too)
    assert cli.main(["audit", "--table", table]) == 0
    capsys.readouterr()
    assert cli.main(["milestones", "run", "--date", "2025-11-23", "--dry-run", "--table", table]) == 0
    out = capsys.readouterr().out
    assert "skipped: 2" in out
    assert f"{BOB}: Birthday: rule not in force" in out

    with pytest.raises(SystemExit) as exit_info:
        cli.main(["milestones", "run", "--date", "2026-13-01", "--table", table])
    assert exit_info.value.code == 2
    assert "is not a date" in capsys.readouterr().err


def test_the_local_seed_funds_a_budget_and_adds_the_demo_rules_once(api, clock):
    seed_org(bootstrap.Api(api.transport()))
    again = seed_org(bootstrap.Api(api.transport()))  # idempotent: examples/org.yaml is all in place
    assert (again["changes"], again["unchanged"]) == (0, 18)
    rules, _ = milestones.list_rules(cli_admin(), limit=50)
    assert sorted(rule.name for rule in rules) == ["30 days on board", "Birthday", "Work anniversary"]
    anniversary = next(rule for rule in rules if rule.type == "work_anniversary")
    assert (anniversary.points_by_year, anniversary.points) == ({1: 100, 5: 500, 10: 1000}, 200)
    budget = snapshots.load(budgets=[MILESTONES_BUDGET]).budget_item(MILESTONES_BUDGET)
    assert budget["balance"] == MILESTONES_FUNDING
    report = milestones.run_day(cli_admin(), datetime(2026, 12, 2).date(), dry_run=True)
    assert [(a.employee_id, a.rule_name) for a in report.awarded] == [("E1012", "30 days on board")]
    api.drain_streams()
    assert_audit_clean()


def cli_admin():
    from plaudit.domain.access import SYSTEM

    return SYSTEM
