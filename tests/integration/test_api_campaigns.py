"""Campaigns over REST: preview (count, cost, skipped with reasons, covered), a CSV refused row by row
before anything is stored, create, run through the queue and its worker, progress, the report CSV, cancel;
each person paid once per campaign whatever is resubmitted or redelivered; a budget emptied mid-run leaves
the rest pending (paid by a top-up); the audit stays clean and every act is in the trail."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from api_checks import assert_audit_clean, assert_error, table_items

from plaudit.domain.access import SYSTEM
from plaudit.domain.campaigns import award_id
from plaudit.domain.ledger import TxnKind
from plaudit.services import budgets, campaigns
from plaudit.store import keys, snapshots
from plaudit.store.reads import get_one

HR, MAYA, ALICE, BOB, CARLOS, HUGO = "E1001", "E1002", "E1003", "E1004", "E1005", "E1010"
TEAM = "eng-campaigns"


def fund(budget_id: str, points: int, holders: list[str], **scope: Any) -> None:
    budgets.create_budget(
        SYSTEM,
        budgets.CreateBudget(id=budget_id, name=budget_id, kind="company", holders=holders, **scope),
    )
    if points:
        top_up(budget_id, points)


def top_up(budget_id: str, points: int) -> None:
    budgets.move_points(SYSTEM, budget_id, TxnKind.BUDGET_TOP_UP, budgets.MovePoints(points=points))


@pytest.fixture
def team(org, clock) -> str:
    fund(TEAM, 1_000, [MAYA], departments=["Engineering"])
    return TEAM


def body(csv_text: str | None = None, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"name": "Launch thanks", "budget_id": TEAM, "message": "Thank you for the launch"}
    if csv_text is not None:
        base["csv"] = csv_text
    return base | fields


def points_of(employee_id: str) -> int:
    return snapshots.load(wallets=[employee_id]).wallet(employee_id).points


def balance(budget_id: str) -> int:
    return budgets.get_budget(SYSTEM, budget_id).balance


def report_rows(api, cid: str, by: str = MAYA) -> dict[str, dict[str, str]]:
    reply = api.call("GET", f"/v1/campaigns/{cid}/report", as_employee=by)
    assert reply.status == 200, reply.body
    assert reply.headers["content-type"] == "text/csv"
    return {
        row["employee_id"] or row["email"]: row for row in csv.DictReader(io.StringIO(reply.body.decode()))
    }


CSV = (
    "employee_id,email,points,message\n"
    f"{ALICE},,100,Great work\n,bob@plaudit.example,50,\nE9999,,10,\n{HUGO},,10,\n"
)


def test_preview_says_who_what_and_why_not(api, team):
    people = api.call("POST", "/v1/campaigns/preview", body=body(CSV), as_employee=MAYA)
    assert people.status == 200, people.body
    preview = people.json
    assert (preview["people"], preview["total_points"], preview["budget_available"], preview["covered"]) == (
        2,
        150,
        1_000,
        True,
    )
    skipped = {(s["line"], s["employee_id"], s["reason"]) for s in preview["skipped"]}
    assert skipped == {(4, "E9999", "unknown"), (5, HUGO, "outside_budget_scope")}


def test_a_bad_csv_is_refused_line_by_line_and_nothing_is_stored(api, aws, team):
    bad = f"employee_id,points\n{ALICE},100\n{BOB},-5\n{ALICE},10\n,20\n{CARLOS},lots\n"
    merge = {"content-type": "application/merge-patch+json"}
    assert api.call("PATCH", "/v1/me", as_employee=MAYA, body={"locale": "fr"}, headers=merge).status == 200
    api.drain_streams()
    before = table_items(aws)
    reply = api.call("POST", "/v1/campaigns", body=body(bad), as_employee=MAYA)  # said in her language
    details = assert_error(reply, 422, "campaign_csv_invalid")
    assert details["lines"] == [3, 4, 5, 6]
    fields = [problem["field"] for problem in details["errors"]]
    assert fields == ["line 3.points", "line 4", "line 5", "line 6.points"]
    assert "Lignes incorrectes" in reply.json["error"]["message"]
    assert_error(
        api.call("POST", "/v1/campaigns", body=body("who,points\nx,1\n"), as_employee=MAYA),
        422,
        "campaign_csv_unusable",
    )
    assert table_items(aws) == before


def test_refusals(api, aws, team):
    api.drain_streams()  # the budget's trail entry linked
    before = table_items(aws)
    assert_error(api.call("POST", "/v1/campaigns", body=body(CSV), as_employee=ALICE), 403, "not_a_holder")
    assert_error(
        api.call("POST", "/v1/campaigns", body=body(CSV, budget_id="nope"), as_employee=HR),
        404,
        "budget_not_found",
    )
    big = f"employee_id,points\n{ALICE},900\n{BOB},200\n"
    details = assert_error(
        api.call("POST", "/v1/campaigns", body=body(big), as_employee=MAYA), 422, "insufficient_budget"
    )
    assert details == {"points_needed": 1_100, "points_available": 1_000}
    assert (
        api.call("POST", "/v1/campaigns/preview", body=body(big), as_employee=MAYA).json["covered"] is False
    )
    both = body(CSV, selector={"everyone": True}, points=5)
    assert_error(api.call("POST", "/v1/campaigns", body=both, as_employee=MAYA), 422, "invalid_request")
    missing = "cmp_01JAAAAAAAAAAAAAAAAAAAAAAA"
    assert_error(api.call("GET", f"/v1/campaigns/{missing}", as_employee=MAYA), 404, "campaign_not_found")
    assert table_items(aws) == before


def test_run_pays_each_person_once_and_tells_them(api, team):
    created = api.call(
        "POST", "/v1/campaigns", body=body(CSV), as_employee=MAYA, headers={"Idempotency-Key": "c1"}
    )
    assert created.status == 201, created.body
    cid = created.json["id"]
    assert (created.json["status"], created.json["people"], created.json["skipped"]) == ("draft", 2, 2)
    again = api.call(
        "POST", "/v1/campaigns", body=body(CSV), as_employee=MAYA, headers={"Idempotency-Key": "c1"}
    )
    assert (again.status, again.json["id"], again.headers.get("idempotent-replayed")) == (201, cid, "true")

    ran = api.call("POST", f"/v1/campaigns/{cid}/run", as_employee=MAYA)  # the queue is drained after it
    assert ran.status == 202, ran.body
    progress = api.call("GET", f"/v1/campaigns/{cid}", as_employee=MAYA).json
    assert (progress["status"], progress["paid"], progress["pending"], progress["failed"]) == (
        "done",
        2,
        0,
        0,
    )
    assert (points_of(ALICE), points_of(BOB), balance(TEAM)) == (100, 50, 850)

    # resubmitted: run again, a redelivered chunk, a worker that crashed after paying: nobody twice
    assert api.call("POST", f"/v1/campaigns/{cid}/run", as_employee=MAYA).status == 409
    assert campaigns.process_chunk(cid, 0) == {}
    award = get_one(keys.award(award_id(cid, ALICE)))
    assert award is not None
    assert (award["status"], award["given_by"], award["message"]) == (
        "paid",
        MAYA,
        "Great work",
    )
    assert get_one(keys.award(award_id(cid, BOB)))["message"] == "Thank you for the launch"
    assert (points_of(ALICE), points_of(BOB), balance(TEAM)) == (100, 50, 850)

    rows = report_rows(api, cid)
    assert (rows[ALICE]["outcome"], rows[BOB]["outcome"]) == ("paid", "paid")
    assert (rows["E9999"]["outcome"], rows["E9999"]["reason"]) == ("skipped", "unknown")
    assert rows[HUGO]["reason"] == "outside_budget_scope"
    actions = [e["action"] for e in api.call("GET", "/v1/audit-log", as_employee=HR).json["items"]]
    assert {"campaign.create", "campaign.run"} <= set(actions)
    assert_audit_clean()


def test_a_crashed_worker_pays_nobody_twice(api, team, monkeypatch):
    created = api.call("POST", "/v1/campaigns", body=body(CSV), as_employee=MAYA).json
    cid = created["id"]

    def crash(*args, **kwargs):
        raise RuntimeError("worker died after paying")

    from plaudit.store import campaigns as store

    real = store.chunk_done_writes
    monkeypatch.setattr(store, "chunk_done_writes", crash)
    api.call("POST", f"/v1/campaigns/{cid}/run", as_employee=MAYA)  # paid, then died: the message comes back
    assert (points_of(ALICE), points_of(BOB)) == (100, 50)
    monkeypatch.setattr(store, "chunk_done_writes", real)
    api.drain_queues()  # redelivered
    progress = api.call("GET", f"/v1/campaigns/{cid}", as_employee=MAYA).json
    assert (progress["status"], progress["paid"]) == ("done", 2)
    assert (points_of(ALICE), points_of(BOB), balance(TEAM)) == (100, 50, 850)
    assert_audit_clean()


def test_a_budget_emptied_mid_run_leaves_the_rest_pending_then_a_top_up_pays_them(api, team):
    cid = api.call("POST", "/v1/campaigns", body=body(CSV), as_employee=MAYA).json["id"]
    budgets.move_points(SYSTEM, TEAM, TxnKind.BUDGET_WITHDRAWAL, budgets.MovePoints(points=900))  # 100 left
    api.call("POST", f"/v1/campaigns/{cid}/run", as_employee=MAYA)
    progress = api.call("GET", f"/v1/campaigns/{cid}", as_employee=HR).json
    assert (progress["status"], progress["paid"], progress["pending"], progress["failed"]) == (
        "done",
        1,
        1,
        0,
    )
    assert (points_of(ALICE), points_of(BOB)) == (100, 0)
    assert report_rows(api, cid)[BOB]["outcome"] == "pending"
    top_up(TEAM, 500)
    assert points_of(BOB) == 50
    assert report_rows(api, cid)[BOB]["outcome"] == "paid"
    assert_audit_clean()


def test_cancel_stops_what_is_not_paid(api, team):
    cid = api.call("POST", "/v1/campaigns", body=body(CSV), as_employee=MAYA).json["id"]
    cancelled = api.call("POST", f"/v1/campaigns/{cid}/cancel", as_employee=HR)
    assert (cancelled.status, cancelled.json["status"]) == (200, "cancelled")
    assert_error(api.call("POST", f"/v1/campaigns/{cid}/run", as_employee=MAYA), 409, "campaign_finished")
    assert_error(api.call("POST", f"/v1/campaigns/{cid}/cancel", as_employee=MAYA), 409, "campaign_finished")
    assert (points_of(ALICE), points_of(BOB), balance(TEAM)) == (0, 0, 1_000)
    assert report_rows(api, cid)[ALICE]["outcome"] == "cancelled"
    assert "campaign.cancel" in [
        e["action"] for e in api.call("GET", "/v1/audit-log", as_employee=HR).json["items"]
    ]


def test_a_selector_picks_from_the_directory(api, team):
    selector = {"departments": ["Engineering"], "countries": ["US"]}
    preview = api.call(
        "POST", "/v1/campaigns/preview", body=body(selector=selector, points=10), as_employee=HR
    ).json
    assert (preview["people"], preview["total_points"]) == (3, 30)  # Maya, Alice, Ethan
    started = api.call(
        "POST",
        "/v1/campaigns/preview",
        body=body(selector={"started_from": "2024-01-01"}, points=10),
        as_employee=HR,
    ).json
    assert started["people"] == 1  # Ethan (Hugo and Jon are outside the budget's departments)
    assert {s["employee_id"] for s in started["skipped"]} == {HUGO, "E1012"}
    bad = body(selector={"everyone": True, "countries": ["US"]}, points=10)
    assert_error(api.call("POST", "/v1/campaigns/preview", body=bad, as_employee=HR), 422, "invalid_request")


def test_cancelling_a_campaign_stops_its_pending_awards(api, team):
    cid = api.call("POST", "/v1/campaigns", body=body(CSV), as_employee=MAYA).json["id"]
    budgets.move_points(SYSTEM, TEAM, TxnKind.BUDGET_WITHDRAWAL, budgets.MovePoints(points=900))  # 100 left
    api.call("POST", f"/v1/campaigns/{cid}/run", as_employee=MAYA)
    assert report_rows(api, cid)[BOB]["outcome"] == "pending"
    cancelled = api.call("POST", f"/v1/campaigns/{cid}/cancel", as_employee=MAYA)  # done, one still pending
    assert (cancelled.status, cancelled.json["status"]) == (200, "cancelled")
    top_up(TEAM, 500)
    assert (points_of(ALICE), points_of(BOB)) == (100, 0)  # Bob's award will not be paid now
    rows = report_rows(api, cid)
    assert (rows[ALICE]["outcome"], rows[BOB]["outcome"]) == ("paid", "cancelled")
    assert get_one(keys.award(award_id(cid, BOB)))["status"] == "cancelled"
    assert_audit_clean()
