"""The announcement's "Add on" button and the App Home tab end to end: signed block_actions payloads
(form-encoded `payload=` JSON) and event_callback(app_home_opened) bodies go through the real handler,
the lazy work runs as Bolt runs it on Lambda, and the fake Slack records chat.update and views.publish."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from test_slack_kudos import ALICE, BOB, CARLOS, CHANNEL, SlackApp, app, slack  # noqa: F401 (fixtures, used through `bolt`)

from plaudit.services.audit import audit_ledger
from plaudit.slack.actions import ADD_ON as ADD_ON_ACTION
from plaudit.slack.work import home_tab
from plaudit.slack.work.home import HomeSection, Viewer
from plaudit.store.client import use_client

DANA = "UDANA"
NOBODY = "UNOBODY1"
TEAM = {"id": "T0001", "domain": "example"}
POST_TS = "1700000000.000100"


@pytest.fixture
def bolt(request: pytest.FixtureRequest) -> SlackApp:
    """The Slack function of test_slack_kudos (its `app` fixture), named so as not to shadow the import."""
    return request.getfixturevalue("app")


def _give(bolt: SlackApp, text: str, *, user_id: str = BOB, trigger_id: str = "trig-give") -> str:
    """Give a public kudos by slash command; the recognition id its announcement's button carries."""
    bolt.command(text, user_id=user_id, trigger_id=trigger_id)
    bolt.run_lazy()
    bolt.notify()
    announcement = next(p for p in bolt.slack.called("chat.postMessage") if p["channel"] == CHANNEL)
    (button,) = [
        element
        for block in announcement["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]
    assert button["action_id"] == ADD_ON_ACTION
    bolt.slack.calls.clear()
    return button["value"]


def _click(bolt: SlackApp, recognition_id: str, *, user: str, n: int = 1):
    """A click on the announcement's button: a block_actions payload, as
    docs.slack.dev/reference/interaction-payloads/block_actions-payload documents it."""
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM["id"]},
        "api_app_id": "A123456",
        "token": "Nj2rfC2hU8mAfgaJLemZgO7H",
        "container": {"type": "message", "message_ts": POST_TS, "channel_id": CHANNEL, "is_ephemeral": False},
        "trigger_id": f"12466734323.1395872398.{n}",
        "team": TEAM,
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": CHANNEL, "name": "kudos"},
        "message": {"type": "message", "user": "UBOT0001", "ts": POST_TS, "text": "kudos", "blocks": []},
        "state": {"values": {}},
        "response_url": f"{bolt.slack.url}/actions/T0001/{n}/abc",
        "actions": [
            {
                "action_id": ADD_ON_ACTION,
                "block_id": "Yx3Q",
                "text": {"type": "plain_text", "text": "Add on", "emoji": True},
                "value": recognition_id,
                "type": "button",
                "action_ts": f"1700000100.00010{n}",
            }
        ],
    }
    return bolt.post(urlencode({"payload": json.dumps(payload)}))


def _home_opened(user: str, *, tab: str = "home", event_id: str = "Ev0HOME001") -> str:
    """event_callback(app_home_opened) (docs.slack.dev/reference/events/app_home_opened)."""
    return json.dumps(
        {
            "token": "XXYYZZ",
            "team_id": "T0001",
            "api_app_id": "A123456",
            "event": {
                "type": "app_home_opened",
                "user": user,
                "channel": "D0LAN2Q65",
                "tab": tab,
                "event_ts": "1515449522000016",
            },
            "type": "event_callback",
            "event_id": event_id,
            "event_time": 1515449522,
            "authorizations": [{"team_id": "T0001", "user_id": "UBOT0001", "is_bot": True}],
        }
    )


def _points(bolt: SlackApp, employee_id: str) -> int:
    return bolt.api.call("GET", f"/v1/employees/{employee_id}/wallet", as_employee=employee_id).json["points"]


# --------------------------------------------------------------------------- add on


def test_a_double_click_adds_on_once_and_updates_the_post(bolt: SlackApp) -> None:
    recognition_id = _give(bolt, f"<@{ALICE}> <@{DANA}> 25 for shipping the release #teamwork")
    before = _points(bolt, "E1003")
    for n in (1, 2):
        reply = _click(bolt, recognition_id, user=CARLOS, n=n)
        assert reply.status == 200
        assert reply.body == b""
    assert bolt.slack.calls == []  # nothing before the lazy run
    bolt.run_lazy()

    updates = bolt.slack.called("chat.update")
    assert updates
    assert all(update["channel"] == CHANNEL and update["ts"] == POST_TS for update in updates)
    shown = json.dumps(updates[-1]["blocks"])
    for expected in (
        f"<@{CARLOS}> added *10 points*",
        "*60 points* in all",
        "shipping the release",
        ADD_ON_ACTION,
    ):
        assert expected in shown
    (receipt,) = bolt.slack.called("chat.postEphemeral")
    assert (receipt["user"], receipt["channel"]) == (CARLOS, CHANNEL)
    assert "You added 5 points" in receipt["text"]
    assert _points(bolt, "E1003") == before + 5
    assert audit_ledger().ok


def test_a_second_adder_shows_beside_the_first(bolt: SlackApp) -> None:
    recognition_id = _give(bolt, f"<@{ALICE}> 10 for the review")
    _click(bolt, recognition_id, user=CARLOS, n=1)
    _click(bolt, recognition_id, user=DANA, n=2)
    bolt.run_lazy()
    shown = json.dumps(bolt.slack.called("chat.update")[-1]["blocks"])
    assert f"<@{CARLOS}>, <@{DANA}> added *10 points*" in shown
    assert "*20 points* in all" in shown
    assert audit_ledger().ok


@pytest.mark.parametrize(
    ("clicker", "problem"),
    [
        (BOB, "You gave this kudos"),
        (ALICE, "cannot add on to kudos you received"),
        (NOBODY, "not in the Plaudit directory"),
    ],
)
def test_refusals_reach_the_clicker_ephemerally(bolt: SlackApp, clicker: str, problem: str) -> None:
    recognition_id = _give(bolt, f"<@{ALICE}> 10 for the review")
    _click(bolt, recognition_id, user=clicker)
    bolt.run_lazy()
    (ephemeral,) = bolt.slack.called("chat.postEphemeral")
    assert (ephemeral["user"], ephemeral["channel"]) == (clicker, CHANNEL)
    assert problem in ephemeral["text"]
    assert bolt.slack.called("chat.update") == []
    assert audit_ledger().ok


def test_no_allowance_left_reaches_the_clicker(bolt: SlackApp) -> None:
    recognition_id = _give(bolt, f"<@{ALICE}> 10 for the review")
    bolt.command(f"<@{DANA}> 100 for everything", user_id=CARLOS, trigger_id="trig-all")
    bolt.run_lazy()
    bolt.slack.calls.clear()
    _click(bolt, recognition_id, user=CARLOS)
    bolt.run_lazy()
    (ephemeral,) = bolt.slack.called("chat.postEphemeral")
    assert "you have 0 points left to give" in ephemeral["text"]
    assert bolt.slack.called("chat.update") == []
    assert audit_ledger().ok


def test_the_click_ack_touches_no_dynamodb(bolt: SlackApp) -> None:
    recognition_id = _give(bolt, f"<@{ALICE}> 10 for the review")
    bolt.api.drain_streams()  # the feed projection runs beside the request, not in the ack

    class NoDynamoDB:
        def __getattr__(self, name: str) -> Any:
            raise AssertionError(f"DynamoDB {name} before the ack")

    use_client(NoDynamoDB())
    try:
        reply = _click(bolt, recognition_id, user=CARLOS)
    finally:
        use_client(bolt.api.client)
    assert reply.status == 200
    assert len(bolt.lambda_client.invocations) == 1


# --------------------------------------------------------------------------- App Home


def _published(bolt: SlackApp, user: str) -> dict[str, Any]:
    (publish,) = bolt.slack.called("views.publish")
    assert publish["user_id"] == user
    assert publish["view"]["type"] == "home"
    return publish["view"]


def test_home_shows_allowance_points_and_recent_kudos(bolt: SlackApp) -> None:
    _give(bolt, f"<@{ALICE}> 25 for shipping the release #teamwork")
    reply = bolt.post(_home_opened(ALICE))
    assert reply.status == 200
    bolt.run_lazy()
    shown = json.dumps(_published(bolt, ALICE))
    for expected in (
        "Your points",
        "100 of 100 points",
        "25 points",
        "Kudos you received",
        f"*25 points* from <@{BOB}>",
        "shipping the release",
        "#teamwork",
        "Kudos you gave",
        "Nothing given yet",
    ):
        assert expected in shown

    bolt.slack.calls.clear()
    bolt.post(_home_opened(BOB, event_id="Ev0HOME002"))
    bolt.run_lazy()
    shown = json.dumps(_published(bolt, BOB))
    assert "75 of 100 points" in shown
    assert f"*25 points* to <@{ALICE}>" in shown
    assert "No kudos received yet" in shown
    assert audit_ledger().ok


def test_people_not_in_the_directory_get_an_explanation(bolt: SlackApp) -> None:
    bolt.post(_home_opened(NOBODY))
    bolt.run_lazy()
    assert "Plaudit does not know you yet" in json.dumps(_published(bolt, NOBODY))


def test_the_messages_tab_is_acked_without_work(bolt: SlackApp) -> None:
    assert bolt.post(_home_opened(ALICE, tab="messages")).status == 200
    assert bolt.lambda_client.invocations == []


def test_the_home_event_ack_touches_no_dynamodb(bolt: SlackApp) -> None:
    bolt.api.drain_streams()  # what the fixtures wrote is delivered before the event

    class NoDynamoDB:
        def __getattr__(self, name: str) -> Any:
            raise AssertionError(f"DynamoDB {name} before the ack")

    use_client(NoDynamoDB())
    try:
        reply = bolt.post(_home_opened(ALICE))
    finally:
        use_client(bolt.api.client)
    assert reply.status == 200
    assert len(bolt.lambda_client.invocations) == 1


def test_sections_plug_in_and_one_failing_leaves_the_others(
    bolt: SlackApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(viewer: Viewer) -> list:
        raise RuntimeError("boom")

    monkeypatch.setattr(
        home_tab, "SECTIONS", (*home_tab.SECTIONS, HomeSection("home.section.catalog", broken))
    )
    bolt.post(_home_opened(ALICE))
    bolt.run_lazy()
    view = _published(bolt, ALICE)
    headers = [block["text"]["text"] for block in view["blocks"] if block["type"] == "header"]
    assert headers[-1] == ":gift: Catalogue"
    # points, received, given, this month's top givers, badges and streak, and the broken one
    assert len(headers) == 6
    assert "Could not load this just now" in json.dumps(view["blocks"][-1])
