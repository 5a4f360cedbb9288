"""REST v1: export jobs. `POST /v1/exports` queues one (202), `GET /v1/exports/{id}` shows its status and
`GET /v1/exports/{id}/download` redirects to a short-lived link to its file; the worker that writes the
file is functions/export_worker."""

import gc

gc.disable()  # cold start: imports only create long-lived objects; collecting now is wasted time

from typing import Annotated

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from pydantic import Field

from plaudit.api.http import IdempotencyKey, check_idempotency_key, create_app, current_caller, reply
from plaudit.domain.employees import EMPLOYEE_ID
from plaudit.domain.exports import LINK_SECONDS, ExportRequest, ExportView
from plaudit.domain.model import Model
from plaudit.services import exports
from plaudit.services.metrics import count

logger = Logger()
tracer = Tracer()
metrics = Metrics()
app = create_app("exports")
gc.freeze()  # keep them out of every later collection
gc.enable()

ExportIdPath = Annotated[str, Path(pattern=r"^exp_[A-Z0-9]{26}$")]
# a browser's fetch follows a 303 without letting the page read where it went: the console asks for the link
Redirect = Annotated[
    bool,
    Query(description="false: answer 200 with the link as JSON instead of redirecting to it (for web pages)"),
]


class DownloadLink(Model):
    url: str = Field(description="The file, for a few minutes (the same as the Location header)")
    expires_in: int = Field(description="Seconds the link is valid")


@app.post(
    "/v1/exports",
    summary="Export a period of the ledger, the trail or a report as CSV (a job: 202, then poll)",
    description=(
        "`ledger` (HR, finance): every posting of every transaction; `audit-log` (HR): the trail's entries; "
        "`report` with `report: taxable-rewards` (HR, finance): the payroll CSV of each month in the period. "
        "The period is UTC days, `from` and `to` included, at most 366 days. The job runs in the background: "
        "poll `GET /v1/exports/{id}` until `status` is `done`, then `GET /v1/exports/{id}/download`."
    ),
    status_code=202,
    response_description="Queued (or, for a replayed Idempotency-Key, the job as first answered)",
)
@tracer.capture_method
def request_export(body: ExportRequest, idempotency_key: IdempotencyKey = None) -> Response[ExportView]:
    view, created = exports.request(
        current_caller(app), body, idempotency_key=check_idempotency_key(idempotency_key)
    )
    if created:
        count("ExportsRequested")
    headers = {"Location": f"/v1/exports/{view.id}"} | ({} if created else {"Idempotent-Replayed": "true"})
    return Response(status_code=202, content_type="application/json", body=view, headers=headers)


EmployeeIdPath = Annotated[str, Path(pattern=EMPLOYEE_ID)]


@app.post(
    "/v1/employees/<employee_id>/exports",
    summary="Export everything Plaudit holds about a person: a zip of JSON and a CSV per section (a job)",
    description=(
        "The person themselves, or HR. The archive holds their profile, wallet, ledger postings, the kudos "
        "they gave and received with their messages and add-ons, awards, redemptions, vouchers (never a "
        "code: the owner reads codes at GET /v1/vouchers/mine), badges, streak, tier and the trail's "
        "entries about them. Poll `GET /v1/exports/{id}`, then `GET /v1/exports/{id}/download`."
    ),
    status_code=202,
    response_description="Queued",
    responses={
        403: reply("Only the person themselves or HR export a person's data"),
        404: reply("Nobody in the directory has this id (`employee_not_found`; HR only)"),
    },
)
@tracer.capture_method
def request_person_export(employee_id: EmployeeIdPath) -> Response[ExportView]:
    view = exports.request_person(current_caller(app), employee_id)
    count("ExportsRequested")
    headers = {"Location": f"/v1/exports/{view.id}"}
    return Response(status_code=202, content_type="application/json", body=view, headers=headers)


@app.get("/v1/exports/<export_id>", summary="An export job's status and progress (the requester's own)")
@tracer.capture_method
def get_export(export_id: ExportIdPath) -> ExportView:
    return exports.view(current_caller(app), export_id)


@app.get(
    "/v1/exports/<export_id>/download",
    summary="Download a finished export: a redirect to a link valid for a few minutes",
    responses={
        200: {
            "description": "With `redirect=false`: the link (no redirect)",
            "content": {"application/json": {"model": DownloadLink}},
        },
        303: {
            "description": "See Location: the file (CSV), for a few minutes",
            "headers": {"Location": {"description": "The presigned link", "schema": {"type": "string"}}},
            "content": {"application/json": {"model": DownloadLink}},
        },
        409: reply("Not done yet (export_not_ready), or it failed (export_failed)"),
        410: reply("The file has expired (export_expired): request the export again"),
    },
)
@tracer.capture_method
def download_export(export_id: ExportIdPath, redirect: Redirect = True):  # the 200 and 303 documented above
    url = exports.download(current_caller(app), export_id)
    link = DownloadLink(url=url, expires_in=LINK_SECONDS)
    if not redirect:
        return Response(status_code=200, content_type="application/json", body=link)
    return Response(status_code=303, content_type="application/json", body=link, headers={"Location": url})


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict, context: object) -> dict:
    return app.resolve(event, context)
