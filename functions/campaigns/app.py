"""REST v1: campaigns, points or a catalogue item to many people at once from one budget (HR or the
budget's holders). Preview, create (a draft), run (its chunks are queued for functions/campaign_worker),
progress, the final report as CSV, cancel."""

import gc

gc.disable()  # cold start: imports only create long-lived objects; collecting now is wasted time

from typing import Annotated

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.logging import correlation_paths

from plaudit.api.csv_body import CSV, csv_text
from plaudit.api.http import (
    IdempotencyKey,
    check_idempotency_key,
    create_app,
    created_response,
    current_caller,
    reply,
)
from plaudit.domain.campaigns import CAMPAIGN_ID, CampaignRequest, CampaignView, Preview
from plaudit.services import campaigns

logger = Logger()
tracer = Tracer()
metrics = Metrics()
app = create_app("campaigns")
gc.freeze()  # keep them out of every later collection
gc.enable()

CampaignIdPath = Annotated[str, Path(pattern=CAMPAIGN_ID)]
REFUSALS = {
    403: reply("Neither HR nor a holder of the budget (not_a_holder)"),
    404: reply("No such budget or catalogue item (budget_not_found, item_not_found)"),
    422: reply(
        "A CSV with bad rows (campaign_csv_invalid: each line's problems), an unusable CSV "
        "(campaign_csv_unusable), nobody to pay (campaign_empty), more than 10,000 people "
        "(campaign_too_large), or more than the budget holds (insufficient_budget, at create)"
    ),
}
ONE = {
    403: reply("Neither HR nor a holder of the campaign's budget (not_a_holder)"),
    404: reply("No such campaign (campaign_not_found)"),
}


@app.post(
    "/v1/campaigns/preview",
    summary="Preview a campaign: who would be paid, the cost, who is skipped and why (nothing is written)",
    responses=REFUSALS,
)
@tracer.capture_method
def preview_campaign(body: CampaignRequest) -> Preview:
    return campaigns.preview(current_caller(app), body)


@app.post(
    "/v1/campaigns",
    summary="Create a campaign (a draft, as previewed; refused if the budget does not cover it)",
    status_code=201,
    response_description="Created (or, for a replayed Idempotency-Key, the campaign as first answered)",
    responses=REFUSALS,
)
@tracer.capture_method
def create_campaign(body: CampaignRequest, idempotency_key: IdempotencyKey = None) -> Response[CampaignView]:
    view, created = campaigns.create(
        current_caller(app), body, idempotency_key=check_idempotency_key(idempotency_key)
    )
    return created_response(view, created)


@app.get("/v1/campaigns/<campaign_id>", summary="A campaign's progress: paid, pending, failed", responses=ONE)
@tracer.capture_method
def get_campaign(campaign_id: CampaignIdPath) -> CampaignView:
    return campaigns.view(current_caller(app), campaign_id)


@app.post(
    "/v1/campaigns/<campaign_id>/run",
    summary="Run a campaign: each person is paid once, in the background (poll its progress)",
    status_code=202,
    response_description="Queued",
    responses=ONE | {409: reply("The campaign is done or cancelled (campaign_finished)")},
)
@tracer.capture_method
def run_campaign(campaign_id: CampaignIdPath) -> Response[CampaignView]:
    view = campaigns.start(current_caller(app), campaign_id)
    return Response(status_code=202, content_type="application/json", body=view)


@app.post(
    "/v1/campaigns/<campaign_id>/cancel",
    summary="Cancel a campaign: what is not paid yet stops",
    responses=ONE | {409: reply("The campaign is done or cancelled already (campaign_finished)")},
)
@tracer.capture_method
def cancel_campaign(campaign_id: CampaignIdPath) -> CampaignView:
    return campaigns.cancel(current_caller(app), campaign_id)


@app.get(
    "/v1/campaigns/<campaign_id>/report",
    summary="A campaign's report as CSV: each person's outcome (paid, pending, failed, skipped) and reason",
    responses={
        200: {
            "description": "One row per CSV line or selected person: " + ", ".join(campaigns.REPORT_COLUMNS),
            "content": {CSV: {"schema": {"type": "string"}}},
        }
    }
    | ONE,
)
@tracer.capture_method
def campaign_report(campaign_id: CampaignIdPath):  # no return annotation: the body is CSV (documented above)
    _, rows = campaigns.report(current_caller(app), campaign_id)
    return Response(status_code=200, content_type=CSV, body=csv_text(campaigns.REPORT_COLUMNS, rows))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict, context: object) -> dict:
    return app.resolve(event, context)
