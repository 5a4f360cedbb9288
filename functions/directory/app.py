"""REST v1: the employee directory, the voucher desks and organisation settings."""

import gc

gc.disable()  # cold start: imports only create long-lived objects; collecting now is wasted time

from typing import Annotated, Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
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
from plaudit.api.json_body import media_type, read_text_body
from plaudit.api.pages import Cursor, EmployeePage, Limit
from plaudit.domain.desks import DESK_ID, Desk, DeskSpec
from plaudit.domain.employees import EMPLOYEE_ID, Employee
from plaudit.domain.errors import UnsupportedMediaType
from plaudit.domain.settings import OrgSettings
from plaudit.services import desks, directory, directory_import, erasure, settings, sign_in

logger = Logger()
tracer = Tracer()
app = create_app("directory")
gc.freeze()  # keep them out of every later collection
gc.enable()

EmployeeIdPath = Annotated[str, Path(pattern=EMPLOYEE_ID)]
DeskIdPath = Annotated[str, Path(pattern=DESK_ID)]


@app.get("/v1/employees", summary="The directory (HR admins and HRIS integrations)")
@tracer.capture_method
def list_employees(limit: Limit = 50, cursor: Cursor = None) -> EmployeePage:
    items, next_cursor = directory.list_directory(current_caller(app), limit=limit, cursor=cursor)
    return EmployeePage(items=items, next_cursor=next_cursor)


_ONE_ID = EMPLOYEE_ID.strip("^$")
PeopleIds = Annotated[
    str,
    Query(
        pattern=f"^{_ONE_ID}(,{_ONE_ID}){{0,{directory.MAX_NAMES - 1}}}$",
        description=f"Employee ids, separated by commas (at most {directory.MAX_NAMES})",
    ),
]


NameStart = Annotated[
    str | None,
    Query(
        min_length=directory.MIN_NAME_START,
        max_length=60,
        pattern=r"\S",
        description="Words starting a name, any case and accents, in any order: active people with a word of "
        "their name starting with each (a picker)",
    ),
]
FoundLimit = Annotated[
    int, Query(ge=1, le=directory.MAX_FOUND, description="At most this many people by name")
]


@app.get(
    "/v1/people",
    summary="Colleagues' names and departments by id or by the words their name starts with (anyone)",
    description="Exactly one of `ids` (the console's feed names people) and `q` (the kudos recipient "
    "picker). Only what a colleague may see: id, name and department.",
    responses={400: reply("Neither or both of `ids` and `q` (`invalid_request`)")},
)
@tracer.capture_method
def get_people(
    ids: PeopleIds | None = None, q: NameStart = None, limit: FoundLimit = 10
) -> directory.PeoplePage:
    wanted = ids.split(",") if ids is not None else None
    return directory.PeoplePage(items=directory.people(current_caller(app), wanted, q, limit=limit))


CSV_TYPES = ("text/csv", "text/plain")


@app.route(
    "/v1/employees/import-preview",
    "POST",
    summary="What a directory CSV would change, nothing written (HR admins and HRIS integrations)",
    description=(
        "The dry run of `plaudit import` (the same rules): the body is the CSV (`Content-Type: text/csv`, "
        "header row required, the columns of examples/employees.csv, an empty cell = not given, at most 256 "
        "KiB). The answer lists the rows that change something in the order to apply them (managers new to "
        "the directory first), each with its line, the fields it changes and the entry as it would be (for "
        "PUT /v1/employees/{id}), how many change nothing, and the bad rows by line with their reasons."
    ),
    responses={
        400: reply("The body is not UTF-8 text (malformed_body)"),
        413: reply("The body is larger than 256 KiB (body_too_large)"),
        415: reply("The body is not text/csv (unsupported_media_type)"),
        422: reply("No usable header (`import_file_unusable`; `details.reason` says why)"),
    },
    raw_body=CSV_TYPES,
)
@tracer.capture_method
def preview_import() -> directory_import.ImportPreview:
    event = app.current_event
    if media_type(event.headers.get("content-type"))[0] not in CSV_TYPES:
        raise UnsupportedMediaType("error.directory_csv_media_type")
    body = read_text_body(event.body, base64_encoded=event.is_base64_encoded, kind="CSV")
    return directory_import.preview(current_caller(app), body, app.locale())


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


@app.post(
    "/v1/employees/<employee_id>/erasure",
    summary="Erase a person at their request: pseudonymised for good, the books kept true (HR admins)",
    description=(
        "Their entry keeps only the opaque id (shown as a former employee); their email and Slack aliases, "
        "milestone dates, sign-in account and link, the personal values the trail keeps outside its chain "
        "and the messages of every kudos and add-on they gave or received (and the bot's Slack posts of "
        "them) go; points left are expired to the organisation through the ledger. Erasing again answers "
        "the first erasure (200) and completes anything left undone."
    ),
    response_description="Erased before: the first erasure",
    responses={
        201: {"description": "Erased now"},
        403: reply("Only HR admins erase people"),
        404: reply("Nobody in the directory has this id (`employee_not_found`)"),
        409: reply("One of their redemptions is in flight (`redemption_in_flight`: its id in the details)"),
    },
)
@tracer.capture_method
def erase_employee(employee_id: EmployeeIdPath, body: erasure.ErasureRequest) -> Response[erasure.Erasure]:
    erased, now = erasure.erase(current_caller(app), employee_id, body)
    return Response(status_code=201 if now else 200, content_type="application/json", body=erased)


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


@app.get(
    "/v1/me/desk",
    summary="Your voucher desk (desk accounts): its vendor and the locations a check names",
    description="For a sign-in account in the `voucher_desk` group that HR tied to a desk "
    "(POST /v1/desks/{id}/accounts). Validating and redeeming at a desk need both.",
    responses={
        403: reply(
            "Not in the voucher_desk group (`desk_role_needed`), or in it but tied to no desk "
            "(`desk_not_linked`)"
        )
    },
)
@tracer.capture_method
def get_my_desk() -> Desk:
    return desks.own_desk(current_caller(app))


@app.get("/v1/desks", summary="The voucher desks (HR admins)")
@tracer.capture_method
def list_desks(limit: Limit = 50, cursor: Cursor = None) -> desks.DeskPage:
    return desks.list_desks(current_caller(app), limit=limit, cursor=cursor)


@app.get("/v1/desks/<desk_id>", summary="A voucher desk (HR admins); the ETag is its version")
@tracer.capture_method
def get_desk(desk_id: DeskIdPath) -> Response[Desk]:
    return _desk_response(desks.get_desk(current_caller(app), desk_id))


@app.put(
    "/v1/desks/<desk_id>",
    summary="Create or replace a voucher desk: its vendor and locations; status disabled stops its accounts "
    "(HR admins; honours If-Match)",
    response_description="Replaced",
    responses={201: {"description": "Created"}},
)
@tracer.capture_method
def put_desk(desk_id: DeskIdPath, body: DeskSpec, if_match: IfMatch = None) -> Response[Desk]:
    desk, created = desks.put_desk(current_caller(app), desk_id, body, if_match=if_match_versions(if_match))
    return _desk_response(desk, 201 if created else 200)


@app.post(
    "/v1/desks/<desk_id>/accounts",
    summary="Give a desk a sign-in account: the address is invited to the user pool (or its account taken), "
    "put in the voucher_desk group and tied to the desk (HR admins)",
    description="An address of someone in the directory is refused (409 desk_account_is_a_person), and so "
    "is an account tied to another desk (409 desk_account_taken); without a user pool, 422 "
    "accounts_not_configured. Tying the same account again changes nothing.",
)
@tracer.capture_method
def add_desk_account(desk_id: DeskIdPath, body: desks.NewDeskAccount) -> desks.DeskAccount:
    return desks.add_account(current_caller(app), desk_id, body)


def _desk_response(desk: Desk, status: int = 200) -> Response[Desk]:
    return Response(
        status_code=status, content_type="application/json", body=desk, headers={"ETag": etag(desk.version)}
    )


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
