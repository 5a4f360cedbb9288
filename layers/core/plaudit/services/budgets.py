"""Creating budgets, topping them up and withdrawing from them, and reading them with their ledger."""

from typing import Annotated, Any

from pydantic import ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator

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
from plaudit.domain.merge_patch import merge_patch
from plaudit.domain.model import Model
from plaudit.domain.problems import invalid, problems_from
from plaudit.services.replays import key_expired, replayed
from plaudit.services.retry import attempts
from plaudit.services.runtime import new_id, now, stored_now
from plaudit.services.trail import Act, actor_of, record
from plaudit.services.wallets import LedgerLine
from plaudit.store import snapshots
from plaudit.store.budgets import (
    SCOPE_FIELDS,
    balance_of,
    balance_write,
    budget_from,
    budget_ledger_page,
    budget_write,
    budgets_page,
    scope_write,
)
from plaudit.store.ledger import journal_label, transaction_writes
from plaudit.store.replays import first_response_write
from plaudit.store.transact import WriteRefused

MANAGERS = (Role.HR_ADMIN, Role.FINANCE)
EmployeeId = Annotated[str, StringConstraints(pattern=EMPLOYEE_ID)]


def distinct_holders(cls: type, value: list[str]) -> list[str]:
    if len(set(value)) != len(value):
        raise invalid("problem.holders_distinct")
    return value


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

    _distinct = field_validator("holders")(classmethod(distinct_holders))

    @model_validator(mode="after")
    def _scope(self) -> "CreateBudget":
        check_scope(self.kind, self.department, self.departments, self.manager_id)
        return self


class BudgetChanges(Model):
    """What a budget's PATCH may change, as it is after the patch (checked with create's rules; the scope
    against the budget's kind by Budget itself)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120)
    departments: list[Annotated[str, StringConstraints(min_length=1, max_length=120)]] = Field(max_length=50)
    manager_id: str | None = Field(default=None, pattern=EMPLOYEE_ID)
    holders: list[EmployeeId] = Field(max_length=50)

    _distinct = field_validator("holders")(classmethod(distinct_holders))


class MovePoints(Model):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    points: int = Field(strict=True, ge=1, le=100_000_000)
    note: str | None = Field(default=None, min_length=1, max_length=MAX_NOTE)


class BudgetView(Budget):
    balance: int


def _require_known(snap: snapshots.Snapshot, holders: list[str], manager_id: str | None) -> None:
    """The holders and the scope's manager are in the directory."""
    unknown = [eid for eid in holders if snap.employee(eid) is None]
    if unknown:
        raise RuleViolation("error.unknown_holder", code="unknown_holder", details={"holders": unknown})
    if manager_id and snap.employee(manager_id) is None:
        raise RuleViolation(
            "error.unknown_employee",
            code="unknown_manager",
            details={"manager_id": manager_id},
            employee_id=manager_id,
        )


def create_budget(caller: Caller, command: CreateBudget) -> BudgetView:
    manager = [command.manager_id] if command.manager_id else []
    snap = snapshots.load(employees=[caller.employee_id, *command.holders, *manager])
    require_role(snap.identify(caller), *MANAGERS)
    _require_known(snap, command.holders, command.manager_id)
    budget = Budget(**command.model_dump(), created_at=now())
    act = Act(actor_of(caller), "budget.create", f"budget:{budget.id}", after=budget.model_dump(mode="json"))
    try:
        record([budget_write(budget)], act)
    except WriteRefused as refused:
        if refused.refused("budget"):
            raise Conflict("error.budget_exists", code="budget_exists", budget_id=budget.id) from refused
        raise
    return BudgetView(**budget.model_dump(), balance=0)


def update_budget(caller: Caller, budget_id: str, patch: dict[str, Any]) -> BudgetView:
    """Change a budget's name, holders or scope with a JSON Merge Patch (`null` clears `manager_id`; an
    empty `departments` pays anyone): HR or finance. The result is validated whole against the budget's
    kind; awards already paid stay paid, the new scope applies to the next award. In the trail."""
    for _ in attempts():
        holders = [h for h in patch.get("holders") or [] if isinstance(h, str)]
        manager = [patch["manager_id"]] if isinstance(patch.get("manager_id"), str) else []
        snap = snapshots.load(employees=[caller.employee_id, *holders, *manager], budgets=[budget_id])
        require_role(snap.identify(caller), *MANAGERS)
        item = snap.budget_item(budget_id)
        before = budget_from(item)
        if item is None or before is None:
            raise NotFound("error.budget_not_found", code="budget_not_found")
        after = _patched(before, patch)
        _require_known(snap, [h for h in after.holders if h not in before.holders], after.manager_id)
        if after == before:
            return BudgetView(**before.model_dump(), balance=balance_of(item))
        changed = [name for name in SCOPE_FIELDS if getattr(after, name) != getattr(before, name)]
        act = Act(
            actor_of(caller),
            "budget.update",
            f"budget:{budget_id}",
            before=before.model_dump(mode="json", include=set(changed)),
            after=after.model_dump(mode="json", include=set(changed)),
        )
        try:
            record([scope_write(item, after)], act)
        except WriteRefused as refused:
            if refused.refused(f"budget:{budget_id}"):
                continue  # changed meanwhile (or deleted): read it again
            raise
        return BudgetView(**after.model_dump(), balance=balance_of(item))
    raise Conflict("error.concurrent_update", code="concurrent_update")


def _patched(budget: Budget, patch: dict[str, Any]) -> Budget:
    """The budget with the patch applied; 422 naming each problem (a field that may not change is an
    unknown field)."""
    current = budget.model_dump(mode="json", exclude_none=True)
    editable = {name: value for name, value in current.items() if name in SCOPE_FIELDS}
    document = merge_patch(editable, patch)
    try:
        BudgetChanges.model_validate(document)
        patched = Budget.model_validate(current | {name: document.get(name) for name in SCOPE_FIELDS})
    except ValidationError as error:
        problems = problems_from(error.errors())
        raise RuleViolation("error.invalid_budget", code="invalid_request", problems=problems) from None
    return patched


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
    made = {"budget_id": budget_id, "txn_id": txn_id}
    carried_out = False  # the movement under this key is on the ledger (its journal's put was refused)
    for _ in attempts():
        snap = snapshots.load(
            employees=[caller.employee_id],
            budgets=[budget_id],
            first_responses=[txn_id] if idempotency_key else [],
            settings=bool(idempotency_key),
        )
        require_role(snap.identify(caller), *MANAGERS)
        keep_days = snap.settings().retention.idempotency_days
        first = snap.first_response_item(txn_id)
        replay = replayed(first, request_hash, Movement, at=now(), keep_days=keep_days, made=made)
        if replay is not None:
            return replay, False
        if carried_out:
            raise key_expired(keep_days, made)
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
            writes.append(first_response_write(txn_id, request_hash, movement, at=at, keep_days=keep_days))
        act = Act(
            actor_of(caller),
            "budget.top_up" if kind == TxnKind.BUDGET_TOP_UP else "budget.withdraw",
            f"budget:{budget_id}",
            after={"points": command.points, "note": command.note, "txn_id": txn_id},
        )
        try:
            record(writes, act)
        except WriteRefused as refused:
            carried_out = refused.refused(journal_label(txn_id))
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
