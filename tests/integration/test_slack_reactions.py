"""Emoji reactions through POST /slack/events: signed event_callback payloads in the shapes Slack documents
(docs.slack.dev/reference/events/reaction_added, reaction_removed), the lazy work run as Bolt runs it on
Lambda, and the Web API calls recorded by the fake Slack of test_slack_kudos."""

from __future__ import annotations

import json
from itertools import count
from typing import Any

import pytest
from test_slack_kudos import ALICE, BOB, BOT, SlackApp, app, slack  # noqa: F401 (fixtures, used through `bolt`)

from plaudit.domain.access import Caller
from plaudit.services import reactions, recognition
from plaudit.services.audit import audit_ledger
from plaudit.services.settings import replace_settings
from plaudit.store.client import use_client
from plaudit_dev.seed import DEMO_HR_ADMIN, DEMO_SETTINGS

MESSAGE_CHANNEL = "C2147483705"
MESSAGE_TS = "1360782400.498405"
_event_ids = count(1)


def reaction_event(
    event_type: str,
    *,
    user: str = BOB,
    author: str | None = ALICE,
    reaction: str = "clap",
    ts: str = MESSAGE_TS,
    event_id: str | None = None,
) -> str:
    event: dict[str, Any] = {
        "type": event_type,
        "user": user,
        "reaction": reaction,
        "item": {"type": "message", "channel": MESSAGE_CHANNEL, "ts": ts, "channel_type": "channel"},
        "event_ts": "1360782804.083113",
    }
    if author is not None:
        event["item_user"] = author
    return json.dumps(
        {
            "token": "XXYYZZ",
            "team_id": "T0001",
            "api_app_id": "A123456",
            "event": event,
            "type": "event_callback",
            "authorizations": [
                {"team_id": "T0001", "user_id": BOT, "is_bot": True, "is_enterprise_install": False}
            ],
            "event_id": event_id or f"Ev{next(_event_ids):08d}",
            "event_time": 1360782804,
        }
    )


@pytest.fixture
def bolt(request: pytest.FixtureRequest) -> SlackApp:
    """The Slack function of test_slack_kudos (its `app` fixture), named so as not to shadow the import."""
    return request.getfixturevalue("app")


def react(bolt: SlackApp, event_type: str = "reaction_added", **fields: Any) -> None:
    assert bolt.post(reaction_event(event_type, **fields)).status == 200
    bolt.run_lazy()


def wallet(bolt: SlackApp, employee_id: str) -> dict[str, Any]:
    return bolt.api.call("GET", f"/v1/employees/{employee_id}/wallet", as_employee=employee_id).json


def ephemerals(bolt: SlackApp) -> list[dict[str, Any]]:
    return bolt.slack.called("chat.postEphemeral")


ALICE_ID, BOB_ID = "E1003", "E1004"


def test_a_reaction_pays_the_author_once_and_dms_them(bolt: SlackApp) -> None:
    body = reaction_event("reaction_added", event_id="Ev0DOUBLE1")
    assert bolt.post(body).status == 200
    assert bolt.slack.calls == []  # nothing before the lazy run
    assert bolt.post(body, **{"x-slack-retry-num": "1", "x-slack-retry-reason": "http_error"}).status == 200
    bolt.run_lazy()
    assert bolt.slack.called("chat.postMessage") == []  # the author hears of it from the table's stream
    bolt.notify()
    react(bolt)  # the same person reacting again: a new event id, same message

    assert wallet(bolt, ALICE_ID)["points"] == 1
    assert wallet(bolt, BOB_ID)["allowance"]["remaining"] == 99
    (dm,) = bolt.slack.called("chat.postMessage")
    assert dm["channel"] == ALICE
    assert f"<@{BOB}> gave you *1 point*" in json.dumps(dm["blocks"])
    assert ephemerals(bolt) == []
    assert audit_ledger().ok


def test_a_skin_tone_counts_as_the_emoji(bolt: SlackApp) -> None:
    react(bolt, reaction="clap::skin-tone-3")
    assert wallet(bolt, ALICE_ID)["points"] == 1
    assert audit_ledger().ok


def test_other_emoji_and_non_user_messages_do_nothing(bolt: SlackApp) -> None:
    react(bolt, reaction="thumbsup")
    react(bolt, author=None)
    react(bolt, "reaction_removed", reaction="thumbsup")
    assert wallet(bolt, ALICE_ID)["points"] == 0
    assert bolt.slack.calls == []
    assert audit_ledger().ok


def test_removing_within_the_window_takes_the_points_back_once(bolt: SlackApp, clock: Any) -> None:
    react(bolt)
    clock.advance(minutes=9)
    react(bolt, "reaction_removed")
    react(bolt, "reaction_removed")  # redelivered
    assert wallet(bolt, ALICE_ID)["points"] == 0
    assert wallet(bolt, BOB_ID)["allowance"]["remaining"] == 100
    (receipt,) = ephemerals(bolt)
    assert receipt["channel"] == MESSAGE_CHANNEL
    assert receipt["user"] == BOB
    assert "back in your allowance" in receipt["text"]
    assert audit_ledger().ok

    react(bolt)  # reacting again: this person already gave for this message
    assert wallet(bolt, ALICE_ID)["points"] == 0
    assert audit_ledger().ok


def test_the_authors_dm_is_corrected_when_the_reaction_is_taken_back(bolt: SlackApp, clock: Any) -> None:
    react(bolt)
    bolt.notify()
    (dm,) = bolt.slack.called("chat.postMessage")
    clock.advance(minutes=1)
    react(bolt, "reaction_removed")
    (update,) = bolt.slack.called("chat.update")
    assert (update["channel"], update["ts"]) == (dm["channel"], "1700000000.000100")  # the fake's ts
    assert "removed their reaction" in json.dumps(update["blocks"])
    assert "the 1 point it gave you went back" in json.dumps(update["blocks"])


def received_feed(bolt: SlackApp) -> list[str]:
    bolt.notify()  # the projection indexes (or takes out) kudos from the table's stream
    reply = bolt.api.call("GET", f"/v1/recognitions?recipient={ALICE_ID}", as_employee=ALICE_ID)
    return [item["message"] for item in reply.json["items"]]


def test_a_reaction_taken_back_leaves_the_feeds_app_home_reads(bolt: SlackApp, clock: Any) -> None:
    react(bolt)
    assert received_feed(bolt) == [":clap: reaction to a message"]
    clock.advance(minutes=1)
    react(bolt, "reaction_removed")
    assert received_feed(bolt) == []
    assert wallet(bolt, ALICE_ID)["points"] == 0


def test_removing_after_the_window_changes_nothing(bolt: SlackApp, clock: Any) -> None:
    react(bolt)
    clock.advance(minutes=11)
    react(bolt, "reaction_removed")
    assert wallet(bolt, ALICE_ID)["points"] == 1
    assert wallet(bolt, BOB_ID)["allowance"]["remaining"] == 99
    assert ephemerals(bolt) == []
    assert audit_ledger().ok


def test_removing_without_a_reaction_changes_nothing(bolt: SlackApp) -> None:
    react(bolt, "reaction_removed")
    assert wallet(bolt, ALICE_ID)["points"] == 0
    assert bolt.slack.called("chat.postEphemeral") == []
    assert bolt.slack.called("chat.postMessage") == []
    assert audit_ledger().ok


def test_someone_elses_removal_takes_nothing_back(bolt: SlackApp) -> None:
    react(bolt)
    react(bolt, "reaction_removed", user="UCARLOS")
    assert wallet(bolt, ALICE_ID)["points"] == 1
    assert audit_ledger().ok


@pytest.mark.parametrize(
    ("reactor", "author", "problem"),
    [
        (BOB, "UNOBODY1", "not in the Plaudit directory"),
        ("UNOBODY1", ALICE, "You are not in the Plaudit directory"),
    ],
)
def test_refusals_reach_the_reactor_by_ephemeral(
    bolt: SlackApp, reactor: str, author: str, problem: str
) -> None:
    react(bolt, user=reactor, author=author)
    (ephemeral,) = ephemerals(bolt)
    assert ephemeral["channel"] == MESSAGE_CHANNEL
    assert ephemeral["user"] == reactor
    assert problem in ephemeral["text"]
    assert bolt.slack.called("chat.postMessage") == []
    assert audit_ledger().ok


@pytest.mark.parametrize(
    ("reactor", "author"),
    [(ALICE, ALICE), (BOB, BOT), (BOT, ALICE)],
    ids=["own message", "the bot's announcement", "a bot reacting"],
)
def test_reactions_that_cannot_give_are_ignored_without_a_word(
    bolt: SlackApp, reactor: str, author: str
) -> None:
    react(bolt, user=reactor, author=author)
    bolt.notify()
    assert wallet(bolt, ALICE_ID)["points"] == 0
    assert [call.method for call in bolt.slack.calls if call.method != "users.info"] == []
    assert audit_ledger().ok


def test_the_ack_touches_no_dynamodb(bolt: SlackApp) -> None:
    bolt.api.drain_streams()  # what the fixtures wrote is delivered before the event

    class NoDynamoDB:
        def __getattr__(self, name: str) -> Any:
            raise AssertionError(f"DynamoDB {name} before the ack")

    use_client(NoDynamoDB())
    try:
        added = bolt.post(reaction_event("reaction_added"))
        removed = bolt.post(reaction_event("reaction_removed"))
    finally:
        use_client(bolt.api.client)
    assert (added.status, removed.status) == (200, 200)
    assert len(bolt.lambda_client.invocations) == 2


def test_an_empty_allowance_reaches_the_reactor(bolt: SlackApp) -> None:
    request = recognition.GiveKudos(recipient_ids=["E1005"], points=100, message="for the launch")
    recognition.give_kudos(Caller(employee_id=BOB_ID), request)
    react(bolt)
    (ephemeral,) = ephemerals(bolt)
    assert "you have 0 points left to give" in ephemeral["text"]
    assert wallet(bolt, ALICE_ID)["points"] == 0
    assert audit_ledger().ok


def test_an_unexpected_failure_reaches_the_reactor(bolt: SlackApp, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(reactions, "react", broken)
    with pytest.raises(RuntimeError, match="boom"):  # a failed invocation: Lambda retries, then parks it
        react(bolt)
    (ephemeral,) = ephemerals(bolt)
    assert "Something went wrong" in ephemeral["text"]


def test_a_redelivery_after_the_settings_changed_still_pays_once(bolt: SlackApp) -> None:
    react(bolt)
    hr = Caller(employee_id=DEMO_HR_ADMIN)
    replace_settings(hr, DEMO_SETTINGS.model_copy(update={"points_per_reaction": 5}))
    react(bolt)
    assert wallet(bolt, ALICE_ID)["points"] == 1
    assert ephemerals(bolt) == []
    assert audit_ledger().ok
