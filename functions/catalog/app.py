"""REST v1: the catalogue. HR admins create, replace and deactivate items; everyone browses them."""

import gc

gc.disable()  # cold start: imports only create long-lived objects; collecting now is wasted time

from typing import Annotated

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from pydantic import Field

from plaudit.api.http import create_app, created_response, current_caller
from plaudit.api.pages import Cursor, Limit
from plaudit.domain.catalog import CATEGORY, COUNTRY, ITEM_ID, CatalogItemSpec, ItemType
from plaudit.domain.model import Model
from plaudit.services import catalog

logger = Logger()
tracer = Tracer()
metrics = Metrics()
app = create_app("catalog")
gc.freeze()  # keep them out of every later collection
gc.enable()

ItemIdPath = Annotated[str, Path(pattern=ITEM_ID)]
CategoryFilter = Annotated[str | None, Query(pattern=CATEGORY, description="Only items of this category")]
TypeFilter = Annotated[ItemType | None, Query(description="Only items of this type")]
CountryFilter = Annotated[
    str | None, Query(pattern=COUNTRY, description="Only items redeemable in this country (ISO 3166-1)")
]
AffordableFilter = Annotated[
    bool, Query(description="Only items whose lowest denomination my points pay for")
]
InactiveFilter = Annotated[bool, Query(description="The deactivated items instead (HR admins)")]


class CatalogPage(Model):
    items: list[catalog.CatalogItemView]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page. Filters apply to the items "
        "a page reads, so a page may hold fewer than `limit` items and still have a next one."
    )


@app.post(
    "/v1/catalog/items",
    summary="Add an item to the catalogue (HR admins)",
    status_code=201,
    response_description="Created",
)
@tracer.capture_method
def create_item(body: CatalogItemSpec) -> Response[catalog.CatalogItemView]:
    return created_response(catalog.create_item(current_caller(app), body))


@app.get("/v1/catalog/items", summary="Browse the catalogue, by category and name")
@tracer.capture_method
def browse(
    category: CategoryFilter = None,
    type: TypeFilter = None,
    country: CountryFilter = None,
    affordable: AffordableFilter = False,
    inactive: InactiveFilter = False,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> CatalogPage:
    items, next_cursor = catalog.browse(
        current_caller(app),
        category=category,
        type=type,
        country=country,
        affordable=affordable,
        inactive=inactive,
        limit=limit,
        cursor=cursor,
    )
    return CatalogPage(items=items, next_cursor=next_cursor)


@app.get("/v1/catalog/items/<item_id>", summary="A catalogue item with its points prices")
@tracer.capture_method
def get_item(item_id: ItemIdPath) -> catalog.CatalogItemView:
    return catalog.read_item(current_caller(app), item_id)


@app.put("/v1/catalog/items/<item_id>", summary="Replace an item (HR admins)")
@tracer.capture_method
def replace_item(item_id: ItemIdPath, body: CatalogItemSpec) -> catalog.CatalogItemView:
    return catalog.replace_item(current_caller(app), item_id, body)


@app.delete(
    "/v1/catalog/items/<item_id>",
    summary="Deactivate an item (HR admins): it leaves the catalogue, redemptions keep pointing at it",
    status_code=204,
    response_description="Done",
)
@tracer.capture_method
def delete_item(item_id: ItemIdPath) -> Response[None]:
    catalog.delete_item(current_caller(app), item_id)
    return Response(status_code=204)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict, context: object) -> dict:
    return app.resolve(event, context)
