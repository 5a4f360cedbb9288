"""The Slack app manifest asks for what the function handles, at the route the template serves."""

import ast
import re
from pathlib import Path

import yaml
from slack_bolt import BoltRequest, BoltResponse
from slack_sdk import WebClient

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
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True


# The bot scopes each Web API method the code calls needs (docs.slack.dev/reference/methods), and those
# the subscribed events and features need. A method called that is not listed here fails the test.
METHOD_SCOPES = {
    "chat_postMessage": {"chat:write", "chat:write.public"},  # .public: the announcement channel
    "chat_postEphemeral": {"chat:write"},
    "chat_update": {"chat:write"},
    "users_info": {"users:read", "users:read.email"},  # .email: profile.email, to link by email
    "views_open": set(),
    "views_update": set(),
    "views_publish": set(),
}
EVENT_SCOPES = {
    "reaction_added": {"reactions:read"},
    "reaction_removed": {"reactions:read"},
    "app_home_opened": set(),
}


WEB_API_METHOD = re.compile(r"[a-z]+_[a-zA-Z]+")  # chat_postMessage, for chat.postMessage


def web_api_methods_called() -> set[str]:
    """Every slack_sdk WebClient method some module of plaudit calls."""
    called = set()
    for path in (REPO / "layers" / "core" / "plaudit").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = (
                node.func.attr if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) else ""
            )
            if WEB_API_METHOD.fullmatch(name) and callable(getattr(WebClient, name, None)):
                called.add(name)
    return called


def test_the_bot_asks_only_for_the_scopes_it_uses() -> None:
    manifest = _manifest()
    called = web_api_methods_called()
    assert called <= set(METHOD_SCOPES), f"add the scopes of {sorted(called - set(METHOD_SCOPES))}"
    needed = (
        {"commands"} if manifest["features"]["slash_commands"] or manifest["features"]["shortcuts"] else set()
    )
    needed |= {scope for method in called for scope in METHOD_SCOPES[method]}
    needed |= {
        scope
        for event in manifest["settings"]["event_subscriptions"]["bot_events"]
        for scope in EVENT_SCOPES[event]
    }
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == needed
