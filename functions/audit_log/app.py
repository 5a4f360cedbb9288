"""REST v1: the administrative trail, for HR and admins (JSON, or CSV with `Accept: text/csv`)."""

import gc

gc.disable()  # cold start: imports only create long-lived objects; collecting now is wasted time

from typing import Annotated, Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.logging import correlation_paths
from pydantic import AwareDatetime, Field

from plaudit.api.csv_body import CSV, answer_format, csv_text
from plaudit.api.http import create_app, current_caller
from plaudit.api.pages import Cursor, Limit
from plaudit.domain.exports import AUDIT_COLUMNS
from plaudit.domain.model import Model
from plaudit.domain.trail import canonical
from plaudit.services import trail

logger = Logger()
tracer = Tracer()
app = create_app("audit log")
gc.freeze()  # keep them out of every later collection
gc.enable()

Filter = Annotated[str | None, Query(min_length=1, max_length=200)]


class AuditPage(Model):
    items: list[trail.AuditEntry]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


@app.get(
    "/v1/audit-log",
    summary="The administrative trail, newest first (HR and admins)",
    description=(
        "Every administrative act, hash-chained. Filters apply to the entries a page reads, so a page may "
        "hold fewer than `limit` and still have a cursor. With `Accept: text/csv` the page comes as CSV "
        "(`changes` as JSON) and the next page's cursor in the `Next-Cursor` header."
    ),
    responses={
        200: {
            "description": "One page of entries",
            "content": {"application/json": {"model": AuditPage}, CSV: {"schema": {"type": "string"}}},
            "headers": {
                "Next-Cursor": {
                    "description": "CSV only: the next page's cursor (absent on the last page)",
                    "schema": {"type": "string"},
                }
            },
        }
    },
)
@tracer.capture_method
def audit_log(
    actor: Filter = None,
    action: Filter = None,
    target: Filter = None,
    since: Annotated[AwareDatetime | None, Query(alias="from", description="Entries at or after")] = None,
    until: Annotated[AwareDatetime | None, Query(alias="to", description="Entries before")] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
):  # no return annotation: Powertools would validate a CSV body as JSON (the 200 is documented above)
    items, next_cursor = trail.audit_log(
        current_caller(app),
        actor=actor,
        action=action,
        target=target,
        since=since,
        until=until,
        limit=limit,
        cursor=cursor,
    )
    if answer_format(app.current_event.headers.get("accept")) == CSV:
        headers = {"Next-Cursor": next_cursor} if next_cursor else {}
        return Response(status_code=200, content_type=CSV, body=_csv(items), headers=headers)
    page = AuditPage(items=items, next_cursor=next_cursor)
    return Response(status_code=200, content_type="application/json", body=page)


def _csv(items: list[trail.AuditEntry]) -> str:
    rows = []
    for entry in items:
        row = entry.model_dump(mode="json")
        row["changes"] = canonical(row["changes"])
        rows.append([row[column] for column in AUDIT_COLUMNS])
    return csv_text(AUDIT_COLUMNS, rows)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context: Any) -> dict:
    return app.resolve(event, context)
