"""The notification log (issue 15 §1, §3): each notice the notifications function sends to a person (a Slack
DM, an email, a voucher delivered) leaves one item in their partition, kept settings.retention
.notification_days (the table's TTL `expires_at`), never with its text; a stream record delivered again
overwrites its items; the person's export lists them (not those past their expiry), and an erasure deletes
them, in bounded pages that erasing again completes. Through the real handlers against moto and the fake
Slack."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
import test_notifications
import test_reward_notifications
import test_slack_kudos
from test_api_awards import CountingClient
from test_notice_emails import email_of, without_slack
from test_notifications import Notifications
from test_person_export import archive_of
from test_reward_notifications import ALICE, CODE, MAYA, _issue, _redemption
from test_slack_kudos import FakeSlack

from plaudit.domain.access import SYSTEM
from plaudit.services.settings import replace_settings
from plaudit.slack.notices.notifier import Notifier
from plaudit.store import notifications as log
from plaudit.store.client import use_client
from plaudit.store.reads import query_all
from plaudit_dev.local_mail import sent_mail
from plaudit_dev.seed import DEMO_SETTINGS

slack = test_slack_kudos.slack  # the fixtures
notifications = test_notifications.notifications
mail = test_reward_notifications.mail
HR, BOB, CARLOS = "E1001", "E1004", "E1005"
YEAR = timedelta(days=365)  # the default


def logged(employee_id: str) -> list[dict[str, Any]]:
    """The person's notification log, as stored."""
    params = {
        "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
        "ExpressionAttributeValues": {":pk": {"S": f"EMP#{employee_id}"}, ":prefix": {"S": "NOTIFICATION#"}},
    }
    return list(query_all(params))


def expires(at: datetime, keep: timedelta = YEAR) -> int:
    return int((at + keep).timestamp())


def test_a_kudos_dm_is_logged_for_each_recipient_and_the_announcement_is_not(
    api: Any, notifications: Notifications, slack: FakeSlack, clock: Any
) -> None:
    body = {"recipient_ids": [ALICE, CARLOS], "points": 5, "message": "for the launch"}
    reply = api.call("POST", "/v1/recognitions", body=body, as_employee=BOB)
    assert reply.status == 201, reply.body
    assert len(slack.called("chat.postMessage")) == 3  # the announcement and two DMs
    for person in (ALICE, CARLOS):
        (entry,) = logged(person)
        assert {k: entry[k] for k in ("type", "employee_id", "kind", "subject_id", "channel")} == {
            "type": "notification",
            "employee_id": person,
            "kind": "kudos",
            "subject_id": reply.json["id"],
            "channel": "slack_dm",
        }
        assert entry["expires_at"] == expires(clock.at)
        assert "for the launch" not in json.dumps(entry)  # never the message
    assert logged(BOB) == []  # the giver was told nothing


def test_an_approval_dm_is_logged_once_even_when_its_record_is_delivered_again(
    notifications: Notifications, slack: FakeSlack, clock: Any, aws: Any
) -> None:
    notifications.put(_redemption())
    records = notifications.records()
    counting = CountingClient(aws)
    use_client(counting)
    try:
        assert notifications.invoke(records) == {"batchItemFailures": []}
    finally:
        use_client(aws)
    writes = [
        call for call in counting.calls if "write" in call or call.endswith(("put_item", "update_item"))
    ]
    assert writes == ["batch_write_item"]  # the log entry with where the post went: one round trip
    (entry,) = logged(MAYA)
    assert (entry["kind"], entry["subject_id"], entry["channel"]) == ("approval", "red_1", "slack_dm")
    assert logged(ALICE) == []

    notifications.module.notifier = Notifier()  # a new container: Slack is asked again (no idempotency
    clock.advance(minutes=5)  # key), the log keeps one entry for the notice
    assert notifications.invoke(records) == {"batchItemFailures": []}
    assert len(slack.called("chat.postMessage")) == 2
    (again,) = logged(MAYA)
    assert (again["PK"], again["SK"]) == (entry["PK"], entry["SK"])


def test_an_email_notice_is_logged_with_the_retention_the_settings_say(
    notifications: Notifications, slack: FakeSlack, mail: None, clock: Any
) -> None:
    retention = DEMO_SETTINGS.retention.model_copy(update={"notification_days": 30})
    update = {"hr_channel": test_notifications.HR_CHANNEL, "retention": retention}
    replace_settings(SYSTEM, DEMO_SETTINGS.model_copy(update=update))
    without_slack(MAYA, "it")
    notifications.put(_redemption())
    assert notifications.deliver() == {"batchItemFailures": []}
    (sent,) = sent_mail()
    assert sent["to"] == [email_of(MAYA)]
    (entry,) = logged(MAYA)
    assert (entry["kind"], entry["subject_id"], entry["channel"]) == ("approval", "red_1", "email")
    assert entry["expires_at"] == expires(clock.at, timedelta(days=30))
    assert email_of(MAYA) not in json.dumps(entry)


def test_a_voucher_delivered_is_logged_without_its_code(
    notifications: Notifications, slack: FakeSlack, clock: Any
) -> None:
    voucher_id = _issue()
    notifications.deliver()
    (entry,) = logged(ALICE)
    assert (entry["kind"], entry["subject_id"], entry["channel"]) == ("voucher", voucher_id, "slack_dm")
    assert CODE not in json.dumps(entry)


@pytest.mark.parametrize("days", [6, 3651])
def test_the_retention_setting_is_bounded(api: Any, org: Any, days: int) -> None:
    patch = {"retention": {"notification_days": days}}
    reply = api.call("PATCH", "/v1/settings", body=patch, as_employee=HR)
    assert reply.status == 422, reply.body


def test_the_export_lists_the_notices_until_they_expire_and_erasure_deletes_them(
    api: Any, notifications: Notifications, slack: FakeSlack, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    kudos_ids = []
    for n in range(3):
        body = {"recipient_ids": [ALICE], "points": 1, "message": f"thanks {n}"}
        reply = api.call("POST", "/v1/recognitions", body=body, as_employee=BOB)
        assert reply.status == 201, reply.body
        kudos_ids.append(reply.json["id"])
        clock.advance(days=150)
    document, tables, _ = archive_of(api, ALICE, by=ALICE)
    shown = document["sections"]["notifications"]
    assert [entry["subject_id"] for entry in shown] == kudos_ids[1:]  # the first is a year and more old
    assert [row["kind"] for row in tables["notifications"]] == ["kudos", "kudos"]

    monkeypatch.setattr(log, "ERASE_PAGES", 1)
    monkeypatch.setattr(log, "PAGE", 2)  # pages of 2: the first erasure deletes two of the three
    body = {"reason": "Asked to be forgotten"}
    assert api.call("POST", f"/v1/employees/{ALICE}/erasure", body=body, as_employee=HR).status == 201
    assert len(logged(ALICE)) == 1
    assert api.call("POST", f"/v1/employees/{ALICE}/erasure", body=body, as_employee=HR).status == 200
    assert logged(ALICE) == []
