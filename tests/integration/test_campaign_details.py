"""Campaign details of issue 14: a campaign's own giver is never among the people it pays (skipped as
self_award, like kudos to oneself); percentage and cashback items are refused at preview; the progress
counts stay live after the run, as top-ups pay the awards left pending and a cancel drops them."""

from __future__ import annotations

import test_api_campaigns
from api_checks import assert_audit_clean, assert_error
from test_api_campaigns import ALICE, CSV, HR, MAYA, TEAM, body, top_up

from plaudit.domain.access import SYSTEM
from plaudit.domain.ledger import TxnKind
from plaudit.services import budgets

team = test_api_campaigns.team  # the fixture: Maya holds the Engineering budget


def test_the_giver_is_skipped_from_their_own_campaign(api, team):
    engineering = {"departments": ["Engineering"], "countries": ["US"]}
    preview = api.call(
        "POST", "/v1/campaigns/preview", body=body(selector=engineering, points=10), as_employee=MAYA
    )
    assert preview.status == 200, preview.body
    assert (preview.json["people"], preview.json["total_points"]) == (2, 20)  # Alice and Ethan
    assert [(s["employee_id"], s["reason"]) for s in preview.json["skipped"]] == [(MAYA, "self_award")]
    listed = body(f"employee_id,points\n{MAYA},50\n{ALICE},10\n")
    preview = api.call("POST", "/v1/campaigns/preview", body=listed, as_employee=MAYA).json
    assert (preview["people"], preview["total_points"]) == (1, 10)
    assert [(s["line"], s["reason"]) for s in preview["skipped"]] == [(2, "self_award")]
    assert_audit_clean()


def test_percentage_and_cashback_items_are_refused_at_preview_not_failed_at_payment(api, team):
    offer = {
        "name": "10% off",
        "category": "shopping",
        "type": "discount_voucher",
        "currency": "USD",
        "fulfilment": "internal",
        "points": 100,
        "offer": {"kind": "percentage", "percent": "10"},
    }
    item_id = api.call("POST", "/v1/catalog/items", body=offer).json["id"]
    listed = body(f"employee_id,item_id,denomination\n{ALICE},{item_id},10\n")
    reply = api.call("POST", "/v1/campaigns/preview", body=listed, as_employee=MAYA)
    details = assert_error(reply, 422, "campaign_csv_invalid")
    assert [problem["field"] for problem in details["errors"]] == ["line 2.item_id"]
    selected = body(selector={"departments": ["Engineering"]}, item_id=item_id, denomination="10")
    reply = api.call("POST", "/v1/campaigns/preview", body=selected, as_employee=MAYA)
    assert_error(reply, 422, "offer_not_awardable")


def test_progress_counts_an_award_paid_by_a_top_up_as_paid(api, team):
    cid = api.call("POST", "/v1/campaigns", body=body(CSV), as_employee=MAYA).json["id"]
    budgets.move_points(SYSTEM, TEAM, TxnKind.BUDGET_WITHDRAWAL, budgets.MovePoints(points=900))  # 100 left
    api.call("POST", f"/v1/campaigns/{cid}/run", as_employee=MAYA)
    progress = api.call("GET", f"/v1/campaigns/{cid}", as_employee=HR).json
    assert (progress["paid"], progress["pending"], progress["remaining"]) == (1, 1, 0)
    top_up(TEAM, 500)  # pays Bob's waiting award
    progress = api.call("GET", f"/v1/campaigns/{cid}", as_employee=HR).json
    assert (progress["status"], progress["paid"], progress["pending"], progress["remaining"]) == (
        "done",
        2,
        0,
        0,
    )
    top_up(TEAM, 500)  # nothing left waiting: nothing counted twice
    assert api.call("GET", f"/v1/campaigns/{cid}", as_employee=HR).json["paid"] == 2
    assert_audit_clean()


def test_cancelling_takes_the_awards_left_pending_out_of_the_pending_count(api, team):
    cid = api.call("POST", "/v1/campaigns", body=body(CSV), as_employee=MAYA).json["id"]
    budgets.move_points(SYSTEM, TEAM, TxnKind.BUDGET_WITHDRAWAL, budgets.MovePoints(points=900))  # 100 left
    api.call("POST", f"/v1/campaigns/{cid}/run", as_employee=MAYA)
    cancelled = api.call("POST", f"/v1/campaigns/{cid}/cancel", as_employee=MAYA).json
    assert (cancelled["status"], cancelled["paid"], cancelled["pending"], cancelled["remaining"]) == (
        "cancelled",
        1,
        0,
        1,  # Bob: never paid now
    )
    assert_audit_clean()
