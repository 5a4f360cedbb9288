"""Every message the bot sends stays inside Block Kit's limits, even at the domain's extremes
(1000-character messages of characters that grow when escaped, 20 recipients, 5 values)."""

from datetime import UTC, datetime
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from plaudit.domain.recognition import MAX_MESSAGE, MAX_RECIPIENTS, MAX_VALUES
from plaudit.i18n import SUPPORTED_LOCALES, messages
from plaudit.slack.views import messages as views

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_CONTEXT_ELEMENTS = 10
MAX_FALLBACK_TEXT = 4000

MANY = [f"U{index:08d}" for index in range(MAX_RECIPIENTS)]
MENTIONS = [f"<@{user}>" for user in MANY]
NASTY = "&<>" * (MAX_MESSAGE // 3) + "x"
VALUES = [f"value-{index}" for index in range(MAX_VALUES)]


EN = messages("en")


def _messages(locale: str) -> dict[str, dict[str, Any]]:
    m = messages(locale)
    return {
        "help": views.help_message(m),
        "problem": views.problem_message(NASTY, m, with_example=True),
        "problem about people": views.problem_about("kudos.refused.not_a_person", MANY, m),
        "confirmation": views.confirmation_message(dict.fromkeys(MANY, 100), m, announced_in="CKUDOS01"),
        "replayed": views.confirmation_message(dict.fromkeys(MANY, 100), m, announced_in=None, replayed=True),
        "announcement": views.announcement_message(
            "<@UGIVER>", dict.fromkeys(MENTIONS, 100), NASTY, VALUES, m
        ),
        "split announcement": views.announcement_message(
            "<@UGIVER>", {user: index + 1 for index, user in enumerate(MENTIONS)}, NASTY, VALUES, m
        ),
        "dm": views.recipient_dm_message("<@UGIVER>", 100, NASTY, VALUES, m),
        "balance": views.balance_message(40, 100, datetime(2026, 12, 1, tzinfo=UTC), 1234, m),
    }


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (f"{locale} {name}", message)
        for locale in SUPPORTED_LOCALES
        for name, message in _messages(locale).items()
    ],
)
def test_messages_fit_block_kit(name: str, message: dict[str, Any]) -> None:
    assert message["text"]
    assert len(message["text"]) <= MAX_FALLBACK_TEXT
    blocks = message["blocks"]
    assert 1 <= len(blocks) <= MAX_BLOCKS
    for block in blocks:
        assert Block.parse(block).to_dict() == block  # slack_sdk validates on to_dict
        if block["type"] == "section":
            assert 0 < len(block["text"]["text"]) <= MAX_SECTION_TEXT
        if block["type"] == "context":
            assert 0 < len(block["elements"]) <= MAX_CONTEXT_ELEMENTS


@pytest.mark.parametrize(
    ("shares", "said"),
    [
        ({"UA": 1}, "You gave <@UA> *1 point*."),
        ({"UA": 10, "UB": 10}, "You gave <@UA>, <@UB> *10 points* each (20 points in all)."),
        ({"UA": 6, "UB": 5}, "You gave <@UA> (6 points), <@UB> (5 points): *11 points* in all."),
        ({"UA": 1_000}, "You gave <@UA> *1,000 points*."),
    ],
)
def test_the_receipt_says_points_each_and_in_all(shares: dict[str, int], said: str) -> None:
    assert views.confirmation_message(shares, EN, announced_in=None)["text"] == f":tada: {said}"


def test_the_receipt_says_where_it_is_announced() -> None:
    text = views.confirmation_message({"UA": 5}, EN, announced_in="CKUDOS01")["text"]
    assert text.endswith("It is announced in <#CKUDOS01>.")


def test_one_point_is_singular_everywhere() -> None:
    assert "*1 point*" in str(views.recipient_dm_message("<@UG>", 1, "thanks", [], EN))
    assert "*1 point*" in str(views.announcement_message("<@UG>", {"<@UA>": 1}, "thanks", [], EN))
    assert "1 of 1 point (" in str(views.balance_message(1, 1, datetime(2026, 12, 1, tzinfo=UTC), 1, EN))


def test_user_text_cannot_mention_or_link() -> None:
    dm = views.recipient_dm_message("<@UGIVER>", 5, "<!channel> <@U1> <https://evil.test|x> & co", [], EN)
    quoted = dm["blocks"][1]["text"]["text"]
    assert "<" not in quoted
    assert ">" not in quoted.removeprefix(">")
    assert "&amp; co" in quoted


def test_escaped_clips_without_breaking_an_entity() -> None:
    clipped = views.escaped("&" * 100, limit=12)
    assert clipped == "&amp;&amp;…"
    assert views.escaped("short") == "short"


def test_announcement_names_everyone_with_their_points() -> None:
    shown = str(views.announcement_message("<@UG>", {"<@UA>": 10, "Bo": 10}, "the release", ["teamwork"], EN))
    for part in ("<@UG>", "<@UA>, Bo *10 points* each (20 points in all)", "the release", "#teamwork"):
        assert part in shown
