"""REST v1: seasons (HR defines them, everyone reads them) and their standings. The end of a season (freeze,
announce, prizes) runs in the hourly milestones schedule (functions/milestones_schedule)."""

import gc

gc.disable()  # cold start: imports only create long-lived objects; collecting now is wasted time

from typing import Annotated

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.logging import correlation_paths

from plaudit.api.http import IfMatch, create_app, current_caller, etag, if_match_versions
from plaudit.domain.seasons import SEASON_ID, SeasonSpec
from plaudit.services import seasons

logger = Logger()
tracer = Tracer()
app = create_app("seasons")
gc.freeze()  # keep them out of every later collection
gc.enable()

SeasonIdPath = Annotated[str, Path(pattern=SEASON_ID)]


def _season_response(season: seasons.SeasonView, status: int = 200) -> Response[seasons.SeasonView]:
    return Response(
        status_code=status,
        content_type="application/json",
        body=season,
        headers={"ETag": etag(season.version)},
    )


@app.post(
    "/v1/seasons",
    summary="Define a season (HR admins): its days in the organisation's time zone, its board and prizes",
    description="A first day before today is refused (season_starts_in_past); a season sharing a day with "
    "another is a 409 season_overlaps. A season starting today counts from the moment it is created.",
    status_code=201,
    response_description="Created; the ETag is its version",
)
@tracer.capture_method
def create_season(body: SeasonSpec) -> Response[seasons.SeasonView]:
    return _season_response(seasons.create_season(current_caller(app), body), 201)


@app.get("/v1/seasons", summary="Every season, by start, with its status")
@tracer.capture_method
def list_seasons() -> seasons.SeasonPage:
    return seasons.SeasonPage(items=seasons.list_seasons(current_caller(app)))


@app.get("/v1/seasons/<season_id>", summary="A season; the ETag is its version")
@tracer.capture_method
def get_season(season_id: SeasonIdPath) -> Response[seasons.SeasonView]:
    return _season_response(seasons.get_season(current_caller(app), season_id))


@app.put(
    "/v1/seasons/<season_id>",
    summary="Replace a season (HR admins; honours If-Match)",
    description="Before it counts, anything may change; while it runs, its name, board and prizes but not "
    "its dates (409 season_started); once ended, nothing (409 season_ended).",
)
@tracer.capture_method
def replace_season(
    season_id: SeasonIdPath, body: SeasonSpec, if_match: IfMatch = None
) -> Response[seasons.SeasonView]:
    season = seasons.replace_season(
        current_caller(app), season_id, body, if_match=if_match_versions(if_match)
    )
    return _season_response(season)


@app.delete(
    "/v1/seasons/<season_id>",
    summary="Delete a season before it counts anything (HR admins; honours If-Match)",
    status_code=204,
    response_description="Deleted",
)
@tracer.capture_method
def delete_season(season_id: SeasonIdPath, if_match: IfMatch = None) -> Response[None]:
    seasons.delete_season(current_caller(app), season_id, if_match=if_match_versions(if_match))
    return Response(status_code=204)


@app.get(
    "/v1/seasons/<season_id>/standings",
    summary="A season's standings: its live board while it runs, frozen once it has ended",
    description="Ranked by the season's board (metric and by); ties share a rank and a prize. People who "
    "left or opted out are not shown.",
)
@tracer.capture_method
def get_standings(season_id: SeasonIdPath) -> seasons.SeasonStandings:
    return seasons.standings(current_caller(app), season_id)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context: object) -> dict:
    return app.resolve(event, context)
