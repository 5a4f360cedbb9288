"""`plaudit slack`, `slack-event` and `slack-shortcut`: play a Slack user against the local stack. Builds the
request Slack would send (a slash command's form body, an Events API callback, a shortcut's payload), signs
it (v0), posts it to /slack/events, waits for the bot's background work and shows what the bot sent."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from plaudit.domain.employees import Employee
from plaudit_dev.fake_slack import BOT_USER_ID, CALLS_PATH, RESPONSES_PATH, TEAM_ID, signing_secret

EVENTS_PATH = "/slack/events"
IDLE_WAIT_S = 30
APP_ID = "APLAUDIT"
CHANNEL = ("CGENERAL", "general")
EVENT_TYPES = ("reaction_added", "reaction_removed", "app_home_opened")
DEFAULT_MESSAGE_TS = "1700000000.000100"  # the message reacted to, unless told: the same one every time
_SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")
_PLUMBING = {"auth.test"}  # what Bolt calls for itself: not worth showing
_MENTION = re.compile(r"(?<![\w<])@([A-Za-z0-9_]+)")


class UnknownPerson(ValueError):
    """The person named is not in the directory (or has no Slack user id)."""


@dataclass(frozen=True)
class SlackUser:
    user_id: str
    user_name: str
    display: str


def find_user(person: str, directory: Iterable[Employee]) -> SlackUser:
    """PERSON as an employee id, a first name or a Slack user id; a Slack id outside the directory is
    taken as is (a stranger, to try that path)."""
    wanted = person.strip().lower()
    for entry in directory:
        first_name = entry.name.split()[0].lower()
        if wanted in (entry.id.lower(), first_name, (entry.slack_user_id or "").lower()):
            if not entry.slack_user_id:
                raise UnknownPerson(f"{entry.name} ({entry.id}) has no Slack user id")
            return SlackUser(entry.slack_user_id, first_name, f"{entry.name}, {entry.slack_user_id}")
    if _SLACK_USER_ID.match(person):
        return SlackUser(person, person.lower(), f"{person}, not in the directory")
    raise UnknownPerson(f"no one called {person!r} in the directory (an employee id, first name or Slack id)")


def expand_mentions(text: str, directory: Iterable[Employee]) -> str:
    """`@alice` (a first name or an employee id) becomes `<@UALICE>`, as Slack escapes mentions."""
    people = list(directory)

    def mention(match: re.Match[str]) -> str:
        try:
            return f"<@{find_user(match.group(1), people).user_id}>"
        except UnknownPerson:
            return match.group(0)

    return _MENTION.sub(mention, text)


def slash_command_form(api_url: str, command_line: str, user: SlackUser) -> dict[str, str]:
    """The form fields of a slash command, in the order Slack sends them."""
    command, _, text = command_line.strip().partition(" ")
    channel_id, channel_name = CHANNEL
    return {
        "token": "plaudit-local-verification-token",
        "team_id": TEAM_ID,
        "team_domain": "plaudit-local",
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user.user_id,
        "user_name": user.user_name,
        "command": command,
        "text": text.strip(),
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": _response_url(api_url),
        "trigger_id": _trigger_id(),
    }


def _response_url(api_url: str) -> str:
    return f"{api_url}{RESPONSES_PATH}{secrets.token_hex(12)}"


def _trigger_id() -> str:
    return f"{int(time.time())}.{secrets.randbelow(10**12)}.{secrets.token_hex(16)}"


def signature_headers(body: str, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """Slack's request signature: v0=HMAC-SHA256(secret, "v0:{timestamp}:{body}")."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": f"v0={digest}"}


def event_callback(
    event_type: str, user: SlackUser, *, author: str | None, reaction: str, ts: str
) -> dict[str, Any]:
    """An Events API `event_callback` envelope around a reaction or App Home event, as Slack sends it."""
    now = time.time()
    event: dict[str, Any] = {"type": event_type, "user": user.user_id}
    if event_type == "app_home_opened":
        event.update({"channel": "D" + user.user_id[1:], "tab": "home"})
    else:
        event.update(
            {
                "reaction": reaction,
                "item_user": author,
                "item": {"type": "message", "channel": CHANNEL[0], "ts": ts},
            }
        )
    event["event_ts"] = f"{now:.6f}"
    return {
        "token": "plaudit-local-verification-token",
        "team_id": TEAM_ID,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": f"Ev{secrets.token_hex(5).upper()}",
        "event_time": int(now),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }


def shortcut_payload(
    api_url: str, callback_id: str, user: SlackUser, message: dict[str, str] | None = None
) -> dict[str, Any]:
    """A global shortcut's payload, or a message shortcut's (`message_action`) when `message` is given
    (its `user`, `ts` and `text`)."""
    payload: dict[str, Any] = {
        "type": "message_action" if message else "shortcut",
        "token": "plaudit-local-verification-token",
        "action_ts": f"{time.time():.6f}",
        "team": {"id": TEAM_ID, "domain": "plaudit-local"},
        "user": {"id": user.user_id, "username": user.user_name, "team_id": TEAM_ID},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": _trigger_id(),
    }
    if message:
        channel_id, channel_name = CHANNEL
        payload.update(
            {
                "channel": {"id": channel_id, "name": channel_name},
                "message_ts": message["ts"],
                "message": {"type": "message", **message},
                "response_url": _response_url(api_url),
            }
        )
    return payload


def run_slash_command(api_url: str, command_line: str, user: SlackUser) -> int:
    """Post the signed command, print the ack and what the bot sent; 0 when Slack would have accepted
    the ack (a 200)."""
    body = urlencode(slash_command_form(api_url, command_line, user))
    print(f"> {command_line}   (as {user.display})")
    return _send(api_url, body, "application/x-www-form-urlencoded")


def run_event(api_url: str, callback: dict[str, Any], user: SlackUser) -> int:
    """Post the signed event callback, print the ack and what the bot sent; 0 on a 200."""
    print(f"> {callback['event']['type']}   (as {user.display})")
    return _send(api_url, json.dumps(callback), "application/json")


def run_shortcut(api_url: str, payload: dict[str, Any], user: SlackUser) -> int:
    """Post the signed shortcut payload (form field `payload`), print the ack and what the bot sent."""
    print(f"> {payload['type']} {payload['callback_id']}   (as {user.display})")
    return _send(api_url, urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")


def _send(api_url: str, body: str, content_type: str) -> int:
    before = _get(api_url, CALLS_PATH)["last"]
    headers = {"Content-Type": content_type, **signature_headers(body, signing_secret())}
    status, answer = _post(api_url + EVENTS_PATH, body.encode(), headers)
    print(f"< {status} {_describe_answer(answer)}")
    if not _get(api_url, f"/_local/idle?timeout={IDLE_WAIT_S}")["idle"]:
        print(f"(the bot was still working after {IDLE_WAIT_S} s)")
    calls = [
        call
        for call in _get(api_url, f"{CALLS_PATH}?after={before}")["calls"]
        if call["method"] not in _PLUMBING
    ]
    print("The bot sent:" if calls else "The bot sent nothing.")
    for call in calls:
        print(f"  {describe_call(call)}")
    return 0 if status == 200 else 1


def describe_call(call: dict[str, Any]) -> str:
    """One line: the method, where it went, and the text (or the text of its blocks)."""
    params = call["params"]
    where = [f"{key}={params[key]}" for key in ("channel", "user", "response_type") if params.get(key)]
    view = params.get("view") if isinstance(params.get("view"), dict) else None
    text = params.get("text") or _blocks_text((view or params).get("blocks"))
    if view and not text:
        text = (view.get("title") or {}).get("text", "")
    return " ".join([call["method"], *where, json.dumps(text, ensure_ascii=False) if text else ""]).strip()


def _blocks_text(blocks: Any) -> str:
    texts: list[str] = []
    for block in blocks or []:
        if isinstance(block, dict):
            for part in (block.get("text"), *(block.get("elements") or []), *(block.get("fields") or [])):
                if isinstance(part, dict) and isinstance(part.get("text"), str):
                    texts.append(part["text"])
    return " | ".join(texts)


def _describe_answer(answer: bytes) -> str:
    if not answer:
        return "(empty ack)"
    try:
        payload = json.loads(answer)
    except ValueError:
        return answer.decode(errors="replace")
    shown = payload.get("text") or payload if isinstance(payload, dict) else payload
    return json.dumps(shown, ensure_ascii=False)


def _get(api_url: str, path: str) -> Any:
    with urllib.request.urlopen(api_url + path, timeout=IDLE_WAIT_S + 10) as response:  # noqa: S310 - loopback
        return json.loads(response.read())


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
