"""A fake Slack inside the local stack: the Web API the bot calls (`/_local/slack/api/{method}`) and the
`response_url`s of slash commands (`/_local/slack/responses/{id}`). It answers like Slack and records each
call; `GET /_local/slack/calls?after=N` lists them (the newest `MAX_RECORDED_CALLS`: a stack may run for
days). The SlackFunction's workers get `slack_function_env`.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import json
import logging
import os
import threading
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from plaudit_dev.http_api import HttpRequest, HttpResponse, json_response

log = logging.getLogger(__name__)

SLACK_FUNCTION_ID = "SlackFunction"
DEV_SIGNING_SECRET = "plaudit-local-signing-secret"  # noqa: S105 - a documented dev value, like the dev JWT key
DEV_BOT_TOKEN = "xoxb-plaudit-local"  # noqa: S105
API_PATH = "/_local/slack/api/"
RESPONSES_PATH = "/_local/slack/responses/"
CALLS_PATH = "/_local/slack/calls"
TEAM_ID = "TPLAUDIT"
BOT_USER_ID = "UPLAUDITBOT"
BOT_ID = "BPLAUDIT"
_JSON_PARAMS = ("blocks", "attachments", "view", "metadata")  # form-encoded as JSON strings by clients
_LOGGED_TEXT = 80
MAX_RECORDED_CALLS = 1000


def signing_secret() -> str:
    """The signing secret the local stack verifies (and `plaudit slack` signs with)."""
    return os.environ.get("SLACK_SIGNING_SECRET") or DEV_SIGNING_SECRET


def slack_function_env(server_url: str) -> dict[str, str]:
    """What the SlackFunction's workers run with locally: this fake as Slack, and local credentials."""
    return {
        "SLACK_API_URL": server_url + API_PATH,
        "SLACK_SIGNING_SECRET": signing_secret(),
        "PLAUDIT_SLACK_BOT_TOKEN": DEV_BOT_TOKEN,
    }


class FakeSlack:
    """Answers and records Slack calls; thread-safe."""

    def __init__(self) -> None:
        self._calls: collections.deque[dict[str, Any]] = collections.deque(maxlen=MAX_RECORDED_CALLS)
        self._seq = itertools.count(1)
        self._lock = threading.Lock()
        self._ts = itertools.count(1)

    def handle(self, request: HttpRequest) -> HttpResponse | None:
        """The response to a request for the fake, or None when `request` is not one."""
        if request.path == CALLS_PATH and request.method == "GET":
            after = int(dict(parse_qsl(request.query)).get("after") or 0)
            with self._lock:
                calls = [call for call in self._calls if call["seq"] > after]
                last = self._calls[-1]["seq"] if self._calls else 0
            return json_response(200, {"calls": calls, "last": last})
        if request.path.startswith(API_PATH):
            method = request.path[len(API_PATH) :]
            try:
                params = _params(request)
            except ValueError:  # UnicodeDecodeError too
                return json_response(200, {"ok": False, "error": "invalid_json"})  # as Slack answers
            self._record(method, params)
            return json_response(200, {"ok": True, **self._answer(method, params)})
        if request.path.startswith(RESPONSES_PATH) and request.method == "POST":
            params = _params(request)
            self._record("response_url", {**params, "response_id": request.path[len(RESPONSES_PATH) :]})
            return HttpResponse(200, [("content-type", "text/plain")], b"ok")
        return None

    def _record(self, method: str, params: dict[str, Any]) -> None:
        with self._lock:
            seq = next(self._seq)
            at = datetime.now(UTC).isoformat(timespec="milliseconds")
            self._calls.append({"seq": seq, "method": method, "params": params, "at": at})
        shown = [f"{key}={params[key]}" for key in ("channel", "user", "response_type") if params.get(key)]
        if isinstance(params.get("text"), str):
            text = params["text"].replace("\n", " ")
            shown.append(repr(text if len(text) <= _LOGGED_TEXT else text[: _LOGGED_TEXT - 1] + "…"))
        log.info("slack %s", " ".join([method, *shown]))

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """The fields Slack adds to `ok: true` for `method` (plausible values where Slack invents them)."""
        ts = f"{int(time.time())}.{next(self._ts):06d}"
        channel = params.get("channel") or ""
        if channel.startswith(("U", "W")):  # a DM to a user: Slack answers with the IM channel
            channel = "D" + channel[1:]
        if method in ("chat.postMessage", "chat.update"):
            message = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "ts": params.get("ts") or ts}
            message.update({key: params[key] for key in ("text", "blocks") if key in params})
            return {"channel": channel, "ts": message["ts"], "message": message}
        if method == "chat.postEphemeral":
            return {"message_ts": ts}
        if method in ("views.open", "views.publish", "views.update", "views.push"):
            view = params.get("view") if isinstance(params.get("view"), dict) else {}
            view_id = params.get("view_id") or f"V{next(self._ts):08d}"
            return {"view": {**view, "id": view_id, "team_id": TEAM_ID, "hash": ts, "bot_id": BOT_ID}}
        if method == "users.info":
            user = _user(params.get("user") or "UNKNOWN")
            if str(params.get("include_locale")).lower() in ("true", "1"):
                user["locale"] = "en-US"  # a workspace of English-speaking Slack users
            return {"user": user}
        if method == "users.lookupByEmail":
            local_part = str(params.get("email") or "someone").split("@")[0]
            return {"user": _user("U" + local_part.upper()[:9].ljust(4, "0"), params.get("email"))}
        if method == "conversations.open":
            users = str(params.get("users") or "").split(",")
            return {"channel": {"id": "D" + users[0][1:] if users[0] else "DLOCAL"}}
        if method == "auth.test":
            return {"team_id": TEAM_ID, "team": "Plaudit local", "user_id": BOT_USER_ID, "bot_id": BOT_ID}
        return {}


def _user(user_id: str, email: str | None = None) -> dict[str, Any]:
    """A Slack user; the email follows the demo directory's convention (UALICE -> alice@plaudit.example)."""
    name = user_id[1:].lower().rstrip("0") or "someone"
    email = email or f"{name}@plaudit.example"
    profile = {"email": email, "real_name": name.title(), "display_name": name}
    return {
        "id": user_id,
        "team_id": TEAM_ID,
        "name": name,
        "real_name": name.title(),
        "deleted": False,
        "is_bot": False,
        "tz": "UTC",
        "profile": profile,
    }


def _params(request: HttpRequest) -> dict[str, Any]:
    """The call's arguments from the query string and a form or JSON body, without any token."""
    params: dict[str, Any] = dict(parse_qsl(request.query, keep_blank_values=True))
    content_type = next((v for k, v in request.headers if k.lower() == "content-type"), "")
    if request.body and "json" in content_type.lower():
        body = json.loads(request.body)
        if isinstance(body, dict):
            params.update(body)
    elif request.body:
        params.update(parse_qsl(request.body.decode(), keep_blank_values=True))
    for key in _JSON_PARAMS:
        if isinstance(params.get(key), str):
            with contextlib.suppress(ValueError):
                params[key] = json.loads(params[key])
    params.pop("token", None)
    return params
