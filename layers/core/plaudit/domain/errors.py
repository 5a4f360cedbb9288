"""Errors the domain raises: a machine-readable code, a human sentence and an HTTP status hint."""

from typing import Any


class PlauditError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.details = details or {}


class InvalidRequest(PlauditError):
    status, code = 400, "invalid_request"


class Unauthenticated(PlauditError):
    status, code = 401, "unauthenticated"


class Forbidden(PlauditError):
    status, code = 403, "forbidden"


class NotFound(PlauditError):
    status, code = 404, "not_found"


class Conflict(PlauditError):
    status, code = 409, "conflict"


class PayloadTooLarge(PlauditError):
    status, code = 413, "body_too_large"


class UnsupportedMediaType(PlauditError):
    status, code = 415, "unsupported_media_type"


class RuleViolation(PlauditError):
    """The request is well-formed but a business rule refuses it."""

    status, code = 422, "rule_violation"


class Throttled(PlauditError):
    status, code = 429, "throttled"


class PreconditionFailed(PlauditError):
    """An If-Match named a version that is no longer the current one."""

    status, code = 412, "version_mismatch"
