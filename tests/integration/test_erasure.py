"""POST /v1/employees/{id}/erasure through the real handlers against moto: after a person gave, received and
added on to kudos (announced and DMd in a fake Slack), had their directory entry changed (the trail keeps
the personal values of each change outside its chain) and was linked to a sign-in account, erasing them
leaves no item of the table holding their name, email, Slack id or birthday; their points are expired to
the organisation through the ledger; the bot's Slack posts of their kudos are updated to say the message
was removed; `plaudit audit`'s checks (ledger, trail chain, aggregates, directory counts) all hold; the
kudos others gave them still count. Erasing again answers the first erasure; only HR erases; an unknown id
is 404; a redemption in flight refuses it; an erased entry cannot be written again; their open vouchers are
cancelled, or kept, as settings.erasure.open_vouchers says."""

from __future__ import annotations

import json
import os
from typing import Any

import test_api_campaigns as campaign_tests
import test_api_redemptions
import test_api_vouchers as voucher_tests
import test_slack_kudos
from api_checks import assert_audit_clean, assert_error, table_items
from test_person_export import referrals_of_alice
from test_slack_kudos import FakeSlack

from plaudit.services import corrections
from plaudit.services.insights import audit_aggregates, audit_directory
from plaudit.store import keys
from plaudit.store.codec import from_item
from plaudit_dev.jwt_local import dev_subject
from plaudit_dev.seed import PEOPLE, email_of, slack_id

slack = test_slack_kudos.slack  # the fake Slack fixture
shop, queued = test_api_redemptions.shop, test_api_redemptions.queued  # a catalogue; fulfilment kept queued
redeem = test_api_redemptions.redeem
team = campaign_tests.team  # a budget Maya pays campaigns from
states = voucher_tests.states  # what the (fake) redemptions of issued vouchers were told
HR, MAYA, ALICE, BOB, CARLOS = "E1001", "E1002", "E1003", "E1004", "E1005"
ALICE_ROW = next(row for row in PEOPLE if row[0] == ALICE)
NAME, BIRTHDAY = ALICE_ROW[1], ALICE_ROW[8]
EMAIL, SLACK_ID = email_of(NAME), slack_id(NAME)


def give(api, giver: str, recipients: list[str], points: int, message: str, key: str | None = None) -> str:
    body = {"recipient_ids": recipients, "points": points, "message": message}
    headers = {"Idempotency-Key": key} if key else {}
    reply = api.call("POST", "/v1/recognitions", body=body, as_employee=giver, headers=headers)
    assert reply.status == 201, reply.body
    return reply.json["id"]


def erase(api, who: str = ALICE, *, by: str = HR, reason: str = "Asked to be forgotten (ticket 42)"):
    return api.call("POST", f"/v1/employees/{who}/erasure", body={"reason": reason}, as_employee=by)


def history(api) -> dict[str, str]:
    """Alice gives, receives and adds on; HR changes her entry twice (the trail keeps her values aside)."""
    to_alice = give(api, BOB, [ALICE], 10, f"Thanks {NAME.split()[0]}, great pairing!", key="pairing-1")
    from_alice = give(api, ALICE, [CARLOS], 5, f"From {NAME}: thank you for the review")
    to_carlos = give(api, BOB, [CARLOS], 5, "Nice release")
    add_on = api.call(
        "POST",
        f"/v1/recognitions/{to_carlos}/add-ons",
        body={"points": 2, "message": f"{NAME} agrees"},
        as_employee=ALICE,
        headers={"Idempotency-Key": "agree-1"},  # its first response is kept: its message goes too
    )
    assert add_on.status == 201, add_on.body
    correction = api.call(
        "POST",
        "/v1/corrections",
        body={"recognition_id": to_alice, "points": 3, "reason": f"{NAME} was paid for Bob's pairing twice"},
        as_employee=HR,
        headers={"Idempotency-Key": "fix-pairing-1"},  # its first response is kept: its reason goes too
    )
    assert correction.status == 201, correction.body
    referrals_of_alice(api)  # she referred Carlos, Bob referred her: referrals keep ids, never names
    entry = api.call("GET", f"/v1/employees/{ALICE}", as_employee=HR).json
    for department in ("Platform", "Engineering"):
        fields = {k: v for k, v in entry.items() if k not in ("id", "status")} | {"department": department}
        assert api.call("PUT", f"/v1/employees/{ALICE}", body=fields, as_employee=HR).status == 200
    api.drain_streams()
    return {"to_alice": to_alice, "from_alice": from_alice, "to_carlos": to_carlos} | {
        "correction": correction.json["id"]
    }


def mentions_of_alice(aws) -> list[tuple[str, str, str]]:
    """Every item (key) holding one of Alice's identifiers anywhere in its attributes."""
    needles = {NAME.casefold(), NAME.split()[0].casefold(), EMAIL, SLACK_ID.casefold()}
    found = []
    for item in table_items(aws):
        text = json.dumps(item, ensure_ascii=False).casefold()
        for needle in needles:
            if needle in text:
                found.append((item["PK"]["S"], item["SK"]["S"], needle))
        if from_item(item).get("birthday") == BIRTHDAY or f"#{BIRTHDAY}" in item["PK"]["S"]:
            found.append((item["PK"]["S"], item["SK"]["S"], "birthday"))
    return found


def notification_log(aws) -> list[dict[str, Any]]:
    """Alice's notification log (plaudit.store.notifications)."""
    return [
        item
        for item in table_items(aws)
        if item["PK"]["S"] == f"EMP#{ALICE}" and item["SK"]["S"].startswith("NOTIFICATION#")
    ]


def wallet(api, who: str) -> dict[str, Any]:
    reply = api.call("GET", f"/v1/employees/{who}/wallet", as_employee=HR)
    assert reply.status == 200, reply.body
    return reply.json


def test_erasure_leaves_nothing_of_the_person_and_the_books_true(api, org, aws, clock, slack: FakeSlack):
    kudos = history(api)
    assert mentions_of_alice(aws)  # the scan sees her before
    assert notification_log(aws)  # the kudos DMed to her
    points = wallet(api, ALICE)["points"]
    assert points > 0
    carlos_before = wallet(api, CARLOS)

    reply = erase(api)
    assert reply.status == 201, reply.body
    erasure = reply.json
    assert erasure["employee_id"] == ALICE
    assert erasure["erased_by"] == HR
    assert erasure["points_expired"] == points
    assert erasure["txn_id"]
    api.drain_streams()

    assert mentions_of_alice(aws) == []
    assert notification_log(aws) == []
    assert wallet(api, ALICE)["points"] == 0
    assert wallet(api, CARLOS) == carlos_before  # what she gave others stays theirs

    entry = api.call("GET", f"/v1/employees/{ALICE}", as_employee=HR).json
    assert entry["name"] == "Former employee"
    assert entry["status"] == "erased"
    assert (entry["slack_user_id"], entry["birthday"], entry["start_date"]) == (None, None, None)

    corrected = corrections.kudos_source(kudos["to_alice"])
    assert corrected is not None
    (kept,) = corrected.corrections  # the correction stays (the books count it) without its reason
    assert (kept["id"], kept["points"], kept["reason"]) == (kudos.pop("correction"), {ALICE: 3}, "")
    referred = api.call("GET", "/v1/referrals", as_employee=HR).json["items"]
    assert {(r["hire_id"], r["referrer_id"]) for r in referred} == {(CARLOS, ALICE), (ALICE, BOB)}

    for recognition_id in kudos.values():
        shown = api.call("GET", f"/v1/recognitions/{recognition_id}", as_employee=HR).json
        assert shown["message"] == "", shown
    alice_kudos = api.call("GET", f"/v1/recognitions/{kudos['to_alice']}", as_employee=HR).json
    assert alice_kudos["points"] == 10
    assert alice_kudos["message_redacted_at"]

    updates = slack.called("chat.update")
    assert updates, "the bot's posts about her kudos are updated"
    assert all(update["text"] == "This kudos message was removed." for update in updates)
    assert not any(NAME.split()[0] in json.dumps(update) for update in updates)

    # the sign-in link is gone both ways: her old token names nobody
    assert (
        aws.get_item(TableName=table_name_of(aws), Key=keys.as_attrs(keys.account(ALICE))).get("Item") is None
    )
    subject_key = keys.as_attrs(keys.subject_alias(dev_subject(ALICE)))
    assert aws.get_item(TableName=table_name_of(aws), Key=subject_key).get("Item") is None

    assert_audit_clean()
    assert audit_aggregates() == []
    assert audit_directory() == []

    trail = api.call("GET", "/v1/audit-log?action=employee.erase", as_employee=HR).json
    (act,) = trail["items"]
    assert act["target"] == f"employee:{ALICE}"
    assert act["changes"]["reason"]["after"] == "Asked to be forgotten (ticket 42)"


def table_name_of(aws) -> str:
    return os.environ["TABLE_NAME"]


def test_erasing_again_answers_the_first_erasure_and_changes_nothing(api, org, aws, clock):
    give(api, BOB, [ALICE], 10, "Thanks")
    first = erase(api)
    assert first.status == 201, first.body
    api.drain_streams()
    before = table_items(aws)
    clock.advance(hours=1)
    again = erase(api, reason="another reason")
    assert again.status == 200, again.body
    assert again.json == first.json
    assert table_items(aws) == before
    assert_audit_clean()


def test_erasing_again_someone_who_had_no_points_answers_the_first_erasure(api, org, aws, clock):
    reply = api.call("POST", f"/v1/employees/{CARLOS}/erasure", body={"reason": "asked"}, as_employee=HR)
    assert (reply.status, reply.json["points_expired"], reply.json["txn_id"]) == (201, 0, None)
    again = api.call("POST", f"/v1/employees/{CARLOS}/erasure", body={"reason": "again"}, as_employee=HR)
    assert (again.status, again.json) == (200, reply.json)


def test_only_hr_erases_an_unknown_id_is_404_and_an_erased_entry_stays_erased(api, org, aws, clock):
    assert_error(erase(api, by=MAYA), 403, "forbidden")
    assert_error(erase(api, by=ALICE), 403, "forbidden")
    assert_error(erase(api, "E9999"), 404, "employee_not_found")
    assert erase(api, reason="").status == 422
    assert erase(api).status == 201
    put = api.call("PUT", f"/v1/employees/{ALICE}", body={"email": EMAIL, "name": NAME}, as_employee=HR)
    assert_error(put, 409, "employee_erased")
    new = {"email": "new.person@plaudit.example", "name": "New Person", "status": "erased"}
    assert_error(api.call("PUT", "/v1/employees/E2000", body=new, as_employee=HR), 422, "erasure_needed")
    assert_audit_clean()


def test_a_redemption_in_flight_refuses_the_erasure_until_it_is_cancelled(api, shop, aws, clock):
    held = redeem(api, shop["flagged"])  # waits for approval: its points are held
    assert held.status == 201, held.body
    assert held.json["status"] == "pending_approval"
    before = table_items(aws)
    details = assert_error(erase(api), 409, "redemption_in_flight")
    assert details == {"redemption_ids": [held.json["id"]]}
    assert held.json["id"] in erase(api).json["error"]["message"]
    assert table_items(aws) == before  # nothing half-written

    cancel = api.call("POST", f"/v1/redemptions/{held.json['id']}/cancel", as_employee=ALICE)
    assert cancel.status == 200, cancel.body
    points = wallet(api, ALICE)["points"]
    reply = erase(api)
    assert reply.status == 201, reply.body
    assert reply.json["points_expired"] == points
    assert wallet(api, ALICE)["points"] == 0
    assert_audit_clean()
    assert audit_aggregates() == []


def test_open_vouchers_are_cancelled_with_the_erasure_as_the_settings_say(api, org, aws, clock, states):
    reply = api.call(
        "PATCH",
        "/v1/settings",
        as_employee=HR,
        body={"erasure": {"open_vouchers": "cancel"}},
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert reply.status == 200, reply.body
    live, used = voucher_tests.issue("red_1", employee=ALICE), voucher_tests.issue("red_2", employee=ALICE)
    kept = voucher_tests.issue("red_3", employee=BOB)
    codes = voucher_tests.my_codes(api, ALICE) | voucher_tests.my_codes(api, BOB)
    assert voucher_tests.staff(api, "redeem", codes[used]["code"]).status == 200

    erasure = erase(api)
    assert erasure.status == 201, erasure.body
    assert erasure.json["vouchers_cancelled"] == 1  # the redeemed one had ended already
    voucher_tests.refused(voucher_tests.staff(api, "validate", codes[live]["code"]), "voucher_cancelled")
    assert_error(voucher_tests.staff(api, "redeem", codes[live]["code"]), 409, "voucher_cancelled")
    assert voucher_tests.staff(api, "validate", codes[kept]["code"]).json["usable"] is True  # Bob's
    assert erase(api).json["vouchers_cancelled"] == 1  # asked again: the first answer
    api.drain_streams()
    assert audit_aggregates() == []  # the cancelled one left the live vouchers' expiry rows
    assert_audit_clean()


def test_open_vouchers_stay_usable_when_the_settings_keep_them(api, org, aws, clock, states):
    live = voucher_tests.issue("red_1", employee=ALICE)
    code = voucher_tests.my_codes(api, ALICE)[live]["code"]
    erasure = erase(api)
    assert erasure.status == 201, erasure.body
    assert erasure.json["vouchers_cancelled"] == 0  # keep, the default
    assert voucher_tests.staff(api, "validate", code).json["usable"] is True


def test_the_api_names_an_erased_person_in_the_callers_language(api, org, aws, clock):
    assert erase(api).status == 201
    assert api.call("GET", f"/v1/employees/{ALICE}", as_employee=HR).json["name"] == "Former employee"
    hr = api.call("GET", f"/v1/employees/{HR}", as_employee=HR).json
    fields = {k: v for k, v in hr.items() if k not in ("id", "status")} | {"locale": "fr"}
    assert api.call("PUT", f"/v1/employees/{HR}", body=fields, as_employee=HR).status == 200
    entry = api.call("GET", f"/v1/employees/{ALICE}", as_employee=HR)
    assert entry.json["name"] == "Ancien employé", entry.body
    listed = api.call("GET", "/v1/employees?limit=100", as_employee=HR).json["items"]
    assert {p["name"] for p in listed if p["id"] == ALICE} == {"Ancien employé"}


def test_the_campaigns_that_paid_them_keep_their_row_without_email_or_message(api, aws, clock, team):
    first = NAME.split()[0]
    csv_text = f"email,points,message\n{EMAIL},100,Thanks {first} for the launch\n"
    created = api.call("POST", "/v1/campaigns", body=campaign_tests.body(csv_text), as_employee=MAYA)
    assert created.status == 201, created.body
    ran = api.call("POST", f"/v1/campaigns/{created.json['id']}/run", as_employee=MAYA)
    assert ran.status == 202, ran.body
    api.drain_streams()
    assert campaign_tests.points_of(ALICE) == 100
    assert mentions_of_alice(aws)  # the campaign's row and the award's message name her

    assert erase(api).status == 201
    api.drain_streams()
    assert mentions_of_alice(aws) == []
    report = campaign_tests.report_rows(api, created.json["id"])
    assert report[ALICE]["outcome"] == "paid"  # the row stays, with its outcome
    assert_audit_clean()
    assert audit_aggregates() == []
