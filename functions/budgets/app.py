"""REST v1: budgets, their top-ups, withdrawals and ledger."""

import gc

gc.disable()  # cold start: imports only create long-lived objects; collecting now is wasted time

from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from aws_lambda_powertools.logging import correlation_paths

from plaudit.api.http import (
    MERGE_PATCH,
    IdempotencyKey,
    check_idempotency_key,
    create_app,
    created_response,
    current_caller,
)
from plaudit.api.pages import BudgetPage, Cursor, LedgerPage, Limit
from plaudit.domain.budgets import BUDGET_ID, Movement
from plaudit.domain.ledger import TxnKind
from plaudit.services import budgets
from plaudit.services.metrics import count

logger = Logger()
tracer = Tracer()
metrics = Metrics()
app = create_app("budgets")
gc.freeze()  # keep them out of every later collection
gc.enable()

BudgetIdPath = Annotated[str, Path(pattern=BUDGET_ID)]


@app.post(
    "/v1/budgets", summary="Create a budget (HR or finance)", status_code=201, response_description="Created"
)
@tracer.capture_method
def create_budget(body: budgets.CreateBudget) -> Response[budgets.BudgetView]:
    return created_response(budgets.create_budget(current_caller(app), body))


@app.get("/v1/budgets", summary="Budgets: all for HR and finance, the ones they hold for holders")
@tracer.capture_method
def list_budgets(limit: Limit = 50, cursor: Cursor = None) -> BudgetPage:
    items, next_cursor = budgets.list_budgets(current_caller(app), limit=limit, cursor=cursor)
    return BudgetPage(items=items, next_cursor=next_cursor)


@app.get("/v1/budgets/<budget_id>", summary="A budget and its balance")
@tracer.capture_method
def get_budget(budget_id: BudgetIdPath) -> budgets.BudgetView:
    return budgets.get_budget(current_caller(app), budget_id)


BudgetPatch = Annotated[
    dict[str, Any],
    Body(
        media_type=MERGE_PATCH,
        description=(
            "A JSON Merge Patch (RFC 7396) of the budget's `name`, `holders` and scope (`departments`, "
            "`manager_id`; null clears the manager, an empty list of departments pays anyone), sent as "
            "application/merge-patch+json or application/json. Other fields cannot change"
        ),
    ),
]


@app.patch(
    "/v1/budgets/<budget_id>",
    summary="Change a budget's name, holders or scope (HR or finance): applies to the next award",
)
@tracer.capture_method
def patch_budget(budget_id: BudgetIdPath, body: BudgetPatch) -> budgets.BudgetView:
    return budgets.update_budget(current_caller(app), budget_id, body)


@app.post(
    "/v1/budgets/<budget_id>/top-ups",
    summary="Fund a budget from the organisation",
    status_code=201,
    response_description="Created",
)
@tracer.capture_method
def top_up(
    budget_id: BudgetIdPath, body: budgets.MovePoints, idempotency_key: IdempotencyKey = None
) -> Response[Movement]:
    return _move(budget_id, TxnKind.BUDGET_TOP_UP, body, idempotency_key)


@app.post(
    "/v1/budgets/<budget_id>/withdrawals",
    summary="Take unspent points back from a budget",
    status_code=201,
    response_description="Created",
)
@tracer.capture_method
def withdraw(
    budget_id: BudgetIdPath, body: budgets.MovePoints, idempotency_key: IdempotencyKey = None
) -> Response[Movement]:
    return _move(budget_id, TxnKind.BUDGET_WITHDRAWAL, body, idempotency_key)


@app.get("/v1/budgets/<budget_id>/ledger", summary="Ledger lines on a budget, newest first")
@tracer.capture_method
def get_ledger(budget_id: BudgetIdPath, limit: Limit = 50, cursor: Cursor = None) -> LedgerPage:
    items, next_cursor = budgets.budget_ledger(current_caller(app), budget_id, limit=limit, cursor=cursor)
    return LedgerPage(items=items, next_cursor=next_cursor)


def _move(budget_id: str, kind: TxnKind, body: budgets.MovePoints, key: str | None) -> Response:
    movement, created = budgets.move_points(
        current_caller(app), budget_id, kind, body, idempotency_key=check_idempotency_key(key)
    )
    if created:
        count("BudgetMovements")
    return created_response(movement, created)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict, context: object) -> dict:
    return app.resolve(event, context)
