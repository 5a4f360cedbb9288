"""The notifications function for rewards, against the fake Slack and moto's SES: redemption, stock-alert
and voucher-reminder items written to the table reach the function through its stream filter; an issued
voucher is delivered by its owner's channel (Slack DM, email, the API only) and marked delivered, and its
code shows in no notice and no log line."""

from __future__ import annotations

import json
import logging
from datetime import date
from typing import Any

import boto3
import pytest
import test_api_redemptions
import test_notifications
import test_slack_kudos
from api_checks import assert_audit_clean
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from test_api_redemptions import person, request
from test_notifications import HR_CHANNEL, POST_TS, Notifications
from test_slack_kudos import FakeSlack

from plaudit.domain.access import SYSTEM
from plaudit.domain.employees import RewardDelivery
from plaudit.environment import environment
from plaudit.services import redemptions, vouchers
from plaudit.store import snapshots
from plaudit.store.employees import profile_writes
from plaudit.store.slack_posts import posts_about
from plaudit.store.transact import write_all
from plaudit.store.vouchers import get_voucher
from plaudit_dev import local_mail
from plaudit_dev.http_api import HttpRequest
from plaudit_dev.local_aws import LOCAL_MAIL_FROM
from plaudit_dev.local_mail import MAIL_PATH, sent_mail, verify_sender
from plaudit_dev.seed import slack_id

slack = test_slack_kudos.slack  # the fixtures
notifications = test_notifications.notifications
shop = test_api_redemptions.shop
queued = test_api_redemptions.queued  # autouse: fulfilment stays out of these tests

ALICE, MAYA = "E1003", "E1002"
CODE = "7KQ4-M9TX-2HCF-WZ8R-P3"


@pytest.fixture
def mail(aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAIL_FROM", LOCAL_MAIL_FROM)
    environment.cache_clear()  # a new container would read it afresh
    verify_sender(boto3.client("sesv2", region_name="us-east-1"))


def _redemption(rid: str = "red_1", **changes: Any) -> dict[str, Any]:
    redemption = {
        "PK": f"REDEMPTION#{rid}",
        "SK": "REDEMPTION",
        "type": "redemption",
        "id": rid,
        "employee_id": ALICE,
        "item_id": "item_1",
        "item_name": "Bookshop gift card",
        "item_type": "gift_card",
        "category": "Books",
        "denomination": "25",
        "currency": "USD",
        "points": 2500,
        "status": "pending_approval",
        "approver_id": MAYA,
        "funded_by": "points",
        "fulfilment": "code_stock",
        "created_at": "2026-11-16T09:30:00.000000+00:00",
        "updated_at": "2026-11-16T09:30:00.000000+00:00",
        "version": 1,
        "history": [{"status": "pending_approval", "at": "2026-11-16T09:30:00.000000+00:00", "by": ALICE}],
    }
    return redemption | changes


def _moved(redemption: dict[str, Any], status: str, by: str, reason: str | None = None) -> dict[str, Any]:
    entry = {"status": status, "at": "2026-11-16T10:00:00.000000+00:00", "by": by, "reason": reason}
    history = [*redemption["history"], {k: v for k, v in entry.items() if v is not None}]
    return redemption | {"status": status, "version": redemption["version"] + 1, "history": history}


def _posts(slack: FakeSlack) -> list[dict[str, Any]]:
    return slack.called("chat.postMessage")


def _prefer(employee_id: str, channel: RewardDelivery, **changes: Any) -> None:
    snap = snapshots.load(employees=[employee_id])
    previous = snap.employee(employee_id)
    assert previous is not None
    updated = previous.model_copy(update={"reward_delivery": channel, **changes})
    write_all(profile_writes(updated, previous, snap.employee_version(employee_id)))


def _logged(caplog: pytest.LogCaptureFixture) -> str:
    """Every log record with its extra fields, as text."""
    return "\n".join(str(vars(record)) for record in caplog.records)


def _issue(rid: str = "red_1") -> str:
    return vouchers.issue(_redemption(rid, status="fulfilled"), code=CODE, expires_on=date(2027, 5, 31))


def test_an_approver_is_asked_with_buttons(notifications: Notifications, slack: FakeSlack) -> None:
    notifications.put(_redemption())
    assert notifications.deliver() == {"batchItemFailures": []}
    (post,) = _posts(slack)
    assert post["channel"] == slack_id("Maya Chen")
    assert "Alice Martin would like to redeem" in post["text"]
    buttons = post["blocks"][1]["elements"]
    assert [(b["action_id"], b["value"]) for b in buttons] == [
        ("approval_approve", "red_1"),
        ("approval_reject", "red_1"),
    ]
    (kept,) = posts_about("redemption", "red_1")
    assert (kept.purpose, kept.channel, kept.ts) == ("approver", post["channel"], POST_TS)


@pytest.mark.parametrize("queue", ["hr", "finance"])
def test_a_roles_queue_is_asked_in_the_hr_channel(
    notifications: Notifications, slack: FakeSlack, queue
) -> None:
    notifications.put(_redemption(approver_id=queue))
    notifications.deliver()
    assert [post["channel"] for post in _posts(slack)] == [HR_CHANNEL]


def _award(by: str, reason: str | None = "For the launch <b>") -> dict[str, Any]:
    history = [{"status": "approved", "at": "2026-11-16T09:30:00.000000+00:00", "by": by, "reason": reason}]
    return _redemption(status="approved", approver_id=None, funded_by="budget:team", history=history)


def test_a_direct_award_tells_its_recipient_who_gave_what_and_why(
    notifications: Notifications, slack: FakeSlack
) -> None:
    notifications.put(_award(MAYA))
    assert notifications.deliver() == {"batchItemFailures": []}
    (post,) = _posts(slack)
    assert post["channel"] == slack_id("Alice Martin")
    blocks = json.dumps(post["blocks"])
    assert f"<@{slack_id('Maya Chen')}> gave you *Bookshop gift card*" in blocks
    assert "For the launch &lt;b&gt;" in blocks  # the giver's words, as text


def test_an_award_from_an_integration_or_plaudit_itself(
    notifications: Notifications, slack: FakeSlack
) -> None:
    notifications.put(_award("hris-client", reason=None))
    notifications.put(
        _award(SYSTEM.subject) | {"PK": "REDEMPTION#red_2", "id": "red_2"}
    )  # a milestone's item
    notifications.put(_redemption("red_3", status="approved", approver_id=None))  # bought with points
    notifications.deliver()
    (post,) = _posts(slack)
    assert "You were given *Bookshop gift card*" in post["text"]


@pytest.mark.parametrize(
    ("status", "by", "reason", "expected"),
    [
        ("approved", MAYA, None, "was approved"),
        ("rejected", MAYA, "Over the team's quarterly limit", "Over the team's quarterly limit"),
        ("cancelled", MAYA, "Item discontinued", "2,500 points are back"),
    ],
)
def test_the_owner_hears_of_each_decision(
    notifications: Notifications, slack: FakeSlack, status: str, by: str, reason: str | None, expected: str
) -> None:
    pending = _redemption()
    notifications.put(pending)
    notifications.deliver()
    slack.calls.clear()
    notifications.put(_moved(pending, status, by, reason))
    notifications.deliver()
    (post,) = _posts(slack)
    assert post["channel"] == slack_id("Alice Martin")
    assert expected in json.dumps(post["blocks"])


def test_cancelling_ones_own_redemption_tells_nobody(notifications: Notifications, slack: FakeSlack) -> None:
    approved = _redemption(status="approved", approver_id=None)
    notifications.put(approved)
    notifications.deliver()
    notifications.put(_moved(approved, "cancelled", ALICE))
    notifications.deliver()
    assert _posts(slack) == []


def test_fulfilled_and_failed_tell_the_owner_and_a_failure_hr(
    notifications: Notifications, slack: FakeSlack
) -> None:
    fulfilling = _redemption(status="fulfilling", approver_id=None)
    notifications.put(fulfilling)
    notifications.put(_moved(fulfilling, "fulfilled", "plaudit"))
    notifications.deliver()
    (fulfilled,) = _posts(slack)
    assert "is ready" in fulfilled["text"]

    slack.calls.clear()
    other = _redemption("red_2", status="fulfilling", approver_id=None)
    notifications.put(other)
    notifications.put(_moved(other, "failed", "plaudit") | {"failure_reason": "provider out of stock"})
    notifications.deliver()
    owner, hr = _posts(slack)
    assert owner["channel"] == slack_id("Alice Martin")
    assert "Your 2,500 points are back in your wallet" in json.dumps(owner["blocks"])
    assert "provider out of stock" not in json.dumps(owner["blocks"])
    assert hr["channel"] == HR_CHANNEL
    assert "provider out of stock" in json.dumps(hr["blocks"])


def test_stock_alerts_voucher_and_points_reminders(notifications: Notifications, slack: FakeSlack) -> None:
    notifications.put(
        {
            "PK": "STOCK#item_1",
            "SK": "ALERT#2026-11-16T09:30:00+00:00#3",
            "type": "stock_alert",
            "item_id": "item_1",
            "item_name": "Bookshop gift card",
            "remaining": 3,
            "alert_below": 5,
        }
    )
    notifications.put(
        {
            "PK": "VOUCHER#vch_1",
            "SK": "REMINDER",
            "type": "voucher_reminder",
            "voucher_id": "vch_1",
            "employee_id": ALICE,
            "item_name": "Bookshop gift card",
            "expires_on": "2026-11-23",
        }
    )
    notifications.put(
        {
            "PK": f"EMP#{ALICE}",
            "SK": "POINTS_REMIND#2027-01",
            "type": "points_reminder",
            "employee_id": ALICE,
            "points": 1200,
            "expires_by": "2027-01-04",
        }
    )
    notifications.deliver()
    alert, reminder, points = _posts(slack)
    assert alert["channel"] == HR_CHANNEL
    assert "only 3 codes left" in json.dumps(alert["blocks"])
    assert reminder["channel"] == slack_id("Alice Martin")
    assert "expires on November 23, 2026" in reminder["text"]
    assert points["channel"] == slack_id("Alice Martin")
    assert points["text"] == "1,200 points expire by January 4, 2027"


def test_a_voucher_goes_by_slack_dm_once_with_its_code_nowhere_else(
    notifications: Notifications, slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    voucher_id = _issue()
    records = notifications.records()
    assert notifications.invoke(records) == {"batchItemFailures": []}
    notifications.invoke(records)  # a redelivery sends nothing again
    (dm,) = _posts(slack)
    assert dm["channel"] == slack_id("Alice Martin")
    assert CODE in json.dumps(dm["blocks"])
    assert CODE not in dm["text"]  # the notification preview
    assert get_voucher(voucher_id)["status"] == "delivered"
    notifications.deliver()  # the voucher's own MODIFY (delivered) posts nothing
    assert len(_posts(slack)) == 1
    (kept,) = posts_about("voucher", voucher_id)  # to redact the code from Slack later
    assert (kept.purpose, kept.channel, kept.ts) == ("delivery", dm["channel"], POST_TS)
    logged = _logged(caplog)
    assert "voucher delivered" in logged
    assert CODE not in logged


def test_a_voucher_goes_by_email_to_who_prefers_it(
    notifications: Notifications, slack: FakeSlack, mail: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _prefer(ALICE, "email")
    voucher_id = _issue()
    notifications.deliver()
    assert _posts(slack) == []
    (sent,) = sent_mail()
    assert sent["to"] == [snapshots.load(employees=[ALICE]).employee(ALICE).email]
    assert sent["from"] == LOCAL_MAIL_FROM
    assert CODE in sent["body"]
    assert "Bookshop gift card" in sent["subject"]
    assert get_voucher(voucher_id)["status"] == "delivered"
    logged = _logged(caplog)
    assert "'channel': 'email'" in logged
    assert CODE not in logged


def test_slack_without_a_slack_id_falls_back_to_email(
    notifications: Notifications, slack: FakeSlack, mail: None
) -> None:
    _prefer(ALICE, "slack", slack_user_id=None)
    _issue()
    notifications.deliver()
    assert _posts(slack) == []
    assert len(sent_mail()) == 1


def test_api_only_pushes_nothing(notifications: Notifications, slack: FakeSlack, mail: None) -> None:
    _prefer(ALICE, "api")
    voucher_id = _issue()
    notifications.deliver()
    assert _posts(slack) == []
    assert sent_mail() == []
    assert get_voucher(voucher_id)["status"] == "delivered"


def test_a_refused_dm_falls_back_and_fails_nothing(
    notifications: Notifications, slack: FakeSlack, mail: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        FakeSlack, "reply_to", lambda self, method, params: {"ok": False, "error": "user_not_found"}
    )
    notifications.put(_redemption())
    _issue("red_9")
    assert notifications.deliver() == {"batchItemFailures": []}
    assert len(sent_mail()) == 1  # the voucher went by email instead


def test_without_slack_nothing_is_posted_but_email_still_delivers(
    notifications: Notifications, slack: FakeSlack, mail: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PLAUDIT_SLACK_BOT_TOKEN")
    monkeypatch.delenv("SLACK_SIGNING_SECRET")
    environment.cache_clear()  # a new container would read it afresh
    fresh = notifications.module.Notifier()  # the token is read once per container
    monkeypatch.setattr(notifications.module, "notifier", fresh)
    notifications.put(_redemption())
    voucher_id = _issue("red_3")
    assert notifications.deliver() == {"batchItemFailures": []}
    assert slack.calls == []
    assert len(sent_mail()) == 2  # the voucher, and Maya's approval to act on (test_notice_emails)
    assert get_voucher(voucher_id)["status"] == "delivered"


def test_the_local_stack_lists_sent_mail(notifications: Notifications, slack: FakeSlack, mail: None) -> None:
    _prefer(ALICE, "email")
    _issue()
    notifications.deliver()
    reply = local_mail.handle(HttpRequest("GET", MAIL_PATH, "after=0", [], b"", "127.0.0.1"))
    assert reply is not None
    listed = json.loads(reply.body)
    assert listed["last"] == 1
    assert listed["mail"][0]["subject"] == "Your Bookshop gift card from Plaudit"
    later = local_mail.handle(HttpRequest("GET", MAIL_PATH, "after=1", [], b"", "127.0.0.1"))
    assert later is not None
    assert json.loads(later.body)["mail"] == []
    assert local_mail.handle(HttpRequest("GET", "/_local/other", "", [], b"", "127.0.0.1")) is None


def test_a_real_redemption_told_at_each_step(
    notifications: Notifications, slack: FakeSlack, shop: dict[str, str]
) -> None:
    """Through the services: asked, approved, failed (points back, HR told); then one fulfilled with its
    voucher delivered by DM."""
    rid = request(shop["coffee"], "60").id
    notifications.deliver()
    (ask,) = _posts(slack)
    assert ask["channel"] == slack_id("Maya Chen")
    assert ask["blocks"][1]["elements"][0]["value"] == rid

    slack.calls.clear()
    redemptions.approve(person(MAYA), rid)
    redemptions.begin_fulfilment(rid)
    redemptions.fail_fulfilment(rid, "provider said no")
    notifications.deliver()
    approved, failed, hr = _posts(slack)
    assert [approved["channel"], failed["channel"], hr["channel"]] == [slack_id("Alice Martin")] * 2 + [
        HR_CHANNEL
    ]
    assert "was approved" in approved["text"]
    assert "Your 6,000 points are back in your wallet" in json.dumps(failed["blocks"])

    slack.calls.clear()
    done = request(shop["coffee"], "10")
    redemptions.begin_fulfilment(done.id)
    voucher_id = vouchers.issue(done.model_dump(mode="json"), code=CODE, expires_on=None)
    redemptions.complete_fulfilment(done.id, voucher_id=voucher_id)
    notifications.deliver()
    posts = _posts(slack)
    assert sum(CODE in json.dumps(post) for post in posts) == 1  # the voucher DM, and no notice
    assert any("is ready" in post["text"] for post in posts)
    assert get_voucher(voucher_id)["status"] == "delivered"
    assert_audit_clean()


def test_a_failed_marking_is_retried_without_sending_again(
    notifications: Notifications, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    mark = vouchers.mark_delivered
    failures = iter([ConnectionError("DynamoDB unreachable")])

    def flaky(voucher_id: str) -> bool:
        for failure in failures:
            raise failure
        return mark(voucher_id)

    monkeypatch.setattr(vouchers, "mark_delivered", flaky)
    voucher_id = _issue()
    records = notifications.records()
    with pytest.raises(BatchProcessingError):  # the whole batch failed: Lambda retries it
        notifications.invoke(records)
    assert get_voucher(voucher_id)["status"] == "issued"
    assert notifications.invoke(records) == {"batchItemFailures": []}
    assert len(_posts(slack)) == 1
    assert get_voucher(voucher_id)["status"] == "delivered"
