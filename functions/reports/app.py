"""REST v1: reports for HR, finance, managers and everyone's own figures (JSON, or CSV with
`Accept: text/csv`)."""

import gc

gc.disable()  # cold start: imports only create long-lived objects; collecting now is wasted time

from typing import Annotated, Any, Union

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from pydantic import RootModel

from plaudit.api.csv_body import CSV, JSON, answer_format, csv_text
from plaudit.api.http import create_app, current_caller, reply
from plaudit.domain.errors import NotAcceptable
from plaudit.domain.reports import GROUPS_PER_PAGE, MAX_GROUPS_PER_PAGE, table
from plaudit.domain.seasons import BOARD_PERIOD
from plaudit.services import reports

logger = Logger()
tracer = Tracer()
app = create_app("reports")
gc.freeze()  # keep them out of every later collection
gc.enable()


class AnyReport(RootModel[Union[tuple(spec.model for spec in reports.REPORTS.values())]]):  # type: ignore[misc]  # noqa: UP007
    """One of the reports (each its own schema; `report` names which)."""


Filter = Annotated[str | None, Query(min_length=1, max_length=100)]
# plaudit.api.pages' Cursor, without importing its page models (services this function never loads)
Cursor = Annotated[str | None, Query(max_length=2048, description="`next_cursor` of the previous page")]


@app.get(
    "/v1/reports/<name>",
    summary="A report: " + ", ".join(reports.REPORTS),
    description=(
        "Figures of one scope over a period, with the period before beside them (`previous`), read from "
        "the insights counters. HR and finance see any scope (`department`, `manager` or `country`, at most "
        "one; the organisation by default); a manager their own team (`manager` may only name themselves); "
        "anyone else their own figures. Periods are read in the organisation's time zone. With "
        "`Accept: text/csv` the same answer comes as one CSV table: the totals row, then each row, every "
        "figure beside `previous_<figure>`. The participation report's groups come a page at a time "
        "(`limit`, `cursor`; its `next_cursor`, or in CSV the `Next-Cursor` header); the others answer "
        "every row."
    ),
    responses={
        200: {
            "description": "The report (its schema by `report`: one per report)",
            "content": {JSON: {"model": AnyReport}, CSV: {"schema": {"type": "string"}}},
            "headers": {
                "Next-Cursor": {
                    "description": "CSV only: the next page's cursor of a paged report (absent on the last)",
                    "schema": {"type": "string"},
                }
            },
        },
        404: reply("No report of that name (unknown_report)"),
        406: reply("Accept names neither JSON nor CSV (not_acceptable)"),
    },
)
@tracer.capture_method
def get_report(
    name: Annotated[str, Path(pattern=r"^[a-z][a-z0-9-]{0,39}$", description="The report")],
    period: Annotated[
        str,
        Query(
            pattern=BOARD_PERIOD,
            description="week, month, quarter, year, all, or a season: season:<id> (`GET /v1/seasons`; no "
            "period beside it)",
        ),
    ] = "month",
    at: Annotated[
        str | None,
        Query(
            max_length=10,
            description="A past period instead of the current one: 2026-W47, 2026-11, 2026-Q3 or 2026",
        ),
    ] = None,
    department: Filter = None,
    manager: Annotated[str | None, Query(min_length=1, max_length=64, description="A manager's id")] = None,
    country: Annotated[str | None, Query(pattern=r"^[A-Z]{2}$", description="ISO 3166 code")] = None,
    group_by: Annotated[
        str | None, Query(min_length=1, max_length=32, description="How the rows are grouped (per report)")
    ] = None,
    limit: Annotated[
        int,
        Query(ge=1, le=MAX_GROUPS_PER_PAGE, description="Groups per page of a paged report (participation)"),
    ] = GROUPS_PER_PAGE,
    cursor: Cursor = None,
):  # no return annotation: Powertools would validate a CSV body as JSON (the 200 is documented above)
    wanted = answer_format(app.current_event.headers.get("accept"))
    if wanted is None:
        raise NotAcceptable("error.not_acceptable", media_types=[JSON, CSV])
    report = reports.run(
        current_caller(app),
        name,
        period=period,
        at=at,
        department=department,
        manager=manager,
        country=country,
        group_by=group_by,
        limit=limit,
        cursor=cursor,
    )
    if wanted == CSV:
        as_table = reports.REPORTS[name].csv or table
        following = getattr(report, "next_cursor", None)
        headers = {"Next-Cursor": following} if following else {}
        return Response(status_code=200, content_type=CSV, body=csv_text(*as_table(report)), headers=headers)
    return Response(status_code=200, content_type=JSON, body=report)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context: Any) -> dict:
    return app.resolve(event, context)
