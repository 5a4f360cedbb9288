"""REST v1: redeeming points, the approvals that some redemptions wait for, cancelling, direct awards of
catalogue items from a budget (a redemption the giver pays for). The hourly sweep is its own function
(functions/redemptions_schedule)."""

import gc

gc.disable()  # cold start: imports only create long-lived objects; collecting now is wasted time

from typing import Annotated

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from pydantic import ConfigDict, Field

from plaudit.api.http import (
    IdempotencyKey,
    check_idempotency_key,
    create_app,
    created_response,
    current_caller,
    reply,
)
from plaudit.api.pages import Cursor, Limit
from plaudit.domain.budgets import BUDGET_ID
from plaudit.domain.employees import EMPLOYEE_ID
from plaudit.domain.errors import InvalidRequest
from plaudit.domain.model import Model
from plaudit.domain.redemptions import RedemptionView
from plaudit.services import awards, instant_passes, redemptions

logger = Logger()
tracer = Tracer()
metrics = Metrics()
app = create_app("redemptions")
gc.freeze()  # keep them out of every later collection
gc.enable()

RedemptionIdPath = Annotated[str, Path(pattern=r"^red_[A-Z0-9]{26}$")]
EmployeeFilter = Annotated[
    str | None, Query(pattern=EMPLOYEE_ID, description="Whose redemptions (default: mine)")
]


class Decision(Model):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str | None = Field(default=None, min_length=1, max_length=500)


class RedemptionPage(Model):
    items: list[RedemptionView]
    next_cursor: str | None


class GivenAwardPage(Model):
    items: list[awards.GivenAward]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


AwardsLimit = Annotated[int, Query(ge=1, le=awards.LIST_LIMIT, description="Awards per page")]
BudgetFilter = Annotated[
    str | None, Query(pattern=BUDGET_ID, description="Only this budget's (required unless HR admin)")
]


class ApprovalPage(Model):
    items: list[redemptions.PendingApproval]
    next_cursor: str | None


@app.post(
    "/v1/redemptions",
    summary="Redeem points for a catalogue item (the points are held at once)",
    status_code=201,
    response_description="Created",
    responses={404: reply("No such catalogue item (item_not_found)")},
)
@tracer.capture_method
def request_redemption(
    body: redemptions.RedeemRequest, idempotency_key: IdempotencyKey = None
) -> Response[RedemptionView]:
    view, created = redemptions.request(
        current_caller(app), body, idempotency_key=check_idempotency_key(idempotency_key)
    )
    return created_response(view, created)


@app.post(
    "/v1/awards",
    summary="Give a person a catalogue item, paid from a budget I hold (or as HR)",
    status_code=201,
    response_description="Created",
    responses={404: reply("No such catalogue item or budget (item_not_found, budget_not_found)")},
)
@tracer.capture_method
def give_award(body: awards.AwardRequest, idempotency_key: IdempotencyKey = None) -> Response[RedemptionView]:
    view, created = awards.give(
        current_caller(app), body, idempotency_key=check_idempotency_key(idempotency_key)
    )
    return created_response(view, created)


@app.get(
    "/v1/awards",
    summary="Direct item awards, newest first: HR admins every one, a budget's holders their budget's",
    description="What became of each: the redemption's status, its voucher's, and the correction that took "
    "it back (POST /v1/corrections with its id as award_id).",
    responses={403: reply("Neither an HR admin nor a holder of budget_id (forbidden)")},
)
@tracer.capture_method
def list_awards(
    budget_id: BudgetFilter = None, limit: AwardsLimit = 50, cursor: Cursor = None
) -> GivenAwardPage:
    items, next_cursor = awards.list_given(
        current_caller(app), budget_id=budget_id, limit=limit, cursor=cursor
    )
    return GivenAwardPage(items=items, next_cursor=next_cursor)


@app.get("/v1/redemptions", summary="A person's redemptions, newest first")
@tracer.capture_method
def list_redemptions(
    employee: EmployeeFilter = None, limit: Limit = 50, cursor: Cursor = None
) -> RedemptionPage:
    caller = current_caller(app)
    whose = employee or caller.employee_id
    if whose is None:
        raise InvalidRequest("error.employee_required", code="employee_required")
    items, next_cursor = redemptions.list_for(caller, whose, limit=limit, cursor=cursor)
    return RedemptionPage(items=items, next_cursor=next_cursor)


@app.get("/v1/redemptions/<redemption_id>", summary="One redemption and its history")
@tracer.capture_method
def get_redemption(redemption_id: RedemptionIdPath) -> RedemptionView:
    return redemptions.get(current_caller(app), redemption_id)


@app.post("/v1/redemptions/<redemption_id>/cancel", summary="Cancel my redemption before fulfilment")
@tracer.capture_method
def cancel_redemption(redemption_id: RedemptionIdPath, body: Decision | None = None) -> RedemptionView:
    return redemptions.cancel(current_caller(app), redemption_id, (body or Decision()).reason)


@app.post("/v1/redemptions/<redemption_id>/approve", summary="Approve a redemption waiting for me")
@tracer.capture_method
def approve_redemption(redemption_id: RedemptionIdPath, body: Decision | None = None) -> RedemptionView:
    return redemptions.approve(current_caller(app), redemption_id, (body or Decision()).reason)


@app.post("/v1/redemptions/<redemption_id>/reject", summary="Reject a redemption waiting for me (a reason)")
@tracer.capture_method
def reject_redemption(redemption_id: RedemptionIdPath, body: Decision) -> RedemptionView:
    if body.reason is None:
        raise InvalidRequest("error.reason_required", code="reason_required")
    return redemptions.reject(current_caller(app), redemption_id, body.reason)


@app.get("/v1/approvals", summary="Redemptions waiting for my decision (HR admins: also HR's queue)")
@tracer.capture_method
def list_approvals(limit: Limit = 50, cursor: Cursor = None) -> ApprovalPage:
    items, next_cursor = redemptions.list_approvals(current_caller(app), limit=limit, cursor=cursor)
    return ApprovalPage(items=items, next_cursor=next_cursor)


@app.post(
    "/v1/instant-passes",
    summary="A pass to use an instant perk now at a desk (single use, valid for a minute)",
    description="A token for a QR and the same pass as a short code to type. Nothing is held yet: the "
    "points move when a desk confirms it. An item that needs an approval cannot be used instantly "
    "(instant_needs_approval).",
    status_code=201,
    response_description="Created",
    responses={
        404: reply("No such catalogue item (item_not_found)"),
        422: reply(
            "Not an instant perk (not_instant_item), needs an approval (instant_needs_approval), too few "
            "points (insufficient_points), or a restriction of the item (item_inactive, blackout...)"
        ),
    },
)
@tracer.capture_method
def issue_pass(body: instant_passes.PassRequest) -> Response[instant_passes.IssuedPass]:
    return created_response(instant_passes.issue(current_caller(app), body), True)


PASS_REFUSALS = {
    404: reply("No live pass has this token or code (pass_not_valid)"),
    409: reply("Used already (pass_used)"),
    422: reply(
        "It cannot be used here or now: pass_expired, pass_wrong_vendor, pass_wrong_location (and at "
        "confirmation, the item's rules: insufficient_points, out_of_stock, per_person_limit...)"
    ),
}


@app.post(
    "/v1/instant-passes/check",
    summary="What a pass is for and whose it is (desk accounts, vouchers scope, HR): nothing changes",
    responses=PASS_REFUSALS,
)
@tracer.capture_method
def check_pass(body: instant_passes.CheckPass) -> instant_passes.PassCheck:
    return instant_passes.check(current_caller(app), body)


@app.post(
    "/v1/instant-passes/confirm",
    summary="Confirm a pass: the points move and the perk is redeemed, once (no voucher)",
    description="The same desk confirming again gets the first answer.",
    responses=PASS_REFUSALS,
)
@tracer.capture_method
def confirm_pass(body: instant_passes.CheckPass) -> instant_passes.PassUse:
    return instant_passes.confirm(current_caller(app), body)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict, context: object) -> dict:
    return app.resolve(event, context)
