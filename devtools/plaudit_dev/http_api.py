"""API Gateway HTTP API, payload format 2.0: the event a request becomes, and the response a result is."""

from __future__ import annotations

import base64
import json
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from plaudit_dev.local_aws import ACCOUNT_ID
from plaudit_dev.routes import RouteMatch

API_ID = "local"
_TEXT_TYPES = ("application/json", "application/javascript", "application/xml")


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str  # percent-decoded, as HTTP API passes rawPath
    query: str  # raw query string, without "?"
    headers: list[tuple[str, str]]  # as received, duplicates kept
    body: bytes
    source_ip: str
    received_at: float = field(default_factory=time.time)


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


class MalformedResponse(ValueError):
    """The function's result is not a valid payload 2.0 response: API Gateway answers 500."""


def new_request_id() -> str:
    """An id shaped like API Gateway's (`apigw-requestid`)."""
    return base64.b64encode(os.urandom(11)).decode()


def json_response(status: int, payload: Any, headers: list[tuple[str, str]] | None = None) -> HttpResponse:
    body = json.dumps(payload, separators=(",", ":")).encode()
    return HttpResponse(status, [("content-type", "application/json"), *(headers or [])], body)


def build_event(
    request: HttpRequest,
    match: RouteMatch,
    jwt: tuple[dict[str, str], list[str] | None] | None,
    request_id: str,
) -> dict[str, Any]:
    """The payload 2.0 event for `request` routed to `match`; `jwt` is (claims, scopes) when the route is
    authorized. Optional keys are left out when empty, as API Gateway does."""
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in request.headers:
        name = name.lower()
        if name == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
        else:
            headers[name] = f"{headers[name]},{value}" if name in headers else value
    host = headers.get("host", "localhost")
    port = host.rpartition(":")[2] if ":" in host else "80"
    headers.setdefault("x-forwarded-for", request.source_ip)
    headers.setdefault("x-forwarded-port", port)
    headers.setdefault("x-forwarded-proto", "http")
    headers.setdefault("x-amzn-trace-id", f"Root=1-{int(request.received_at):08x}-{os.urandom(12).hex()}")

    when = datetime.fromtimestamp(request.received_at, UTC)
    request_context: dict[str, Any] = {
        "accountId": ACCOUNT_ID,
        "apiId": API_ID,
        "domainName": host,
        "domainPrefix": host.split(".")[0].split(":")[0],
        "http": {
            "method": request.method,
            "path": request.path,
            "protocol": "HTTP/1.1",
            "sourceIp": request.source_ip,
            "userAgent": headers.get("user-agent", ""),
        },
        "requestId": request_id,
        "routeKey": match.route.route_key,
        "stage": "$default",
        "time": when.strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "timeEpoch": int(request.received_at * 1000),
    }
    if jwt is not None:
        claims, scopes = jwt
        request_context["authorizer"] = {"jwt": {"claims": claims, "scopes": scopes}}

    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": match.route.route_key,
        "rawPath": request.path,
        "rawQueryString": request.query,
    }
    if cookies:
        event["cookies"] = cookies
    event["headers"] = headers
    if request.query:
        query: dict[str, str] = {}
        for name, value in parse_qsl(request.query, keep_blank_values=True):
            query[name] = f"{query[name]},{value}" if name in query else value
        event["queryStringParameters"] = query
    event["requestContext"] = request_context
    if match.path_parameters:
        event["pathParameters"] = match.path_parameters
    event["isBase64Encoded"] = False
    if request.body:
        text = _as_text(request.body, headers.get("content-type", ""))
        if text is None:
            event["body"] = base64.b64encode(request.body).decode()
            event["isBase64Encoded"] = True
        else:
            event["body"] = text
    return event


def _as_text(body: bytes, content_type: str) -> str | None:
    """The body as text when HTTP API passes it unencoded (JSON, XML, JavaScript, text/*), else None.

    Everything else, notably application/x-www-form-urlencoded (Slack!), arrives base64-encoded.
    """
    media_type = content_type.split(";")[0].strip().lower()
    textual = (
        media_type.startswith("text/") or media_type in _TEXT_TYPES or media_type.endswith(("+json", "+xml"))
    )
    if not textual:
        return None
    try:
        return body.decode()
    except UnicodeDecodeError:
        return None


def to_http_response(result: Any) -> HttpResponse:
    """Interpret a function's result by the payload 2.0 rules: a dict with `statusCode` is a full response;
    anything else is a 200 JSON body (a string is passed through as the body)."""
    if not (isinstance(result, dict) and "statusCode" in result):
        body = result if isinstance(result, str) else json.dumps(result)
        return HttpResponse(200, [("content-type", "application/json")], body.encode())
    try:
        status = int(result["statusCode"])
    except (TypeError, ValueError) as exc:
        raise MalformedResponse(f"statusCode {result['statusCode']!r} is not an integer") from exc
    body = result.get("body") or ""
    if not isinstance(body, str):
        raise MalformedResponse(f"body must be a string, got {type(body).__name__}")
    raw = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode()
    headers = [(str(name), str(value)) for name, value in (result.get("headers") or {}).items()]
    headers += [("set-cookie", str(cookie)) for cookie in result.get("cookies") or []]
    return HttpResponse(status, headers, raw)
