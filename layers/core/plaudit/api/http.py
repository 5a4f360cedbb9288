"""A Powertools HTTP API resolver with Plaudit's error shape and caller resolution.

Every error is `{"error": {"code", "message", "details"}}` with a 4xx status; unexpected failures are
logged and answered with a 500 that says nothing about internals.
"""

import json
import re
import warnings
from typing import Annotated, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.event_handler.openapi.params import Header
from botocore.exceptions import ClientError
from pydantic import BaseModel

from plaudit.domain.access import Caller
from plaudit.domain.errors import InvalidRequest, PlauditError
from plaudit.services.identity import caller_from_claims

logger = Logger()

IDEMPOTENCY_KEY = r"[\x21-\x7e]{1,128}"
IdempotencyKey = Annotated[
    str | None, Header(description="Retry-safe key: a replay returns the first response, once")
]
IfMatch = Annotated[
    str | None,
    Header(
        description='The ETag of the version this change replaces, e.g. "3": 412 once another write got in'
    ),
]
MERGE_PATCH = "application/merge-patch+json"
THROTTLING_CODES = {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"}


def error_response(status: int, code: str, message: str, details: dict[str, Any] | None = None) -> Response:
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    return Response(status_code=status, content_type="application/json", body=json.dumps(body, default=str))


def created_response(model: BaseModel, created: bool = True) -> Response:
    """201 with the record; a replay of an Idempotency-Key says so in `Idempotent-Replayed`."""
    headers = {} if created else {"Idempotent-Replayed": "true"}
    return Response(status_code=201, content_type="application/json", body=model, headers=headers)


# Read-only requests publish no business metric; Powertools warns about that on every one of them.
warnings.filterwarnings("ignore", message="No application metrics to publish")


def create_app(title: str) -> APIGatewayHttpResolver:
    app = APIGatewayHttpResolver(enable_validation=True)
    app.configure_openapi(title=f"Plaudit {title}", version="1")

    @app.exception_handler(PlauditError)
    def _domain_error(error: PlauditError) -> Response:
        return error_response(error.status, error.code, error.message, error.details)

    @app.exception_handler(RequestValidationError)
    def _validation_error(error: RequestValidationError) -> Response:
        problems = error.errors()
        if any(problem.get("type") == "json_invalid" for problem in problems):
            return error_response(400, "malformed_json", "The request body is not valid JSON.")
        fields = [
            {
                "field": ".".join(str(part) for part in problem.get("loc", ())),
                "problem": problem.get("msg", ""),
            }
            for problem in problems
        ]
        summary = "; ".join(f"{field['field']}: {field['problem']}" for field in fields[:3])
        return error_response(
            422, "invalid_request", f"The request is not valid: {summary}.", {"errors": fields}
        )

    @app.exception_handler(UnicodeDecodeError)
    def _undecodable(_: UnicodeDecodeError) -> Response:
        return error_response(400, "malformed_json", "The request body is not valid UTF-8 JSON.")

    @app.exception_handler(RequestUnsupportedContentType)
    def _wrong_media_type(_: RequestUnsupportedContentType) -> Response:
        return error_response(
            415, "unsupported_media_type", "Send the body as Content-Type: application/json."
        )

    @app.exception_handler(ClientError)
    def _aws_error(error: ClientError) -> Response:
        code = error.response.get("Error", {}).get("Code", "")
        if code in THROTTLING_CODES:
            return error_response(429, "throttled", "Too many requests right now; please retry shortly.")
        logger.exception("AWS call failed", extra={"aws_error": code})
        return error_response(500, "internal_error", "Something went wrong on our side.")

    @app.not_found
    def _no_route(_: Exception) -> Response:
        return error_response(404, "route_not_found", "No such route.")

    return app


def current_caller(app: APIGatewayHttpResolver) -> Caller:
    authorizer = app.current_event.request_context.authorizer
    return caller_from_claims(authorizer.jwt_claim, authorizer.jwt_scopes)


def etag(version: int) -> str:
    return f'"{version}"'


def if_match_versions(header: str | None) -> set[int] | None:
    """The versions an If-Match header accepts (None: any, for no header or `*`). A tag that is not one of
    our ETags (weak ones included: If-Match compares strongly) matches no version."""
    if header is None or header.strip() == "*":
        return None
    tags = (tag.strip() for tag in header.split(","))
    return {int(tag[1:-1]) for tag in tags if re.fullmatch(r'"[0-9]{1,18}"', tag)}


def merge_patch_as_json(event: dict[str, Any]) -> dict[str, Any]:
    """The event with an `application/merge-patch+json` body presented as `application/json`: a merge patch
    is a JSON document, parsed and limited like any other."""
    headers = event.get("headers") or {}
    content_type = headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() != MERGE_PATCH:
        return event
    charset = content_type.partition(";")[2]
    json_type = "application/json" + (f";{charset}" if charset else "")
    return event | {"headers": headers | {"content-type": json_type}}


def check_idempotency_key(key: str | None) -> str | None:
    if key is not None and not re.fullmatch(IDEMPOTENCY_KEY, key):
        raise InvalidRequest(
            "Idempotency-Key must be 1 to 128 visible ASCII characters.", code="invalid_idempotency_key"
        )
    return key
