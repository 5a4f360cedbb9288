"""REST v1: HR uploads the codes of a code-stock catalogue item (CSV); each code is stored encrypted."""

import gc

gc.disable()  # cold start: imports only create long-lived objects; collecting now is wasted time

from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths

from plaudit.api.http import create_app, created_response, current_caller, reply
from plaudit.api.json_body import media_type, read_text_body
from plaudit.domain.catalog import ITEM_ID
from plaudit.domain.errors import UnsupportedMediaType
from plaudit.services import code_stock
from plaudit.services.metrics import count

logger = Logger()
tracer = Tracer()
metrics = Metrics()
app = create_app("code stock")
gc.freeze()  # keep them out of every later collection
gc.enable()

CSV_TYPES = ("text/csv", "text/plain")

ItemIdPath = Annotated[str, Path(pattern=ITEM_ID)]


@app.route(
    "/v1/catalog/items/<item_id>/codes",
    "POST",
    summary="Upload codes for a code-stock item (CSV, HR)",
    description="The body is CSV (`Content-Type: text/csv`), one code per row, in the first column.",
    responses={
        400: reply("The body is not UTF-8 text (malformed_body)"),
        413: reply("The body is larger than 256 KiB (body_too_large)"),
        415: reply("The body is not text/csv (unsupported_media_type)"),
    },
    status_code=201,
    response_description="Created",
    raw_body=CSV_TYPES,
)
@tracer.capture_method
def upload_codes(
    item_id: ItemIdPath,
    alert_below: Annotated[int | None, Query(ge=0, le=100_000)] = None,
) -> Response[code_stock.StockUpload]:
    if media_type(app.current_event.headers.get("content-type"))[0] not in CSV_TYPES:
        raise UnsupportedMediaType("error.csv_media_type")
    event = app.current_event
    body = read_text_body(event.body, base64_encoded=event.is_base64_encoded, kind="CSV")
    upload = code_stock.upload_codes(current_caller(app), item_id, body, alert_below=alert_below)
    count("StockCodesAdded", upload.added)
    return created_response(upload)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict, context: Any) -> dict:
    return app.resolve(event, context)
