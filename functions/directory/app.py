"""REST v1: the employee directory and organisation settings."""

import gc

gc.disable()  # cold start: imports only create long-lived objects; collecting now is wasted time

from typing import Annotated, Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from aws_lambda_powertools.logging import correlation_paths

from plaudit.api.http import (
    MERGE_PATCH,
    IfMatch,
    create_app,
    current_caller,
    etag,
    if_match_versions,
    reply,
)
from plaudit.api.pages import Cursor, EmployeePage, Limit
from plaudit.domain.employees import EMPLOYEE_ID, Employee
from plaudit.domain.settings import OrgSettings
from plaudit.services import directory, settings, sign_in

logger = Logger()
tracer = Tracer()
app = create_app("directory")
gc.freeze()  # keep them out of every later collection
gc.enable()

EmployeeIdPath = Annotated[str, Path(pattern=EMPLOYEE_ID)]


@app.get("/v1/employees", summary="The directory (HR admins and HRIS integrations)")
@tracer.capture_method
def list_employees(limit: Limit = 50, cursor: Cursor = None) -> EmployeePage:
    items, next_cursor = directory.list_directory(current_caller(app), limit=limit, cursor=cursor)
    return EmployeePage(items=items, next_cursor=next_cursor)


@app.get(
    "/v1/employees/<employee_id>", summary="A person: the full record for themselves, their manager and HR"
)
@tracer.capture_method
def get_employee(employee_id: EmployeeIdPath) -> Employee | directory.EmployeeCard:
    return directory.get_employee(current_caller(app), employee_id)


@app.put(
    "/v1/employees/<employee_id>",
    summary="Create or replace a person (HR admins and HRIS integrations)",
    response_description="Replaced",
    responses={201: {"description": "Created"}},
)
@tracer.capture_method
def put_employee(employee_id: EmployeeIdPath, body: directory.EmployeeFields) -> Response[Employee]:
    employee, created = directory.put_employee(current_caller(app), employee_id, body)
    return Response(status_code=201 if created else 200, content_type="application/json", body=employee)


OwnProfilePatch = Annotated[
    directory.OwnProfile,
    Body(
        media_type=MERGE_PATCH,
        description=(
            "A JSON Merge Patch (RFC 7396) of your own record, sent as application/merge-patch+json or "
            'application/json: only the fields sent change, e.g. {"locale": "fr"}'
        ),
    ),
]


@app.get("/v1/me", summary="Your own directory record, with your status tier")
@tracer.capture_method
def get_me() -> directory.OwnRecord:
    return directory.own_record(current_caller(app))


@app.patch(
    "/v1/me",
    summary="Change your own directory record: your language (`locale`)",
    response_description="Your record as it now is",
)
@tracer.capture_method
def patch_me(body: OwnProfilePatch) -> Employee:
    return directory.update_own_profile(current_caller(app), body)


@app.post(
    "/v1/me/link",
    summary="Link your sign-in account to your directory entry, once: send your ID token as the bearer",
    description=(
        "The web console sends the access token on every request, and, on the first sign-in only (when "
        "GET /v1/me answers 403 `not_in_directory`), the ID token as the bearer of this request: its "
        "verified `email` finds you in the directory and its `sub` is linked to you, so your access tokens "
        "(which carry no email) find you from then on. A repeat answers 200 and changes nothing."
    ),
    response_description="Linked already: nothing changed",
    responses={
        201: {"description": "Linked now"},
        403: reply("The email is not verified (`email_unverified`), or nobody in the directory has it"),
        409: reply(
            "The sign-in account (`subject_taken`) or your entry (`account_linked`) is linked elsewhere"
        ),
        422: reply("The bearer is not an ID token: it carries no email (`id_token_needed`)"),
    },
)
@tracer.capture_method
def link_me() -> Response[sign_in.LinkedAccount]:
    linked = sign_in.link_signed_in(app.current_event.request_context.authorizer.jwt_claim)
    return Response(status_code=201 if linked.linked else 200, content_type="application/json", body=linked)


SettingsPatch = Annotated[
    dict[str, Any],
    Body(
        media_type=MERGE_PATCH,
        description=(
            "A JSON Merge Patch (RFC 7396) of the settings document, sent as application/merge-patch+json "
            "or application/json: objects merge, null removes a field that may be empty"
        ),
    ),
]


@app.get("/v1/settings", summary="Organisation settings (HR admins); the ETag is their version")
@tracer.capture_method
def get_settings() -> Response[OrgSettings]:
    return _settings_response(settings.get_settings(current_caller(app)))


@app.put(
    "/v1/settings",
    summary="Replace the organisation settings whole: every field is required (HR admins; honours If-Match)",
)
@tracer.capture_method
def put_settings(body: settings.SettingsDocument, if_match: IfMatch = None) -> Response[OrgSettings]:
    caller = current_caller(app)
    return _settings_response(settings.replace_settings(caller, body, if_match=if_match_versions(if_match)))


@app.patch(
    "/v1/settings",
    summary="Change some organisation settings with a JSON Merge Patch (HR admins; honours If-Match)",
)
@tracer.capture_method
def patch_settings(body: SettingsPatch, if_match: IfMatch = None) -> Response[OrgSettings]:
    caller = current_caller(app)
    return _settings_response(settings.patch_settings(caller, body, if_match=if_match_versions(if_match)))


def _settings_response(current: settings.VersionedSettings) -> Response[OrgSettings]:
    return Response(
        status_code=200,
        content_type="application/json",
        body=current.settings,
        headers={"ETag": etag(current.version)},
    )


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context: object) -> dict:
    return app.resolve(event, context)
