"""What a person is told of a correction: points taken back from an award or a kudos, or a direct item award
taken back (which item, and HR's reason), in their language, by Slack DM or in an email's subject."""

from __future__ import annotations

from typing import Any

from plaudit.domain.employees import Employee
from plaudit.domain.settings import OrgSettings
from plaudit.i18n import messages
from plaudit.slack.notices.corrections import correction_text, notices_for, subject, told
from plaudit.slack.notices.notice import People

ALICE = Employee(id="E1003", email="alice@x.example", name="Alice Martin", slack_user_id="UALICE")
REASON = "Given to the wrong Alice"


class FakePeople(People):
    def __init__(self) -> None:
        super().__init__(lambda: OrgSettings())
        self._employees = {ALICE.id: ALICE}


def item_correction(**changes: Any) -> dict[str, Any]:
    return {
        "type": "correction",
        "id": "cor_1",
        "kind": "item",
        "employee_id": ALICE.id,
        "item_name": "Late start",
        "points": {},
        "budget_points": 500,
        "reason": REASON,
        "hidden": False,
    } | changes


def test_a_direct_item_award_taken_back_is_told_to_its_recipient_with_the_item_and_the_reason():
    correction = item_correction()
    assert told("INSERT", correction) == [ALICE.id]
    assert told("MODIFY", correction) == []
    for locale in ("en", "it", "fr", "ar"):
        m = messages(locale)
        text = correction_text(correction, ALICE.id, FakePeople(), m)
        assert "Late start" in text
        assert REASON in text
        assert "500" not in text  # the budget's points are no business of hers
        assert "Late start" in subject(correction, ALICE.id, m)
    (notice,) = notices_for("INSERT", correction, FakePeople())
    assert notice.channel == "UALICE"


def test_points_taken_back_still_say_how_many():
    award = {"type": "correction", "kind": "award", "points": {ALICE.id: 50}, "rule_name": "Birthday"}
    text = correction_text(award | {"reason": REASON}, ALICE.id, FakePeople(), messages("en"))
    assert "50 points" in text
    assert "Birthday" in text
    assert subject(award, ALICE.id, messages("en")) == "50 points taken back from your balance"
