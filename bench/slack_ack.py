"""The Slack function's ack of a signed `/kudos`: what Slack waits for (3 s), cold and warm.

Requests are the form posts Slack sends for a slash command, signed (v0) with the bench's signing secret
and wrapped in the HTTP API (payload 2.0) event of POST /slack/events, the way the local stack builds it.
With `process_before_response`, Bolt answers only after it has started the lazy listener, i.e. after
`lambda.invoke` (and, in a cold process, creating the Lambda client) returned: that is part of the ack
in Lambda, so it is part of the measurement. Every AWS call the Slack processes make goes to `AwsSink`
(AWS_ENDPOINT_URL), a local HTTP server that answers Invoke with 202, anything else with `{}`, and records
each call: the ack path must send no DynamoDB request (a deterministic count, a failure otherwise) and
exactly one Invoke. SLACK_API_URL points there too: the ack calls no Slack API.

The warm worker (bench/slack_ack_worker.py) is one process in the Slack function's sandbox that signs
each request afresh and times the handler call alone.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.sandbox import Sandbox
from bench.stats import median
from plaudit_dev.http_api import HttpRequest, build_event
from plaudit_dev.routes import Router
from plaudit_dev.template import Template

FUNCTION_ID = "SlackFunction"
PATH = "/slack/events"
SIGNING_SECRET = "bench-signing-secret"  # noqa: S105 - the bench's own, signs only its requests
BOT_TOKEN = "xoxb-bench-not-a-token"  # noqa: S105 - never reaches Slack (SLACK_API_URL is the sink)
KUDOS_TEXT = "<@UALICE|alice> 10 for the benchmark #teamwork"
WORKER_SOURCE = (Path(__file__).parent / "slack_ack_worker.py").read_text(encoding="utf-8")
DYNAMODB, INVOKE, SLACK_API = "DynamoDB", "Lambda Invoke", "Slack Web API"


def kudos_body() -> str:
    """The form body of `/kudos <KUDOS_TEXT>` (api.slack.com/interactivity/slash-commands)."""
    return urlencode(
        {
            "token": "gIkuvaNzQIHg97ATvDxqgjtO",
            "team_id": "T0001",
            "team_domain": "example",
            "channel_id": "C2147483705",
            "channel_name": "general",
            "user_id": "UBOB0",
            "user_name": "bob",
            "command": "/kudos",
            "text": KUDOS_TEXT,
            "api_app_id": "A123456",
            "is_enterprise_install": "false",
            "response_url": "https://hooks.slack.com/commands/T0001/1234/5678",
            "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        }
    )


def signed_headers(body: str, timestamp: int) -> dict[str, str]:
    digest = hmac.new(SIGNING_SECRET.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256)
    return {"x-slack-request-timestamp": str(timestamp), "x-slack-signature": f"v0={digest.hexdigest()}"}


class KudosRequests:
    """Signed `/kudos` events for POST /slack/events; `fresh()` signs with the current time."""

    def __init__(self, template: Template) -> None:
        match = Router(template.routes).match("POST", PATH)
        if match is None or match.route.function_id != FUNCTION_ID:
            raise ValueError(f"POST {PATH} is not routed to {FUNCTION_ID} in template.yaml")
        self._match = match
        self.body = kudos_body()

    def fresh(self) -> dict[str, Any]:
        headers = [
            ("host", "api.plaudit.example"),
            ("user-agent", "Slackbot 1.0 (+https://api.slack.com/robots)"),
            ("content-type", "application/x-www-form-urlencoded"),
            ("content-length", str(len(self.body))),
            *signed_headers(self.body, int(time.time())).items(),
        ]
        request = HttpRequest("POST", PATH, "", headers, self.body.encode(), "203.0.113.10")
        return build_event(request, self._match, None, str(uuid.uuid4()))


class AwsSink:
    """Records every request as (service, operation); answers Invoke 202, anything else 200 `{}`."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self.url = ""

    def take(self) -> Counter[str]:
        """Calls per service since the last take."""
        with self._lock:
            taken, self.calls = self.calls, []
        return Counter(service for service, _ in taken)

    def record(self, path: str, target: str) -> int:
        if "/functions/" in path and path.endswith("/invocations"):
            call, status = (INVOKE, path), 202
        elif target.startswith("DynamoDB_"):
            call, status = (DYNAMODB, target.partition(".")[2]), 200
        elif path.startswith("/slack-api/"):
            call, status = (SLACK_API, path.removeprefix("/slack-api/")), 200
        else:
            call, status = (target or path, ""), 200
        with self._lock:
            self.calls.append(call)
        return status


@contextmanager
def aws_sink() -> Iterator[AwsSink]:
    sink = AwsSink()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length") or 0))
            status = sink.record(self.path, self.headers.get("x-amz-target", ""))
            payload = b"" if status == 202 else b'{"ok": true}' if "slack-api" in self.path else b"{}"
            self.send_response(status)
            self.send_header("content-type", "application/x-amz-json-1.0")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    sink.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield sink
    finally:
        server.shutdown()
        server.server_close()


def slack_env(sink: AwsSink) -> dict[str, str]:
    """What the Slack processes get on top of the function's sandbox environment."""
    return {
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "PLAUDIT_SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": f"{sink.url}/slack-api/",
        "AWS_ENDPOINT_URL": sink.url,
    }


@dataclass(frozen=True)
class WarmAcks:
    samples: list[dict[str, float]]  # per ack: handler wall and CPU time
    calls: Counter[str]  # AWS and Slack calls seen by the sink during the warm acks (warm-up included)
    acks: int  # acks served, warm-up included

    def median_of(self, key: str) -> float:
        return median([sample[key] for sample in self.samples])

    def percentile(self, key: str, share: float) -> float:
        ordered = sorted(sample[key] for sample in self.samples)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure_warm_acks(
    sandbox: Sandbox, requests: KudosRequests, sink: AwsSink, warmup: int, count: int
) -> WarmAcks:
    spec = sandbox.template.functions[FUNCTION_ID]
    config = {
        "handler": spec.handler,
        "event": requests.fresh(),
        "body": requests.body,
        "secret": SIGNING_SECRET,
        "warmup": warmup,
        "requests": count,
    }
    config_path, results_path = sandbox.root / "slack-acks.json", sandbox.root / "slack-acks-results.json"
    config_path.write_text(json.dumps(config), encoding="utf-8")
    sink.take()
    process = subprocess.run(
        sandbox.command(WORKER_SOURCE, [str(config_path), str(results_path)]),
        cwd=spec.code_dir,
        env=sandbox.environment(spec) | slack_env(sink),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=300,
        check=False,
    )
    if process.returncode != 0:
        raise RuntimeError(f"the Slack ack worker failed:\n{process.stderr[-3000:]}")
    samples = json.loads(results_path.read_text(encoding="utf-8"))
    return WarmAcks(samples, sink.take(), warmup + count)


@dataclass(frozen=True)
class AckCalls:
    """What the Slack processes sent while acking: per service, cold (one ack per process) and warm."""

    cold: Counter[str]
    cold_acks: int
    warm: Counter[str]
    warm_acks: int

    def phases(self) -> list[tuple[str, Counter[str], int]]:
        """(phase, calls per service, acks) for cold and warm."""
        return [("cold", self.cold, self.cold_acks), ("warm", self.warm, self.warm_acks)]

    def failures(self) -> list[str]:
        """The ack path must not touch DynamoDB (deterministic, so a failure of the run)."""
        return [
            f"/kudos ack ({phase}): {calls[DYNAMODB]} DynamoDB calls over {acks} acks, budget 0"
            for phase, calls, acks in self.phases()
            if calls[DYNAMODB]
        ]
