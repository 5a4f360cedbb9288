"""Instant perks through the real handlers: an `instant` item is used on the spot with a one-minute,
single-use pass (a token for the QR, a short code for Slack); a desk checks it, then confirms it, and the
points move through the ledger exactly once (a replay answers the first result, a second use, an expired
pass, another vendor's desk, two racing confirms and items needing approval are refused with their codes);
no voucher is issued, the redemption counts as any redemption in the stats, and the audit stays clean."""

from __future__ import annotations

from typing import Any

import pytest
from api_checks import assert_audit_clean, assert_error, table_items
from test_api_redemptions import grant, points_of
from test_api_vouchers import STAFF, STAFF_SCOPES

from plaudit.domain.access import SYSTEM
from plaudit.domain.ledger import TxnKind
from plaudit.services import budgets, instant_passes
from plaudit.services.insights import audit_aggregates
from plaudit.store import insights as insight_store

HR, ALICE, BOB = "E1001", "E1003", "E1004"
FUNDS = "redemption-tests"


def perk(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Espresso",
        "category": "food",
        "type": "company_perk",
        "denominations": {"fixed": ["2.50"]},
        "currency": "USD",
        "fulfilment": "instant",
        "restrictions": {"vendors": ["Canteen Co"]},
    } | overrides


@pytest.fixture
def espresso(api, org, clock) -> str:
    budgets.create_budget(SYSTEM, budgets.CreateBudget(id=FUNDS, name="Test funds", kind="company"))
    budgets.move_points(SYSTEM, FUNDS, TxnKind.BUDGET_TOP_UP, budgets.MovePoints(points=100_000))
    grant(ALICE, 1_000)
    reply = api.call("POST", "/v1/catalog/items", body=perk(), as_employee=HR)
    assert reply.status == 201, reply.body
    return reply.json["id"]


def ask(api, item_id: str, who: str = ALICE):
    return api.call("POST", "/v1/instant-passes", body={"item_id": item_id}, as_employee=who)


def desk(api, action: str, code: str, *, sub: str = "perk-desk-client", vendor: str = "Canteen Co"):
    claims = {**STAFF, "sub": sub, "client_id": sub}
    body = {"code": code, "vendor": vendor}
    return api.call("POST", f"/v1/instant-passes/{action}", claims=claims, scopes=STAFF_SCOPES, body=body)


def test_hr_creates_instant_perks_of_one_value_only(api, org, clock):
    for wrong in (
        perk(denominations={"fixed": ["2.50", "5"]}),
        perk(denominations={"min": "1", "max": "5"}),
        perk(type="donation"),
        perk(denominations=None, offer={"kind": "percentage", "percent": "10"}, points=100),
    ):
        reply = api.call("POST", "/v1/catalog/items", body=wrong, as_employee=HR)
        assert_error(reply, 422, "invalid_request", wrong)
    assert api.call("POST", "/v1/catalog/items", body=perk(), as_employee=HR).status == 201


def test_a_pass_is_checked_then_confirmed_once_and_no_voucher_is_issued(api, espresso, clock, aws):
    reply = ask(api, espresso)
    assert reply.status == 201, reply.body
    issued = reply.json
    assert (issued["points"], issued["denomination"], issued["item_name"]) == (250, "2.50", "Espresso")
    assert issued["token"].startswith("PASS-")
    assert len(issued["code"]) == 9
    assert points_of(ALICE) == 1_000  # nothing held until a desk confirms
    stored = [item for item in table_items(aws) if item.get("type", {}).get("S") == "instant_pass"]
    assert len(stored) == 2
    assert not any(issued["token"] in str(item) or issued["code"] in str(item) for item in stored)

    seen = desk(api, "check", issued["code"].lower())  # typed, any case
    assert seen.status == 200, seen.body
    assert (seen.json["owner_first_name"], seen.json["points"]) == ("Alice", 250)
    assert desk(api, "check", issued["token"]).json == seen.json
    assert points_of(ALICE) == 1_000

    clock.advance(seconds=30)
    used = desk(api, "confirm", issued["token"])
    assert used.status == 200, used.body
    redemption = used.json["redemption"]
    assert (redemption["status"], redemption["fulfilment"], redemption["voucher_id"]) == (
        "redeemed",
        "instant",
        None,
    )
    assert redemption["history"][0]["by"] == "perk-desk-client"
    assert points_of(ALICE) == 750
    assert desk(api, "confirm", issued["code"]).json == used.json  # the same desk again: the first answer
    assert_error(desk(api, "confirm", issued["token"], sub="other-desk"), 409, "pass_used")
    assert_error(desk(api, "check", issued["code"]), 409, "pass_used")
    assert points_of(ALICE) == 750
    assert not [item for item in table_items(aws) if item.get("type", {}).get("S") == "voucher"]

    api.drain_streams()
    person = insight_store.scan_aggregates()[0][("person:E1003", "2026-11")]
    assert (person["redemptions_requested"], person["redemptions_settled"]) == (1, 1)
    assert person["redemptions_method_instant"] == 1
    assert audit_aggregates() == []
    assert_audit_clean()


def test_expired_unknown_and_other_vendors_passes_are_refused(api, espresso, clock):
    issued = ask(api, espresso).json
    assert_error(desk(api, "check", "ABCD-EFGH"), 404, "pass_not_valid")
    assert_error(desk(api, "check", "nonsense"), 404, "pass_not_valid")
    assert_error(desk(api, "confirm", issued["code"], vendor="Spa Co"), 422, "pass_wrong_vendor")
    reply = api.call("POST", "/v1/instant-passes/check", as_employee=BOB, body={"code": issued["code"]})
    assert_error(reply, 403, "forbidden")
    clock.advance(seconds=60)
    assert_error(desk(api, "confirm", issued["token"]), 422, "pass_expired")
    assert points_of(ALICE) == 1_000
    assert_audit_clean()


@pytest.mark.parametrize("loser", ["desk-b", "desk-a"])
def test_two_racing_confirms_move_the_points_once(api, espresso, clock, monkeypatch, loser):
    """Both read the pass unused; the loser's write is refused, it reads again and finds it used: by
    another desk, pass_used; by itself (a double tap), the first answer."""
    issued = ask(api, espresso).json
    stale = instant_passes._found(issued["code"])
    won = desk(api, "confirm", issued["code"], sub="desk-a")
    assert won.status == 200
    reads = iter([stale])
    found = instant_passes._found
    monkeypatch.setattr(instant_passes, "_found", lambda text: next(reads, None) or found(text))
    lost = desk(api, "confirm", issued["code"], sub=loser)
    if loser == "desk-a":
        assert lost.json == won.json
    else:
        assert_error(lost, 409, "pass_used")
    assert points_of(ALICE) == 750
    assert_audit_clean()


def test_instant_perks_need_no_approval_and_are_neither_vouchers_nor_awards(api, espresso, clock):
    flagged = api.call("POST", "/v1/catalog/items", body=perk(name="Lunch", requires_approval=True)).json
    assert_error(ask(api, flagged["id"]), 422, "instant_needs_approval")
    body = {"item_id": espresso, "denomination": "2.50"}
    assert_error(api.call("POST", "/v1/redemptions", body=body, as_employee=ALICE), 422, "instant_item")
    award = {"employee_id": ALICE, "item_id": espresso, "denomination": "2.50", "budget_id": FUNDS}
    assert_error(api.call("POST", "/v1/awards", body=award, as_employee=HR), 422, "instant_item")
    coffee = api.call(
        "POST",
        "/v1/catalog/items",
        body=perk(name="Card", fulfilment="internal", type="gift_card", restrictions={}),
    ).json
    assert_error(ask(api, coffee["id"]), 422, "not_instant_item")
    assert_error(ask(api, espresso, who=BOB), 422, "insufficient_points")
    assert points_of(ALICE) == 1_000
    assert_audit_clean()


def test_rules_and_campaigns_cannot_give_an_instant_perk(api, espresso, clock):
    rule = {
        "name": "Welcome",
        "type": "days_after_start",
        "days_after_start": 7,
        "points": 10,
        "budget_id": FUNDS,
        "message": "{days} days",
        "catalog_item_id": espresso,
        "catalog_denomination": "2.50",
    }
    assert_error(api.call("POST", "/v1/milestone-rules", body=rule, as_employee=HR), 422, "instant_item")
    campaign = {
        "name": "Coffee for all",
        "budget_id": FUNDS,
        "csv": f"employee_id,item_id,denomination\n{ALICE},{espresso},2.50\n",
    }
    reply = api.call("POST", "/v1/campaigns/preview", body=campaign, as_employee=HR)
    details = assert_error(reply, 422, "campaign_csv_invalid")
    assert [problem["field"] for problem in details["errors"]] == ["line 2.item_id"]
