"""What the notifier posts for redemption transitions, stock alerts and voucher reminders (never a code),
and how a voucher picks its delivery channel."""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime
from typing import Any

import pytest

from plaudit.domain.employees import Employee
from plaudit.domain.settings import OrgSettings
from plaudit.i18n import messages
from plaudit.integrations.delivery import ApiOnly, ChannelRefused, deliver, route, wire_logs_muted
from plaudit.integrations.delivery.mail import voucher_email
from plaudit.integrations.delivery.slack_dm import voucher_message
from plaudit.services.vouchers import OwnedVoucher
from plaudit.slack.notices.notice import People
from plaudit.slack.notices.rewards import notices_for

HR = "CHR00001"
EN = messages("en")
CODE = "7KQ4-M9TX-2HCF-WZ8R-P3"
PEOPLE = {
    "E1002": Employee(id="E1002", email="maya@x.example", name="Maya Chen", slack_user_id="UMAYA"),
    "E1003": Employee(
        id="E1003", email="alice@x.example", name="Alice <b>Martin</b>", slack_user_id="UALICE"
    ),
}


class FakePeople(People):
    def __init__(self, hr: str | None = HR) -> None:
        super().__init__(lambda: OrgSettings(hr_channel=hr))
        self._employees = dict(PEOPLE)


def _redemption(**changes: Any) -> dict[str, Any]:
    redemption = {
        "type": "redemption",
        "id": "red_1",
        "employee_id": "E1003",
        "item_id": "item_1",
        "item_name": "Bookshop gift card",
        "denomination": "25",
        "currency": "USD",
        "points": 2500,
        "status": "pending_approval",
        "approver_id": "E1002",
        "funded_by": "points",
        "history": [{"status": "pending_approval", "by": "E1003"}],
    }
    return redemption | changes


def _moved(old: dict[str, Any], status: str, by: str = "E1002", reason: str | None = None) -> dict[str, Any]:
    return old | {
        "status": status,
        "history": [*old["history"], {"status": status, "by": by, "reason": reason}],
    }


def _text(notice: Any) -> str:
    return json.dumps(notice.message)


def test_a_pending_redemption_asks_its_approver_with_both_buttons() -> None:
    (notice,) = notices_for("INSERT", None, _redemption(), FakePeople())
    assert (notice.purpose, notice.channel) == ("approver", "UMAYA")
    actions = notice.message["blocks"][1]["elements"]
    assert [(a["action_id"], a["value"], a["style"]) for a in actions] == [
        ("approval_approve", "red_1", "primary"),
        ("approval_reject", "red_1", "danger"),
    ]
    assert "&lt;b&gt;Martin" in _text(notice)  # names are escaped


def test_hr_approvals_go_to_the_hr_channel_and_nowhere_without_one() -> None:
    (notice,) = notices_for("INSERT", None, _redemption(approver_id="hr"), FakePeople())
    assert notice.channel == HR
    assert notices_for("INSERT", None, _redemption(approver_id="hr"), FakePeople(hr=None)) == []


def test_an_escalated_approval_asks_hr() -> None:
    old = _redemption()
    escalated = _moved(old, "pending_approval", by="plaudit", reason="no answer") | {"approver_id": "hr"}
    (notice,) = notices_for("MODIFY", old, escalated, FakePeople())
    assert (notice.purpose, notice.channel) == ("approver", HR)
    assert notices_for("MODIFY", escalated, escalated | {"version": 3}, FakePeople()) == []


def test_a_redemption_inserted_approved_posts_nothing() -> None:
    assert notices_for("INSERT", None, _redemption(status="approved"), FakePeople()) == []


@pytest.mark.parametrize(
    ("status", "reason", "says", "refund"),
    [
        ("approved", None, "was approved", False),
        ("rejected", "Over budget", "Over budget", True),
        ("cancelled", "Discontinued", "was cancelled", True),
        ("fulfilled", None, "is ready", False),
        ("failed", None, "could not get you", True),
    ],
)
def test_each_status_change_tells_the_owner(status: str, reason: str | None, says: str, refund: bool) -> None:
    old = _redemption()
    notices = notices_for("MODIFY", old, _moved(old, status, reason=reason), FakePeople())
    owner = notices[0]
    assert (owner.purpose, owner.channel) == ("owner", "UALICE")
    assert says in _text(owner)
    assert ("Your 2,500 points are back in your wallet" in _text(owner)) is refund
    assert [n.purpose for n in notices] == (["owner", "hr"] if status == "failed" else ["owner"])


def test_a_fulfilled_donation_is_confirmed_as_a_donation_not_a_voucher() -> None:
    old = _redemption(
        item_type="donation", item_name="Donate to Red Cross", denomination="12", status="fulfilling"
    )
    [owner] = notices_for("MODIFY", old, _moved(old, "fulfilled", by="system"), FakePeople())
    assert "Your donation *Donate to Red Cross* ($12.00) was made in your name" in _text(owner)
    assert "voucher" not in _text(owner)


def test_a_budget_funded_refund_does_not_promise_points() -> None:
    old = _redemption(funded_by="budget:company", status="fulfilling")
    (owner, hr) = notices_for("MODIFY", old, _moved(old, "failed", "plaudit"), FakePeople())
    assert "points are back" not in _text(owner)
    assert hr.channel == HR


def test_no_news_is_posted_twice_or_for_ones_own_cancel() -> None:
    old = _redemption(status="approved")
    assert notices_for("MODIFY", old, old | {"version": 2}, FakePeople()) == []
    assert notices_for("MODIFY", old, _moved(old, "cancelled", by="E1003"), FakePeople()) == []
    assert notices_for("MODIFY", old, _moved(old, "fulfilling", by="plaudit"), FakePeople()) == []


def test_an_owner_without_slack_hears_nothing_but_hr_still_does() -> None:
    people = FakePeople()
    people._employees["E1003"] = PEOPLE["E1003"].model_copy(update={"slack_user_id": None})
    old = _redemption(status="fulfilling")
    assert [n.purpose for n in notices_for("MODIFY", old, _moved(old, "failed"), people)] == ["hr"]


def test_stock_alerts_tell_hr_and_reminders_dm_the_owner() -> None:
    alert = {
        "type": "stock_alert",
        "item_id": "item_1",
        "item_name": "Books",
        "remaining": 0,
        "alert_below": 5,
    }
    (notice,) = notices_for("INSERT", None, alert, FakePeople())
    assert notice.channel == HR
    assert "no codes left" in _text(notice)
    reminder = {
        "type": "voucher_reminder",
        "voucher_id": "vch_1",
        "employee_id": "E1003",
        "item_name": "Books",
        "expires_on": "2026-11-30",
    }
    (notice,) = notices_for("INSERT", None, reminder, FakePeople())
    assert notice.channel == "UALICE"
    assert "November 30, 2026" in notice.message["text"]
    assert notices_for("MODIFY", reminder, reminder, FakePeople()) == []


def test_other_items_post_nothing() -> None:
    assert notices_for("INSERT", None, {"type": "voucher", "id": "vch_1"}, FakePeople()) == []
    assert notices_for("REMOVE", _redemption(), None, FakePeople()) == []


# --------------------------------------------------------------------------- delivery


def _voucher(**changes: Any) -> OwnedVoucher:
    return OwnedVoucher(
        id="vch_1",
        redemption_id="red_1",
        item_id="item_1",
        item_name="Books & <more>",
        status="issued",
        expires_on=date(2027, 5, 31),
        issued_at=datetime(2026, 11, 16, tzinfo=UTC),
        employee_id="E1003",
        code=CODE,
        **changes,
    )


class Recorder:
    def __init__(self, name: str, reaches: bool = True, refuses: bool = False) -> None:
        self.name, self._reaches, self._refuses, self.sent = name, reaches, refuses, []

    def reaches(self, employee: Employee) -> bool:
        return self._reaches

    def send(self, employee: Employee, voucher: OwnedVoucher, m: Any) -> None:
        if self._refuses:
            raise ChannelRefused("user_not_found")
        self.sent.append(voucher.id)


def _person(preference: str) -> Employee:
    return PEOPLE["E1003"].model_copy(update={"reward_delivery": preference})


@pytest.mark.parametrize(
    ("preference", "slack_reaches", "email_reaches", "chosen"),
    [
        ("slack", True, True, "slack"),
        ("slack", False, True, "email"),
        ("slack", False, False, "api"),
        ("email", True, True, "email"),
        ("email", True, False, "api"),
        ("api", True, True, "api"),
    ],
)
def test_the_preferred_channel_or_the_next_that_reaches(
    preference: str, slack_reaches: bool, email_reaches: bool, chosen: str
) -> None:
    channels = [Recorder("slack", slack_reaches), Recorder("email", email_reaches), ApiOnly()]
    assert deliver(_person(preference), _voucher(), channels, EN) == (chosen, None)
    assert route(_person(preference), channels)[0].name == chosen


def test_a_refusing_channel_is_passed_over() -> None:
    slack, email = Recorder("slack", refuses=True), Recorder("email")
    assert deliver(_person("slack"), _voucher(), [slack, email, ApiOnly()], EN) == ("email", None)
    assert email.sent == ["vch_1"]


def test_the_dm_shows_the_code_in_its_blocks_only() -> None:
    message = voucher_message(_voucher(), EN)
    assert CODE not in message["text"]
    assert CODE in json.dumps(message["blocks"])
    assert "May 31, 2027" in json.dumps(message["blocks"])
    assert "&lt;more&gt;" in message["text"]


def test_the_email_goes_to_the_owner_with_an_escaped_html_part() -> None:
    email = voucher_email(_person("email"), _voucher(), EN)
    assert email.to == "alice@x.example"
    assert CODE in email.text
    assert CODE in (email.html or "")
    assert "Books &amp; &lt;more&gt;" in (email.html or "")
    assert "<b>" not in (email.html or "")
    assert '<div lang="en" dir="ltr">' in (email.html or "")


def test_an_arabic_email_runs_right_to_left_and_keeps_the_code_left_to_right() -> None:
    email = voucher_email(_person("email"), _voucher(), messages("ar"))
    assert email.subject == "Books & <more> الخاص بك من Plaudit"
    assert '<div lang="ar" dir="rtl">' in (email.html or "")
    assert f'dir="ltr">{CODE}</p>' in (email.html or "")
    assert "مرحبًا Alice <b>Martin</b>،" in email.text


def test_wire_logs_are_muted_while_a_code_travels_and_restored_after() -> None:
    botocore = logging.getLogger("botocore")
    botocore.setLevel(logging.DEBUG)
    try:
        with wire_logs_muted():
            assert not botocore.isEnabledFor(logging.DEBUG)
        assert botocore.isEnabledFor(logging.DEBUG)
    finally:
        botocore.setLevel(logging.NOTSET)
