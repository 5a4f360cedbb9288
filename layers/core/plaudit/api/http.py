"""A Powertools HTTP API resolver with Plaudit's error shape, request-body policy and caller resolution.

Every error is `{"error": {"code", "message", "details"}}` with a 4xx status; unexpected failures are
logged and answered with a 500 that says nothing about internals. The message (and each field problem of
an input that does not validate) is said in the caller's language (plaudit.services.languages). Every
JSON body passes the one body policy (plaudit.api.json_body) before any handler work. Every route
documents, through Powertools' `responses=`, the statuses it answers: the ones every route of its kind
answers (see `standard_responses`) and the ones its decorator names.
"""

import inspect
import json
import re
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, get_args, get_origin, get_type_hints

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.middlewares.openapi_validation import (
    OpenAPIRequestValidationMiddleware,
)
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Body, Header
from botocore.exceptions import ClientError
from pydantic import BaseModel, RootModel

from plaudit.api.error_shape import error_document
from plaudit.api.json_body import check_json_media_type, read_json_body
from plaudit.domain.access import Caller
from plaudit.domain.employees import ERASED_NAME
from plaudit.domain.errors import (
    InternalError,
    InvalidRequest,
    NotFound,
    PlauditError,
    RuleViolation,
    Throttled,
)
from plaudit.domain.problems import problems_from
from plaudit.i18n import messages, negotiate
from plaudit.i18n.audience import listen
from plaudit.services.identity import caller_from_claims

if TYPE_CHECKING:  # the OpenAPI document's models (~100 pydantic classes) are built only to publish it
    from aws_lambda_powertools.event_handler.openapi.models import OpenAPI

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
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
THROTTLING_CODES = {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"}


def error_response(status: int, code: str, message: str, details: dict[str, Any] | None = None) -> Response:
    return Response(
        status_code=status, content_type="application/json", body=error_document(code, message, details)
    )


def said_response(error: PlauditError, locale: str) -> Response:
    """`error` in the error shape, its message and field problems said in `locale`."""
    return error_response(error.status, error.code, error.message_in(locale), error.details_in(locale))


def created_response(model: BaseModel, created: bool = True) -> Response:
    """201 with the record; a replay of an Idempotency-Key says so in `Idempotent-Replayed`."""
    headers = {} if created else {"Idempotent-Replayed": "true"}
    return Response(status_code=201, content_type="application/json", body=model, headers=headers)


# Read-only requests publish no business metric; Powertools warns about that on every one of them.
warnings.filterwarnings("ignore", message="No application metrics to publish")


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: dict[str, Any]


class ErrorBody(BaseModel):
    """Plaudit's answer to every request it refuses."""

    error: ErrorDetail


class AuthorizerRefusal(BaseModel):
    """API Gateway's JWT authorizer's own 401 (no token, or not a valid one): HTTP APIs cannot reshape it."""

    message: str


class Unauthorized(RootModel[AuthorizerRefusal | ErrorBody]):
    """A 401 comes from the authorizer, or from Plaudit for a token that names nobody."""


def reply(description: str, model: type[BaseModel] = ErrorBody) -> dict[str, Any]:
    """An OpenAPI response for Powertools' `responses=`: a JSON body of `model`."""
    return {"description": description, "content": {"application/json": {"model": model}}}


def standard_responses(rule: str, method: str, func: Callable[..., Any], *, public: bool) -> dict[int, Any]:
    """The statuses every route of this kind can answer, whatever its service does: the caller (401,
    403), its inputs (400, 413, 415, 422), a missing object (404 when the path names one), a write's
    conflict (409: a concurrent update that kept winning, a reused Idempotency-Key, a state that forbids
    it), a stale If-Match (412) and DynamoDB throttling (429)."""
    body, parameters = _inputs(func)
    responses: dict[int, Any] = {
        422: reply("The input does not validate (invalid_request) or a rule refuses it"),
        429: reply("Too many requests right now (throttled): retry shortly"),
    }
    if public:
        responses[401] = reply("Not a genuine request: a missing, forged or stale signature")
    else:
        responses[401] = reply(
            'No valid bearer token: API Gateway\'s authorizer answers `{"message": "Unauthorized"}`; a '
            "valid token that names no one gets Plaudit's `unauthenticated`",
            Unauthorized,
        )
        responses[403] = reply("The caller may not do this (forbidden)")
    if body or parameters:
        responses[400] = reply(
            "Unreadable input: malformed JSON, too deep or too large a number, a bad cursor"
        )
        responses[422] = reply("The input does not validate (invalid_request) or a rule refuses it")
    if body:
        responses[413] = reply("The body is larger than the limit (body_too_large)")
        responses[415] = reply("The body is not JSON (unsupported_media_type)")
    if "<" in rule:
        responses[404] = reply("No such object (or not one the caller may see)")
    if method.upper() in WRITES:
        responses[409] = reply(
            "A conflict: the object's state forbids this, the Idempotency-Key was used for another request "
            "(idempotency_key_reused) or answered longer ago than answers are kept "
            "(idempotency_key_expired), or concurrent updates kept winning (concurrent_update): retry"
        )
    if IfMatch in parameters:
        responses[412] = reply("If-Match names a version that is no longer current (version_mismatch)")
    return responses


def _inputs(func: Callable[..., Any]) -> tuple[bool, list[Any]]:
    """(takes a JSON body, the annotations of its other parameters), read from the handler's signature
    the way Powertools reads it."""
    hints = get_type_hints(func, include_extras=True)
    body, parameters = False, []
    for name in inspect.signature(func).parameters:
        hint = hints.get(name)
        markers = get_args(hint)[1:] if get_origin(hint) is Annotated else ()
        if any(isinstance(marker, Body) for marker in markers) or (
            not markers
            and any(
                isinstance(kind, type) and issubclass(kind, BaseModel) for kind in (hint, *get_args(hint))
            )
        ):
            body = True
        else:
            parameters.append(hint)
    return body, parameters


class _JsonBodyPolicy(OpenAPIRequestValidationMiddleware):
    """Powertools' request validation, reading the body by Plaudit's one JSON-body policy instead of by a
    case-sensitive Content-Type prefix (which also parses forms and multipart into fields). A route whose
    body declares another JSON media type (a merge patch) accepts that one too."""

    def _get_body(self, app: Any) -> Any:
        event = app.current_event
        if not event.body:
            return None
        declared = {param.field_info.media_type for param in app.context["_route"].dependant.body_params}
        check_json_media_type(event.headers.get("content-type"), also=declared)
        return read_json_body(event.body, base64_encoded=event.is_base64_encoded)


_ERASED_JSON = json.dumps(ERASED_NAME)  # the name as a whole JSON string, never a part of a longer one
_STATUS_CODE_AT = 8  # `status_code` among route()'s positional arguments after `response_description`


class PlauditResolver(APIGatewayHttpResolver):
    """Validating, with the body policy; each route's `responses=` is merged over `standard_responses`
    and its success status (`status_code`, described by `response_description`)."""

    def __init__(self, *, public: bool = False) -> None:
        super().__init__(enable_validation=True)
        self._public = public
        self._request_validation_middleware = _JsonBodyPolicy()
        self._raw_bodies: dict[tuple[str, str], tuple[str, ...]] = {}  # (OpenAPI path, method) -> media types

    def resolve(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        listen()  # a new request: nothing read yet that says the caller's language
        return self._erased_named(super().resolve(event, context))

    def _erased_named(self, response: dict[str, Any]) -> dict[str, Any]:
        """An erased person's entry holds ERASED_NAME, a name of nobody: wherever a JSON answer names them
        (an entry, a board, a report, a feed), it says "Former employee" in the caller's language."""
        body = response.get("body")
        if not isinstance(body, str) or response.get("isBase64Encoded") or _ERASED_JSON not in body:
            return response
        said = json.dumps(messages(self._caller_locale(True)).text("common.former_employee"))
        return response | {"body": body.replace(_ERASED_JSON, said)}

    def said(self, error: PlauditError, *, may_read: bool = True) -> Response:
        """`error` said in the caller's language (`may_read`: finding it may read the table)."""
        return said_response(error, self._caller_locale(may_read))

    def locale(self) -> str:
        """The caller's language, for an answer that says something in it."""
        return self._caller_locale(True)

    def _caller_locale(self, may_read: bool) -> str:
        from plaudit.services.languages import request_locale  # errors only: not on the Slack ack's path

        event = self.current_event
        accept_language = event.headers.get("accept-language")
        claims = scopes = None
        if not self._public:
            authorizer = event.request_context.authorizer
            claims, scopes = authorizer.jwt_claim, authorizer.jwt_scopes
        try:
            return request_locale(accept_language, claims, scopes, may_read=may_read)
        except ClientError:  # the table cannot tell us now: the header can
            return negotiate(accept_language)

    def route(
        self,
        rule: str,
        method: Any,
        cors: bool | None = None,
        compress: bool = False,
        cache_control: str | None = None,
        summary: str | None = None,
        description: str | None = None,
        responses: dict[int, Any] | None = None,
        response_description: str = "Successful response",
        *args: Any,
        raw_body: tuple[str, ...] = (),
        **kwargs: Any,
    ) -> Callable[[Any], Any]:
        """`raw_body`: the media types of a body the handler reads itself (not JSON), documented as the
        operation's request body."""
        if raw_body:
            for verb in [method] if isinstance(method, str) else method:
                self._raw_bodies[(re.sub(r"<(\w+)>", r"{\1}", rule), verb.lower())] = raw_body
        status = kwargs.get("status_code", args[_STATUS_CODE_AT] if len(args) > _STATUS_CODE_AT else 200)

        def register(func: Any) -> Any:
            documented = standard_responses(rule, method, func, public=self._public)
            documented[status] = {"description": response_description}
            if status == 204:
                documented[status]["content"] = {}
            documented |= responses or {}
            return super(PlauditResolver, self).route(
                rule,
                method,
                cors,
                compress,
                cache_control,
                summary,
                description,
                documented,
                response_description,
                *args,
                **kwargs,
            )(func)

        return register

    def get_openapi_schema(self, **kwargs: Any) -> "OpenAPI":
        from aws_lambda_powertools.event_handler.openapi.models import MediaType, RequestBody, Schema

        schema = super().get_openapi_schema(**kwargs)
        for (path, method), media_types in self._raw_bodies.items():
            operation = getattr((schema.paths or {})[path], method)
            content = {media: MediaType(schema=Schema(type="string")) for media in media_types}
            operation.requestBody = RequestBody(content=content, required=True)
        return schema


def create_app(title: str, *, public: bool = False) -> PlauditResolver:
    """The resolver of one function; `public` for routes without the JWT authorizer (signed webhooks)."""
    app = PlauditResolver(public=public)
    app.configure_openapi(title=f"Plaudit {title}", version="1")

    @app.exception_handler(PlauditError)
    def _domain_error(error: PlauditError) -> Response:
        return app.said(error)

    @app.exception_handler(RequestValidationError)
    def _validation_error(error: RequestValidationError) -> Response:
        problems = problems_from(error.errors())
        return app.said(RuleViolation("error.invalid_request", code="invalid_request", problems=problems))

    @app.exception_handler(UnicodeDecodeError)
    def _undecodable(_: UnicodeDecodeError) -> Response:
        return app.said(InvalidRequest("error.body_not_utf8", code="malformed_body"))

    @app.exception_handler(ClientError)
    def _aws_error(error: ClientError) -> Response:
        code = error.response.get("Error", {}).get("Code", "")
        if code in THROTTLING_CODES:
            return app.said(Throttled("error.throttled"), may_read=False)
        logger.exception("AWS call failed", extra={"aws_error": code})
        return app.said(InternalError("error.internal"), may_read=False)

    @app.not_found
    def _no_route(_: Exception) -> Response:
        return app.said(NotFound("error.route_not_found", code="route_not_found"), may_read=False)

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


def check_idempotency_key(key: str | None) -> str | None:
    if key is not None and not re.fullmatch(IDEMPOTENCY_KEY, key):
        raise InvalidRequest("error.invalid_idempotency_key", code="invalid_idempotency_key")
    return key
