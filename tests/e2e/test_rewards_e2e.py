"""Issue 5 over real HTTP against `plaudit dev`: Alice browses the seeded catalogue, earns points (an HRIS
event HR rewards), redeems a perk that needs her manager's approval, gets its voucher once the fulfilment
queue has run, and the cafeteria's staff check and redeem the code; a second redemption is cancelled and
refunded, and the ledger proves sound.

The tests share the session's stack and run in file order: they touch only Alice's points (compared before
and after) and a milestone rule of their own event name, so they pass before or after other e2e modules."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest
from polling import eventually

from plaudit_dev.seed import demo_catalog

pytestmark = pytest.mark.e2e

HR_ADMIN, MAYA, ALICE, BOB = "E1001", "E1002", "E1003", "E1004"  # Maya manages Alice and Bob
LUNCH = "Team lunch voucher"  # $60 = 6,000 points, needs approval, used only at the HQ cafeteria
LUNCH_POINTS = 6000
CAFETERIA = "HQ cafeteria"
BONUS_EVENT = "rewards-e2e-bonus"
BONUS_POINTS = 2 * LUNCH_POINTS

T = TypeVar("T")


@pytest.fixture(scope="module")
def tokens(stack) -> dict[str, str]:
    """Bearer tokens: HR, the people in the story, and the cafeteria's till (a client with the vouchers
    scope and no person behind it)."""
    minted = {who: stack.token("--employee", who) for who in (MAYA, ALICE, BOB)}
    minted[HR_ADMIN] = stack.token("--role", "hr_admin")
    minted["staff"] = stack.token("--scope", "plaudit/vouchers")
    return minted


@pytest.fixture(scope="module")
def lunch(stack, tokens) -> dict[str, Any]:
    """The lunch perk as Alice finds it in the catalogue."""
    reply = stack.request("GET", "/v1/catalog/items?limit=100", token=tokens[ALICE])
    assert reply.status == 200, reply.body
    return next(item for item in reply.json["items"] if item["name"] == LUNCH)


def points(stack, tokens, employee_id: str = ALICE) -> int:
    reply = stack.request("GET", f"/v1/employees/{employee_id}/wallet", token=tokens[HR_ADMIN])
    assert reply.status == 200, reply.body
    return reply.json["points"]


def redeem(stack, tokens, item_id: str, key: str):
    return stack.request(
        "POST",
        "/v1/redemptions",
        token=tokens[ALICE],
        body={"item_id": item_id, "denomination": "60"},
        headers={"Idempotency-Key": key},
    )


def redemption(stack, tokens, rid: str) -> dict[str, Any]:
    reply = stack.request("GET", f"/v1/redemptions/{rid}", token=tokens[ALICE])
    assert reply.status == 200, reply.body
    return reply.json


def check_code(stack, tokens, action: str, code: str, *, who: str = "staff", **where: str):
    return stack.request("POST", f"/v1/vouchers/{action}", token=tokens[who], body={"code": code, **where})


def test_alice_browses_the_seeded_catalogue(stack, tokens, lunch):
    reply = stack.request("GET", "/v1/catalog/items?limit=100", token=tokens[ALICE])
    assert reply.status == 200, reply.body
    names = {item["name"] for item in reply.json["items"]}
    assert {spec.name for spec in demo_catalog()} <= names
    assert (lunch["type"], lunch["requires_approval"], lunch["fulfilment"]) == (
        "company_perk",
        True,
        "internal",
    )
    assert lunch["min_points"] == lunch["max_points"] == LUNCH_POINTS

    gifts = stack.request("GET", "/v1/catalog/items?category=gift-cards", token=tokens[ALICE])
    assert gifts.status == 200, gifts.body
    assert {item["category"] for item in gifts.json["items"]} == {"gift-cards"}
    one = stack.request("GET", f"/v1/catalog/items/{lunch['id']}", token=tokens[ALICE])
    assert (one.status, one.json["id"]) == (200, lunch["id"])


@pytest.fixture(scope="module")
def funded(stack, tokens) -> int:
    """Alice's points before the story: HR rewards an HRIS event with 12,000 points from the milestones
    budget, and the HRIS reports that event for Alice."""
    before = points(stack, tokens)
    rule = stack.request(
        "POST",
        "/v1/milestone-rules",
        token=tokens[HR_ADMIN],
        body={
            "name": "Rewards e2e bonus",
            "type": "hris_event",
            "event_name": BONUS_EVENT,
            "points": BONUS_POINTS,
            "budget_id": "milestones",
            "message": "A {points}-point bonus, {first_name}!",
        },
    )
    assert rule.status == 201, rule.body
    event = {
        "type": "event",
        "employee_id": ALICE,
        "event_id": "rewards-e2e-1",
        "name": BONUS_EVENT,
        "occurred_on": datetime.now(UTC).date().isoformat(),
    }
    payload = {"id": "rewards-e2e-delivery-1", "events": [event]}
    stack.deliver_hris(payload)
    eventually(lambda: points(stack, tokens) == before + BONUS_POINTS, "Alice's bonus in her wallet")
    return before


@pytest.fixture(scope="module")
def requested(stack, tokens, lunch, funded) -> dict[str, dict[str, Any]]:
    """Two lunch redemptions by Alice, each waiting for Maya: one to approve, one to cancel."""
    first = redeem(stack, tokens, lunch["id"], "rewards-e2e-lunch-1")
    assert first.status == 201, first.body
    replay = redeem(stack, tokens, lunch["id"], "rewards-e2e-lunch-1")
    assert (replay.status, replay.headers.get("idempotent-replayed")) == (201, "true"), replay.body
    assert replay.json["id"] == first.json["id"]
    second = redeem(stack, tokens, lunch["id"], "rewards-e2e-lunch-2")
    assert second.status == 201, second.body
    return {"approved": first.json, "cancelled": second.json}


def test_a_perk_that_needs_approval_waits_for_the_manager_with_the_points_held(
    stack, tokens, requested, funded
):
    for made in requested.values():
        assert (made["status"], made["approver_id"], made["points"]) == (
            "pending_approval",
            MAYA,
            LUNCH_POINTS,
        )
        assert made["employee_id"] == ALICE
        assert "code" not in made
    assert points(stack, tokens) == funded + BONUS_POINTS - 2 * LUNCH_POINTS

    queue = stack.request("GET", "/v1/approvals?limit=100", token=tokens[MAYA])
    assert queue.status == 200, queue.body
    assert {made["id"] for made in requested.values()} <= {entry["id"] for entry in queue.json["items"]}

    own = stack.request("POST", f"/v1/redemptions/{requested['approved']['id']}/approve", token=tokens[ALICE])
    assert (own.status, own.json["error"]["code"]) == (403, "own_redemption")
    peer = stack.request("POST", f"/v1/redemptions/{requested['approved']['id']}/approve", token=tokens[BOB])
    assert (peer.status, peer.json["error"]["code"]) == (403, "not_approver")


def test_the_manager_approves_and_the_fulfilment_queue_issues_the_voucher(stack, tokens, requested):
    rid = requested["approved"]["id"]
    approved = stack.request(
        "POST", f"/v1/redemptions/{rid}/approve", token=tokens[MAYA], body={"reason": "Enjoy!"}
    )
    assert approved.status == 200, approved.body
    assert approved.json["status"] in ("approved", "fulfilling", "fulfilled")

    done = eventually(
        lambda: (seen := redemption(stack, tokens, rid))["status"] == "fulfilled" and seen,
        "the lunch redemption fulfilled",
    )
    assert done["voucher_id"]
    statuses = [entry["status"] for entry in done["history"]]
    assert (statuses[0], statuses[-1]) == ("pending_approval", "fulfilled")
    assert "approved" in statuses


def test_cancelling_a_pending_redemption_refunds_its_points(stack, tokens, requested, funded):
    rid = requested["cancelled"]["id"]
    cancelled = stack.request("POST", f"/v1/redemptions/{rid}/cancel", token=tokens[ALICE])
    assert cancelled.status == 200, cancelled.body
    assert cancelled.json["status"] == "cancelled"
    again = stack.request("POST", f"/v1/redemptions/{rid}/cancel", token=tokens[ALICE])
    assert again.status == 409, again.body
    assert points(stack, tokens) == funded + BONUS_POINTS - LUNCH_POINTS  # refunded once


@pytest.fixture(scope="module")
def voucher(stack, tokens, requested) -> dict[str, Any]:
    """Alice's lunch voucher, with its code, as only she sees it."""
    rid = requested["approved"]["id"]
    eventually(lambda: redemption(stack, tokens, rid)["status"] == "fulfilled", "the voucher issued")
    mine = stack.request("GET", "/v1/vouchers/mine", token=tokens[ALICE])
    assert mine.status == 200, mine.body
    [found] = [entry for entry in mine.json["items"] if entry["redemption_id"] == rid]
    return found


def test_only_alice_sees_her_voucher_code(stack, tokens, voucher):
    assert voucher["employee_id"] == ALICE
    assert voucher["item_name"] == LUNCH
    assert voucher["status"] in ("issued", "delivered")
    assert voucher["code"]
    bobs = stack.request("GET", "/v1/vouchers/mine", token=tokens[BOB])
    assert bobs.status == 200, bobs.body
    assert voucher["id"] not in {entry["id"] for entry in bobs.json["items"]}
    assert voucher["code"] not in bobs.body.decode()
    for path in (f"/v1/redemptions/{voucher['redemption_id']}", f"/v1/redemptions?employee={ALICE}"):
        reply = stack.request("GET", path, token=tokens[ALICE])
        assert reply.status == 200, reply.body
        assert voucher["code"] not in reply.body.decode()


def test_staff_validate_then_redeem_the_code_once(stack, tokens, voucher):
    code = voucher["code"]
    by_alice = check_code(stack, tokens, "validate", code, who=ALICE, location=CAFETERIA)
    assert (by_alice.status, by_alice.json["error"]["code"]) == (403, "forbidden")
    elsewhere = check_code(stack, tokens, "validate", code, location="Downtown bistro")
    assert (elsewhere.status, elsewhere.json["usable"]) == (200, False), elsewhere.body
    assert elsewhere.json["refusal"]["code"] == "voucher_wrong_location"

    valid = check_code(stack, tokens, "validate", code.lower(), location=CAFETERIA)  # as typed at the till
    assert valid.status == 200, valid.body
    assert (valid.json["voucher_id"], valid.json["item_name"]) == (voucher["id"], LUNCH)
    assert valid.json["status"] in ("issued", "delivered")
    assert (valid.json["usable"], valid.json["owner_first_name"]) == (True, "Alice")
    assert valid.json["value"]["amount"] == "60"
    assert valid.json["value"]["currency"] == "USD"
    assert valid.json["restrictions"]["locations"] == [CAFETERIA]
    assert code not in valid.body.decode()

    redeemed = check_code(stack, tokens, "redeem", code, location=CAFETERIA)
    assert redeemed.status == 200, redeemed.body
    assert redeemed.json["status"] == "redeemed"
    assert redemption(stack, tokens, voucher["redemption_id"])["status"] == "redeemed"

    twice = check_code(stack, tokens, "redeem", code, location=CAFETERIA)
    assert (twice.status, twice.json["error"]["code"]) == (409, "voucher_already_redeemed")


def test_a_wrong_code_gets_the_same_generic_answer(stack, tokens, voucher):
    last = voucher["code"][-1]
    typo = voucher["code"][:-1] + ("7" if last != "7" else "8")  # fails the check character
    for wrong in (typo, "NOT-A-REAL-CODE"):
        reply = check_code(stack, tokens, "redeem", wrong, location=CAFETERIA)
        assert (reply.status, reply.json["error"]["code"]) == (404, "voucher_not_valid"), reply.body
        assert reply.json["error"]["message"] == "This code is not valid."


def test_the_ledger_is_sound_after_the_rewards(stack, tokens, funded):
    assert points(stack, tokens) == funded + BONUS_POINTS - LUNCH_POINTS
    audit = stack.cli("audit")
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert "ledger OK" in audit.stdout
