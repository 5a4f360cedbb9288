"""Issue 14 §3's instant perks over real HTTP against `plaudit dev`: HR adds an instant perk for the
cafeteria's vendor; Alice, funded by an HRIS bonus, asks for a pass (nothing moves); the desk checks it
(item, points, her first name), another vendor is refused, the desk confirms it once (a replay answers the
same, a second desk is refused), her points move once with no voucher, and the ledger proves sound.

Shares the session's stack: it creates its own item (deactivated at the end) and milestone rule and
compares Alice's points before and after, so it passes before or after other e2e modules."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest
from polling import eventually

pytestmark = pytest.mark.e2e

HR_ADMIN, ALICE = "E1001", "E1003"
PRICE = 300  # points: $3.00 at the demo's $0.01 a point
BONUS_EVENT = "instant-e2e-bonus"
VENDOR = "Company cafeteria"

T = TypeVar("T")


@pytest.fixture(scope="module")
def tokens(stack) -> dict[str, str]:
    return {
        ALICE: stack.token("--employee", ALICE),
        HR_ADMIN: stack.token("--role", "hr_admin"),
        "desk": stack.token("--scope", "plaudit/vouchers"),
    }


def points(stack, tokens) -> int:
    reply = stack.request("GET", f"/v1/employees/{ALICE}/wallet", token=tokens[HR_ADMIN])
    assert reply.status == 200, reply.body
    return reply.json["points"]


@pytest.fixture(scope="module")
def funded(stack, tokens) -> int:
    """Alice's points once an HRIS bonus paid for the perk."""
    before = points(stack, tokens)
    rule = {
        "name": "Instant e2e bonus",
        "type": "hris_event",
        "event_name": BONUS_EVENT,
        "points": PRICE,
        "budget_id": "milestones",
        "message": "A {points}-point bonus, {first_name}!",
    }
    created = stack.request("POST", "/v1/milestone-rules", token=tokens[HR_ADMIN], body=rule)
    assert created.status == 201, created.body
    event = {
        "type": "event",
        "employee_id": ALICE,
        "event_id": "instant-e2e-1",
        "name": BONUS_EVENT,
        "occurred_on": datetime.now(UTC).date().isoformat(),
    }
    payload = {"id": "instant-e2e-delivery-1", "events": [event]}
    stack.deliver_hris(payload)
    return eventually(lambda: (now := points(stack, tokens)) >= before + PRICE and now, "Alice's bonus")


@pytest.fixture(scope="module")
def perk(stack, tokens) -> Any:
    body = {
        "name": "Instant e2e: espresso",
        "category": "food",
        "type": "company_perk",
        "currency": "USD",
        "denominations": {"fixed": ["3"]},
        "fulfilment": "instant",
        "restrictions": {"vendors": [VENDOR]},
    }
    created = stack.request("POST", "/v1/catalog/items", token=tokens[HR_ADMIN], body=body)
    assert created.status == 201, created.body
    yield created.json
    gone = stack.request("DELETE", f"/v1/catalog/items/{created.json['id']}", token=tokens[HR_ADMIN])
    assert gone.status in (200, 204), gone.body


def desk(stack, tokens, action: str, code: str, vendor: str = VENDOR, checker: str = "desk"):
    body = {"code": code, "vendor": vendor}
    return stack.request("POST", f"/v1/instant-passes/{action}", token=tokens[checker], body=body)


def test_a_pass_is_checked_and_confirmed_once_at_the_desk(stack, tokens, perk, funded):
    asked = stack.request("POST", "/v1/instant-passes", token=tokens[ALICE], body={"item_id": perk["id"]})
    assert asked.status == 201, asked.body
    issued = asked.json
    assert (issued["points"], issued["item_name"]) == (PRICE, perk["name"])
    assert points(stack, tokens) == funded  # nothing held yet

    seen = desk(stack, tokens, "check", issued["code"])
    assert seen.status == 200, seen.body
    assert (seen.json["owner_first_name"], seen.json["points"]) == ("Alice", PRICE)
    elsewhere = desk(stack, tokens, "confirm", issued["token"], vendor="Spa Co")
    assert (elsewhere.status, elsewhere.json["error"]["code"]) == (422, "pass_wrong_vendor")

    used = desk(stack, tokens, "confirm", issued["token"])
    assert used.status == 200, used.body
    redemption = used.json["redemption"]
    assert (redemption["status"], redemption["fulfilment"], redemption["voucher_id"]) == (
        "redeemed",
        "instant",
        None,
    )
    assert desk(stack, tokens, "confirm", issued["code"]).json == used.json  # a replay: the first answer
    tokens["hr"] = stack.token("--employee", HR_ADMIN)  # HR checks codes too: another checker
    again = desk(stack, tokens, "confirm", issued["code"], checker="hr")
    assert (again.status, again.json["error"]["code"]) == (409, "pass_used")
    assert points(stack, tokens) == funded - PRICE
    audit = stack.cli("audit")
    assert audit.returncode == 0, audit.stdout + audit.stderr
