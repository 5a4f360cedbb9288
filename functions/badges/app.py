"""REST v1: badge definitions (HR writes, everyone reads; ETag / If-Match) and a person's badges and giving
streak."""

import gc

gc.disable()  # cold start: imports only create long-lived objects; collecting now is wasted time

from typing import Annotated

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.logging import correlation_paths
from pydantic import Field

from plaudit.api.http import IfMatch, create_app, current_caller, etag, if_match_versions
from plaudit.api.pages import Cursor, Limit
from plaudit.domain.badges import BADGE_ID, Badge, BadgeSpec
from plaudit.domain.employees import EMPLOYEE_ID
from plaudit.domain.model import Model
from plaudit.services import badges

logger = Logger()
tracer = Tracer()
app = create_app("badges")
gc.freeze()  # keep them out of every later collection
gc.enable()

BadgeIdPath = Annotated[str, Path(pattern=BADGE_ID)]
EmployeeIdPath = Annotated[str, Path(pattern=EMPLOYEE_ID)]


class BadgePage(Model):
    items: list[Badge]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


@app.post("/v1/badges", summary="Define a badge (HR admins)", status_code=201, response_description="Created")
@tracer.capture_method
def create_badge(body: BadgeSpec) -> Response[Badge]:
    return _badge_response(badges.create_badge(current_caller(app), body), 201)


@app.get("/v1/badges", summary="Badge definitions (everyone in the organisation)")
@tracer.capture_method
def list_badges(limit: Limit = 50, cursor: Cursor = None) -> BadgePage:
    items, next_cursor = badges.list_badges(current_caller(app), limit=limit, cursor=cursor)
    return BadgePage(items=items, next_cursor=next_cursor)


@app.get("/v1/badges/<badge_id>", summary="A badge definition; the ETag is its version")
@tracer.capture_method
def get_badge(badge_id: BadgeIdPath) -> Response[Badge]:
    return _badge_response(badges.get_badge(current_caller(app), badge_id))


@app.put(
    "/v1/badges/<badge_id>",
    summary="Replace a badge (HR admins; honours If-Match): applies from now on, badges earned stay",
)
@tracer.capture_method
def replace_badge(badge_id: BadgeIdPath, body: BadgeSpec, if_match: IfMatch = None) -> Response[Badge]:
    caller = current_caller(app)
    replaced = badges.replace_badge(caller, badge_id, body, if_match=if_match_versions(if_match))
    return _badge_response(replaced)


@app.delete(
    "/v1/badges/<badge_id>",
    summary="Delete a badge (HR admins; honours If-Match): nobody earns it any more, badges earned stay",
    status_code=204,
    response_description="Done",
)
@tracer.capture_method
def delete_badge(badge_id: BadgeIdPath, if_match: IfMatch = None) -> Response[None]:
    badges.delete_badge(current_caller(app), badge_id, if_match=if_match_versions(if_match))
    return Response(status_code=204)


@app.get(
    "/v1/employees/<employee_id>/badges",
    summary="A person's badges and weekly giving streak: public badges for everyone, private ones for the "
    "person and HR admins",
)
@tracer.capture_method
def person_badges(employee_id: EmployeeIdPath) -> badges.PersonBadges:
    return badges.person_badges(current_caller(app), employee_id)


def _badge_response(badge: Badge, status: int = 200) -> Response[Badge]:
    return Response(
        status_code=status, content_type="application/json", body=badge, headers={"ETag": etag(badge.version)}
    )


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context: object) -> dict:
    return app.resolve(event, context)
