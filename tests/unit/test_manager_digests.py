"""Managers' weekly digests: which week is due when, and the message in every language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from plaudit.i18n import messages
from plaudit.services.digests import due_week
from plaudit.slack.notices.digests import QUIET_SHOWN, digest_message

FIGURES = {
    "week": "2026-W47",
    "kudos_received": 1,
    "points_received": 1000,
    "kudos_given": 3,
    "points_given": 9,
}


def test_the_week_that_ended_is_due_from_monday_at_the_hour_in_the_organisations_zone() -> None:
    monday_early = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    assert due_week(monday_early, "UTC", 9) == "2026-W46"
    assert due_week(datetime(2026, 11, 23, 9, 0, tzinfo=UTC), "UTC", 9) == "2026-W47"
    assert due_week(datetime(2026, 11, 29, 23, 0, tzinfo=UTC), "UTC", 9) == "2026-W47"  # Sunday: caught up
    # 07:00 UTC is 16:00 in Tokyo: Monday afternoon there
    assert due_week(monday_early, "Asia/Tokyo", 9) == "2026-W47"


@pytest.mark.parametrize(
    ("locale", "received", "quiet"),
    [
        ("en", "Your team received 1 kudos and 1,000 points.", "Not recognised in the last 30 days"),
        ("it", "Il tuo team ha ricevuto", "Senza riconoscimenti negli ultimi 30 giorni"),
        ("fr", "Votre équipe a reçu", "Sans remerciement depuis 30 jours"),
        ("ar", "تلقّى فريقك", "لم يتلقَّوا أي تقدير"),
    ],
)
def test_the_digest_in_every_language(locale: str, received: str, quiet: str) -> None:
    people = [f"<@U{n}>" for n in range(QUIET_SHOWN + 2)]
    message = digest_message(FIGURES, people, ["Teamwork"], messages(locale))
    lines = message["text"].splitlines()
    assert "2026-W47" in lines[0]
    assert lines[1].startswith(received)
    assert "Teamwork" in lines[3]
    assert lines[4].startswith(quiet)
    assert "<@U9>" in lines[4]
    assert "<@U10>" not in lines[4]
    everyone = digest_message(FIGURES, [], [], messages(locale))["text"].splitlines()
    assert len(everyone) == 4
