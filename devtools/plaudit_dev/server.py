"""The local HTTP API: routes requests like API Gateway (HTTP API, JWT authorizer, payload 2.0) to the
functions, then runs the stream and queue consumers their writes feed. Also serves /openapi.json, /docs,
/_local/health, /_local/idle (waits for background invocations), POST /_local/schedules/{function id}/fire
(fires its schedule now), Lambda's Invoke API, the fake Slack and the web console (plaudit_dev.console)."""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote

from plaudit_dev import console, local_mail
from plaudit_dev.deliveries import Deliveries
from plaudit_dev.fake_rewards import FakeTango, FakeTremendous
from plaudit_dev.fake_slack import FakeSlack
from plaudit_dev.http_api import (
    HttpRequest,
    HttpResponse,
    MalformedResponse,
    build_event,
    json_response,
    new_request_id,
    to_http_response,
)
from plaudit_dev.invoker import FunctionError, Invoker
from plaudit_dev.jwt_local import Unauthorized, verify
from plaudit_dev.lambda_invoke import BackgroundInvocations, InvokeApi, OnFailureDestinations
from plaudit_dev.openapi_docs import SWAGGER_PAGE, merged_schema, swagger_asset
from plaudit_dev.routes import RouteMatch, Router
from plaudit_dev.schedules import UnknownSchedule, find_schedule, schedule_event
from plaudit_dev.template import ScheduleSource, Template

log = logging.getLogger(__name__)

READ_ONLY_METHODS = {"GET", "HEAD", "OPTIONS"}  # requests that do not trigger a stream or queue drain
STOP_WAIT_S = 30.0  # how long stopping waits for background invocations
MAX_IDLE_WAIT_S = 120.0
SCHEDULES_PATH = "/_local/schedules/"


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # the default 5 resets a burst of concurrent clients before they are accepted


class ApiServer:
    """A threaded HTTP server on 127.0.0.1:`port` (0 picks a free port). It listens from construction (so
    its URL can be handed to the workers) and answers once `start` gave it the functions."""

    def __init__(self, template: Template, port: int = 3000, console_dir: Path | None = None) -> None:
        """`console_dir`: the web console's build to serve at `/` (plaudit_dev.console), if any."""
        self._template = template
        self._console_dir = console_dir
        self._router = Router(template.routes)
        self._openapi: dict[str, Any] | None = None
        self._openapi_lock = threading.Lock()
        self._slack = FakeSlack()
        self._rewards = (FakeTremendous(), FakeTango())
        self._httpd = _Server(("127.0.0.1", port), _RequestHandler)
        self._httpd.daemon_threads = True
        self._httpd.api = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1}, name="api", daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_port}"

    def start(
        self, invoker: Invoker, deliveries: Deliveries, on_failure: OnFailureDestinations | None = None
    ) -> ApiServer:
        self._invoker = invoker
        self._deliveries = deliveries
        self.background = BackgroundInvocations(invoker, self.drain, on_failure)
        self._lambda = InvokeApi(self._template.functions, invoker, self.background, self.drain)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Let background invocations finish (they may call this server), then stop listening."""
        if self._thread.is_alive():
            if not self.background.wait_idle(STOP_WAIT_S):
                log.warning("stopping with %d background invocation(s) running", self.background.pending)
            self._httpd.shutdown()
            self._thread.join()
        self._httpd.server_close()

    def handle(self, request: HttpRequest) -> HttpResponse:
        """Answer one request, and log it in one line (never its headers or body)."""
        request_id = new_request_id()
        try:
            response = (
                self._local_endpoint(request)
                or console.handle(request, self._console_dir)
                or self._slack.handle(request)
                or self._rewards[0].handle(request)
                or self._rewards[1].handle(request)
                or local_mail.handle(request)
                or self._lambda.handle(request)
                or self._route(request, request_id)
            )
        except Exception:
            log.exception("%s %s failed", request.method, request.path)
            response = json_response(500, {"message": "Internal Server Error"})
        response.headers.append(("apigw-requestid", request_id))
        elapsed_ms = (time.time() - request.received_at) * 1000
        log.info("%s %s %d %.0fms", request.method, request.path, response.status, elapsed_ms)
        return response

    def _route(self, request: HttpRequest, request_id: str) -> HttpResponse:
        match = self._router.match(request.method, request.path)
        if match is None:
            return json_response(404, {"message": "Not Found"})
        return self._call_route(request, match, request_id)

    def _call_route(self, request: HttpRequest, match: RouteMatch, request_id: str) -> HttpResponse:
        route = match.route
        jwt = None
        if route.requires_jwt:
            authorization = next((v for k, v in request.headers if k.lower() == "authorization"), None)
            try:
                jwt = verify(authorization)
            except Unauthorized as exc:
                return json_response(
                    401, {"message": "Unauthorized"}, [("www-authenticate", exc.www_authenticate)]
                )
            if route.scopes and not set(route.scopes) & set(jwt[1] or ()):
                challenge = f'Bearer scope="{" ".join(route.scopes)}" error="insufficient_scope"'
                return json_response(403, {"message": "Forbidden"}, [("www-authenticate", challenge)])
        event = build_event(request, match, jwt, request_id)
        try:
            response = to_http_response(self._invoker.invoke(route.function_id, event))
        except (FunctionError, MalformedResponse) as exc:
            log.error("%s: %s", route.route_key, exc)
            response = json_response(500, {"message": "Internal Server Error"})
        if request.method not in READ_ONLY_METHODS:
            self.drain()
        return response

    def drain(self) -> None:
        """Run the stream and queue consumers on what is new; never raises."""
        try:
            self._deliveries.drain()
        except Exception:  # a consumer problem must not cost the caller its response
            log.exception("stream or queue delivery failed")

    def fire_schedule(self, schedule: ScheduleSource) -> Any:
        """Invoke the schedule's function with the event EventBridge would send, then deliver what it
        wrote; returns its result (raises `FunctionError`)."""
        log.info("schedule %s fires %s", schedule.name, schedule.function_id)
        try:
            return self._invoker.invoke(schedule.function_id, schedule_event(schedule, datetime.now(UTC)))
        finally:
            self.drain()

    def _fire_endpoint(self, request: HttpRequest) -> HttpResponse:
        """`POST /_local/schedules/{function id}/fire[?event=NAME]`: fire now, answer with the result."""
        function_id = request.path[len(SCHEDULES_PATH) :].removesuffix("/fire")
        try:
            schedule = find_schedule(self._template, function_id, dict(parse_qsl(request.query)).get("event"))
        except UnknownSchedule as exc:
            return json_response(404, {"message": str(exc)})
        fired = {"function": function_id, "event": schedule.event_id, "schedule": schedule.name}
        try:
            return json_response(200, {**fired, "result": self.fire_schedule(schedule)})
        except FunctionError as exc:
            error = {"errorType": exc.error_type, "errorMessage": exc.error_message}
            return json_response(200, {**fired, "error": error})

    def _local_endpoint(self, request: HttpRequest) -> HttpResponse | None:
        if (
            request.method == "POST"
            and request.path.startswith(SCHEDULES_PATH)
            and request.path.endswith("/fire")
        ):
            return self._fire_endpoint(request)
        if request.method != "GET":
            return None
        if request.path == "/_local/health":
            return json_response(200, {"status": "ok"})
        if request.path == "/_local/idle":
            timeout = float(dict(parse_qsl(request.query)).get("timeout") or 0)
            idle = self.background.wait_idle(min(max(timeout, 0.0), MAX_IDLE_WAIT_S))
            return json_response(200, {"idle": idle, "pending": self.background.pending})
        if request.path == "/openapi.json":
            return json_response(200, self._openapi_schema())
        if request.path == "/docs":
            return HttpResponse(200, [("content-type", "text/html; charset=utf-8")], SWAGGER_PAGE.encode())
        directory, _, name = request.path.rpartition("/")
        if directory == "/docs" and (asset := swagger_asset(name)):
            content_type, body = asset
            return HttpResponse(200, [("content-type", content_type)], body)
        return None

    def _openapi_schema(self) -> dict[str, Any]:
        with self._openapi_lock:
            if self._openapi is None:
                self._openapi = merged_schema(self._template, self._invoker, self.url)
            return self._openapi


class _RequestHandler(BaseHTTPRequestHandler):
    """HTTP plumbing only: turns the request into an `HttpRequest` and writes the `HttpResponse` back."""

    protocol_version = "HTTP/1.1"
    server_version = "plaudit-local"

    def _serve(self) -> None:
        raw_path, _, query = self.path.partition("?")
        length = int(self.headers.get("content-length") or 0)
        request = HttpRequest(
            method=self.command,
            path=unquote(raw_path),
            query=query,
            headers=list(self.headers.items()),
            body=self.rfile.read(length) if length else b"",
            source_ip=self.client_address[0],
        )
        response = self.server.api.handle(request)  # type: ignore[attr-defined]
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("content-length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def __getattr__(self, name: str) -> Any:
        """Every method (TRACE and any other token too) is served as API Gateway serves it: routed, which
        without a route for it means the `$default` route, not the stdlib's 501."""
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the stdlib's access log (it would print query strings); `ApiServer.handle` logs."""
