"""POST /slack/events end to end: signed requests in the shapes Slack documents go through the real handler
(routed by template.yaml); the lazy work runs the way Bolt runs it on Lambda (the captured async
lambda.invoke payload is invoked again); a fake Slack Web API on 127.0.0.1 records what the bot sent."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlparse

import pytest

from plaudit.environment import environment
from plaudit.services import recognition
from plaudit.services.audit import audit_ledger
from plaudit.services.runtime import now
from plaudit.slack import identity
from plaudit.store.client import use_client

REPO = Path(__file__).resolve().parents[2]
SIGNING_SECRET = "test-signing-secret"
ALICE, BOB, CARLOS, BOT = "UALICE", "UBOB0", "UCARLOS", "UBOT0001"
CHANNEL = "CKUDOS01"
TRIGGER = "13345224609.738474920.8088930838d88f008e0"


# --------------------------------------------------------------------------- fakes


@dataclass
class SlackCall:
    method: str  # Web API method, or "response_url"
    params: dict[str, Any]


@dataclass
class FakeSlack:
    """Records Web API calls and response_url posts; users.info knows nobody's email."""

    url: str = ""
    calls: list[SlackCall] = field(default_factory=list)

    def called(self, method: str) -> list[dict[str, Any]]:
        return [call.params for call in self.calls if call.method == method]

    def reply_to(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "users.info":
            user = params["user"]
            return {
                "ok": True,
                "user": {"id": user, "is_bot": user == BOT, "profile": {"email": "x@elsewhere.test"}},
            }
        return {"ok": True, "channel": params.get("channel"), "ts": "1700000000.000100"}


def _serve(fake: FakeSlack) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def _record(self, body: bytes) -> None:
            url = urlparse(self.path)
            params: dict[str, Any] = dict(parse_qsl(url.query))
            if body and self.headers.get("content-type", "").startswith("application/json"):
                params |= json.loads(body)
            elif body:
                params |= dict(parse_qsl(body.decode()))
            if url.path.startswith("/api/"):
                method = url.path.removeprefix("/api/")
                reply = fake.reply_to(method, params)
            else:
                method, reply = "response_url", {"ok": True}
            fake.calls.append(SlackCall(method, params))
            payload = json.dumps(reply).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:
            self._record(b"")

        def do_POST(self) -> None:
            self._record(self.rfile.read(int(self.headers.get("content-length") or 0)))

        def log_message(self, *args: Any) -> None:
            pass

    return ThreadingHTTPServer(("127.0.0.1", 0), Handler)


class FakeLambda:
    """Stands in for boto3's lambda client in Bolt's LambdaLazyListenerRunner."""

    def __init__(self) -> None:
        self.invocations: list[dict[str, Any]] = []

    def invoke(self, **kwargs: Any) -> dict[str, Any]:
        self.invocations.append(kwargs)
        return {"StatusCode": 202}


class LambdaContext:
    function_name = "plaudit-slack"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:plaudit-slack"
    aws_request_id = "00000000-0000-4000-8000-000000000001"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 10_000


@pytest.fixture
def slack(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlack]:
    fake = FakeSlack()
    server = _serve(fake)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("PLAUDIT_SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", f"{fake.url}/api/")
    environment.cache_clear()  # a new container would read it afresh
    identity.forget_all()
    yield fake
    server.shutdown()
    server.server_close()
    identity.forget_all()


@dataclass
class SlackApp:
    """The Slack function as API Gateway and Lambda drive it."""

    api: Any
    slack: FakeSlack
    module: Any
    lambda_client: FakeLambda

    def post(self, body: str, *, timestamp: int | None = None, secret: str = SIGNING_SECRET, **headers: str):
        timestamp = int(now().timestamp()) if timestamp is None else timestamp
        digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
        content_type = "application/json" if body.startswith("{") else "application/x-www-form-urlencoded"
        signed = {
            "content-type": content_type,
            "x-slack-request-timestamp": str(timestamp),
            "x-slack-signature": f"v0={digest}",
        }
        return self.api.call(
            "POST", "/slack/events", raw_body=body.encode(), headers=signed | headers, as_employee=None
        )

    def run_lazy(self) -> None:
        """Invoke the function with each captured async payload, as Lambda does, then forget them."""
        pending, self.lambda_client.invocations[:] = list(self.lambda_client.invocations), []
        for invocation in pending:
            assert invocation["InvocationType"] == "Event"
            assert invocation["FunctionName"].startswith("arn:aws:lambda:")
            self.module.lambda_handler(json.loads(invocation["Payload"]), LambdaContext())

    def notify(self) -> None:
        """Deliver the table's new stream records to their consumers (the notifications function announces
        and DMs), as after any API request."""
        self.api.drain_streams()

    def command(self, text: str, *, user_id: str = BOB, trigger_id: str = TRIGGER, **headers: str):
        body = slash_command_body(text, user_id=user_id, trigger_id=trigger_id, url=self.slack.url)
        return self.post(body, **headers)

    def ephemeral_replies(self) -> list[str]:
        return [call["text"] for call in self.slack.called("response_url")]


def slash_command_body(text: str, *, user_id: str, trigger_id: str, url: str = "") -> str:
    """The form body Slack posts for a slash command (api.slack.com/interactivity/slash-commands)."""
    return urlencode(
        {
            "token": "gIkuvaNzQIHg97ATvDxqgjtO",
            "team_id": "T0001",
            "team_domain": "example",
            "enterprise_id": "E0001",
            "enterprise_name": "Globular Construct Inc",
            "channel_id": "C2147483705",
            "channel_name": "test",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": "/kudos",
            "text": text,
            "api_app_id": "A123456",
            "is_enterprise_install": "false",
            "response_url": f"{url}/commands/1234/5678",
            "trigger_id": trigger_id,
        }
    )


@pytest.fixture
def app(api: Any, org: Any, slack: FakeSlack) -> SlackApp:
    module = api._module(api.template.functions["SlackFunction"])
    fake_lambda = FakeLambda()
    module._slack()[1].app.listener_runner.lazy_listener_runner.lambda_client = fake_lambda
    return SlackApp(api, slack, module, fake_lambda)


# --------------------------------------------------------------------------- verification


def test_forged_signature_is_rejected(app: SlackApp) -> None:
    body = slash_command_body(f"<@{ALICE}> 10 thanks", user_id=BOB, trigger_id="t1", url=app.slack.url)
    reply = app.post(body, secret="not-the-secret")
    assert reply.status == 401
    assert app.lambda_client.invocations == []


def test_stale_timestamp_is_rejected(app: SlackApp) -> None:
    body = slash_command_body(f"<@{ALICE}> 10 thanks", user_id=BOB, trigger_id="t1", url=app.slack.url)
    reply = app.post(body, timestamp=int(now().timestamp()) - 6 * 60)
    assert reply.status == 401
    assert app.lambda_client.invocations == []


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        ("token=x", {"x-slack-request-timestamp": "soon", "x-slack-signature": "v0=00"}),
        ("token=x", {"x-slack-request-timestamp": "1e9", "x-slack-signature": "v0=00"}),
        ("token=x", {"x-slack-request-timestamp": "-1", "x-slack-signature": "v0=00"}),
        ("token=x", {"x-slack-request-timestamp": "9" * 40, "x-slack-signature": "v0=00"}),
        ("token=x", {}),
        ("payload=%7Bnot-json", {}),
        ('{"type": "event_callback", "event": ', {"content-type": "application/json"}),
        ("payload=" + "%5B" * 5000, {}),
    ],
)
def test_unsigned_or_oddly_signed_requests_are_401_before_anything_parses_them(
    app: SlackApp, body: str, headers: dict[str, str]
) -> None:
    reply = app.api.call("POST", "/slack/events", raw_body=body.encode(), headers=headers, as_employee=None)
    assert reply.status == 401, reply.body
    assert reply.json["error"]["code"] == "invalid_signature"
    assert app.lambda_client.invocations == []


def test_a_non_numeric_timestamp_with_a_matching_signature_is_still_401(app: SlackApp) -> None:
    body = slash_command_body(f"<@{ALICE}> 10 thanks", user_id=BOB, trigger_id="t1", url=app.slack.url)
    digest = hmac.new(SIGNING_SECRET.encode(), f"v0:soon:{body}".encode(), hashlib.sha256).hexdigest()
    headers = {"x-slack-request-timestamp": "soon", "x-slack-signature": f"v0={digest}"}
    reply = app.api.call("POST", "/slack/events", raw_body=body.encode(), headers=headers, as_employee=None)
    assert reply.status == 401, reply.body
    assert app.lambda_client.invocations == []


def test_url_verification_echoes_the_challenge(app: SlackApp) -> None:
    challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    body = json.dumps(
        {"token": "Jhj5dZrVaK7ZwHHjRyZWjbDl", "challenge": challenge, "type": "url_verification"}
    )
    reply = app.post(body)
    assert reply.status == 200
    assert challenge in reply.body.decode()


# --------------------------------------------------------------------------- /kudos


def test_kudos_is_given_announced_and_dmed_after_the_ack(app: SlackApp) -> None:
    text = f"<@{ALICE}|alice> <@{CARLOS}> 25 for shipping the release #teamwork"
    reply = app.command(text)
    assert reply.status == 200
    assert reply.body in (b"", b"{}")
    assert app.slack.calls == []  # nothing sent before the lazy run
    assert len(app.lambda_client.invocations) == 1

    app.run_lazy()
    assert app.slack.called("chat.postMessage") == []  # told from the table's stream, like any kudos
    (confirmation,) = app.ephemeral_replies()
    assert f"You gave <@{ALICE}>, <@{CARLOS}> *25 points* each (50 points in all)" in confirmation
    assert f"announced in <#{CHANNEL}>" in confirmation

    app.notify()
    posts = app.slack.called("chat.postMessage")
    announcement = next(post for post in posts if post["channel"] == CHANNEL)
    shown = json.dumps(announcement["blocks"])
    for expected in (
        f"<@{BOB}>",
        f"<@{ALICE}>",
        f"<@{CARLOS}>",
        "25 points",
        "shipping the release",
        "#teamwork",
    ):
        assert expected in shown
    assert sorted(post["channel"] for post in posts if post["channel"] != CHANNEL) == sorted([ALICE, CARLOS])
    assert audit_ledger().ok


def test_the_ack_touches_no_dynamodb(app: SlackApp) -> None:
    class NoDynamoDB:
        def __getattr__(self, name: str) -> Any:
            raise AssertionError(f"DynamoDB {name} before the ack")

    use_client(NoDynamoDB())
    try:
        reply = app.command(f"<@{ALICE}> 10 thanks for the review")
    finally:
        use_client(app.api.client)
    assert reply.status == 200
    assert len(app.lambda_client.invocations) == 1


def test_replays_and_retries_give_once(app: SlackApp) -> None:
    text = f"<@{ALICE}> 10 thanks for the review #craft"
    assert app.command(text, trigger_id="trig-1").status == 200
    assert app.command(text, trigger_id="trig-1", **{"x-slack-retry-num": "1"}).status == 200
    lazy = list(app.lambda_client.invocations)
    app.run_lazy()
    app.lambda_client.invocations.extend(lazy[:1])  # Lambda retrying an async invocation
    app.run_lazy()
    app.notify()

    assert len([p for p in app.slack.called("chat.postMessage") if p["channel"] == CHANNEL]) == 1
    assert len([p for p in app.slack.called("chat.postMessage") if p["channel"] == ALICE]) == 1
    replies = app.ephemeral_replies()
    assert len(replies) == 3
    assert sum("already given" in text for text in replies) == 2
    wallet = app.api.call("GET", "/v1/employees/E1003/wallet", as_employee="E1003").json
    assert wallet["points"] == 10
    assert audit_ledger().ok


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("thanks for everything 10", "Mention who"),
        (f"<@{ALICE}> thanks a lot", "how many points"),
        (f"<@{ALICE}> 10 #teamwork", "what you are thanking"),
    ],
)
def test_mistakes_are_answered_after_the_ack_with_an_example(app: SlackApp, text: str, problem: str) -> None:
    reply = app.command(text)
    assert reply.status == 200
    assert reply.body in (b"", b"{}")  # the ack cannot know the person's language: it says nothing
    app.run_lazy()
    (said,) = app.slack.called("response_url")
    assert problem in said["text"]
    assert "For example" in json.dumps(said["blocks"])
    assert app.slack.called("chat.postMessage") == []


def test_help_is_answered_after_the_ack(app: SlackApp) -> None:
    reply = app.command("help")  # `/kudos` alone opens the modal (test_slack_kudos_modal.py)
    assert reply.status == 200
    assert reply.body in (b"", b"{}")
    app.run_lazy()
    (said,) = app.slack.called("response_url")
    assert "/kudos balance" in json.dumps(said["blocks"])


@pytest.mark.parametrize(
    ("text", "user_id", "problem"),
    [
        (f"<@{ALICE}> 500 for everything", BOB, "between 1 and 100 points"),
        (f"<@{ALICE}> 5000000 for everything", BOB, "Give each person between 1 and 100 points."),
        (f"<@{ALICE}> 5 for " + "x" * 1001, BOB, "Keep the message under 1,000 characters."),
        (f"<@{ALICE}> 5 for the help", BOT, "Bots cannot give points."),
        (f"<@{BOB}> 5 for being me", BOB, "yourself"),
        (f"<@{BOT}> 5 for the uptime", BOB, "is a bot"),
        (f"<@{ALICE}> 5 for the help #synergy", BOB, "Unknown company value: #synergy"),
        ("<@UNOBODY1> 5 for the help", BOB, "not in the Plaudit directory"),
        (f"<@{ALICE}> 5 for the help", "UNOBODY1", "You are not in the Plaudit directory"),
    ],
)
def test_refusals_reach_the_giver(app: SlackApp, text: str, user_id: str, problem: str) -> None:
    assert app.command(text, user_id=user_id).status == 200
    app.run_lazy()
    (reply,) = app.ephemeral_replies()
    assert problem in reply
    assert app.slack.called("chat.postMessage") == []
    assert audit_ledger().ok


def test_unknown_slack_users_are_looked_up_by_email(app: SlackApp) -> None:
    app.command("<@UNOBODY1> 5 for the help")
    app.run_lazy()
    lookups = [call["user"] for call in app.slack.called("users.info") if not call.get("include_locale")]
    assert lookups == ["UNOBODY1"]  # by email; Bob's Slack locale is asked for too (he chose no language)


def test_balance_shows_allowance_and_points(app: SlackApp) -> None:
    app.command(f"<@{ALICE}> 30 for the design review")
    app.command("balance", trigger_id="trig-balance")
    app.run_lazy()
    balance = app.ephemeral_replies()[-1]
    assert "70 of 100 points left to give" in balance


# --------------------------------------------------------------------------- events


def _event(event_type: str) -> str:
    return json.dumps(
        {
            "token": "XXYYZZ",
            "team_id": "T0001",
            "api_app_id": "A123456",
            "event": {
                "type": event_type,
                "user": BOB,
                "reaction": "clap",
                "item_user": ALICE,
                "item": {"type": "message", "channel": "C2147483705", "ts": "1360782400.498405"},
                "event_ts": "1360782804.083113",
            },
            "type": "event_callback",
            "event_id": "Ev0PV52K21",
            "event_time": 1360782804,
            "authorizations": [{"team_id": "T0001", "user_id": "UBOT0001", "is_bot": True}],
        }
    )


def test_subscribed_events_are_acked(app: SlackApp) -> None:
    assert app.post(_event("reaction_added")).status == 200


def test_event_retries_after_a_timeout_are_acked_and_dropped(app: SlackApp) -> None:
    reply = app.post(
        _event("reaction_added"), **{"x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout"}
    )
    assert reply.status == 200
    assert app.lambda_client.invocations == []


# --------------------------------------------------------------------------- sample events


@pytest.mark.parametrize("name", ["kudos_command", "url_verification"])
def test_sample_events_work_once_signed_afresh(app: SlackApp, name: str) -> None:
    event = json.loads((REPO / "events" / "slack" / f"{name}.json").read_text(encoding="utf-8"))
    timestamp = str(int(now().timestamp()))
    digest = hmac.new(
        SIGNING_SECRET.encode(), f"v0:{timestamp}:{event['body']}".encode(), hashlib.sha256
    ).hexdigest()
    event["headers"] |= {"x-slack-request-timestamp": timestamp, "x-slack-signature": f"v0={digest}"}
    result = app.module.lambda_handler(event, LambdaContext())
    assert result["statusCode"] == 200
    if name == "url_verification":
        assert json.loads(event["body"])["challenge"] in result["body"]
    else:
        assert len(app.lambda_client.invocations) == 1


def test_an_unexpected_failure_reaches_the_giver(app: SlackApp, monkeypatch: pytest.MonkeyPatch) -> None:

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(recognition, "give_kudos", broken)
    app.command(f"<@{ALICE}> 5 for the help")
    with pytest.raises(RuntimeError, match="boom"):  # a failed invocation: Lambda retries, then parks it
        app.run_lazy()
    (reply,) = app.ephemeral_replies()
    assert "Something went wrong" in reply
    assert app.slack.called("chat.postMessage") == []


def _published(out: str) -> dict[str, Any]:
    """The metrics Powertools published (EMF lines on stdout), summed by name."""
    totals: dict[str, Any] = {}
    for line in out.splitlines():
        if line.startswith("{") and '"_aws"' in line:
            document = json.loads(line)
            for definition in document["_aws"]["CloudWatchMetrics"]:
                for metric in definition["Metrics"]:
                    value = document[metric["Name"]]
                    totals[metric["Name"]] = totals.get(metric["Name"], 0) + sum(
                        value if isinstance(value, list) else [value]
                    )
    return totals


def test_kudos_given_in_slack_count_in_the_business_metrics(
    app: SlackApp, capsys: pytest.CaptureFixture[str]
) -> None:
    """The use case counts (plaudit.services.metrics), so Slack's kudos reach the dashboard and alarms as the
    API's do; the ack itself publishes nothing."""
    app.command(f"<@{ALICE}|alice> <@{CARLOS}> 25 for shipping the release")
    assert _published(capsys.readouterr().out) == {}
    app.run_lazy()
    published = _published(capsys.readouterr().out)
    assert published["KudosGiven"] == 1
    assert published["PointsGiven"] == 50
