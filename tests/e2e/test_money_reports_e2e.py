"""The money side's reports over real HTTP against `plaudit dev`: Ethan earns points (an HRIS event HR
rewards), redeems a $10 gift card, and the redemption shows in the rewards report (his own and HR's), in
the liability (finance), in the vouchers report once the queue has delivered it, and in the taxable
rewards' payroll CSV; `plaudit audit` proves the counters.

Ethan (in the US, where the demo's gift card is sold) redeems in no other e2e test, and every figure is
compared before and after, so the module passes before or after the others on the session's stack."""

from __future__ import annotations

import csv
import io
import time
from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest
from polling import eventually

pytestmark = pytest.mark.e2e

HR_ADMIN, ETHAN, FINANCE = "E1001", "E1007", "E1009"
BONUS_EVENT = "money-reports-e2e-bonus"
BONUS_POINTS = 3000
GIFT_POINTS = 1000  # a $10 gift card at $0.01 a point: below the approval threshold
T = TypeVar("T")


@pytest.fixture(scope="module")
def tokens(stack) -> dict[str, str]:
    return {
        ETHAN: stack.token("--employee", ETHAN),
        FINANCE: stack.token("--employee", FINANCE),
        HR_ADMIN: stack.token("--role", "hr_admin"),
    }


def report(stack, token: str, name: str, query: str = "") -> dict[str, Any]:
    reply = stack.request("GET", f"/v1/reports/{name}?{query}", token=token)
    assert reply.status == 200, reply.body
    return reply.json


def wallet(stack, tokens) -> int:
    reply = stack.request("GET", f"/v1/employees/{ETHAN}/wallet", token=tokens[HR_ADMIN])
    assert reply.status == 200, reply.body
    return reply.json["points"]


def reward_ethan(stack, tokens) -> None:
    rule = {
        "name": "Money reports e2e bonus",
        "type": "hris_event",
        "event_name": BONUS_EVENT,
        "points": BONUS_POINTS,
        "budget_id": "milestones",
        "message": "{points} points, {first_name}!",
    }
    made = stack.request("POST", "/v1/milestone-rules", token=tokens[HR_ADMIN], body=rule)
    assert made.status == 201, made.body
    event = {
        "type": "event",
        "employee_id": ETHAN,
        "event_id": f"money-reports-e2e-{time.time_ns()}",
        "name": BONUS_EVENT,
        "occurred_on": datetime.now(UTC).date().isoformat(),
    }
    payload = {"id": event["event_id"], "events": [event]}
    stack.deliver_hris(payload)


def test_a_redemption_shows_in_rewards_liability_vouchers_and_taxable_rewards(stack, tokens):
    before_points = wallet(stack, tokens)
    own_before = report(stack, tokens[ETHAN], "rewards")["totals"]["current"]
    org_before = report(stack, tokens[HR_ADMIN], "rewards")["totals"]["current"]
    liability_before = report(stack, tokens[FINANCE], "liability")["totals"]["current"]
    reward_ethan(stack, tokens)
    eventually(lambda: wallet(stack, tokens) == before_points + BONUS_POINTS, "Ethan's bonus")

    catalogue = stack.request("GET", "/v1/catalog/items?category=gift-cards", token=tokens[ETHAN])
    gift = next(item for item in catalogue.json["items"] if item["type"] == "gift_card")
    body = {"item_id": gift["id"], "denomination": "10"}
    headers = {"Idempotency-Key": f"money-e2e-{time.time_ns()}"}
    redeemed = stack.request("POST", "/v1/redemptions", token=tokens[ETHAN], body=body, headers=headers)
    assert redeemed.status == 201, redeemed.body
    assert redeemed.json["points"] == GIFT_POINTS
    rid = redeemed.json["id"]

    def delivered() -> bool:
        status = stack.request("GET", f"/v1/redemptions/{rid}", token=tokens[ETHAN]).json["status"]
        return status in ("fulfilled", "redeemed")

    eventually(delivered, "the gift card delivered by the fulfilment queue")

    # The reports are the ledger stream's projection: the delivery reaches them a moment after the
    # redemption's own status changes.
    def own_report_counts_it() -> dict[str, Any] | None:
        own = report(stack, tokens[ETHAN], "rewards")
        counted = own["totals"]["current"]["redemptions_delivered"]
        return own if counted == own_before["redemptions_delivered"] + 1 else None

    own = eventually(own_report_counts_it, "the delivery in Ethan's rewards report")
    assert own["scope"] == f"person:{ETHAN}"
    mine = own["totals"]["current"]
    assert mine["points_earned"] == own_before["points_earned"] + BONUS_POINTS
    assert mine["points_redeemed"] == own_before["points_redeemed"] + GIFT_POINTS
    org = report(stack, tokens[HR_ADMIN], "rewards", "group_by=item_type")
    assert org["totals"]["current"]["redemptions_requested"] == org_before["redemptions_requested"] + 1
    assert any(row["group"] == "item_type:gift_card" for row in org["rows"])

    outstanding = liability_before["points_outstanding"] + BONUS_POINTS - GIFT_POINTS

    def liability_settled() -> dict[str, Any] | None:
        now = report(stack, tokens[FINANCE], "liability")["totals"]["current"]
        return now if now["points_held"] == liability_before["points_held"] else None

    liability = eventually(liability_settled, "the delivered points leaving the liability's held")
    assert liability["points_outstanding"] == outstanding
    assert liability["points_held"] == liability_before["points_held"]  # held, then delivered
    refused = stack.request("GET", "/v1/reports/liability", token=tokens[ETHAN])
    assert (refused.status, refused.json["error"]["code"]) == (403, "forbidden")

    vouchers = report(stack, tokens[ETHAN], "vouchers")["totals"]["current"]
    assert vouchers["issued"] >= 1

    payroll = stack.request(
        "GET", "/v1/reports/taxable-rewards", token=tokens[ETHAN], headers={"Accept": "text/csv"}
    )
    assert payroll.status == 200, payroll.body
    lines = list(csv.DictReader(io.StringIO(payroll.body.decode())))
    assert list(lines[0]) == ["employee_id", "name", "country", "period", "currency", "amount"]
    assert {(line["employee_id"], line["currency"]) for line in lines} == {(ETHAN, "USD")}
    assert float(lines[0]["amount"]) >= 10.0

    audit = stack.cli("audit")
    assert audit.returncode == 0, audit.stdout + audit.stderr
