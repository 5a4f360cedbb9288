"""The "Give kudos" modal end to end: `/kudos` alone and both shortcuts open it in the ack (no DynamoDB),
the lazy path adds the org's values; a submission is checked in its ack and given once, however often it
is submitted. Payloads are form-encoded `payload=` JSON, as Slack posts interactivity."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
import test_slack_kudos
from test_slack_kudos import ALICE, BOB, CARLOS, CHANNEL, SlackApp

from plaudit.services.audit import audit_ledger
from plaudit.slack.actions import KUDOS_MODAL as CALLBACK_ID
from plaudit.store.client import use_client

app, slack = test_slack_kudos.app, test_slack_kudos.slack  # the fixtures

TEAM = {"id": "T0001", "domain": "example"}
SOURCE_CHANNEL = "C2147483705"
MESSAGE_TS = "1360782400.498405"


def _interaction(app: SlackApp, payload: dict[str, Any]):
    return app.post(urlencode({"payload": json.dumps(payload)}))


def _shortcut(callback_id: str, *, user: str = BOB, author: str | None = None) -> dict[str, Any]:
    """A global shortcut (api.slack.com/reference/interaction-payloads/shortcuts), or a message shortcut
    (`message_action`) on a message by `author`."""
    payload: dict[str, Any] = {
        "type": "message_action" if author else "shortcut",
        "token": "Nj2rfC2hU8mAfgaJLemZgO7H",
        "action_ts": "1581106241.371594",
        "team": TEAM,
        "user": {"id": user, "username": user.lower(), "team_id": TEAM["id"]},
        "callback_id": callback_id,
        "trigger_id": f"trigger-{callback_id}-{user}",
    }
    if author:
        payload |= {
            "channel": {"id": SOURCE_CHANNEL, "name": "general"},
            "message_ts": MESSAGE_TS,
            "message": {"type": "message", "user": author, "text": "Shipped the release!", "ts": MESSAGE_TS},
            "response_url": "https://hooks.slack.com/app/T0001/1/abc",
        }
    return payload


def _submission(
    *,
    user: str = BOB,
    recipients: list[str] = [ALICE],  # noqa: B006 (read only)
    points: str | None = "15",
    message: str | None = "for the thorough review",
    values: list[str] = [],  # noqa: B006 (read only)
    visibility: str = "public",
    view_id: str = "VMHU10V25",
) -> dict[str, Any]:
    """A view_submission (api.slack.com/reference/interaction-payloads/views) of the kudos modal."""
    chosen = [{"text": {"type": "plain_text", "text": slug, "emoji": True}, "value": slug} for slug in values]
    state = {
        "recipients": {"users": {"type": "multi_users_select", "selected_users": recipients}},
        "points": {"points": {"type": "number_input", "value": points}},
        "values": {"values": {"type": "multi_static_select", "selected_options": chosen}},
        "message": {"message": {"type": "plain_text_input", "value": message}},
        "visibility": {
            "visibility": {
                "type": "radio_buttons",
                "selected_option": {"text": {"type": "plain_text", "text": visibility}, "value": visibility},
            }
        },
    }
    return {
        "type": "view_submission",
        "team": TEAM,
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM["id"]},
        "api_app_id": "A123456",
        "token": "Nj2rfC2hU8mAfgaJLemZgO7H",
        "trigger_id": "12466734323.1395872398.2d3b87b2c3a4bdd9d1b4ba4e4d9e2fbd",
        "view": {
            "id": view_id,
            "team_id": TEAM["id"],
            "type": "modal",
            "blocks": [],
            "private_metadata": "",
            "callback_id": CALLBACK_ID,
            "state": {"values": state},
            "hash": "156772938.1827394",
            "title": {"type": "plain_text", "text": "Give kudos", "emoji": True},
            "clear_on_close": False,
            "notify_on_close": False,
            "close": {"type": "plain_text", "text": "Cancel", "emoji": True},
            "submit": {"type": "plain_text", "text": "Give", "emoji": True},
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": "A123456",
            "external_id": "kudos-trigger",
            "app_installed_team_id": TEAM["id"],
            "bot_id": "B0001",
        },
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def _block(view: dict[str, Any], block_id: str) -> dict[str, Any] | None:
    return next((block for block in view["blocks"] if block.get("block_id") == block_id), None)


def _opened(app: SlackApp) -> dict[str, Any]:
    (call,) = app.slack.called("views.open")
    view = call["view"]
    return json.loads(view) if isinstance(view, str) else view


def _form(app: SlackApp) -> dict[str, Any]:
    """The form the lazy listener puts in place of the loading modal the ack opened."""
    app.run_lazy()
    (update,) = app.slack.called("views.update")
    assert update["external_id"] == _opened(app)["external_id"]
    return json.loads(update["view"]) if isinstance(update["view"], str) else update["view"]


def _dms_to(app: SlackApp, user: str) -> list[str]:
    return [post["text"] for post in app.slack.called("chat.postMessage") if post["channel"] == user]


class NoDynamoDB:
    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"DynamoDB {name} before the ack")


# --------------------------------------------------------------------------- opening


def test_kudos_without_text_opens_the_modal_in_the_ack(app: SlackApp) -> None:
    use_client(NoDynamoDB())
    try:
        reply = app.command("", trigger_id="trig-modal")
    finally:
        use_client(app.api.client)
    assert reply.status == 200
    assert app.slack.called("views.open")[0]["trigger_id"] == "trig-modal"
    view = _opened(app)
    assert view["callback_id"] == CALLBACK_ID
    assert (view["title"]["text"], _block(view, "values")) == ("Plaudit", None)  # loading, without words

    updated = _form(app)  # in the giver's language, with the org's values
    assert updated["title"]["text"] == "Give kudos"
    options = _block(updated, "values")["element"]["options"]
    assert "teamwork" in [option["value"] for option in options]
    assert _block(updated, "points")["element"]["max_value"] == "100"


def test_help_text_opens_no_modal(app: SlackApp) -> None:
    app.command("help")
    app.run_lazy()
    assert "/kudos balance" in json.dumps(app.slack.called("response_url")[0]["blocks"])
    assert app.slack.called("views.open") == []


def test_the_global_shortcut_opens_the_modal(app: SlackApp) -> None:
    reply = _interaction(app, _shortcut("give_kudos"))
    assert reply.status == 200
    assert app.slack.called("views.open")[0]["trigger_id"] == "trigger-give_kudos-UBOB0"
    assert "initial_users" not in _block(_form(app), "recipients")["element"]


def test_the_message_shortcut_prefills_the_author_and_a_link(app: SlackApp) -> None:
    assert _interaction(app, _shortcut("give_kudos_for_message", author=ALICE)).status == 200
    view = _form(app)
    assert _block(view, "recipients")["element"]["initial_users"] == [ALICE]
    link = f"https://slack.com/archives/{SOURCE_CHANNEL}/p1360782400498405"
    assert link in _block(view, "message")["element"]["initial_value"]


def test_the_message_shortcut_on_your_own_message_names_nobody(app: SlackApp) -> None:
    _interaction(app, _shortcut("give_kudos_for_message", author=BOB))
    assert "initial_users" not in _block(_form(app), "recipients")["element"]


# --------------------------------------------------------------------------- submitting


def test_a_double_submit_gives_once(app: SlackApp) -> None:
    submission = _submission(recipients=[ALICE, CARLOS], values=["teamwork"])
    use_client(NoDynamoDB())
    try:
        first = _interaction(app, submission)
        second = _interaction(app, submission)
    finally:
        use_client(app.api.client)
    assert first.status == second.status == 200
    assert first.body in (b"", b"{}")
    assert len(app.lambda_client.invocations) == 2
    app.run_lazy()
    app.notify()

    announcements = [post for post in app.slack.called("chat.postMessage") if post["channel"] == CHANNEL]
    assert len(announcements) == 1
    assert "#teamwork" in json.dumps(announcements[0]["blocks"])
    assert len(_dms_to(app, ALICE)) == len(_dms_to(app, CARLOS)) == 1
    receipts = _dms_to(app, BOB)
    assert len(receipts) == 2
    assert "You gave" in receipts[0]
    assert "already given" in receipts[1]
    wallet = app.api.call("GET", "/v1/employees/E1003/wallet", as_employee="E1003").json
    assert wallet["points"] == 15
    assert audit_ledger().ok


def test_a_private_kudos_is_not_announced(app: SlackApp) -> None:
    _interaction(app, _submission(visibility="private"))
    app.run_lazy()
    app.notify()
    assert [post for post in app.slack.called("chat.postMessage") if post["channel"] == CHANNEL] == []
    assert len(_dms_to(app, ALICE)) == 1
    assert "You gave" in _dms_to(app, BOB)[0]


@pytest.mark.parametrize(
    ("changes", "block_id", "error"),
    [
        ({"recipients": []}, "recipients", "at least one"),
        ({"recipients": [ALICE, BOB]}, "recipients", "yourself"),
        ({"points": None}, "points", "whole number"),
        ({"message": "   "}, "message", "thanking them for"),
    ],
)
def test_mistakes_are_shown_in_the_modal(
    app: SlackApp, changes: dict[str, Any], block_id: str, error: str
) -> None:
    reply = _interaction(app, _submission(**changes))
    assert reply.status == 200
    assert reply.json["response_action"] == "errors"
    assert error in reply.json["errors"][block_id]
    assert app.lambda_client.invocations == []


def test_refusals_after_the_ack_reach_the_giver_by_dm(app: SlackApp) -> None:
    _interaction(app, _submission(points="500"))
    app.run_lazy()
    (problem,) = _dms_to(app, BOB)
    assert "between 1 and 100 points" in problem
    assert _dms_to(app, ALICE) == []
    assert audit_ledger().ok
