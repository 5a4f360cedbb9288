"""POST /v1/corrections through the real handlers against moto: HR takes back points paid in error (a
milestone award, a campaign payment, a kudos) by a compensating transaction; partial, then the rest, then
409 `already_reversed`; never more than remains (`exceeds_paid`) nor than the person holds (`points_spent`);
an Idempotency-Key replays; two corrections read at once never take back more than was paid; the award's
budget gets its points back; the person is told; every act is in the trail; the ledger, the aggregates and
the chain prove after each scenario."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
import test_slack_kudos
from api_checks import assert_audit_clean, assert_error
from test_api_campaigns import CSV, team  # noqa: F401 - the campaign's funded budget fixture
from test_api_campaigns import body as campaign_body
from test_slack_kudos import FakeSlack

from plaudit.domain.campaigns import award_id as campaign_award_id
from plaudit.domain.recognition import WalletChange
from plaudit.services import corrections
from plaudit.services.insights import audit_aggregates
from plaudit.services.trail import record
from plaudit.store import insights as insight_store
from plaudit.store import snapshots
from plaudit.store import trail as trail_store
from plaudit.store.ledger import wallet_write
from plaudit.store.reads import get_one
from plaudit.store.transact import WriteRefused, write_all

slack = test_slack_kudos.slack  # the fake Slack fixture
HR, MAYA, ALICE, BOB, CARLOS = "E1001", "E1002", "E1003", "E1004", "E1005"
BUDGET = "corrections"
REASON = "Paid twice by mistake (ticket HR-42)"


def fund(api, points: int) -> None:
    body = {"id": BUDGET, "name": "Corrections test", "kind": "company"}
    assert api.call("POST", "/v1/budgets", body=body, as_employee=HR).status == 201
    assert (
        api.call("POST", f"/v1/budgets/{BUDGET}/top-ups", body={"points": points}, as_employee=HR).status
        == 201
    )


def award_bob(api, clock, points: int = 200) -> str:
    """A birthday rule's award to Bob (born on 11-23), paid from the budget."""
    clock.at = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # before his celebration: the rule is in force
    rule = {
        "name": "Birthday",
        "type": "birthday",
        "points": points,
        "budget_id": BUDGET,
        "message": "Happy!",
    }
    assert api.call("POST", "/v1/milestone-rules", body=rule, as_employee=HR).status == 201
    done = api.call("POST", "/v1/milestones/runs", body={"date": "2026-11-23"}, as_employee=HR)
    assert done.status == 201, done.body
    (award,) = [a for a in done.json["awarded"] if a["employee_id"] == BOB]
    api.drain_streams()
    return award["id"]


def correct(api, *, by: str = HR, key: str | None = None, **fields: Any):
    headers = {"Idempotency-Key": key} if key else None
    return api.call(
        "POST", "/v1/corrections", body={"reason": REASON} | fields, as_employee=by, headers=headers
    )


def points_of(employee_id: str) -> int:
    return snapshots.load(wallets=[employee_id]).wallet(employee_id).points


def balance(api, budget_id: str = BUDGET) -> int:
    return api.call("GET", f"/v1/budgets/{budget_id}", as_employee=HR).json["balance"]


def assert_all_proves(api) -> None:
    api.drain_streams()
    assert_audit_clean()
    assert audit_aggregates() == []


def test_an_award_is_corrected_in_part_then_whole_and_its_budget_gets_the_points_back(api, org, clock):
    fund(api, 1000)
    award = award_bob(api, clock)
    bob, budget = points_of(BOB), balance(api)
    assert budget == 800

    first = correct(api, award_id=award, points=50)
    assert first.status == 201, first.body
    assert first.json["reversed"] == {BOB: 50}
    assert first.json["to"] == f"budget:{BUDGET}"
    assert (points_of(BOB), balance(api)) == (bob - 50, budget + 50)

    details = assert_error(correct(api, award_id=award, points=151), 409, "exceeds_paid")
    assert details == {"asked": 151, "paid": 200, "reversed": 50, "remaining": 150}
    rest = correct(api, award_id=award)  # all that remains
    assert rest.status == 201, rest.body
    assert rest.json["reversed"] == {BOB: 150}
    assert rest.json["id"] != first.json["id"]
    assert (points_of(BOB), balance(api)) == (bob - 200, 1000)
    details = assert_error(correct(api, award_id=award), 409, "already_reversed")
    assert details == {"reversed": {BOB: 200}}

    listed = api.call("GET", f"/v1/milestones/awards?employee={BOB}", as_employee=HR).json["items"]
    assert [(a["id"], a["status"], a["corrected_points"]) for a in listed] == [(award, "paid", 200)]
    ledger = api.call("GET", f"/v1/employees/{BOB}/ledger", as_employee=HR).json["items"]
    fixes = sorted(line["amount"] for line in ledger if line["kind"] == "correction")
    assert fixes == [-150, -50]
    entries = api.call("GET", "/v1/audit-log?action=ledger.correct", as_employee=HR).json["items"]
    assert [entry["target"] for entry in entries] == [f"award:{award}"] * 2
    # the reason is free text about Bob: it rides beside the chain (his erasure deletes it), not in it
    assert [entry["changes"]["reason"] for entry in entries] == [{"personal": True}] * 2
    kept = [json.loads(get_one(key)["personal"]) for key in trail_store.entries_about(BOB)]
    assert [values for values in kept if "reason" in values] == [
        {"reason": {"before": None, "after": REASON}}
    ] * 2

    assert_all_proves(api)
    counters = insight_store.read_counters([(f"person:{BOB}", "2026"), (f"budget:{BUDGET}", "2026")])
    assert counters[(f"person:{BOB}", "2026")]["award_points_paid"] == 0  # net of corrections
    assert counters[(f"person:{BOB}", "2026")]["award_points_corrected"] == 200
    assert counters[(f"budget:{BUDGET}", "2026")].get("award_points_paid", 0) == 0


def test_refusals_say_why_and_write_nothing(api, org, clock):
    fund(api, 1000)
    award = award_bob(api, clock)
    assert_error(correct(api, award_id=award, by=MAYA), 403, "forbidden")
    assert_error(correct(api, award_id="award_7ZZZZZZZZZZZZZZZZZZZZZZZZZ"), 404, "award_not_found")
    assert_error(correct(api, recognition_id="rec_7ZZZZZZZZZZZZZZZZZZZZZZZZZ"), 404, "recognition_not_found")
    assert_error(correct(api), 422, "invalid_request")  # neither source
    assert_error(
        correct(api, award_id=award, recognition_id="rec_7ZZZZZZZZZZZZZZZZZZZZZZZZZ"), 422, "invalid_request"
    )
    assert_error(correct(api, award_id=award, employee_id=ALICE), 422, "not_a_recipient")
    assert_error(correct(api, award_id=award, points=0), 422, "invalid_request")

    spent = points_of(BOB) - 30
    write_all([wallet_write(WalletChange(BOB, points_delta=-spent), clock())])  # as if spent elsewhere
    details = assert_error(correct(api, award_id=award), 409, "points_spent")
    assert details == {"employee_ids": [BOB], "holds": {BOB: 30}, "to_reverse": {BOB: 200}}
    write_all([wallet_write(WalletChange(BOB, points_delta=spent), clock())])
    assert api.call("GET", "/v1/audit-log?action=ledger.correct", as_employee=HR).json["items"] == []
    assert_all_proves(api)


def test_an_idempotency_key_replays_the_first_answer(api, org, clock):
    fund(api, 1000)
    award = award_bob(api, clock)
    first = correct(api, award_id=award, points=20, key="fix-1")
    assert first.status == 201, first.body
    again = correct(api, award_id=award, points=20, key="fix-1")
    assert (again.status, again.json, again.headers.get("idempotent-replayed")) == (201, first.json, "true")
    assert balance(api) == 820
    assert_error(correct(api, award_id=award, points=30, key="fix-1"), 409, "idempotency_key_reused")
    assert_all_proves(api)


def test_two_corrections_read_at_once_never_take_back_more_than_was_paid(api, org, clock, monkeypatch):
    fund(api, 1000)
    award = award_bob(api, clock)
    kudos = {"recipient_ids": [BOB], "points": 10, "message": "Thanks"}
    assert api.call("POST", "/v1/recognitions", body=kudos, as_employee=ALICE).status == 201  # Bob holds more
    stale = corrections.award_source(award)
    assert stale is not None
    # two corrections planned from the same read: the second cannot take the number the first took
    one, one_writes = corrections.plan(stale, {BOB: 150}, REASON, HR, clock())
    _, two_writes = corrections.plan(stale, {BOB: 150}, REASON, HR, clock())
    record(one_writes, corrections.act_of(HR, stale, one))
    with pytest.raises(WriteRefused) as refused:
        write_all(two_writes)
    assert refused.value.refused("correction")
    # through the service: a request that read before the first correction reads again, and is bounded
    reads = iter([stale])
    real = corrections.award_source
    monkeypatch.setattr(corrections, "award_source", lambda aid: next(reads, None) or real(aid))
    details = assert_error(correct(api, award_id=award, points=55), 409, "exceeds_paid")
    assert details["remaining"] == 50
    assert points_of(BOB) >= 0
    assert balance(api) == 950
    assert_all_proves(api)


def test_a_campaign_payment_is_corrected_by_hr_not_by_the_budget_holder(api, org, clock, team):  # noqa: F811
    cid = api.call("POST", "/v1/campaigns", body=campaign_body(CSV), as_employee=MAYA).json["id"]
    assert api.call("POST", f"/v1/campaigns/{cid}/run", as_employee=MAYA).status == 202
    api.drain_streams()
    paid = campaign_award_id(cid, ALICE)
    assert_error(correct(api, award_id=paid, by=MAYA), 403, "forbidden")
    before = balance(api, team)
    done = correct(api, award_id=paid, points=40)
    assert done.status == 201, done.body
    assert done.json["reversed"] == {ALICE: 40}
    assert balance(api, team) == before + 40
    assert_all_proves(api)


def test_a_kudos_is_corrected_and_hiding_it_later_reverses_only_what_remains(
    api, org, clock, slack: FakeSlack
):
    given = api.call(
        "POST",
        "/v1/recognitions",
        body={"recipient_ids": [ALICE, CARLOS], "points": 6, "message": "Thanks"},
        as_employee=BOB,
    )
    assert given.status == 201, given.body
    kudos = given.json["id"]
    assert (
        api.call("POST", f"/v1/recognitions/{kudos}/add-ons", body={"points": 2}, as_employee=MAYA).status
        == 201
    )
    api.drain_streams()
    alice, carlos = points_of(ALICE), points_of(CARLOS)

    assert_error(correct(api, recognition_id=kudos, points=3), 422, "recipient_needed")
    done = correct(api, recognition_id=kudos, employee_id=ALICE, points=3)
    assert done.status == 201, done.body
    assert (done.json["reversed"], done.json["to"]) == ({ALICE: 3}, "org:forfeited")
    api.drain_streams()
    dms = [call for call in slack.called("chat.postMessage") if "taken back" in call.get("text", "")]
    assert len(dms) == 1
    assert "Paid twice by mistake" in dms[0]["text"]

    hidden = api.call(
        "POST", f"/v1/recognitions/{kudos}/hide", body={"reason": "Spam", "points": "reverse"}, as_employee=HR
    )
    assert hidden.status == 200, hidden.body
    assert hidden.json["reversed"] == {ALICE: 5, CARLOS: 8}
    assert (points_of(ALICE), points_of(CARLOS)) == (alice - 8, carlos - 8)
    details = assert_error(correct(api, recognition_id=kudos), 409, "already_reversed")
    assert details == {"reversed": {ALICE: 8, CARLOS: 8}}
    assert_all_proves(api)
