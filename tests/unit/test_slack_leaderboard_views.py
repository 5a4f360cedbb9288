"""Leaderboard messages in every language Plaudit speaks: titles, rows with plurals, the reader's line."""

import json

import pytest

from plaudit.domain.insights import Side
from plaudit.i18n import SUPPORTED_LOCALES, messages
from plaudit.services.insights import BoardEntry, Leaderboard, OwnStanding
from plaudit.slack.views.leaderboard import board_blocks, leaderboard_message


def board(me: OwnStanding | None, entries: list[BoardEntry] | None = None) -> Leaderboard:
    rows = (
        entries
        if entries is not None
        else [
            BoardEntry(rank=1, employee_id="E1", name="Alice <Ops>", points=25, kudos=2),
            BoardEntry(rank=1, employee_id="E2", name="Bob", points=25, kudos=1),
        ]
    )
    return Leaderboard(
        metric=Side.RECEIVED, by="points", period="2026-11", time_zone="UTC", scope="org", entries=rows, me=me
    )


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_a_board_renders_in_every_language(locale: str) -> None:
    msgs = messages(locale)
    message = leaderboard_message(board(OwnStanding(rank=None, points=3, kudos=1)), "week", "teamwork", msgs)
    shown = json.dumps(message["blocks"], ensure_ascii=False)
    assert message["response_type"] == "ephemeral"
    assert "#teamwork" in message["text"]
    assert msgs.text("leaderboard.period.week") in message["text"]
    assert "Alice &lt;Ops&gt;" in shown  # names are escaped
    assert msgs.points(25) in shown
    assert msgs.plural("kudos", 1) in shown


def test_english_lines() -> None:
    msgs = messages("en")
    text = json.dumps(
        [b.to_dict() for b in board_blocks(board(OwnStanding(rank=1, points=25, kudos=2)), msgs)]
    )
    assert "1. Alice &lt;Ops&gt;: 25 points" in text
    assert "1. Bob: 25 points" in text
    assert "You are number 1." in text
    empty = json.dumps([b.to_dict() for b in board_blocks(board(None, []), msgs)])
    assert "Nobody is on this board yet." in empty
    assert "You" not in empty


def test_arabic_plurals_for_kudos() -> None:
    msgs = messages("ar")
    assert msgs.plural("kudos", 1) == "تقدير واحد"
    assert msgs.plural("kudos", 2) == "تقديران"
