"""The language Plaudit speaks to a Slack user: their directory locale, else Slack's locale for them
(users.info with include_locale) when Plaudit speaks it, else the organisation's default, else English;
Slack is asked once per user per container, and only for people without a locale of their own."""

from typing import Any

import pytest
from slack_sdk.errors import SlackApiError

from plaudit.slack import identity


class Slack:
    """users.info answering with each user's Slack locale, counting the calls."""

    def __init__(self, locales: dict[str, str | None], *, failing: bool = False):
        self.locales, self.failing, self.calls = locales, failing, []

    def users_info(self, *, user: str, include_locale: bool = False) -> dict[str, Any]:
        self.calls.append((user, include_locale))
        if self.failing:
            raise SlackApiError("user_not_found", {"ok": False, "error": "user_not_found"})
        found = {"id": user}
        if include_locale and self.locales.get(user):
            found["locale"] = self.locales[user]
        return {"user": found}


@pytest.fixture(autouse=True)
def _fresh_container():
    identity.forget_all()
    yield
    identity.forget_all()


def locale(slack, user="UCHLOE", *, mine=None, org="en"):
    return identity.slack_user_locale(user, slack, directory_locale=mine, default_locale=org)


def test_the_directory_locale_wins_and_slack_is_not_asked():
    slack = Slack({"UCHLOE": "fr-FR"})
    assert locale(slack, mine="ar", org="it") == "ar"
    assert slack.calls == []


@pytest.mark.parametrize(
    ("slack_locale", "org", "expected"),
    [
        ("fr-FR", "en", "fr"),
        ("it-IT", "fr", "it"),
        ("ar-SA", "en", "ar"),
        ("en-GB", "fr", "en"),
        ("de-DE", "it", "it"),  # a language Plaudit does not speak: the organisation's
        (None, "fr", "fr"),  # Slack knows none
        ("ja-JP", None, "en"),
    ],
)
def test_without_one_slacks_locale_is_the_hint_then_the_organisations(slack_locale, org, expected):
    slack = Slack({"UCHLOE": slack_locale})
    assert locale(slack, org=org) == expected
    assert slack.calls == [("UCHLOE", True)]


def test_slacks_answer_is_kept_per_user_misses_too(monkeypatch):
    slack = Slack({"UCHLOE": "fr-FR", "UDAN": "de-DE"})
    assert [locale(slack), locale(slack), locale(slack, "UDAN"), locale(slack, "UDAN")] == [
        "fr",
        "fr",
        "en",
        "en",
    ]
    assert slack.calls == [("UCHLOE", True), ("UDAN", True)]
    later = identity.time.monotonic() + identity.CACHE_SECONDS + 1
    monkeypatch.setattr(identity.time, "monotonic", lambda: later)
    slack.locales["UCHLOE"] = "it-IT"
    assert locale(slack) == "it"


def test_slack_failing_leaves_the_organisations_language():
    assert locale(Slack({}, failing=True), org="ar") == "ar"
