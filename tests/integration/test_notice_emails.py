"""People Slack cannot reach (no Slack user id, or no Slack at all) receive by email what Slack would DM them,
in their language: an approval to act on, a milestone award, a voucher (its own delivery channel). Through
the notifications function, its stream filter and moto's SES (the local stack's mail sink)."""

from __future__ import annotations

import pytest
import test_notifications
import test_reward_notifications
import test_slack_kudos
from test_notifications import Notifications
from test_reward_notifications import ALICE, CODE, MAYA, _issue, _prefer, _redemption
from test_slack_kudos import FakeSlack

from plaudit.environment import environment
from plaudit.store import snapshots
from plaudit_dev.local_mail import sent_mail

slack = test_slack_kudos.slack  # the fixtures
notifications = test_notifications.notifications
mail = test_reward_notifications.mail
queued = test_reward_notifications.queued


def email_of(employee_id: str) -> str:
    person = snapshots.load(employees=[employee_id]).employee(employee_id)
    assert person is not None
    return person.email


def without_slack(employee_id: str, locale: str) -> None:
    _prefer(employee_id, "slack", slack_user_id=None, locale=locale)


def test_an_approver_without_slack_is_asked_by_email_in_italian_once(
    notifications: Notifications, slack: FakeSlack, mail: None
) -> None:
    without_slack(MAYA, "it")
    notifications.put(_redemption())
    assert notifications.deliver() == {"batchItemFailures": []}
    assert slack.called("chat.postMessage") == []
    (sent,) = sent_mail()
    assert sent["to"] == [email_of(MAYA)]
    assert sent["subject"] == "Alice Martin chiede di riscattare Bookshop gift card"
    assert "vorrebbe riscattare Bookshop gift card per 2.500 punti" in sent["body"]
    assert "(richiesta red_1)" in sent["body"]

    notifications.put(_redemption(version=2))  # the same request seen again (MODIFY): asks nobody again
    notifications.deliver()
    assert len(sent_mail()) == 1


def test_an_approver_in_slack_gets_no_email(
    notifications: Notifications, slack: FakeSlack, mail: None
) -> None:
    notifications.put(_redemption())
    notifications.deliver()
    assert len(slack.called("chat.postMessage")) == 1
    assert sent_mail() == []


def test_an_award_reaches_a_person_without_slack_by_email_in_french_and_arabic(
    notifications: Notifications, slack: FakeSlack, mail: None
) -> None:
    without_slack(ALICE, "fr")
    notifications.put(test_notifications._award(slack_user_id=None))
    assert notifications.deliver() == {"batchItemFailures": []}
    channels = [post["channel"] for post in slack.called("chat.postMessage")]
    assert channels == [test_notifications.ANNOUNCEMENTS]  # the celebration still goes to its channel
    (sent,) = sent_mail()
    assert sent["to"] == [email_of(ALICE)]
    assert sent["subject"] == "Félicitations : Work anniversary"
    assert "Happy 5-year work anniversary, Alice!" in sent["body"]  # HR's words, as written
    assert "Ajoutés à votre portefeuille : 500 points" in sent["body"]

    without_slack(ALICE, "ar")
    notifications.put(test_notifications._award("awd_2", slack_user_id=None, announce=False))
    notifications.deliver()
    arabic = sent_mail()[-1]
    assert arabic["subject"] == "تهانينا: Work anniversary"
    assert "أُضيفت إلى محفظتك" in arabic["body"]


def test_a_direct_award_reaches_a_person_without_slack_by_email_in_italian_once(
    notifications: Notifications, slack: FakeSlack, mail: None
) -> None:
    without_slack(ALICE, "it")
    notifications.put(test_reward_notifications._award(MAYA))
    assert notifications.deliver() == {"batchItemFailures": []}
    assert slack.called("chat.postMessage") == []
    (sent,) = sent_mail()
    assert sent["to"] == [email_of(ALICE)]
    assert sent["subject"] == "Maya Chen ti ha regalato Bookshop gift card"
    assert "<p>For the launch &lt;b&gt;</p>" in sent["body"]  # the giver's words, as text
    assert "in arrivo" in sent["body"]
    notifications.put(test_reward_notifications._award(MAYA) | {"version": 2})  # seen again: nothing new
    notifications.deliver()
    assert len(sent_mail()) == 1


def test_a_pending_award_waits_and_its_payment_is_emailed_once(
    notifications: Notifications, slack: FakeSlack, mail: None
) -> None:
    without_slack(ALICE, "it")
    notifications.put(test_notifications._award(slack_user_id=None, status="pending", announce=False))
    notifications.deliver()
    assert sent_mail() == []
    notifications.set_status("awd_1", "paid")
    notifications.deliver()
    (sent,) = sent_mail()
    assert sent["subject"] == "Congratulazioni: Work anniversary"


@pytest.mark.parametrize(
    ("locale", "subject"),
    [("it", "Il tuo Bookshop gift card da Plaudit"), ("ar", "Bookshop gift card الخاص بك من Plaudit")],
)
def test_a_voucher_reaches_a_person_without_slack_by_email(
    notifications: Notifications, slack: FakeSlack, mail: None, locale: str, subject: str
) -> None:
    without_slack(ALICE, locale)
    _issue()
    notifications.deliver()
    (sent,) = sent_mail()
    assert sent["to"] == [email_of(ALICE)]
    assert CODE in sent["body"]
    assert sent["subject"] == subject


def test_without_slack_configured_everyone_is_emailed(
    notifications: Notifications, slack: FakeSlack, mail: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PLAUDIT_SLACK_BOT_TOKEN")
    monkeypatch.delenv("SLACK_SIGNING_SECRET")
    environment.cache_clear()
    monkeypatch.setattr(notifications.module, "notifier", notifications.module.Notifier())
    notifications.put(_redemption())  # Maya has a Slack id, but there is no Slack
    notifications.put(test_notifications._award())
    assert notifications.deliver() == {"batchItemFailures": []}
    assert slack.calls == []
    assert sorted(mail["to"][0] for mail in sent_mail()) == sorted([email_of(MAYA), email_of(ALICE)])


def test_without_email_configured_nothing_is_sent_and_nothing_fails(
    notifications: Notifications, slack: FakeSlack
) -> None:
    without_slack(MAYA, "fr")
    notifications.put(_redemption())
    assert notifications.deliver() == {"batchItemFailures": []}
    assert sent_mail() == []
