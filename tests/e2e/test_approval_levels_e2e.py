"""Two levels of approval over HTTP against `plaudit dev` (issue 14 section 4): HR sets
`approvals.second_level_points` through the settings API (an entry in the chained trail); Bob's request
at that size goes to his manager Maya, then, once she approves, to finance (anyone with the role: Ines),
and only then to the fulfilment queue; Maya cannot decide it twice, nor can Bob decide his own. The setting
is put back at the end, so the module runs before or after the others sharing the stack; `plaudit audit`
is green after it. The only HR admin's own request (no manager, no fallback approver named) waits for
finance, never for her.

The points come from an HRIS event of this module's own name."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest
from polling import eventually

pytestmark = pytest.mark.e2e

HANA, MAYA, BOB, INES = "E1001", "E1002", "E1004", "E1009"  # Hana: the only HR admin, no manager;
# Maya manages Bob; Ines is in finance
LUNCH, LUNCH_POINTS = "Team lunch voucher", 6000  # needs the manager's approval
BONUS_EVENT = "approval-levels-e2e-bonus"
MERGE = {"Content-Type": "application/merge-patch+json"}
T = TypeVar("T")


@pytest.fixture(scope="module")
def tokens(stack) -> dict[str, str]:
    found = {who: stack.token("--employee", who) for who in (HANA, MAYA, BOB, INES)}
    return found | {"hr": found[HANA]}


@pytest.fixture(scope="module")
def bonus_rule(stack, tokens) -> None:
    rule = {
        "name": "Approval levels e2e bonus",
        "type": "hris_event",
        "event_name": BONUS_EVENT,
        "points": LUNCH_POINTS,
        "budget_id": "milestones",
        "message": "A {points}-point bonus, {first_name}!",
    }
    created = stack.request("POST", "/v1/milestone-rules", token=tokens["hr"], body=rule)
    assert created.status == 201, created.body


def points(stack, tokens, who: str) -> int:
    reply = stack.request("GET", f"/v1/employees/{who}/wallet", token=tokens["hr"])
    assert reply.status == 200, reply.body
    return reply.json["points"]


def fund(stack, tokens, who: str) -> None:
    """The HRIS reports this module's event for `who`: the rule pays the price of a lunch, from the
    milestones budget, which HR first tops up by as much (the modules sharing the stack share that budget)."""
    topped = stack.request(
        "POST",
        "/v1/budgets/milestones/top-ups",
        token=tokens["hr"],
        body={"points": LUNCH_POINTS, "note": "approval levels e2e"},
        headers={"Idempotency-Key": f"approval-levels-e2e-{time.time_ns()}"},
    )
    assert topped.status == 201, topped.body
    before = points(stack, tokens, who)
    event_id = f"approval-levels-e2e-{time.time_ns()}"
    event = {
        "type": "event",
        "employee_id": who,
        "event_id": event_id,
        "name": BONUS_EVENT,
        "occurred_on": datetime.now(UTC).date().isoformat(),
    }
    payload = {"id": event_id, "events": [event]}
    stack.deliver_hris(payload)
    eventually(lambda: points(stack, tokens, who) == before + LUNCH_POINTS, f"{who}'s bonus in the wallet")


def second_level(stack, tokens, value: int | None) -> None:
    reply = stack.request(
        "PATCH",
        "/v1/settings",
        token=tokens["hr"],
        body={"approvals": {"second_level_points": value}},
        headers=MERGE,
    )
    assert reply.status == 200, reply.body
    assert reply.json["approvals"]["second_level_points"] == value


def approve(stack, token: str, rid: str) -> Any:
    return stack.request("POST", f"/v1/redemptions/{rid}/approve", token=token, body={"reason": "e2e"})


def queue_of(stack, token: str) -> list[str]:
    reply = stack.request("GET", "/v1/approvals", token=token)
    assert reply.status == 200, reply.body
    return [entry["id"] for entry in reply.json["items"]]


def redeem_lunch(stack, token: str) -> dict[str, Any]:
    catalogue = stack.request("GET", "/v1/catalog/items?limit=100", token=token)
    lunch = next(item for item in catalogue.json["items"] if item["name"] == LUNCH)
    made = stack.request(
        "POST",
        "/v1/redemptions",
        token=token,
        body={"item_id": lunch["id"], "denomination": "60"},
        headers={"Idempotency-Key": f"approval-levels-e2e-{time.time_ns()}"},
    )
    assert made.status == 201, made.body
    return made.json


def fulfilled(stack, token: str, rid: str) -> dict[str, Any]:
    def probe() -> dict[str, Any] | None:
        seen = stack.request("GET", f"/v1/redemptions/{rid}", token=token).json
        return seen if seen["status"] == "fulfilled" else None

    return eventually(probe, f"redemption {rid} fulfilled")


def test_a_large_request_goes_to_the_manager_then_to_finance(stack, tokens, bonus_rule):
    fund(stack, tokens, BOB)
    second_level(stack, tokens, LUNCH_POINTS)
    try:
        made = redeem_lunch(stack, tokens[BOB])
        rid = made["id"]
        assert (made["status"], made["approver_id"], made["second_approver_id"]) == (
            "pending_approval",
            MAYA,
            "finance",
        )
        own = approve(stack, tokens[BOB], rid)
        assert (own.status, own.json["error"]["code"]) == (403, "own_redemption")
        assert approve(stack, tokens[INES], rid).status == 403  # not finance's turn yet

        first = approve(stack, tokens[MAYA], rid)
        assert first.status == 200, first.body
        assert (first.json["status"], first.json["approver_id"]) == ("pending_approval", "finance")
        assert first.json["history"][-1]["handed_to"] == "finance"
        assert rid not in queue_of(stack, tokens[MAYA])
        assert rid in queue_of(stack, tokens[INES])
        again = approve(stack, tokens[MAYA], rid)
        assert (again.status, again.json["error"]["code"]) == (403, "second_approver_needed")

        done = approve(stack, tokens[INES], rid)
        assert (done.status, done.json["status"]) == (200, "approved"), done.body
    finally:
        second_level(stack, tokens, None)

    history = [entry["status"] for entry in fulfilled(stack, tokens[BOB], rid)["history"]]
    assert (history[0], history[-1]) == ("pending_approval", "fulfilled")

    trail = stack.request("GET", "/v1/audit-log?action=settings.patch", token=tokens["hr"])
    assert trail.status == 200, trail.body
    assert any("second_level_points" in json.dumps(entry) for entry in trail.json["items"])
    assert stack.request("GET", "/_local/idle?timeout=30").json["idle"]
    audit = stack.cli("audit")
    assert audit.returncode == 0, audit.stdout + audit.stderr


def test_the_only_hr_admins_own_request_goes_to_finance(stack, tokens, bonus_rule):
    """Hana has no manager and no fallback approver is set: her request waits for finance, never for her."""
    fund(stack, tokens, HANA)
    made = redeem_lunch(stack, tokens[HANA])
    assert (made["status"], made["approver_id"]) == ("pending_approval", "finance")
    own = approve(stack, tokens[HANA], made["id"])
    assert (own.status, own.json["error"]["code"]) == (403, "own_redemption")
    assert made["id"] not in queue_of(stack, tokens[HANA])
    assert made["id"] in queue_of(stack, tokens[INES])
    done = approve(stack, tokens[INES], made["id"])
    assert (done.status, done.json["status"]) == (200, "approved"), done.body
    fulfilled(stack, tokens[HANA], made["id"])
    assert stack.request("GET", "/_local/idle?timeout=30").json["idle"]
    audit = stack.cli("audit")
    assert audit.returncode == 0, audit.stdout + audit.stderr


def test_points_expiry_is_switched_on_and_runs_once_a_day_under_the_schedules_own_role(
    stack, tokens, bonus_rule
):
    """The stack's clock is the real one, so no point here is old enough to expire (what ages out, and
    the reminder 30 days ahead, are tested through the schedule's handler at an injected clock in
    tests/integration/test_points_expiry.py): this proves the switch over REST, its trail entry, and the
    day's run reading every active wallet with only the schedule's IAM role, once a day."""
    fund(stack, tokens, BOB)  # someone holds points today
    switched = stack.request(
        "PATCH", "/v1/settings", token=tokens["hr"], body={"points_expiry_months": 2}, headers=MERGE
    )
    assert switched.status == 200, switched.body
    try:
        fired = stack.cli("schedule", "fire", "MilestonesScheduleFunction")
        assert fired.returncode == 0, fired.stdout + fired.stderr
        first = json.loads(fired.stdout)["result"]
        again = json.loads(stack.cli("schedule", "fire", "MilestonesScheduleFunction").stdout)["result"]
    finally:
        off = stack.request(
            "PATCH", "/v1/settings", token=tokens["hr"], body={"points_expiry_months": None}, headers=MERGE
        )
        assert off.status == 200, off.body
    if "aged_people_checked" in first:  # today's run had not been done yet on this stack
        assert first["aged_people_checked"] >= 1, first
        assert (first["aged_points_expired"], first["aged_reminders"]) == (0, 0), first
    assert not any(name.startswith("aged_") for name in again), again  # once a day
    trail = stack.request("GET", "/v1/audit-log?action=settings.patch", token=tokens["hr"]).json["items"]
    assert any("points_expiry_months" in json.dumps(entry) for entry in trail)
    assert stack.request("GET", "/_local/idle?timeout=30").json["idle"]
    audit = stack.cli("audit")
    assert audit.returncode == 0, audit.stdout + audit.stderr
