"""`/kudos leaderboard` through the real Slack function (signed, acked, the lazy work as Lambda runs it) and
the App Home's "This month's top givers"."""

from __future__ import annotations

import json
from typing import Any

import pytest
from test_slack_home_and_add_on import _give, _home_opened, _published
from test_slack_kudos import ALICE, BOB, CARLOS, SlackApp, app, slack  # noqa: F401 (fixtures, used through `bolt`)


@pytest.fixture
def bolt(request: pytest.FixtureRequest) -> SlackApp:
    return request.getfixturevalue("app")


def _board(bolt: SlackApp, text: str, *, user_id: str = ALICE, n: int = 1) -> dict[str, Any]:
    assert bolt.command(text, user_id=user_id, trigger_id=f"trig-board-{n}").status == 200
    bolt.run_lazy()
    (reply,) = bolt.slack.called("response_url")[-1:]
    return reply


def test_the_leaderboard_answers_ephemerally_with_the_readers_standing(bolt: SlackApp) -> None:
    _give(bolt, f"<@{ALICE}> 25 for shipping the release #teamwork", trigger_id="g1")
    _give(bolt, f"<@{CARLOS}> 10 for the review", trigger_id="g2")
    reply = _board(bolt, "leaderboard")
    assert reply["response_type"] == "ephemeral"
    assert reply["text"] == "Most recognised this month"
    shown = json.dumps(reply["blocks"])
    assert "1. Alice Martin: 25 points" in shown
    assert "2. Carlos Ruiz: 10 points" in shown
    assert "You are number 1." in shown
    valued = _board(bolt, "leaderboard week #teamwork", user_id=CARLOS, n=2)
    assert valued["text"] == "Most recognised this week: #teamwork"
    assert "You so far: 0 points, 0 kudos." in json.dumps(valued["blocks"])


def test_a_mistyped_board_is_explained_after_the_ack(bolt: SlackApp) -> None:
    reply = bolt.command("leaderboard decade", user_id=ALICE)
    assert reply.status == 200
    assert reply.body in (b"", b"{}")  # the ack cannot know Alice's language: it says nothing
    bolt.run_lazy()
    (said,) = bolt.slack.called("response_url")
    assert "/kudos leaderboard week" in said["text"]


def test_refusals_reach_the_reader(bolt: SlackApp) -> None:
    reply = _board(bolt, "leaderboard #no-such-value")
    assert "Unknown company value" in reply["text"]


def test_home_shows_this_months_top_givers(bolt: SlackApp) -> None:
    _give(bolt, f"<@{ALICE}> 25 for shipping the release", trigger_id="g1")
    assert bolt.post(_home_opened(BOB)).status == 200
    bolt.run_lazy()
    shown = json.dumps(_published(bolt, BOB))
    assert "This month's top givers" in shown
    assert "1. Bob Okafor: 25 points" in shown
    assert "You are number 1." in shown


def test_a_french_speaker_gets_the_board_in_french(bolt: SlackApp) -> None:
    person = bolt.api.call("GET", "/v1/employees/E1003").json
    fields = {k: v for k, v in person.items() if k not in ("id", "version")} | {"locale": "fr"}
    assert bolt.api.call("PUT", "/v1/employees/E1003", body=fields).status == 200
    _give(bolt, f"<@{ALICE}> 25 for shipping the release", trigger_id="g1")
    reply = _board(bolt, "leaderboard")
    assert reply["text"] == "Les plus remerciés ce mois-ci"
    shown = json.dumps(reply["blocks"], ensure_ascii=False)
    assert "1. Alice Martin : 25 points" in shown
    assert "Vous êtes numéro 1." in shown
