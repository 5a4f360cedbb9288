"""HRIS webhooks end to end: signed deliveries through the real handlers, queued on (moto) SQS and applied by
the HRIS worker; forged and stale requests, bad payloads, replays, BambooHR's fetch, named-event awards and
the worker's partial batch failures."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import boto3
import pytest
from api_checks import assert_audit_clean, assert_error, newest_trail_entry, table_items

from plaudit.domain.access import SYSTEM
from plaudit.domain.errors import RuleViolation
from plaudit.domain.milestone_rules import RuleSpec, RuleType
from plaudit.integrations import aws as aws_clients
from plaudit.integrations.hris import credentials, queue
from plaudit.integrations.hris.signatures import sign_bamboohr, sign_plaudit
from plaudit.services import milestones
from plaudit.store import snapshots
from plaudit_dev.local_secrets import DEV_WEBHOOK_SECRETS
from plaudit_dev.seed import seed_milestones

PLAUDIT = "/v1/hris/webhooks/plaudit"
BAMBOOHR = "/v1/hris/webhooks/bamboohr"
SECRET = DEV_WEBHOOK_SECRETS["HRIS_WEBHOOK_SECRET"]
KEY = DEV_WEBHOOK_SECRETS["BAMBOOHR_WEBHOOK_KEY"]
HR, MAYA, ALICE, BOB, ETHAN = "E1001", "E1002", "E1003", "E1004", "E1007"
NEW = {"email": "zoe@plaudit.example", "name": "Zoe Park", "manager_id": MAYA, "department": "Engineering"}


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many changes each SendMessageBatch-backed `send` queued (the webhook module imports `send` on
    its first call, so patch before it)."""
    counts: list[int] = []
    real = queue.send

    def counting(changes: list[queue.QueuedChange]) -> None:
        counts.append(len(changes))
        real(changes)

    monkeypatch.setattr(queue, "send", counting)
    aws_clients.use_client("sqs", None)
    yield counts
    aws_clients.use_client("sqs", None)


def profile(employee_id: str):
    return snapshots.load(employees=[employee_id]).employee(employee_id)


def signed_plaudit(payload: Any, ts: int, secret: str = SECRET) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload).encode()
    return body, {"X-Plaudit-Timestamp": str(ts), "X-Plaudit-Signature": sign_plaudit(secret, ts, body)}


def deliver(api, clock, payload: Any, *, skew: timedelta = timedelta(0), secret: str = SECRET):
    body, headers = signed_plaudit(payload, int((clock() + skew).timestamp()), secret)
    return api.call("POST", PLAUDIT, raw_body=body, as_employee=None, headers=headers)


def deliver_bamboohr(api, clock, event: dict, *, skew: timedelta = timedelta(0), key: str = KEY):
    body = json.dumps(event).encode()
    ts = str(int((clock() + skew).timestamp()))
    headers = {"X-BambooHR-Timestamp": ts, "X-BambooHR-Signature": sign_bamboohr(key, ts, body)}
    return api.call("POST", BAMBOOHR, raw_body=body, as_employee=None, headers=headers)


def test_a_signed_delivery_is_queued_answered_202_and_applied(api, org, clock, sent):
    payload = {
        "id": "hris-0001",
        "events": [
            {"type": "employee.upserted", "employee_id": "E2001", "fields": NEW},
            {"type": "employee.manager_changed", "employee_id": ALICE, "manager_id": HR},
            {"type": "employee.terminated", "employee_id": ETHAN},
        ],
    }
    reply = deliver(api, clock, payload)
    assert reply.status == 202, reply.body
    assert reply.json == {"delivery_id": "hris-0001", "accepted": 3, "replayed": False}
    assert sent == [3]
    assert api.queue_failures == []
    zoe = profile("E2001")
    assert (zoe.name, zoe.email, zoe.manager_id, zoe.department) == (
        "Zoe Park",
        NEW["email"],
        MAYA,
        "Engineering",
    )
    assert profile(ALICE).manager_id == HR
    assert not profile(ETHAN).active
    assert_audit_clean()


def test_a_replayed_delivery_queues_nothing_new(api, org, clock, aws, sent):
    first = {"id": "hris-0002", "events": [{"type": "employee.upserted", "employee_id": BOB,
                                            "fields": {"department": "Platform"}}]}  # fmt: skip
    assert deliver(api, clock, first).json["replayed"] is False
    before = table_items(aws)

    clock.advance(minutes=2)  # a redelivery is signed again
    reply = deliver(api, clock, first)
    assert reply.status == 202
    assert reply.json == {"delivery_id": "hris-0002", "accepted": 0, "replayed": True}
    assert sent == [1]
    assert table_items(aws) == before
    assert profile(BOB).department == "Platform"


def test_a_delivery_id_reused_for_other_changes_is_a_409(api, org, clock, aws, sent):
    first = {"id": "hris-0012", "events": [{"type": "employee.upserted", "employee_id": BOB,
                                            "fields": {"department": "Platform"}}]}  # fmt: skip
    assert deliver(api, clock, first).status == 202
    before = table_items(aws)

    other = {**first, "events": [{**first["events"][0], "fields": {"department": "Sales"}}]}
    assert_error(deliver(api, clock, other), 409, "delivery_id_reused")
    assert sent == [1]
    assert table_items(aws) == before
    assert profile(BOB).department == "Platform"


@pytest.mark.parametrize(
    ("skew", "secret", "code"),
    [
        (timedelta(0), "not-the-secret", "invalid_signature"),
        (timedelta(minutes=-6), SECRET, "stale_request"),
        (timedelta(minutes=6), SECRET, "stale_request"),
    ],
)
def test_forged_and_stale_generic_deliveries_are_401s(api, org, clock, aws, sent, skew, secret, code):
    before = table_items(aws)
    payload = {"id": "hris-0003", "events": [{"type": "employee.terminated", "employee_id": BOB}]}
    assert_error(deliver(api, clock, payload, skew=skew, secret=secret), 401, code)
    assert sent == []
    assert table_items(aws) == before


def test_unsigned_and_tampered_generic_deliveries_are_401s(api, org, clock, sent):
    body, headers = signed_plaudit({"id": "d", "events": []}, int(clock().timestamp()))
    assert_error(api.call("POST", PLAUDIT, raw_body=body, as_employee=None), 401, "invalid_signature")
    tampered = body.replace(b'"d"', b'"e"')
    reply = api.call("POST", PLAUDIT, raw_body=tampered, as_employee=None, headers=headers)
    assert_error(reply, 401, "invalid_signature")
    assert sent == []


def test_signed_but_bad_payloads_are_4xx_with_a_code(api, org, clock, sent):
    ts = int(clock().timestamp())
    garbage = b'{"id": "d1", "events": ['
    headers = {"X-Plaudit-Timestamp": str(ts), "X-Plaudit-Signature": sign_plaudit(SECRET, ts, garbage)}
    assert_error(
        api.call("POST", PLAUDIT, raw_body=garbage, as_employee=None, headers=headers), 400, "malformed_json"
    )
    wrong = {
        "id": "d1",
        "events": [{"type": "employee.upserted", "employee_id": BOB, "fields": {"roles": ["admin"]}}],
    }
    details = assert_error(deliver(api, clock, wrong), 422, "invalid_request")
    assert any("roles" in error["field"] for error in details["errors"])
    assert sent == []


def test_a_refused_change_is_dropped_not_retried(api, org, clock, sent):
    payload = {"id": "hris-0004", "events": [
        {"type": "employee.upserted", "employee_id": "E2002",
         "fields": {**NEW, "email": "hana@plaudit.example"}},
        {"type": "employee.upserted", "employee_id": "E2003", "fields": {"department": "Sales"}},
        {"type": "employee.upserted", "employee_id": "E2001", "fields": NEW},
    ]}  # fmt: skip
    assert deliver(api, clock, payload).status == 202
    assert api.queue_failures == []  # email taken, incomplete person: permanent, logged, not retried
    assert profile("E2002") is None
    assert profile("E2003") is None
    assert profile("E2001").name == "Zoe Park"


def test_a_report_arriving_before_their_new_manager_is_applied_on_a_retry(api, org, clock, sent):
    """SQS keeps no order: a change that names someone not yet in the directory waits for a redelivery."""
    report = {"email": "yuki@plaudit.example", "name": "Yuki Sato", "manager_id": "E2001"}
    payload = {"id": "hris-0005", "events": [
        {"type": "employee.upserted", "employee_id": "E2002", "fields": report},
        {"type": "event", "employee_id": "E2003", "event_id": "cert-1", "name": "certification",
         "occurred_on": "2026-01-10"},
        {"type": "employee.upserted", "employee_id": "E2001", "fields": NEW},
    ]}  # fmt: skip
    assert deliver(api, clock, payload).status == 202
    assert profile("E2001").name == "Zoe Park"
    assert {failure.receive_count for failure in api.queue_failures} == {1}
    assert len(api.queue_failures) >= 1  # at least the report delivered before its manager
    api.drain_queues()
    assert profile("E2002").manager_id == "E2001"


def test_a_change_whose_manager_never_arrives_waits_a_bounded_time_then_is_dropped(
    api, org, clock, aws, sent
):
    """Waiting for ordering is bounded below the queue's maxReceiveCount: nothing reaches the DLQ."""
    orphan = {"email": "yuki@plaudit.example", "name": "Yuki Sato", "manager_id": "E2999"}
    payload = {"id": "hris-0007", "events": [
        {"type": "employee.upserted", "employee_id": "E2002", "fields": orphan}]}  # fmt: skip
    assert deliver(api, clock, payload).status == 202
    for _ in range(5):
        api.drain_queues()
    bound = api._module(api.template.functions["HrisWorkerFunction"]).ORDERING_RECEIVES
    receives = [failure.receive_count for failure in api.queue_failures]
    assert receives == list(range(1, bound))  # then dropped at receive ORDERING_RECEIVES
    assert all(failure.error is None for failure in api.queue_failures)  # reported, not a crash
    assert dead_letters(aws, "HrisEventsDeadLetterQueue", api) == []
    assert profile("E2002") is None


def dead_letters(aws, queue_id: str, api) -> list[dict]:
    sqs = boto3.client("sqs", region_name="us-east-1")
    url = sqs.get_queue_url(QueueName=api.template.queues[queue_id].name)["QueueUrl"]
    return sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])


class FakeBambooHr:
    def __init__(self, records: dict[str, dict]):
        self.records = records
        self.fetched: list[str] = []

    def fetch_employee(self, employee_id: str) -> dict:
        self.fetched.append(employee_id)
        if employee_id not in self.records:
            raise RuleViolation("BambooHR has no such employee.", code="bamboohr_employee_not_found")
        return self.records[employee_id]


@pytest.fixture
def bamboo(monkeypatch: pytest.MonkeyPatch) -> FakeBambooHr:
    fake = FakeBambooHr(
        {
            BOB: {"firstName": "Bob", "lastName": "Okafor", "workEmail": "bob@plaudit.example",
                  "department": "Platform", "country": "Nigeria", "supervisorEId": HR, "status": "Active"},
            "3001": {"firstName": "Yui", "lastName": "Sato", "workEmail": "yui@plaudit.example",
                     "hireDate": "2026-11-16", "dateOfBirth": "1995-06-30", "supervisorEId": MAYA,
                     "status": "Active"},
        }
    )  # fmt: skip
    monkeypatch.setattr(credentials, "bamboohr_client", lambda: fake)
    return fake


def bamboo_event(type_: str, employee_id: str, *changed: str) -> dict:
    data = {"companyId": "12345", "employeeId": employee_id, "changedFields": list(changed)}
    return {"type": type_, "timestamp": "2026-11-16T09:30:00+0000", "data": data}


def test_bamboohr_updates_and_creations_fetch_the_person(api, org, clock, sent, bamboo):
    reply = deliver_bamboohr(api, clock, bamboo_event("employee.updated", BOB, "department", "supervisorEId"))
    assert reply.status == 202, reply.body
    assert reply.json["accepted"] == 1
    bob = profile(BOB)
    assert (bob.department, bob.manager_id, bob.country) == ("Platform", HR, "NG")

    assert deliver_bamboohr(api, clock, bamboo_event("employee.created", "3001")).status == 202
    yui = profile("3001")
    assert (yui.name, yui.manager_id, str(yui.start_date), yui.birthday) == (
        "Yui Sato",
        MAYA,
        "2026-11-16",
        "06-30",
    )
    assert bamboo.fetched == [BOB, "3001"]
    assert api.queue_failures == []


def test_bamboohr_deleted_deactivates_and_a_redelivery_queues_nothing(api, org, clock, sent, bamboo):
    event = bamboo_event("employee.deleted", ETHAN)
    assert deliver_bamboohr(api, clock, event).json["replayed"] is False
    assert not profile(ETHAN).active
    reply = deliver_bamboohr(api, clock, event)
    assert (reply.status, reply.json["replayed"]) == (202, True)
    assert sent == [1]
    assert bamboo.fetched == []


def test_bamboohr_unknown_person_is_dropped(api, org, clock, sent, bamboo):
    assert deliver_bamboohr(api, clock, bamboo_event("employee.updated", "4040", "firstName")).status == 202
    assert api.queue_failures == []
    assert profile("4040") is None


def test_bamboohr_deleted_for_someone_not_in_the_directory_is_dropped_at_once(api, org, clock, aws, sent):
    before = table_items(aws)
    assert deliver_bamboohr(api, clock, bamboo_event("employee.deleted", "4041")).status == 202
    assert api.queue_failures == []  # nothing to deactivate: not retried
    assert dead_letters(aws, "HrisEventsDeadLetterQueue", api) == []
    assert table_items(aws) == before


@pytest.mark.parametrize(
    ("skew", "key", "code"),
    [
        (timedelta(0), "forged-key", "invalid_signature"),
        (timedelta(minutes=-10), KEY, "stale_request"),
    ],
)
def test_forged_and_stale_bamboohr_deliveries_are_401s(api, org, clock, aws, sent, bamboo, skew, key, code):
    before = table_items(aws)
    reply = deliver_bamboohr(api, clock, bamboo_event("employee.deleted", BOB), skew=skew, key=key)
    assert_error(reply, 401, code)
    assert sent == []
    assert bamboo.fetched == []
    assert table_items(aws) == before


def test_bamboohr_bad_payload_is_422(api, org, clock, sent):
    reply = deliver_bamboohr(api, clock, {"type": "employee.exploded", "data": {"employeeId": BOB}})
    assert_error(reply, 422, "invalid_request")
    assert sent == []


def test_a_named_event_is_awarded_once_however_often_it_arrives(api, org, clock, sent):
    seed_milestones()
    milestones.create_rule(
        SYSTEM,
        RuleSpec(name="Promotion", type=RuleType.HRIS_EVENT, event_name="promotion", points=300,
                 budget_id="milestones", message="Congratulations on the promotion, {first_name}!"),
    )  # fmt: skip
    event = {"type": "event", "employee_id": ALICE, "event_id": "promo-118", "name": "promotion",
             "occurred_on": "2026-11-16"}  # fmt: skip
    assert deliver(api, clock, {"id": "hris-0005", "events": [event]}).status == 202
    assert (
        deliver(api, clock, {"id": "hris-0006", "events": [event]}).status == 202
    )  # same event, new delivery
    assert sent == [1, 1]
    assert api.queue_failures == []
    awards, _ = milestones.list_awards(SYSTEM, status=None, employee_id=ALICE, limit=50, cursor=None)
    assert [(award.occurrence, award.points, award.status) for award in awards] == [
        (awards[0].occurrence, 300, "paid")
    ]
    assert awards[0].source == "hris"
    entry = newest_trail_entry()  # the award, in the administrative trail once, with the first delivery
    assert (entry["actor"], entry["action"], entry["target"], entry["correlation_id"]) == (
        "hris:hris",
        "milestone.award",
        f"award:{awards[0].id}",
        "hris-0005",
    )
    wallet = api.call("GET", f"/v1/employees/{ALICE}/wallet", as_employee=ALICE)
    assert wallet.json["points"] == 300, wallet.body
    assert_audit_clean()


def sqs_event(*bodies: str) -> dict:
    return {
        "Records": [
            {"messageId": f"m{index}", "receiptHandle": f"r{index}", "body": body, "attributes": {},
             "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
             "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:plaudit-local-HrisEventsQueue",
             "awsRegion": "us-east-1"}
            for index, body in enumerate(bodies)
        ]
    }  # fmt: skip


def test_the_worker_fails_only_the_messages_worth_retrying(api, org, clock, monkeypatch):
    def message(change: dict) -> str:
        return json.dumps({"source": "hris_webhook", "delivery_id": "d1", "change": change})

    good = message({"kind": "employee_upsert", "employee_id": "E2001", "fields": NEW})
    refused = message({"kind": "employee_upsert", "employee_id": "E2003", "fields": {"department": "Sales"}})
    taken = message(
        {
            "kind": "employee_upsert",
            "employee_id": "E2002",
            "fields": {**NEW, "email": "hana@plaudit.example"},
        }
    )
    poison = "{not json"
    flaky = message({"kind": "termination", "employee_id": ETHAN})

    from plaudit.services import directory_sync

    real = directory_sync.apply_change

    def apply_change(change, *, source):
        if change.kind == "termination":
            raise ConnectionError("DynamoDB went away")
        return real(change, source=source)

    monkeypatch.setattr(directory_sync, "apply_change", apply_change)
    result = api.invoke("HrisWorkerFunction", sqs_event(good, refused, taken, poison, flaky))
    assert result == {"batchItemFailures": [{"itemIdentifier": "m3"}, {"itemIdentifier": "m4"}]}
    assert profile("E2001").name == "Zoe Park"
    assert profile("E2003") is None
    assert profile("E2002") is None
    assert profile(ETHAN).active


def test_the_generic_webhook_is_in_the_openapi_document(api, template):
    module = api._module(template.functions["HrisWebhooksFunction"])
    schema = module.app.get_openapi_json_schema()
    document = json.loads(schema)
    operation = document["paths"][PLAUDIT]["post"]
    body_ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body_ref.endswith("/PlauditDelivery")
    assert "X-Plaudit-Signature" in operation["description"]
    components = document["components"]["schemas"]
    assert {"EmployeeUpserted", "EmployeeTerminated", "ManagerChanged", "EventHappened"} <= set(components)
