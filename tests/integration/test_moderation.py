"""POST /v1/recognitions/{id}/hide through the real handlers against moto: HR hides a kudos that broke the
rules; it leaves the feeds, only HR sees it, the bot's Slack posts of it say it was removed, and the act is
in the trail with the reason. Reversing its points takes back what it and its add-ons paid each recipient by
a compensating transaction; a recipient who spent them refuses it (409, naming them); hiding twice is a 409;
`plaudit audit`'s checks hold after each."""

from __future__ import annotations

import test_slack_kudos
from api_checks import assert_audit_clean, assert_error
from test_slack_kudos import FakeSlack

from plaudit.domain.recognition import WalletChange
from plaudit.services.insights import audit_aggregates
from plaudit.store.ledger import wallet_write
from plaudit.store.transact import write_all

slack = test_slack_kudos.slack  # the fake Slack fixture
HR, MAYA, ALICE, BOB, CARLOS = "E1001", "E1002", "E1003", "E1004", "E1005"


def give(api, giver: str, recipients: list[str], points: int, message: str = "Thanks") -> str:
    body = {"recipient_ids": recipients, "points": points, "message": message}
    reply = api.call("POST", "/v1/recognitions", body=body, as_employee=giver)
    assert reply.status == 201, reply.body
    return reply.json["id"]


def hide(api, recognition_id: str, points: str = "keep", *, by: str = HR):
    body = {"reason": "Insulting language (policy 4.2)", "points": points}
    return api.call("POST", f"/v1/recognitions/{recognition_id}/hide", body=body, as_employee=by)


def points_of(api, who: str) -> int:
    return api.call("GET", f"/v1/employees/{who}/wallet", as_employee=HR).json["points"]


def feed_ids(api, who: str) -> list[str]:
    return [k["id"] for k in api.call("GET", "/v1/recognitions", as_employee=who).json["items"]]


def test_hiding_keeps_the_points_takes_it_out_of_sight_and_updates_slack(api, org, clock, slack: FakeSlack):
    kudos = give(api, BOB, [ALICE], 10, "Something rude")
    api.drain_streams()
    alice = points_of(api, ALICE)
    assert kudos in feed_ids(api, CARLOS)

    reply = hide(api, kudos)
    assert reply.status == 200, reply.body
    assert reply.json["reversed"] == {}
    assert reply.json["txn_id"] is None
    api.drain_streams()

    assert kudos not in feed_ids(api, CARLOS)
    assert kudos not in feed_ids(api, ALICE)
    assert_error(
        api.call("GET", f"/v1/recognitions/{kudos}", as_employee=ALICE), 404, "recognition_not_found"
    )
    assert api.call("GET", f"/v1/recognitions/{kudos}", as_employee=HR).json["hidden_at"]
    assert points_of(api, ALICE) == alice
    updates = slack.called("chat.update")
    assert updates
    assert {update["text"] for update in updates} == {"This kudos message was removed."}

    entries = api.call("GET", "/v1/audit-log?action=recognition.hide", as_employee=HR).json["items"]
    assert [entry["target"] for entry in entries] == [f"recognition:{kudos}"]
    assert entries[0]["changes"]["reason"]["after"] == "Insulting language (policy 4.2)"
    assert_error(hide(api, kudos), 409, "kudos_hidden")
    assert_audit_clean()
    assert audit_aggregates() == []


def test_reversing_takes_back_what_it_paid_by_a_compensating_transaction(api, org, clock):
    kudos = give(api, BOB, [ALICE, CARLOS], 6)
    add_on = api.call("POST", f"/v1/recognitions/{kudos}/add-ons", body={"points": 2}, as_employee=MAYA)
    assert add_on.status == 201, add_on.body
    api.drain_streams()
    before = {who: points_of(api, who) for who in (ALICE, CARLOS)}

    reply = hide(api, kudos, "reverse")
    assert reply.status == 200, reply.body
    assert reply.json["reversed"] == {ALICE: 8, CARLOS: 8}
    assert reply.json["txn_id"]
    api.drain_streams()
    assert {who: points_of(api, who) for who in (ALICE, CARLOS)} == {who: n - 8 for who, n in before.items()}
    ledger = api.call("GET", f"/v1/employees/{ALICE}/ledger", as_employee=HR).json["items"]
    assert ledger[0]["kind"] == "correction"
    assert ledger[0]["amount"] == -8
    assert_audit_clean()
    assert audit_aggregates() == []


def test_points_spent_refuse_the_reversal_and_only_hr_hides(api, org, clock):
    kudos = give(api, BOB, [ALICE], 10)
    api.drain_streams()
    assert_error(hide(api, kudos, by=MAYA), 403, "forbidden")
    assert_error(hide(api, "rec_7ZZZZZZZZZZZZZZZZZZZZZZZZZ"), 404, "recognition_not_found")
    spent = points_of(api, ALICE) - 5
    write_all([wallet_write(WalletChange(ALICE, points_delta=-spent), clock())])  # as if spent elsewhere
    details = assert_error(hide(api, kudos, "reverse"), 409, "points_spent")
    assert details == {"employee_ids": [ALICE], "holds": {ALICE: 5}, "to_reverse": {ALICE: 10}}
    write_all([wallet_write(WalletChange(ALICE, points_delta=spent), clock())])
    assert hide(api, kudos, "keep").status == 200
    assert_audit_clean()
