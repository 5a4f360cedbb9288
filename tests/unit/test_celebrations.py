"""What the notifier posts for which award and reminder transitions, and that its messages stay inside
Block Kit's limits and never let a name or message smuggle in mentions."""

from __future__ import annotations

import json
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from plaudit.domain.employees import Employee
from plaudit.domain.settings import OrgSettings
from plaudit.environment import environment
from plaudit.i18n import messages
from plaudit.slack.notices import milestones as celebrations
from plaudit.slack.notices import notifier
from plaudit.slack.notices.milestones import notices_for
from plaudit.slack.notices.notice import Notice, People

HR = "CHR00001"
EN = messages("en")


class FakePeople(People):
    """The org (its HR channel, its language) and Alice (French) and her manager Maya (no language of her
    own: the org's)."""

    def __init__(self, hr: str | None = HR, org_locale: str = "en") -> None:
        super().__init__(lambda: OrgSettings(hr_channel=hr, default_locale=org_locale))
        self._employees = {
            "E1003": Employee(
                id="E1003", email="a@x.example", name="Alice Martin", slack_user_id="UALICE", locale="fr"
            ),
            "E1002": Employee(id="E1002", email="m@x.example", name="Maya Chen", slack_user_id="UMAYA"),
        }


def _award(**changes: Any) -> dict[str, Any]:
    award = {
        "PK": "AWARD#awd_1",
        "SK": "AWARD",
        "type": "milestone_award",
        "id": "awd_1",
        "rule_id": "rule_1",
        "rule_name": "Work anniversary",
        "employee_id": "E1003",
        "employee_name": "Alice Martin",
        "slack_user_id": "UALICE",
        "manager_id": "E1002",
        "occurrence": "anniversary:5",
        "day": "2026-11-23",
        "points": 500,
        "budget_id": "company",
        "catalog_item_id": None,
        "status": "paid",
        "message": "Happy 5-year work anniversary, Alice!",
        "announce": True,
        "channel": "CKUDOS01",
        "dm": True,
        "source": "schedule",
    }
    return award | changes


def _reminder(**changes: Any) -> dict[str, Any]:
    reminder = {
        "PK": "REMIND#awd_1",
        "SK": "REMIND",
        "type": "milestone_reminder",
        "award_id": "awd_1",
        "employee_id": "E1003",
        "employee_name": "Alice Martin",
        "manager_id": "E1002",
        "manager_slack_user_id": "UMAYA",
        "rule_name": "Work anniversary",
        "day": "2026-11-30",
    }
    return reminder | changes


def _purposes(notices: list[Notice]) -> list[tuple[str, str]]:
    return [(notice.purpose, notice.channel) for notice in notices]


def test_a_paid_award_is_celebrated_in_its_channel_and_by_dm() -> None:
    notices = notices_for("INSERT", None, _award(), FakePeople(org_locale="it"))
    assert _purposes(notices) == [("celebration", "CKUDOS01"), ("dm", "UALICE")]
    shown = json.dumps(notices[0].message, ensure_ascii=False)
    assert "Happy 5-year work anniversary, Alice!" in shown  # the rule's own message, as HR wrote it
    assert "<@UALICE>" in shown
    assert "500 punti" in shown  # the channel hears the organisation's language
    assert "500 points* sont dans votre portefeuille" in json.dumps(notices[1].message, ensure_ascii=False)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"announce": False}, [("dm", "UALICE")]),
        ({"channel": None}, [("dm", "UALICE")]),
        ({"dm": False}, [("celebration", "CKUDOS01")]),
        ({"slack_user_id": None}, [("celebration", "CKUDOS01")]),
        ({"announce": False, "dm": False}, []),
    ],
)
def test_announce_and_dm_choose_the_posts(changes: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    assert _purposes(notices_for("INSERT", None, _award(**changes), FakePeople())) == expected


def test_a_person_without_slack_is_named_in_the_channel() -> None:
    (notice,) = notices_for("INSERT", None, _award(slack_user_id=None, dm=False), FakePeople())
    assert "Alice Martin" in json.dumps(notice.message)


def test_a_granted_item_is_celebrated_without_points_in_the_wallet() -> None:
    award = _award(status="granted", points=0, budget_id=None, catalog_item_id="mug")
    channel, dm = notices_for("INSERT", None, award, FakePeople())
    assert "points" not in json.dumps(channel.message)
    shown = json.dumps(dm.message, ensure_ascii=False)
    assert "Un cadeau du catalogue" in shown
    assert "portefeuille" not in shown


def test_a_pending_award_tells_hr_and_celebrates_once_paid() -> None:
    pending = _award(status="pending")
    (alert,) = notices_for("INSERT", None, pending, FakePeople())
    assert (alert.purpose, alert.channel) == ("hr", HR)
    shown = json.dumps(alert.message)
    assert "Alice Martin" in shown
    assert "`company`" in shown
    assert "topped up" in shown
    assert "November 23, 2026" in shown

    paid = _award(status="paid", paid_at="2026-11-24T10:00:00+00:00")
    assert _purposes(notices_for("MODIFY", pending, paid, FakePeople())) == [
        ("celebration", "CKUDOS01"),
        ("dm", "UALICE"),
    ]


def test_a_pending_award_without_an_hr_channel_tells_nobody() -> None:
    assert notices_for("INSERT", None, _award(status="pending"), FakePeople(hr=None)) == []


@pytest.mark.parametrize(
    ("event_name", "old", "new"),
    [
        ("MODIFY", _award(), _award(message="edited")),  # paid -> paid: celebrated already
        ("MODIFY", _award(status="pending"), _award(status="pending", points=600)),
        ("REMOVE", _award(), None),
        ("MODIFY", _reminder(), _reminder(day="2026-12-01")),
        ("INSERT", None, {"type": "recognition", "id": "rec_1"}),
    ],
)
def test_other_changes_post_nothing(event_name: str, old: Any, new: Any) -> None:
    assert notices_for(event_name, old, new, FakePeople()) == []


def test_a_reminder_dms_the_manager_in_their_language() -> None:
    (notice,) = notices_for("INSERT", None, _reminder(), FakePeople(org_locale="ar"))
    assert (notice.purpose, notice.channel) == ("manager", "UMAYA")
    shown = json.dumps(notice.message, ensure_ascii=False)
    assert "قريبًا في 30 نوفمبر 2026: *Alice Martin*، *Work anniversary*." in shown
    assert "Plaudit" in shown


def test_a_reminder_for_a_manager_without_slack_posts_nothing() -> None:
    assert notices_for("INSERT", None, _reminder(manager_slack_user_id=None), FakePeople()) == []


NASTY = "<!channel> & <@UEVIL> " * 200


@pytest.mark.parametrize(
    "build",
    [
        lambda: celebrations.celebration_message(
            _award(message=NASTY, employee_name=NASTY, slack_user_id=None), EN
        ),
        lambda: celebrations.award_dm_message(_award(message=NASTY, catalog_item_id="x"), EN),
        lambda: celebrations.pending_message(
            _award(employee_name=NASTY, rule_name=NASTY, day="not a day"), EN
        ),
        lambda: celebrations.reminder_message(_reminder(employee_name=NASTY, rule_name=NASTY), EN),
    ],
)
def test_messages_fit_block_kit_and_escape_what_people_wrote(build: Any) -> None:
    message = build()
    assert len(message["text"]) <= 4000
    for block in message["blocks"]:
        Block.parse(block).to_dict()  # slack_sdk validates the limits
    shown = json.dumps(message)
    assert "<!channel>" not in shown
    assert "<@UEVIL>" not in shown
    assert "&amp;amp;" not in shown  # escaped once


def test_without_slack_nothing_is_posted_and_nothing_fails() -> None:
    posting = notifier.Notifier(token=lambda: None)
    posting.begin_batch()
    posting.handle("ev1", "INSERT", None, {"type": {"S": "milestone_award"}, "status": {"S": "paid"}})


def test_slack_is_configured_by_a_secret_or_both_local_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SLACK_SECRET_ARN", "SLACK_SIGNING_SECRET", "PLAUDIT_SLACK_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert notifier.bot_token() is None
    monkeypatch.setenv("PLAUDIT_SLACK_BOT_TOKEN", "xoxb-local")
    environment.cache_clear()  # a new container would read it afresh
    assert notifier.bot_token() is None
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")
    environment.cache_clear()  # a new container would read it afresh
    assert notifier.bot_token() == "xoxb-local"
