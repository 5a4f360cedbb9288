"""The Slack app manifest asks for what the function handles, at the route the template serves."""

from pathlib import Path

import yaml
from slack_bolt import BoltRequest, BoltResponse

from plaudit.slack.app import create_app
from plaudit.slack.config import SlackConfig

REPO = Path(__file__).resolve().parents[2]
ROUTE = "/slack/events"


def _manifest() -> dict:
    return yaml.safe_load((REPO / "slack" / "manifest.yaml").read_text(encoding="utf-8"))


def test_kudos_command_gets_escaped_mentions() -> None:
    (command,) = _manifest()["features"]["slash_commands"]
    assert command["command"] == "/kudos"
    assert command["should_escape"] is True  # mentions arrive as <@U123|name>
    assert command["usage_hint"]


def test_every_request_url_is_the_slack_route() -> None:
    manifest = _manifest()
    urls = [
        manifest["features"]["slash_commands"][0]["url"],
        manifest["settings"]["event_subscriptions"]["request_url"],
        manifest["settings"]["interactivity"]["request_url"],
    ]
    assert all(url.startswith("https://YOUR-API-ID.") and url.endswith(ROUTE) for url in urls)
    assert ROUTE in (REPO / "template.yaml").read_text(encoding="utf-8")


def test_subscribed_events_are_the_ones_the_app_acks() -> None:
    app = create_app(SlackConfig("secret", "xoxb-test"))
    for event in _manifest()["settings"]["event_subscriptions"]["bot_events"]:
        body = {"type": "event_callback", "event": {"type": event, "tab": "home"}}
        request = BoltRequest(body=body, mode="socket_mode")
        assert any(
            listener.matches(req=request, resp=BoltResponse(status=200)) for listener in app._listeners
        )


def test_shortcuts_and_scopes() -> None:
    manifest = _manifest()
    shortcuts = {item["type"]: item["name"] for item in manifest["features"]["shortcuts"]}
    assert shortcuts == {"global": "Give kudos", "message": "Give kudos for this message"}
    for item in manifest["features"]["shortcuts"]:
        assert len(item["description"]) <= 150
    assert {"commands", "chat:write", "im:write", "users:read.email"} <= set(
        manifest["oauth_config"]["scopes"]["bot"]
    )
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
