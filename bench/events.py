"""Real API Gateway HTTP API (payload 2.0) events for the template's routes, and stream events.

Events are built the way the local stack builds them (plaudit_dev.http_api.build_event, routed by
plaudit_dev.routes.Router from template.yaml), with JWT claims as the gateway hands them over: every value
a string. Two kinds of token: one whose `sub` is the employee id, and the usual OIDC one whose `sub` is the
identity provider's own id and whose `email` claim names the person (looked up, then cached per container).
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

from plaudit_dev.http_api import HttpRequest, build_event
from plaudit_dev.routes import Router
from plaudit_dev.template import Template

ISSUER = "https://idp.plaudit.example/oauth2"
AUDIENCE = "plaudit-api"
TOKEN_KINDS = ("sub", "email")


def claims_for(kind: str, employee_id: str, email: str) -> dict[str, str]:
    """Claims of a token for `employee_id`: `sub` carries the id, or `email` identifies them."""
    issued = int(time.time())
    claims: dict[str, Any] = {"iss": ISSUER, "aud": AUDIENCE, "iat": issued, "exp": issued + 3600}
    if kind == "sub":
        claims["sub"] = employee_id
    elif kind == "email":
        claims |= {"sub": str(uuid.uuid5(uuid.NAMESPACE_DNS, email)), "email": email, "email_verified": True}
    else:
        raise ValueError(f"unknown token kind {kind!r}")
    return {name: _go_format(value) for name, value in claims.items()}


def _go_format(value: Any) -> str:
    """How HTTP API renders a claim (Go's %v); the scalar cases of plaudit_dev.jwt_local.go_format."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


@dataclass(frozen=True)
class Call:
    """One request: the function the route belongs to and the event it receives."""

    function_id: str
    event: dict[str, Any]


class EventFactory:
    def __init__(self, template: Template) -> None:
        self.template = template
        self.router = Router(template.routes)

    def http(
        self,
        method: str,
        path: str,
        claims: dict[str, str] | None,
        body: Any = None,
        query: str = "",
        headers: dict[str, str] | None = None,
    ) -> Call:
        """`body` is sent as JSON, or as it is if it is bytes; `headers` are added to the usual ones."""
        match = self.router.match(method, path)
        if match is None or match.route.path == "$default":
            raise ValueError(f"no route for {method} {path} in template.yaml")
        sent = [
            ("host", "api.plaudit.example"),
            ("user-agent", "Slackbot 1.0 (+https://api.slack.com/robots)"),
            ("accept", "application/json"),
        ]
        if claims is not None:
            sent.append(("authorization", "Bearer <verified by the gateway>"))
        sent += [(name.lower(), value) for name, value in (headers or {}).items()]
        payload = b""
        if body is not None:
            payload = body if isinstance(body, bytes) else json.dumps(body).encode()
            sent += [("content-type", "application/json"), ("content-length", str(len(payload)))]
        request = HttpRequest(method, path, query, sent, payload, "203.0.113.10")
        jwt = (claims, None) if match.route.requires_jwt else None
        request_id = str(uuid.uuid4())
        return Call(match.route.function_id, build_event(request, match, jwt, request_id))


class LambdaContext:
    """The parts of Lambda's context object the handlers (Powertools) read."""

    def __init__(self, function_name: str = "plaudit-bench", memory_mb: int = 1024) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = memory_mb
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 10_000
