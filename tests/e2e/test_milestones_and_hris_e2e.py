"""Issue 4 over real HTTP against `plaudit dev`: signed HRIS webhooks feeding the directory and the milestone
awards, milestone rules and runs, the CSV import and the scheduled function, as an HRIS and HR would use them.

The tests share the session's stack (and run in file order on one worker): they change only people of their
own (E3xxx), the CSV's rows (E2xxx, Ethan's department, Jon deactivated) and Bob's milestones, and compare
wallets before and after."""

from __future__ import annotations

import json
import subprocess
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from polling import eventually

from plaudit.integrations.hris.signatures import sign_bamboohr, sign_plaudit
from plaudit_dev.local_secrets import DEV_WEBHOOK_SECRETS

pytestmark = pytest.mark.e2e

PLAUDIT_HOOK = "/v1/hris/webhooks/plaudit"
BAMBOOHR_HOOK = "/v1/hris/webhooks/bamboohr"
HRIS_SECRET = DEV_WEBHOOK_SECRETS["HRIS_WEBHOOK_SECRET"]
BAMBOOHR_KEY = DEV_WEBHOOK_SECRETS["BAMBOOHR_WEBHOOK_KEY"]
REPO = Path(__file__).resolve().parents[2]
PLAUDIT_CLI = REPO / ".venv" / "bin" / "plaudit"

BOB = "E1004"  # seeded: started 2022-11-23, born 11-23 (Africa/Lagos)
HIRE = "E3001"  # created by the generic webhook, promoted later
LEAVER = "E3002"  # created by the generic webhook, deleted in BambooHR
PROMOTION = {"type": "event", "employee_id": HIRE, "event_id": "e2e-promo-1", "name": "promotion"}
PROMOTION_POINTS = 250

T = TypeVar("T")


def signed(payload: dict[str, Any], secret: str = HRIS_SECRET) -> dict[str, str]:
    """Plaudit webhook headers for `payload` as LocalStack.request serializes it (json.dumps)."""
    timestamp = int(time.time())
    body = json.dumps(payload).encode()
    return {
        "X-Plaudit-Timestamp": str(timestamp),
        "X-Plaudit-Signature": sign_plaudit(secret, timestamp, body),
    }


def deliver(stack, delivery_id: str, *events: dict[str, Any], secret: str = HRIS_SECRET):
    payload = {"id": delivery_id, "events": list(events)}
    return stack.request("POST", PLAUDIT_HOOK, body=payload, headers=signed(payload, secret))


def upsert(employee_id: str, **fields: Any) -> dict[str, Any]:
    return {"type": "employee.upserted", "employee_id": employee_id, "fields": fields}


def newcomer(employee_id: str, name: str) -> dict[str, Any]:
    return upsert(
        employee_id,
        email=f"{employee_id.lower()}@plaudit.example",
        name=name,
        manager_id="E1002",
        department="Engineering",
        country="GB",
        time_zone="Europe/London",
        start_date=datetime.now(UTC).date().isoformat(),
    )


def promotion() -> dict[str, Any]:
    return PROMOTION | {"occurred_on": datetime.now(UTC).date().isoformat(), "details": {"title": "Lead"}}


_hr_tokens: dict[str, str] = {}


def hr(stack) -> str:
    """The demo HR admin's token, minted once per stack (`plaudit token` is a subprocess)."""
    if stack.api_url not in _hr_tokens:
        _hr_tokens[stack.api_url] = stack.token("--role", "hr_admin")
    return _hr_tokens[stack.api_url]


def employee(stack, employee_id: str) -> dict[str, Any] | None:
    reply = stack.request("GET", f"/v1/employees/{employee_id}", token=hr(stack))
    if reply.status == 404:
        return None
    assert reply.status == 200, reply.body
    return reply.json


def points(stack, employee_id: str) -> int:
    reply = stack.request("GET", f"/v1/employees/{employee_id}/wallet", token=hr(stack))
    assert reply.status == 200, reply.body
    return reply.json["points"]


def awards(stack, employee_id: str) -> list[dict[str, Any]]:
    reply = stack.request("GET", f"/v1/milestones/awards?employee={employee_id}&limit=100", token=hr(stack))
    assert reply.status == 200, reply.body
    return reply.json["items"]


def cli(stack, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed `plaudit` command against the running stack (PLAUDIT_STATE_DIR of the stack's env)."""
    return subprocess.run(
        [str(PLAUDIT_CLI), *args], env=stack.env, cwd=REPO, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def new_hire(stack) -> dict[str, Any]:
    """The generic webhook's first delivery: the hire's profile and a named event (no rule takes it yet),
    then the same delivery again and a forged one."""
    events = (newcomer(HIRE, "Nia Adeyemi"), promotion())
    first = deliver(stack, "e2e-hire-1", *events)
    replay = deliver(stack, "e2e-hire-1", *events)
    forged = deliver(stack, "e2e-hire-forged", *events, secret="not-the-secret")
    visible = eventually(lambda: employee(stack, HIRE), f"{HIRE} in the directory")
    return {"first": first, "replay": replay, "forged": forged, "visible": visible}


def test_a_signed_delivery_is_queued_once_and_the_hire_reaches_the_directory(new_hire):
    first, replay, forged = new_hire["first"], new_hire["replay"], new_hire["forged"]
    assert first.status == 202, first.body
    assert first.json == {"delivery_id": "e2e-hire-1", "accepted": 2, "replayed": False}
    assert replay.status == 202, replay.body
    assert replay.json == {"delivery_id": "e2e-hire-1", "accepted": 0, "replayed": True}
    assert forged.status == 401
    assert forged.json["error"]["code"] == "invalid_signature"
    hire = new_hire["visible"]
    assert (hire["name"], hire["email"], hire["manager_id"]) == (
        "Nia Adeyemi",
        "e3001@plaudit.example",
        "E1002",
    )
    assert hire["status"] == "active"


def test_a_bamboohr_deletion_deactivates_the_person(stack):
    created = deliver(stack, "e2e-leaver-1", newcomer(LEAVER, "Ola Berg"))
    assert created.status == 202, created.body
    eventually(lambda: employee(stack, LEAVER), f"{LEAVER} in the directory")
    event = {
        "type": "employee.deleted",
        "timestamp": datetime.now(UTC).isoformat(),
        "data": {"companyId": "12345", "employeeId": LEAVER},
    }
    timestamp = str(int(time.time()))
    headers = {
        "X-BambooHR-Timestamp": timestamp,
        "X-BambooHR-Signature": sign_bamboohr(BAMBOOHR_KEY, timestamp, json.dumps(event).encode()),
    }

    reply = stack.request("POST", BAMBOOHR_HOOK, body=event, headers=headers)

    assert reply.status == 202, reply.body
    assert (reply.json["accepted"], reply.json["replayed"]) == (1, False)
    left = eventually(
        lambda: (person := employee(stack, LEAVER)) and person["status"] == "deactivated" and person,
        f"{LEAVER} deactivated",
    )
    assert left["id"] == LEAVER


def test_an_hris_event_is_awarded_once_by_its_rule(stack, new_hire):
    assert new_hire["first"].status == 202
    assert awards(stack, HIRE) == []  # the first delivery's event came before any rule took it
    before = points(stack, HIRE)
    rule = stack.request(
        "POST",
        "/v1/milestone-rules",
        token=hr(stack),
        body={
            "name": "Promotion (e2e)",
            "type": "hris_event",
            "event_name": "promotion",
            "points": PROMOTION_POINTS,
            "budget_id": "milestones",
            "message": "Congratulations on the {event}, {first_name}: {points} points!",
        },
    )
    assert rule.status == 201, rule.body

    again = deliver(stack, "e2e-promo-again-1", promotion())
    assert again.status == 202, again.body
    first = eventually(lambda: awards(stack, HIRE), "the promotion award")
    # Once more under yet another delivery id, with a profile change that shows when it was applied.
    marked = deliver(stack, "e2e-promo-again-2", promotion(), upsert(HIRE, department="Platform"))
    assert (marked.status, marked.json["accepted"]) == (202, 2), marked.body
    eventually(lambda: employee(stack, HIRE)["department"] == "Platform", "the second redelivery applied")

    made = awards(stack, HIRE)
    assert [award["id"] for award in made] == [award["id"] for award in first]
    [award] = made
    assert (award["rule_id"], award["points"], award["status"]) == (rule.json["id"], PROMOTION_POINTS, "paid")
    assert award["source"] == "hris"
    assert points(stack, HIRE) == before + PROMOTION_POINTS


def test_a_milestone_run_previews_then_awards_each_occurrence_once(stack):
    today = datetime.now(UTC).date()
    day = date(today.year, 11, 23)
    in_force = today >= day  # the demo rules are in force from Jan 1 of this year
    if not in_force:
        day = date(day.year - 1, 11, 23)
    token = hr(stack)
    before = points(stack, BOB)

    def run(dry_run: bool):
        return stack.request(
            "POST", "/v1/milestones/runs", token=token, body={"date": day.isoformat(), "dry_run": dry_run}
        )

    def bobs(report: dict[str, Any], part: str) -> list[dict[str, Any]]:
        return [entry for entry in report[part] if entry["employee_id"] == BOB]

    preview = run(dry_run=True)
    assert preview.status == 200, preview.body
    assert preview.json["dry_run"] is True
    assert preview.json["days"] == [day.isoformat()]

    if not in_force:
        assert bobs(preview.json, "awarded") == []
        assert {skip["reason"] for skip in bobs(preview.json, "skipped")} == {"rule_not_in_force"}
        real = run(dry_run=False)
        assert real.status == 200, real.body
        assert bobs(real.json, "awarded") == []
        assert {skip["reason"] for skip in bobs(real.json, "skipped")} == {"rule_not_in_force"}
        assert points(stack, BOB) == before
        return

    would = bobs(preview.json, "awarded")
    assert sorted(award["rule_name"] for award in would) == ["Birthday", "Work anniversary"]
    assert not {award["id"] for award in would} & {award["id"] for award in awards(stack, BOB)}
    assert points(stack, BOB) == before  # a dry run writes nothing

    real = run(dry_run=False)
    assert real.status == 201, real.body
    made = bobs(real.json, "awarded")
    assert sorted(award["id"] for award in made) == sorted(award["id"] for award in would)
    assert {award["status"] for award in made} == {"paid"}
    assert {award["id"] for award in made} <= {award["id"] for award in awards(stack, BOB)}
    assert points(stack, BOB) == before + sum(award["points"] for award in made)

    rerun = run(dry_run=False)
    assert rerun.status == 200, rerun.body
    assert bobs(rerun.json, "awarded") == []
    assert rerun.json["already_awarded"] >= len(made)
    assert points(stack, BOB) == before + sum(award["points"] for award in made)


def test_the_csv_import_previews_then_applies_the_file(stack):
    preview = cli(stack, "import", "examples/employees.csv", "--dry-run")
    assert preview.returncode == 0, preview.stdout + preview.stderr
    summary = "3 created, 1 updated, 0 unchanged, 1 deactivated, 0 bad rows"
    assert preview.stdout.strip().splitlines()[-1] == f"dry run (nothing written): {summary}"
    assert employee(stack, "E2001") is None

    applied = cli(stack, "import", "examples/employees.csv")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert applied.stdout.strip().splitlines()[-1] == summary
    assert employee(stack, "E2002")["manager_id"] == "E2001"
    assert employee(stack, "E1012")["status"] == "deactivated"

    rerun = cli(stack, "import", "examples/employees.csv")
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert (
        rerun.stdout.strip().splitlines()[-1]
        == "0 created, 0 updated, 5 unchanged, 0 deactivated, 0 bad rows"
    )


def test_the_milestones_schedule_fires(stack):
    fired = cli(stack, "schedule", "fire", "MilestonesScheduleFunction")
    assert fired.returncode == 0, fired.stdout + fired.stderr
    result = json.loads(fired.stdout)["result"]
    assert {"awarded", "pending", "leavers_expired"} <= set(result)


def test_the_ledger_is_sound_after_all_of_it(stack):
    audit = cli(stack, "audit")
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert "ledger OK" in audit.stdout
