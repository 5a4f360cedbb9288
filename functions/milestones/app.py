"""REST v1: milestone rules, on-demand runs and awards, and referred hires (HR admins). The hourly run is
its own function (functions/milestones_schedule)."""

import gc

gc.disable()  # cold start: imports only create long-lived objects; collecting now is wasted time

import datetime as dt
from typing import Annotated, Literal

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from pydantic import ConfigDict, Field

from plaudit.api.http import create_app, created_response, current_caller, reply
from plaudit.api.pages import Cursor, Limit
from plaudit.domain.employees import EMPLOYEE_ID
from plaudit.domain.milestone_rules import RULE_ID, MilestoneRule, RuleSpec
from plaudit.domain.model import Model
from plaudit.domain.referrals import Referral, ReferralHire
from plaudit.services import milestones, referrals

logger = Logger()
tracer = Tracer()
metrics = Metrics()
app = create_app("milestones")
gc.freeze()  # keep them out of every later collection
gc.enable()

RuleIdPath = Annotated[str, Path(pattern=RULE_ID)]
AwardStatus = Annotated[
    Literal["pending", "paid", "granted"] | None, Query(description="pending: waiting for a budget top-up")
]
EmployeeFilter = Annotated[str | None, Query(pattern=EMPLOYEE_ID, description="Only this person's awards")]


class RulePage(Model):
    items: list[MilestoneRule]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


class AwardPage(Model):
    items: list[milestones.AwardView]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


class RunRequest(Model):
    model_config = ConfigDict(extra="forbid")

    date: dt.date = Field(description="The day whose milestones are awarded (YYYY-MM-DD), at any hour")
    dry_run: bool = Field(default=False, description="Report what would be awarded, write nothing")


@app.post(
    "/v1/milestone-rules",
    summary="Create a milestone rule (HR admins)",
    status_code=201,
    response_description="Created",
)
@tracer.capture_method
def create_rule(body: RuleSpec) -> Response[MilestoneRule]:
    return created_response(milestones.create_rule(current_caller(app), body))


@app.get("/v1/milestone-rules", summary="Milestone rules (HR admins)")
@tracer.capture_method
def list_rules(limit: Limit = 50, cursor: Cursor = None) -> RulePage:
    items, next_cursor = milestones.list_rules(current_caller(app), limit=limit, cursor=cursor)
    return RulePage(items=items, next_cursor=next_cursor)


@app.get("/v1/milestone-rules/<rule_id>", summary="A milestone rule with its earlier versions")
@tracer.capture_method
def get_rule(rule_id: RuleIdPath) -> MilestoneRule:
    return milestones.get_rule(current_caller(app), rule_id)


@app.put("/v1/milestone-rules/<rule_id>", summary="Replace a rule; the edit applies from now on")
@tracer.capture_method
def replace_rule(rule_id: RuleIdPath, body: RuleSpec) -> MilestoneRule:
    return milestones.replace_rule(current_caller(app), rule_id, body)


@app.delete(
    "/v1/milestone-rules/<rule_id>",
    summary="Delete a rule (awards already made stay)",
    status_code=204,
    response_description="Done",
)
@tracer.capture_method
def delete_rule(rule_id: RuleIdPath) -> Response[None]:
    milestones.delete_rule(current_caller(app), rule_id)
    return Response(status_code=204)


@app.post(
    "/v1/milestones/runs",
    summary="Award one day's milestones now, or preview them (HR admins)",
    description=(
        "Awards every milestone that falls on `date`, whatever the person's time zone; occurrences "
        "already awarded (by the schedule, an HRIS event or an earlier run) are counted, not paid again. "
        "Answers 201 when the run wrote awards (paid, granted or pending), 200 for a dry run or a run "
        "that found nothing new."
    ),
    status_code=201,
    response_description="Created",
    responses={200: {"description": "A dry run, or a run that found nothing new"}},
)
@tracer.capture_method
def run_day(body: RunRequest) -> Response[milestones.RunReport]:
    report = milestones.run_day(current_caller(app), body.date, dry_run=body.dry_run)
    if report.dry_run or not (report.awarded or report.pending):
        return Response(status_code=200, content_type="application/json", body=report)
    return created_response(report)


@app.get("/v1/milestones/awards", summary="Milestone awards, newest first; pending ones await a top-up")
@tracer.capture_method
def list_awards(
    status: AwardStatus = None, employee: EmployeeFilter = None, limit: Limit = 50, cursor: Cursor = None
) -> AwardPage:
    items, next_cursor = milestones.list_awards(
        current_caller(app), status=status, employee_id=employee, limit=limit, cursor=cursor
    )
    return AwardPage(items=items, next_cursor=next_cursor)


class ReferralPage(Model):
    items: list[Referral]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


class ReferralImport(Model):
    model_config = ConfigDict(extra="forbid")

    csv: str = Field(
        min_length=1,
        max_length=200_000,
        description="Header row, then one hire a row: hire_id, referrer_id or referrer_email, hired_on",
    )
    dry_run: bool = Field(default=False, description="Check every row and show the referrals, write nothing")


REFERRAL_RESPONSES = {
    409: reply(
        "This hire was reported already (referral_already_recorded; details name its referrer and when): "
        "nothing more is paid"
    ),
}


@app.post(
    "/v1/referrals",
    summary="Report a referred hire: the referral rules reward the referrer (HR admins)",
    description=(
        "Pays each live referral rule's at-hire share now (the award DMs the referrer) and schedules the "
        "rest `after_days` later, paid only if the hire and the referrer are still active then. Refused "
        "(422) for an unknown or inactive referrer (unknown_referrer, referrer_inactive), a self-referral, "
        "a referrer outside a rule's budget scope, or no referral rule for the referrer; a hire already "
        "reported answers 409 and pays nothing."
    ),
    status_code=201,
    response_description="Recorded",
    responses=REFERRAL_RESPONSES,
)
@tracer.capture_method
def record_referral(body: ReferralHire) -> Response[referrals.RecordedReferral]:
    return created_response(referrals.record_hire(current_caller(app), body))


@app.post(
    "/v1/referrals/imports",
    summary="Report referred hires from a CSV (HR admins)",
    description=(
        "Every row is checked before anything is paid: one bad row (a bad cell, an unknown or inactive "
        "referrer, a hire already reported or twice in the file...) refuses the file with each bad line "
        "(422 referral_csv_invalid, details.lines and details.errors)."
    ),
    status_code=201,
    response_description="Recorded",
    responses={200: {"description": "A dry run: the referrals as they would be"}},
)
@tracer.capture_method
def import_referrals(body: ReferralImport) -> Response[referrals.ImportReport]:
    report = referrals.import_csv(current_caller(app), body.csv, dry_run=body.dry_run)
    if report.dry_run:
        return Response(status_code=200, content_type="application/json", body=report)
    return created_response(report)


@app.get("/v1/referrals", summary="Referred hires, newest first, with each part's status (HR admins)")
@tracer.capture_method
def list_referrals(limit: Limit = 50, cursor: Cursor = None) -> ReferralPage:
    items, next_cursor = referrals.list_referrals(current_caller(app), limit=limit, cursor=cursor)
    return ReferralPage(items=items, next_cursor=next_cursor)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict, context: object) -> dict:
    return app.resolve(event, context)
