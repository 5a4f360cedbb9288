"""Plaudit's one error shape, `{"error": {"code", "message", "details"}}`, with nothing but the standard
library: functions that refuse a request before any resolver runs (the Slack ack's bad signature, a
webhook's) answer in it without loading the HTTP resolver."""

import json
from typing import Any

from plaudit.domain.errors import PlauditError
from plaudit.i18n import negotiate


def error_document(code: str, message: str, details: dict[str, Any] | None = None) -> str:
    return json.dumps({"error": {"code": code, "message": message, "details": details or {}}}, default=str)


def refusal_result(error: PlauditError, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """The Lambda result (HTTP API payload 2.0) refusing a request before any resolver runs: a webhook or
    Slack request whose signature does not hold, said in the language its Accept-Language prefers (the
    caller is not known yet)."""
    wanted = next(
        (value for name, value in (headers or {}).items() if name.lower() == "accept-language"), None
    )
    locale = negotiate(wanted)
    return {
        "statusCode": error.status,
        "headers": {"Content-Type": "application/json"},
        "body": error_document(error.code, error.message_in(locale), error.details_in(locale)),
    }
