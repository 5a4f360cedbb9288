"""Issue 14 §3 over real HTTP against `plaudit dev`: HR adds a percentage voucher with a cap, a minimum
purchase and an excluded category (its points price set by the item); Alice, funded by an HRIS bonus,
redeems it without choosing an amount; the desk sees what it is worth, whose it is and why a purchase is
refused (in the desk's language), redeems it once on a purchase it fits, and the ledger proves sound.

Shares the session's stack: it creates its own item and milestone rule and compares Alice's points before
and after, so it passes before or after other e2e modules."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest
from polling import eventually

pytestmark = pytest.mark.e2e

HR_ADMIN, ALICE = "E1001", "E1003"
PRICE = 40  # points, set by the item
BONUS_EVENT = "offers-e2e-bonus"

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
    """Alice's points before the story; an HRIS bonus then pays for the voucher."""
    before = points(stack, tokens)
    rule = stack.request(
        "POST",
        "/v1/milestone-rules",
        token=tokens[HR_ADMIN],
        body={
            "name": "Offers e2e bonus",
            "type": "hris_event",
            "event_name": BONUS_EVENT,
            "points": PRICE,
            "budget_id": "milestones",
            "message": "A {points}-point bonus, {first_name}!",
        },
    )
    assert rule.status == 201, rule.body
    event = {
        "type": "event",
        "employee_id": ALICE,
        "event_id": "offers-e2e-1",
        "name": BONUS_EVENT,
        "occurred_on": datetime.now(UTC).date().isoformat(),
    }
    payload = {"id": "offers-e2e-delivery-1", "events": [event]}
    stack.deliver_hris(payload)
    eventually(lambda: points(stack, tokens) == before + PRICE, "Alice's bonus in her wallet")
    return before


@pytest.fixture(scope="module")
def item(stack, tokens) -> dict[str, Any]:
    body = {
        "name": "Offers e2e: 20% off at the bistro",
        "category": "food",
        "type": "discount_voucher",
        "currency": "USD",
        "fulfilment": "internal",
        "points": PRICE,
        "offer": {"kind": "percentage", "percent": "20", "cap": {"amount": "10", "currency": "USD"}},
        "restrictions": {"minimum_purchase": "15", "excluded_categories": ["alcohol"]},
    }
    wrong_cap = body | {
        "offer": {"kind": "percentage", "percent": "20", "cap": {"amount": "10", "currency": "EUR"}}
    }
    refused = stack.request("POST", "/v1/catalog/items", token=tokens[HR_ADMIN], body=wrong_cap)
    assert (refused.status, refused.json["error"]["code"]) == (422, "invalid_request"), refused.body
    too_much = body | {"offer": {"kind": "percentage", "percent": "120"}}
    refused = stack.request("POST", "/v1/catalog/items", token=tokens[HR_ADMIN], body=too_much)
    assert refused.status == 422, refused.body
    created = stack.request("POST", "/v1/catalog/items", token=tokens[HR_ADMIN], body=body)
    assert created.status == 201, created.body
    assert (created.json["min_points"], created.json["max_points"]) == (PRICE, PRICE)
    return created.json


@pytest.fixture(scope="module")
def voucher(stack, tokens, item, funded) -> dict[str, Any]:
    reply = stack.request(
        "POST",
        "/v1/redemptions",
        token=tokens[ALICE],
        body={"item_id": item["id"]},
        headers={"Idempotency-Key": "offers-e2e-1"},
    )
    assert reply.status == 201, reply.body
    rid = reply.json["id"]

    def issued() -> dict[str, Any] | None:
        mine = stack.request("GET", "/v1/vouchers/mine", token=tokens[ALICE])
        assert mine.status == 200, mine.body
        return next((entry for entry in mine.json["items"] if entry["redemption_id"] == rid), None)

    return eventually(issued, "the percentage voucher issued")


def desk(stack, tokens, action: str, code: str, language: str = "en", **purchase: str):
    return stack.request(
        "POST",
        f"/v1/vouchers/{action}",
        token=tokens["desk"],
        body={"code": code, **purchase},
        headers={"Accept-Language": language},
    )


def test_alice_sees_what_her_voucher_is_worth_and_its_restrictions(voucher):
    assert voucher["value"] == {
        "kind": "percentage",
        "amount": None,
        "percent": "20",
        "cap": "10",
        "currency": "USD",
    }
    assert voucher["restrictions"]["minimum_purchase"] == "15"
    assert voucher["restrictions"]["excluded_categories"] == ["alcohol"]


def test_the_desk_sees_the_voucher_and_why_a_purchase_is_refused(stack, tokens, voucher):
    code = voucher["code"]
    small = desk(stack, tokens, "validate", code, "fr", purchase_amount="12", purchase_category="food")
    assert small.status == 200, small.body
    assert (small.json["usable"], small.json["owner_first_name"]) == (False, "Alice")
    assert small.json["refusal"]["code"] == "below_minimum_purchase"
    assert small.json["refusal"]["message"].startswith("Ce bon ne s'applique qu'aux achats de 15,00")
    drinks = desk(stack, tokens, "validate", code, purchase_amount="30", purchase_category="alcohol")
    assert drinks.json["refusal"]["code"] == "excluded_category"
    fits = desk(stack, tokens, "validate", code, purchase_amount="30", purchase_category="food")
    assert (fits.json["usable"], fits.json["discount"]) == (True, "6.00")
    assert code not in fits.body.decode()


def test_the_desk_redeems_it_once_on_a_purchase_it_fits(stack, tokens, voucher, funded):
    code = voucher["code"]
    refused = desk(stack, tokens, "redeem", code, purchase_amount="30", purchase_category="alcohol")
    assert (refused.status, refused.json["error"]["code"]) == (422, "excluded_category")
    redeemed = desk(stack, tokens, "redeem", code, purchase_amount="80", purchase_category="food")
    assert redeemed.status == 200, redeemed.body
    assert (redeemed.json["status"], redeemed.json["discount"]) == ("redeemed", "10")  # capped
    twice = desk(stack, tokens, "redeem", code, purchase_amount="80", purchase_category="food")
    assert (twice.status, twice.json["error"]["code"]) == (409, "voucher_already_redeemed")
    assert points(stack, tokens) == funded
    audit = stack.cli("audit")
    assert audit.returncode == 0, audit.stdout + audit.stderr
