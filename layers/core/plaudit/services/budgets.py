"""Creating budgets, topping them up and withdrawing from them, and reading them with their ledger."""

from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints, field_validator, model_validator

from plaudit.domain.access import Caller, require_role
from plaudit.domain.budgets import (
    BUDGET_ID,
    MAX_NOTE,
    Budget,
    BudgetKind,
    Movement,
    check_scope,
    movement_of,
    plan_movement,
)
from plaudit.domain.employees import EMPLOYEE_ID, Role
from plaudit.domain.errors import Conflict, Forbidden, NotFound, RuleViolation
from plaudit.domain.ids import derived_id, fingerprint
from plaudit.domain.ledger import TxnKind, budget_account
from plaudit.domain.model import Model
from plaudit.domain.problems import invalid
from plaudit.services.replays import replayed
from plaudit.services.retry import attempts
from plaudit.services.runtime import new_id, now, stored_now
from plaudit.services.trail import Act, actor_of, record
from plaudit.services.wallets import LedgerLine
from plaudit.store import snapshots
from plaudit.store.budgets import (
    balance_of,
    balance_write,
    budget_from,
    budget_ledger_page,
    budget_write,
    budgets_page,
)
from plaudit.store.ledger import transaction_writes
from plaudit.store.replays import first_response_write
from plaudit.store.transact import WriteRefused

MANAGERS = (Role.HR_ADMIN, Role.FINANCE)
EmployeeId = Annotated[str, StringConstraints(pattern=EMPLOYEE_ID)]


class CreateBudget(Model):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(pattern=BUDGET_ID)
    name: str = Field(min_length=1, max_length=120)
    kind: BudgetKind
    department: str | None = Field(default=None, min_length=1, max_length=120)
    departments: list[Annotated[str, StringConstraints(min_length=1, max_length=120)]] = Field(
        default_factory=list, max_length=50
    )
    manager_id: str | None = Field(default=None, pattern=EMPLOYEE_ID)
    holders: list[EmployeeId] = Field(default_factory=list, max_length=50)

    @field_validator("holders")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise invalid("problem.holders_distinct")
        return value

    @model_validator(mode="after")
    def _scope(self) -> "CreateBudget":
        check_scope(self.kind, self.department, self.departments, self.manager_id)
        return self


class MovePoints(Model):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    points: int = Field(strict=True, ge=1, le=100_000_000)
    note: str | None = Field(default=None, min_length=1, max_length=MAX_NOTE)


class BudgetView(Budget):
    balance: int


def create_budget(caller: Caller, command: CreateBudget) -> BudgetView:
    manager = [command.manager_id] if command.manager_id else []
    snap = snapshots.load(employees=[caller.employee_id, *command.holders, *manager])
    require_role(snap.identify(caller), *MANAGERS)
    unknown = [eid for eid in command.holders if snap.employee(eid) is None]
    if unknown:
        raise RuleViolation("error.unknown_holder", code="unknown_holder", details={"holders": unknown})
    if command.manager_id and snap.employee(command.manager_id) is None:
        raise RuleViolation(
            "error.unknown_employee",
            code="unknown_manager",
            details={"manager_id": command.manager_id},
            employee_id=command.manager_id,
        )
    budget = Budget(**command.model_dump(), created_at=now())
    act = Act(actor_of(caller), "budget.create", f"budget:{budget.id}", after=budget.model_dump(mode="json"))
    try:
        record([budget_write(budget)], act)
    except WriteRefused as refused:
        if refused.refused("budget"):
            raise Conflict("error.budget_exists", code="budget_exists", budget_id=budget.id) from refused
        raise
    return BudgetView(**budget.model_dump(), balance=0)


def get_budget(caller: Caller, budget_id: str) -> BudgetView:
    snap = snapshots.load(employees=[caller.employee_id], budgets=[budget_id])
    item = snap.budget_item(budget_id)
    budget = budget_from(item)
    if budget is None:
        raise NotFound("error.budget_not_found", code="budget_not_found")
    _require_reader(snap.identify(caller), budget)
    return BudgetView(**budget.model_dump(), balance=balance_of(item))


def list_budgets(caller: Caller, *, limit: int, cursor: str | None) -> tuple[list[BudgetView], str | None]:
    """HR and finance see every budget, holders the ones they hold (a page may hold fewer than `limit`)."""
    caller = snapshots.load(employees=[caller.employee_id]).identify(caller)
    if not caller.is_person and not caller.has_role(*MANAGERS):
        raise Forbidden("error.not_in_directory", code="not_in_directory")
    page = budgets_page(limit=limit, cursor=cursor)
    views = [BudgetView(**budget_from(item).model_dump(), balance=balance_of(item)) for item in page.items]
    if not caller.has_role(*MANAGERS):
        views = [view for view in views if caller.employee_id in view.holders]
    return views, page.cursor


def budget_ledger(
    caller: Caller, budget_id: str, *, limit: int, cursor: str | None
) -> tuple[list[LedgerLine], str | None]:
    get_budget(caller, budget_id)
    page = budget_ledger_page(budget_id, limit=limit, cursor=cursor)
    return [LedgerLine.model_validate(item) for item in page.items], page.cursor


def move_points(
    caller: Caller, budget_id: str, kind: TxnKind, command: MovePoints, *, idempotency_key: str | None = None
) -> tuple[Movement, bool]:
    """Top up (kind budget_top_up) or withdraw (budget_withdrawal). Returns the movement and whether it
    happened now (False: a replay of the same key)."""
    request_hash = fingerprint(command.model_dump_json().encode())
    who = caller.employee_id or caller.subject
    txn_id = (
        derived_id("txn", kind.value, budget_id, who, idempotency_key) if idempotency_key else new_id("txn")
    )
    for _ in attempts():
        snap = snapshots.load(
            employees=[caller.employee_id],
            budgets=[budget_id],
            first_responses=[txn_id] if idempotency_key else [],
        )
        require_role(snap.identify(caller), *MANAGERS)
        replay = replayed(snap.first_response_item(txn_id), request_hash, Movement)
        if replay is not None:
            return replay, False
        item = snap.budget_item(budget_id)
        if item is None:
            raise NotFound("error.budget_not_found", code="budget_not_found")
        at = stored_now()
        txn = plan_movement(
            budget_id, balance_of(item), kind, command.points, command.note, txn_id=txn_id, at=at
        )
        writes = [balance_write(budget_id, txn.deltas()[budget_account(budget_id)], at)]
        writes += transaction_writes(txn)
        movement = movement_of(txn, budget_id)
        if idempotency_key:
            writes.append(first_response_write(txn_id, request_hash, movement))
        act = Act(
            actor_of(caller),
            "budget.top_up" if kind == TxnKind.BUDGET_TOP_UP else "budget.withdraw",
            f"budget:{budget_id}",
            after={"points": command.points, "note": command.note, "txn_id": txn_id},
        )
        try:
            record(writes, act)
        except WriteRefused:
            continue
        if kind == TxnKind.BUDGET_TOP_UP:
            from plaudit.services import milestones  # only top-ups pay for the milestone modules

            milestones.pay_pending(budget_id)  # awards waiting for this budget, oldest first
        return movement, True
    raise Conflict("error.concurrent_update", code="concurrent_update")


def _require_reader(caller: Caller, budget: Budget) -> None:
    if caller.has_role(*MANAGERS) or (caller.is_person and caller.employee_id in budget.holders):
        return
    raise Forbidden("error.budget_hidden", code="forbidden")
