"""The notifications function against the fake Slack: award and reminder items are written to the moto
table, read back from its stream filtered by the template's FilterCriteria (plaudit_dev.streams), and
delivered in batches as Lambda's event source mapping does. One scenario runs through the real services
(a birthday awarded by the run, an exhausted budget, a top-up)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
import test_slack_kudos
from test_slack_kudos import FakeSlack, LambdaContext

from plaudit.domain.access import SYSTEM, Caller
from plaudit.domain.ledger import TxnKind
from plaudit.domain.milestone_rules import RuleSpec
from plaudit.environment import environment
from plaudit.integrations import aws as aws_clients
from plaudit.services import budgets, milestones
from plaudit.services.audit import audit_ledger
from plaudit.services.settings import replace_settings
from plaudit.store.codec import to_item
from plaudit.store.slack_posts import posts_about
from plaudit_dev.event_filter import matches
from plaudit_dev.seed import DEMO_SETTINGS
from plaudit_dev.streams import StreamCursor
from plaudit_dev.template import local_secret_name, secret_arn

slack = test_slack_kudos.slack  # the fixture

FUNCTION = "NotificationsFunction"
HR_CHANNEL = "CHR00001"
ANNOUNCEMENTS = "CKUDOS01"
POST_TS = "1700000000.000100"  # every post of the fake Slack
HR = Caller(employee_id="E1001")
SAMPLE_EVENT = Path(__file__).resolve().parents[2] / "events" / "notifications" / "award_paid.json"


class Notifications:
    """The function and the part of the stream it has not seen yet."""

    def __init__(self, api: Any) -> None:
        source = next(s for s in api.template.stream_sources if s.function_id == FUNCTION)
        table = api.template.tables[source.table_id].name
        streams = boto3.client("dynamodbstreams", region_name="us-east-1")
        self.cursor = StreamCursor(source, table, api.client, streams)
        self.module = api._module(api.template.functions[FUNCTION])
        self.client, self.table = api.client, table
        self.cursor.read()  # the seed is history

    def put(self, item: dict[str, Any]) -> None:
        self.client.put_item(TableName=self.table, Item=to_item(item))

    def set_status(self, award_id: str, status: str) -> None:
        self.client.update_item(
            TableName=self.table,
            Key=to_item({"PK": f"AWARD#{award_id}", "SK": "AWARD"}),
            UpdateExpression="SET #status = :status",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues=to_item({":status": status}),
        )

    def records(self) -> list[dict[str, Any]]:
        return self.cursor.read()[1]

    def invoke(self, records: list[dict[str, Any]]) -> dict[str, Any]:
        return self.module.lambda_handler({"Records": records}, LambdaContext())

    def deliver(self) -> dict[str, Any]:
        return self.invoke(self.records())


@pytest.fixture
def notifications(api: Any, org: Any, slack: FakeSlack) -> Notifications:
    replace_settings(SYSTEM, DEMO_SETTINGS.model_copy(update={"hr_channel": HR_CHANNEL}))
    return Notifications(api)


def _award(award_id: str = "awd_1", **changes: Any) -> dict[str, Any]:
    award = {
        "PK": f"AWARD#{award_id}",
        "SK": "AWARD",
        "type": "milestone_award",
        "id": award_id,
        "rule_id": "rule_1",
        "rule_name": "Work anniversary",
        "employee_id": "E1003",
        "employee_name": "Alice Martin",
        "slack_user_id": "UALICE",
        "manager_id": "E1002",
        "occurrence": "2026",
        "day": "2026-11-16",
        "points": 500,
        "budget_id": "company",
        "catalog_item_id": None,
        "status": "paid",
        "message": "Happy 5-year work anniversary, Alice!",
        "announce": True,
        "channel": ANNOUNCEMENTS,
        "dm": True,
        "source": "schedule",
        "created_at": "2026-11-16T09:30:00.000000+00:00",
        "paid_at": "2026-11-16T09:30:00.000000+00:00",
    }
    return award | changes


def _posts(slack: FakeSlack) -> list[tuple[str, str]]:
    return [(post["channel"], post["text"]) for post in slack.called("chat.postMessage")]


def _channels(slack: FakeSlack) -> list[str]:
    return [post["channel"] for post in slack.called("chat.postMessage")]


def test_a_paid_award_is_celebrated_in_the_channel_and_by_dm(
    notifications: Notifications, slack: FakeSlack
) -> None:
    notifications.put(_award())
    assert notifications.deliver() == {"batchItemFailures": []}
    assert _channels(slack) == [ANNOUNCEMENTS, "UALICE"]
    channel_post, dm = slack.called("chat.postMessage")
    assert "Happy 5-year work anniversary, Alice!" in channel_post["text"]
    assert "<@UALICE>" in json.dumps(channel_post["blocks"])
    assert "500 points* are in your wallet" in json.dumps(dm["blocks"])
    kept = posts_about("award", "awd_1")
    assert sorted((post.purpose, post.channel, post.ts) for post in kept) == [
        ("celebration", ANNOUNCEMENTS, POST_TS),
        ("dm", "UALICE", POST_TS),
    ]


def test_kudos_given_through_the_api_are_announced_and_dmed_once(
    api: Any, notifications: Notifications, slack: FakeSlack
) -> None:
    """The same stream-driven path as Slack-given kudos: every front end is announced alike."""
    body = {
        "recipient_ids": ["E1003", "E1005"],
        "points": 10,
        "message": "for the launch",
        "values": ["teamwork"],
    }
    reply = api.call("POST", "/v1/recognitions", body=body, as_employee="E1004")
    assert reply.status == 201
    assert _channels(slack) == [ANNOUNCEMENTS, "UALICE", "UCARLOS"]
    announcement, alice, _ = slack.called("chat.postMessage")
    shown = json.dumps(announcement["blocks"])
    assert "<@UBOB0> gave kudos to <@UALICE>, <@UCARLOS> *10 points* each (20 points in all)" in shown
    assert "kudos_add_on" in shown  # others can add on, whoever gave it and however
    assert "<@UBOB0> gave you *10 points*" in json.dumps(alice["blocks"])
    assert notifications.deliver() == {"batchItemFailures": []}  # the stream seen again: nothing new
    assert len(_channels(slack)) == 3
    kept = posts_about("kudos", reply.json["id"])
    assert sorted((post.purpose, post.channel) for post in kept) == [
        ("announcement", ANNOUNCEMENTS),
        ("dm:E1003", "UALICE"),
        ("dm:E1005", "UCARLOS"),
    ]


def test_a_private_kudos_is_only_dmed(api: Any, notifications: Notifications, slack: FakeSlack) -> None:
    body = {"recipient_ids": ["E1003"], "points": 1, "message": "quietly, thanks", "visibility": "private"}
    assert api.call("POST", "/v1/recognitions", body=body, as_employee="E1004").status == 201
    (dm,) = slack.called("chat.postMessage")
    assert dm["channel"] == "UALICE"
    assert dm["text"] == "<@UBOB0> gave you 1 point"


def test_a_kudos_without_an_announcement_channel_is_only_dmed(
    api: Any, notifications: Notifications, slack: FakeSlack
) -> None:
    replace_settings(SYSTEM, DEMO_SETTINGS.model_copy(update={"announcement_channel": None}))
    body = {"recipient_ids": ["E1003"], "points": 5, "message": "for the review"}
    assert api.call("POST", "/v1/recognitions", body=body, as_employee="E1004").status == 201
    assert _channels(slack) == ["UALICE"]


def test_no_channel_post_when_the_award_is_not_announced(
    notifications: Notifications, slack: FakeSlack
) -> None:
    notifications.put(_award(announce=False))
    notifications.deliver()
    assert _channels(slack) == ["UALICE"]


def test_hr_hears_of_a_pending_award_and_the_person_once_it_is_paid(
    notifications: Notifications, slack: FakeSlack
) -> None:
    notifications.put(_award(status="pending", paid_at=None))
    notifications.deliver()
    ((channel, text),) = _posts(slack)
    assert channel == HR_CHANNEL
    assert "waiting for budget company" in text

    slack.calls.clear()
    notifications.set_status("awd_1", "paid")
    notifications.deliver()
    assert _channels(slack) == [ANNOUNCEMENTS, "UALICE"]


def test_a_reminder_dms_the_manager(notifications: Notifications, slack: FakeSlack) -> None:
    notifications.put(
        {
            "PK": "REMIND#awd_9",
            "SK": "REMIND",
            "type": "milestone_reminder",
            "award_id": "awd_9",
            "employee_id": "E1003",
            "employee_name": "Alice Martin",
            "manager_id": "E1002",
            "manager_slack_user_id": "UMAYA",
            "rule_name": "Work anniversary",
            "day": "2026-11-23",
        }
    )
    notifications.deliver()
    ((channel, text),) = _posts(slack)
    assert channel == "UMAYA"
    assert "Alice Martin" in text
    assert text == "Coming up on November 23, 2026: Alice Martin, Work anniversary"


def test_a_redelivered_batch_posts_nothing_again(notifications: Notifications, slack: FakeSlack) -> None:
    notifications.put(_award())
    records = notifications.records()
    notifications.invoke(records)
    notifications.invoke(records)
    assert len(slack.called("chat.postMessage")) == 2

    slack.calls.clear()
    notifications.put(_award(message="Edited after the fact"))  # paid -> paid: celebrated already
    notifications.deliver()
    assert slack.calls == []


def test_the_sample_event_passes_the_filter_and_celebrates(
    notifications: Notifications, slack: FakeSlack
) -> None:
    """events/notifications/award_paid.json, for `sam local invoke NotificationsFunction -e ...`."""
    records = json.loads(SAMPLE_EVENT.read_text())["Records"]
    assert all(matches(pattern, records[0]) for pattern in notifications.cursor.source.filter_patterns)
    assert notifications.invoke(records) == {"batchItemFailures": []}
    assert _channels(slack) == [ANNOUNCEMENTS, "UALICE"]


def test_other_items_never_reach_the_function(notifications: Notifications) -> None:
    notifications.put({"PK": "REC#1", "SK": "ADDON#E1", "type": "add_on", "recognition_id": "rec_1"})
    assert notifications.records() == []


def test_nothing_is_posted_or_failed_without_slack(
    notifications: Notifications, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("SLACK_SECRET_ARN", "SLACK_SIGNING_SECRET", "PLAUDIT_SLACK_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    environment.cache_clear()  # a new container would read it afresh
    notifications.put(_award())
    notifications.put(_award("awd_2", status="pending", paid_at=None))
    assert notifications.deliver() == {"batchItemFailures": []}
    assert slack.calls == []


def test_nothing_is_posted_or_failed_while_the_slack_secret_is_empty(
    notifications: Notifications, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stack creates SlackSecret empty: until it is filled, notices go by their other channels, and the
    stream is not failed (nor its records sent to the dead-letter queue)."""
    boto3.client("secretsmanager", region_name="us-east-1").create_secret(
        Name=local_secret_name("SlackSecret"),
        SecretString=json.dumps({"signing_secret": "", "bot_token": ""}),
    )
    for name in ("SLACK_SIGNING_SECRET", "PLAUDIT_SLACK_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SLACK_SECRET_ARN", secret_arn("SlackSecret"))
    monkeypatch.setattr(aws_clients, "_secrets", None)
    environment.cache_clear()  # a new container would read it afresh
    notifications.put(_award())
    assert notifications.deliver() == {"batchItemFailures": []}
    assert slack.calls == []


def test_a_permanent_slack_error_is_dropped_and_a_transient_one_retried(
    notifications: Notifications, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = {"CGONE0001": "channel_not_found", "CBUSY0001": "internal_error"}
    ordinary = slack.reply_to

    def reply_to(method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "chat.postMessage" and params.get("channel") in answers:
            return {"ok": False, "error": answers[params["channel"]]}
        return ordinary(method, params)

    monkeypatch.setattr(slack, "reply_to", reply_to)
    notifications.put(_award("awd_1", channel="CGONE0001"))
    notifications.put(_award("awd_2", channel="CBUSY0001", slack_user_id="UBOB0"))
    notifications.put(_award("awd_3", slack_user_id="UCARLOS"))
    records = notifications.records()
    result = notifications.invoke(records)

    sequence = [record["dynamodb"]["SequenceNumber"] for record in records]
    assert [failure["itemIdentifier"] for failure in result["batchItemFailures"]] == sequence[1:]
    assert _channels(slack) == ["CGONE0001", "UALICE", "CBUSY0001"]  # awd_3 waits for the retry

    slack.calls.clear()
    answers.clear()
    assert notifications.invoke(records[1:]) == {"batchItemFailures": []}
    assert _channels(slack) == ["CBUSY0001", "UBOB0", ANNOUNCEMENTS, "UCARLOS"]


def test_the_milestone_run_and_a_top_up_are_announced(
    api: Any, notifications: Notifications, slack: FakeSlack, clock: Any
) -> None:
    """Bob's birthday (E1004, 11-23) through the services: pending on an empty budget, HR told; a top-up
    pays it and he is celebrated. The conftest's stream drain runs the function as the local stack does."""
    clock.at = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # his day has begun, his 09:00 is ahead
    budgets.create_budget(HR, budgets.CreateBudget(id="company", name="Company", kind="company"))
    spec = RuleSpec(
        name="Birthday",
        type="birthday",
        points=50,
        budget_id="company",
        message="Happy birthday, {first_name}!",
    )
    milestones.create_rule(HR, spec)
    milestones.run_day(HR, date(2026, 11, 23))
    api.drain_streams()
    hr_posts = [text for channel, text in _posts(slack) if channel == HR_CHANNEL]
    assert len(hr_posts) == 1
    assert "Bob Okafor" in hr_posts[0]
    assert not [channel for channel in _channels(slack) if channel != HR_CHANNEL]

    slack.calls.clear()
    budgets.move_points(HR, "company", TxnKind.BUDGET_TOP_UP, budgets.MovePoints(points=1000))
    api.drain_streams()
    assert _channels(slack) == [ANNOUNCEMENTS, "UBOB0"]
    assert "Happy birthday, Bob!" in slack.called("chat.postMessage")[0]["text"]
    assert audit_ledger().ok
