"""POST /v1/employees/{id}/exports through the real handlers and the export worker against moto: the person
(or HR) gets a zip holding everything the table holds about them, as JSON and a CSV per section; the test
compares it with every item of the table that mentions the person. Vouchers' codes never leave this way;
anyone else is refused; the link expires (410)."""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from typing import Any

import boto3
from api_checks import assert_audit_clean, assert_error, table_items

from plaudit.domain.settings import RetentionSettings
from plaudit.store import keys
from plaudit.store.codec import from_item

HR, MAYA, ALICE, BOB, CARLOS = "E1001", "E1002", "E1003", "E1004", "E1005"

# Items that mention the person but are indexes or counters derived from the exported ones (or, for the
# journal of a transaction, the same postings as their ledger lines).
DERIVED = {
    "feed_entry": "the feeds index the kudos exported",
    "insight_member": "insights: who gave or received in a period",
    "insight_source": "insights: which batch counted a kudos",
    "insight_batch": "insights: a projection batch's journal",
    "txn": "the journal of postings exported as ledger lines",
    "email_alias": "the profile's email, exported",
    "slack_alias": "the profile's Slack id, exported",
    "subject_alias": "the sign-in link, exported",
    "milestone_day": "the day index of the profile's dates",
    "team_member": "the manager's listing of the profile",
    "name_word": "the directory's index of the profile's name words",
    "first_response": "a request's first response, kept for its replays",
    "export": "this export's own job",
    "referral_due": "a referral's later part waiting for its day: the referral is exported",
}


def archive_of(api, who: str, *, by: str) -> tuple[dict[str, Any], dict[str, list[dict[str, str]]], dict]:
    reply = api.call("POST", f"/v1/employees/{who}/exports", as_employee=by)
    assert reply.status == 202, reply.body
    job = reply.json
    assert (job["kind"], job["format"], job["employee_id"]) == ("person", "zip", who)
    api.drain_queues()
    done = api.call("GET", f"/v1/exports/{job['id']}", as_employee=by).json
    assert done["status"] == "done", done
    download = api.call("GET", f"/v1/exports/{job['id']}/download", as_employee=by)
    assert download.status == 303, download.body
    assert "zip" in download.headers["location"]
    body = (
        boto3.client("s3", region_name="us-east-1")
        .get_object(Bucket=os.environ["EXPORT_BUCKET_NAME"], Key=keys.export_object(job["id"], "zip"))["Body"]
        .read()
    )
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        document = json.loads(archive.read("person.json"))
        tables = {
            name.removesuffix(".csv"): list(csv.DictReader(io.StringIO(archive.read(name).decode())))
            for name in archive.namelist()
            if name.endswith(".csv")
        }
    return document, tables, done


REFERRAL_RULE = {
    "name": "Referral bonus",
    "type": "referral",
    "points": 100,
    "at_hire_percent": 40,
    "after_days": 90,
    "budget_id": "referrals",
    "message": "Thank you for the referral, {first_name}: {points} points!",
}


def referrals_of_alice(api) -> None:
    """Alice referred Carlos, and Bob referred Alice."""
    body = {"id": "referrals", "name": "Referral bonuses", "kind": "program"}
    assert api.call("POST", "/v1/budgets", body=body, as_employee=HR).status == 201
    top_up = api.call("POST", "/v1/budgets/referrals/top-ups", body={"points": 1000}, as_employee=HR)
    assert top_up.status == 201, top_up.body
    assert api.call("POST", "/v1/milestone-rules", body=REFERRAL_RULE, as_employee=HR).status == 201
    for hire, referrer in ((CARLOS, ALICE), (ALICE, BOB)):
        body = {"hire_id": hire, "referrer_id": referrer, "hired_on": "2026-01-05"}
        reply = api.call("POST", "/v1/referrals", body=body, as_employee=HR)
        assert reply.status == 201, reply.body


def test_a_persons_export_holds_everything_the_table_says_of_them(api, org, aws, clock):
    kudos = []
    for giver, recipient, message in ((BOB, ALICE, "Thanks Alice"), (ALICE, CARLOS, "Great review")):
        body = {"recipient_ids": [recipient], "points": 5, "message": message}
        reply = api.call("POST", "/v1/recognitions", body=body, as_employee=giver)
        assert reply.status == 201, reply.body
        kudos.append(reply.json["id"])
    body = {"recognition_id": kudos[0], "points": 2, "reason": "Counted twice for Alice"}
    assert api.call("POST", "/v1/corrections", body=body, as_employee=HR).status == 201
    referrals_of_alice(api)
    api.drain_streams()

    document, tables, done = archive_of(api, ALICE, by=ALICE)
    sections = document["sections"]
    assert document["employee_id"] == ALICE
    assert sections["profile"][0]["name"] == "Alice Martin"
    assert [k["message"] for k in sections["kudos_received"]] == ["Thanks Alice"]
    assert [k["message"] for k in sections["kudos_given"]] == ["Great review"]
    assert done["rows"] == sum(len(items) for items in sections.values())
    assert tables["profile"][0]["email"] == "alice@plaudit.example"  # each section also as CSV
    assert {row["kind"] for row in tables["ledger"]} >= {"kudos", "correction"}
    (correction,) = sections["corrections"]
    assert (correction["reason"], correction["points"]) == ("Counted twice for Alice", {ALICE: 2})
    assert tables["corrections"][0]["reason"] == "Counted twice for Alice"
    made = {(r["hire_id"], r["referrer_id"]) for r in sections["referrals"]}
    assert made == {(CARLOS, ALICE), (ALICE, BOB)}  # the one she made and the one that hired her
    assert {row["hire_id"] for row in tables["referrals"]} == {CARLOS, ALICE}

    exported = json.dumps(sections, sort_keys=True, default=str)
    missing = []
    for item in map(from_item, table_items(aws)):
        text = json.dumps(item, default=str)
        if (
            ALICE not in text
            or item.get("type") in DERIVED
            or item["PK"].startswith(("AGG", "BOARD#", "ROW#"))
        ):
            continue
        if (
            item.get("type") == "audit_entry"
            and item.get("target") != f"employee:{ALICE}"
            and item.get("person") != ALICE
        ):
            continue  # an entry about someone else that names her (her manager's team, ...)
        if item.get("type") == "milestone_award" and item["employee_id"] != ALICE:
            continue  # Bob's bonus for referring her: what it says of her is the referral, exported
        if item.get("type") == "ledger_line" and item["PK"].startswith("BUDGET#"):
            continue  # the budget's side of that bonus: the organisation's books
        fields = {
            k: v for k, v in item.items() if k not in ("PK", "SK", "GSI1PK", "GSI1SK", "correlation_id")
        }
        if not all(
            json.dumps(value, sort_keys=True, default=str) in exported
            for value in fields.values()
            if isinstance(value, str) and len(value) > 3
        ):
            missing.append((item["PK"], item["SK"], item.get("type")))
    assert missing == [], json.dumps(missing)


def test_hr_exports_anyone_others_are_refused_and_codes_never_leave(api, org, aws, clock):
    document, _, _ = archive_of(api, ALICE, by=HR)
    assert document["sections"]["profile"][0]["id"] == ALICE
    assert "code_ciphertext" not in json.dumps(document)
    assert_error(api.call("POST", f"/v1/employees/{ALICE}/exports", as_employee=BOB), 403, "forbidden")
    assert_error(api.call("POST", f"/v1/employees/{ALICE}/exports", as_employee=MAYA), 403, "forbidden")
    assert_error(api.call("POST", "/v1/employees/E9999/exports", as_employee=BOB), 403, "forbidden")
    assert_error(api.call("POST", "/v1/employees/E9999/exports", as_employee=HR), 404, "employee_not_found")
    assert_audit_clean()


def test_the_archive_link_expires(api, org, clock):
    reply = api.call("POST", f"/v1/employees/{ALICE}/exports", as_employee=ALICE)
    api.drain_queues()
    clock.advance(days=RetentionSettings().export_days, seconds=1)
    download = api.call("GET", f"/v1/exports/{reply.json['id']}/download", as_employee=ALICE)
    assert_error(download, 410, "export_expired")


def test_an_erasure_deletes_the_files_of_the_persons_exports_and_only_theirs(api, org, clock):
    _, _, hers = archive_of(api, ALICE, by=HR)
    _, _, his = archive_of(api, BOB, by=HR)
    s3 = boto3.client("s3", region_name="us-east-1")

    def kept(job: dict[str, Any]) -> bool:
        listed = s3.list_objects_v2(
            Bucket=os.environ["EXPORT_BUCKET_NAME"], Prefix=keys.export_object(job["id"], "zip")
        )
        return listed.get("KeyCount", 0) == 1

    assert kept(hers)
    assert kept(his)
    erased = api.call(
        "POST", f"/v1/employees/{ALICE}/erasure", body={"reason": "Asked to be forgotten"}, as_employee=HR
    )
    assert erased.status == 201, erased.body
    assert not kept(hers)  # the archive held her name and everything else
    assert_error(api.call("GET", f"/v1/exports/{hers['id']}/download", as_employee=HR), 410, "export_expired")
    assert kept(his)
    assert api.call("GET", f"/v1/exports/{his['id']}/download", as_employee=HR).status == 303
    again = api.call(
        "POST", f"/v1/employees/{ALICE}/erasure", body={"reason": "Asked to be forgotten"}, as_employee=HR
    )
    assert again.status == 200, again.body  # nothing left to delete: erasing again is fine
    assert_audit_clean()
