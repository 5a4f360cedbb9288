"""REST v1: kudos, add-ons, the feed, leaderboards, wallets and ledgers (and corrections of them)."""

import gc

gc.disable()  # cold start: imports only create long-lived objects; collecting now is wasted time

from typing import Annotated, Literal

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths

from plaudit.api.http import (
    IdempotencyKey,
    check_idempotency_key,
    create_app,
    created_response,
    current_caller,
    reply,
)
from plaudit.api.pages import Cursor, FeedLimit, LedgerPage, Limit, RecognitionPage
from plaudit.domain.corrections import Correction, CorrectionRequest
from plaudit.domain.employees import EMPLOYEE_ID
from plaudit.domain.insights import Side, Span
from plaudit.domain.recognition import AddOn, Kudos, Recognition
from plaudit.domain.seasons import BOARD_PERIOD
from plaudit.services import corrections, insights, moderation, recognition, wallets

logger = Logger()
tracer = Tracer()
metrics = Metrics()
app = create_app("recognition")
gc.freeze()  # keep them out of every later collection
gc.enable()

EmployeeIdPath = Annotated[str, Path(pattern=EMPLOYEE_ID)]
RecognitionIdPath = Annotated[str, Path(pattern=r"^rec_[0-9A-Z]{26}$")]


class RecognitionDetail(Recognition):
    add_ons: list[AddOn]


@app.post("/v1/recognitions", summary="Give kudos", status_code=201, response_description="Created")
@tracer.capture_method
def give_kudos(body: recognition.GiveKudos, idempotency_key: IdempotencyKey = None) -> Response[Kudos]:
    kudos, created = recognition.give_kudos(
        current_caller(app), body, idempotency_key=check_idempotency_key(idempotency_key)
    )
    return created_response(kudos, created)


@app.post(
    "/v1/recognitions/<recognition_id>/add-ons",
    summary="Add points to someone else's kudos",
    status_code=201,
    response_description="Created",
)
@tracer.capture_method
def add_on(
    recognition_id: RecognitionIdPath, body: recognition.GiveAddOn, idempotency_key: IdempotencyKey = None
) -> Response[AddOn]:
    extra, created = recognition.add_on(
        current_caller(app), recognition_id, body, idempotency_key=check_idempotency_key(idempotency_key)
    )
    return created_response(extra, created)


@app.post(
    "/v1/recognitions/<recognition_id>/hide",
    summary="Hide a kudos that broke the rules, keeping or reversing its points (HR admins)",
    description=(
        "It leaves every feed, App Home and the console, the bot's Slack posts of it say it was removed, "
        "and only HR sees it from then on. `points: reverse` takes back what it and its add-ons paid each "
        "recipient by a compensating ledger transaction; the act is in the trail with the reason."
    ),
    responses={
        403: reply("Only HR admins hide kudos"),
        404: reply("No such kudos (`recognition_not_found`)"),
        409: reply(
            "Hidden already (`kudos_hidden`), or a recipient no longer holds what it paid them "
            "(`points_spent`: their ids in the details; hide it keeping the points)"
        ),
    },
)
@tracer.capture_method
def hide_kudos(recognition_id: RecognitionIdPath, body: moderation.HideKudos) -> moderation.HiddenKudos:
    return moderation.hide(current_caller(app), recognition_id, body)


@app.post(
    "/v1/corrections",
    summary="Take back what was paid in error: an award, a campaign payment, a kudos or an item (HR admins)",
    description=(
        "A compensating `correction` transaction (postings are never edited) takes back from the person "
        "what the award or kudos paid them (or `points` of it), returning an award's points to the budget "
        "that paid them and a kudos' to `org:forfeited`. Never more than was paid less earlier corrections, "
        "nor more than the person holds. A direct award of a catalogue item (`award_id`: the red_... id "
        "POST /v1/awards answered) is taken back whole while the person has not used it: not yet delivered, "
        "it is cancelled (its budget refunded); delivered as an unused Plaudit voucher, the voucher is "
        "cancelled and a compensating transaction returns its points to the budget. The act is in the trail "
        "(`ledger.correct`) with the reason, and the person is told in their language. An Idempotency-Key "
        "replays the first answer."
    ),
    status_code=201,
    response_description="Created",
    responses={
        403: reply("Only HR admins correct payments"),
        404: reply("No such award (`award_not_found`) or kudos (`recognition_not_found`)"),
        409: reply(
            "More than remains of what was paid (`exceeds_paid`: asked, paid, reversed, remaining in the "
            "details), all of it taken back already (`already_reversed`: what was), the person no longer "
            "holds it (`points_spent`: employee_ids, holds, to_reverse), a direct item award the person used "
            "(`award_used`: a voucher redeemed or expired, a gift card or stocked code delivered, a donation "
            "made) or being delivered now (`award_in_fulfilment`), or the Idempotency-Key was used for "
            "another request (`idempotency_key_reused`) or answered longer ago than answers are kept "
            "(`idempotency_key_expired`: the correction's id in the details)"
        ),
        422: reply(
            "`employee_id` is not someone it paid (`not_a_recipient`), or `points` of a kudos paid to "
            "several people without naming whose (`recipient_needed`); `points` of a direct item award "
            "(`invalid_request`: it is taken back whole)"
        ),
    },
)
@tracer.capture_method
def correct_payment(body: CorrectionRequest, idempotency_key: IdempotencyKey = None) -> Response[Correction]:
    made, created = corrections.correct(
        current_caller(app), body, idempotency_key=check_idempotency_key(idempotency_key)
    )
    return created_response(made, created)


@app.get("/v1/recognitions", summary="The kudos feed, newest first")
@tracer.capture_method
def list_recognitions(
    giver: Annotated[str | None, Query(pattern=EMPLOYEE_ID)] = None,
    recipient: Annotated[str | None, Query(pattern=EMPLOYEE_ID)] = None,
    value: Annotated[str | None, Query(max_length=32)] = None,
    limit: FeedLimit = 20,
    cursor: Cursor = None,
) -> RecognitionPage:
    items, next_cursor = recognition.list_feed(
        current_caller(app), giver=giver, recipient=recipient, value=value, limit=limit, cursor=cursor
    )
    return RecognitionPage(items=items, next_cursor=next_cursor)


@app.get("/v1/recognitions/<recognition_id>", summary="One kudos with its add-ons")
@tracer.capture_method
def get_recognition(recognition_id: RecognitionIdPath) -> RecognitionDetail:
    found, add_ons = recognition.get_recognition(current_caller(app), recognition_id)
    return RecognitionDetail(**found.model_dump(), add_ons=add_ons)


@app.get(
    "/v1/insights/leaderboard",
    summary="A leaderboard of public peer recognition (kudos, add-ons, reactions), with your own standing",
    description="Periods are read in the organisation's time zone (`time_zone` in the answer): ISO weeks "
    "run Monday to Sunday. Private kudos never count on a board. Ties share a rank (1, 2, 2, 4). People "
    "who left or opted out are not shown; their figures still count in the period's totals.",
    responses={404: reply("No such season (period=season:<id>): season_not_found")},
)
@tracer.capture_method
def get_leaderboard(
    metric: Annotated[Side, Query(description="received or given")] = Side.RECEIVED,
    by: Annotated[
        Literal["points", "kudos"], Query(description="Rank by points or by kudos count")
    ] = "points",
    period: Annotated[
        str,
        Query(
            pattern=BOARD_PERIOD,
            description="week, month, quarter, year, all, or a season: season:<id> (`GET /v1/seasons`)",
        ),
    ] = Span.MONTH.value,
    at: Annotated[
        str | None,
        Query(
            max_length=10,
            description="A past period instead of the current one: 2026-W47, 2026-11, 2026-Q3 or 2026",
        ),
    ] = None,
    department: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    value: Annotated[
        str | None, Query(min_length=1, max_length=32, description="A company value slug")
    ] = None,
    limit: Annotated[int | None, Query(ge=1, le=50, description="Rows (at most the top N set)")] = None,
) -> insights.Leaderboard:
    return insights.leaderboard(
        current_caller(app),
        metric=metric,
        by=by,
        period=period,
        at=at,
        department=department,
        value=value,
        limit=limit,
    )


@app.get("/v1/employees/<employee_id>/wallet", summary="Allowance left to give and points to spend")
@tracer.capture_method
def get_wallet(employee_id: EmployeeIdPath) -> wallets.WalletView:
    return wallets.wallet_view(current_caller(app), employee_id)


@app.get("/v1/employees/<employee_id>/ledger", summary="Ledger lines on a person's balances, newest first")
@tracer.capture_method
def get_ledger(employee_id: EmployeeIdPath, limit: Limit = 50, cursor: Cursor = None) -> LedgerPage:
    items, next_cursor = wallets.ledger_view(current_caller(app), employee_id, limit=limit, cursor=cursor)
    return LedgerPage(items=items, next_cursor=next_cursor)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict, context: object) -> dict:
    return app.resolve(event, context)
