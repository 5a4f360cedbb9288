"""Badge and streak words in every language: the announcement (the organisation's language), the DM and
the nudge (the person's), and the App Home section; HR's own words shown as written, escaped."""

import json
from datetime import UTC, datetime

import pytest

from plaudit.i18n import SUPPORTED_LOCALES, messages
from plaudit.services.badges import EarnedBadge, StreakView
from plaudit.slack.notices.badges import announcement_message, badge_dm_message, nudge_message
from plaudit.slack.views.badges import badges_blocks

EARNED = {"emoji": "handshake", "name": "Team <player>", "description": "Ten #teamwork kudos", "public": True}
BADGE = EarnedBadge(
    badge_id="badge_1",
    name="Team <player>",
    emoji="handshake",
    description="Ten #teamwork kudos",
    public=True,
    window="2026-Q4",
    earned_at=datetime(2026, 11, 16, 9, 0, tzinfo=UTC),
)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_badge_message_is_said_in_each_language(locale: str) -> None:
    m = messages(locale)

    def said_in(words) -> dict:
        return {
            "announcement": announcement_message(EARNED, "<@UALICE>", words),
            "dm": badge_dm_message(EARNED, words),
            "nudge": nudge_message(3, words),
        }

    said, english = said_in(m), said_in(messages("en"))
    for name, message in said.items():
        text = json.dumps(message, ensure_ascii=False)
        assert "{" not in message["text"], (name, message["text"])  # every placeholder filled
        assert locale == "en" or message["text"] != english[name]["text"], name  # translated
        if name != "nudge":
            assert "Team &lt;player&gt;" in text  # HR's words, as written but escaped
            assert ":handshake:" in text
    assert "<@UALICE>" in said["announcement"]["text"]
    blocks = [
        block.to_dict()
        for block in badges_blocks([BADGE], StreakView(current=2, longest=5, last_week="2026-W47"), m)
    ]
    shown = json.dumps(blocks, ensure_ascii=False)
    assert "Team &lt;player&gt;" in shown
    assert "5" in shown
    empty = json.dumps(
        [b.to_dict() for b in badges_blocks([], StreakView(current=0, longest=0, last_week=None), m)],
        ensure_ascii=False,
    )
    assert m.text("home.badges.none") in empty
    assert m.text("home.streak.none") in empty
