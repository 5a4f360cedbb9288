"""Budgets: pots of points (company, department or program) that fund awards, topped up and
withdrawn by finance through the ledger (`org:funding` <-> `budget:<id>`). A budget pays only the people
in its scope: a department budget its department; another budget, when scoped, the departments it names
or a manager's organisation (everyone reporting to them, directly or through others)."""

from collections.abc import Callable, Sequence
from datetime import datetime
from enum import StrEnum

from pydantic import Field, model_validator

from plaudit.domain.employees import EMPLOYEE_ID, Employee
from plaudit.domain.errors import Points, RuleViolation
from plaudit.domain.ledger import ORG_FUNDING, Posting, Transaction, TxnKind, budget_account
from plaudit.domain.model import Model
from plaudit.domain.problems import invalid

BUDGET_ID = r"^[a-z0-9][a-z0-9-]{0,47}$"
MAX_NOTE = 500
MAX_CHAIN = 20  # levels of management walked up to find a budget's manager above a person
OUTSIDE_SCOPE = "outside_budget_scope"


class BudgetKind(StrEnum):
    COMPANY = "company"
    DEPARTMENT = "department"
    PROGRAM = "program"


def check_scope(
    kind: BudgetKind, department: str | None, departments: Sequence[str], manager_id: str | None
) -> None:
    """A department budget names its department and nothing else; another budget no department, and at
    most one of a list of departments or a manager."""
    if (kind == BudgetKind.DEPARTMENT) != (department is not None):
        raise invalid("problem.budget_department")
    if manager_id is not None and (kind == BudgetKind.DEPARTMENT or departments):
        raise invalid("problem.budget_scope")
    if kind == BudgetKind.DEPARTMENT and departments:
        raise invalid("problem.budget_scope")


class Budget(Model):
    id: str = Field(pattern=BUDGET_ID)
    name: str = Field(min_length=1, max_length=120)
    kind: BudgetKind
    department: str | None = Field(
        default=None,
        min_length=1,
        max_length=120,
        description="A department budget's department: it pays no one else",
    )
    departments: list[str] = Field(
        default_factory=list,
        max_length=50,
        description="A company or program budget that pays only people in these departments (empty: anyone)",
    )
    manager_id: str | None = Field(
        default=None,
        pattern=EMPLOYEE_ID,
        description="A company or program budget that pays only this manager's organisation: everyone "
        "reporting to them, directly or through others",
    )
    holders: list[str] = Field(default_factory=list, description="Employees who may spend it")
    created_at: datetime

    @model_validator(mode="after")
    def _scope(self) -> "Budget":
        check_scope(self.kind, self.department, self.departments, self.manager_id)
        return self

    def pays(self, person: Employee, managers_above: Sequence[str] = ()) -> bool:
        """Whether the budget may pay `person`; `managers_above` (their manager, theirs, ...) matters only
        when the budget is a manager's organisation's (`by_organisation`)."""
        if self.department is not None:
            return person.department == self.department
        if self.departments:
            return person.department in self.departments
        if self.manager_id is not None:
            return self.manager_id in managers_above
        return True

    @property
    def by_organisation(self) -> bool:
        return self.manager_id is not None

    def refuse_outside(self, person: Employee, managers_above: Sequence[str] = ()) -> None:
        if not self.pays(person, managers_above):
            raise RuleViolation(
                "error.outside_budget_scope",
                code=OUTSIDE_SCOPE,
                details={"budget_id": self.id, "employee_id": person.id},
                budget=self.name,
            )


class Movement(Model):
    """A top-up or withdrawal, as answered to the caller (and replayed, byte for byte)."""

    txn_id: str
    budget_id: str
    kind: TxnKind
    points: int
    note: str | None
    at: datetime


def plan_movement(
    budget_id: str, balance: int, kind: TxnKind, points: int, note: str | None, *, txn_id: str, at: datetime
) -> Transaction:
    """A top-up moves points from `org:funding` into the budget; a withdrawal moves them back,
    never more than the budget holds."""
    if kind not in (TxnKind.BUDGET_TOP_UP, TxnKind.BUDGET_WITHDRAWAL):
        raise ValueError(f"{kind} is not a budget movement")
    if points < 1:
        raise RuleViolation("error.invalid_points", code="invalid_points")
    if kind == TxnKind.BUDGET_WITHDRAWAL and points > balance:
        raise RuleViolation(
            "error.withdrawal_exceeds_budget",
            code="insufficient_budget",
            balance=Points(balance),
            points=Points(points),
            details={"balance": balance, "requested": points},
        )
    delta = points if kind == TxnKind.BUDGET_TOP_UP else -points
    memo = note or ""
    postings = (Posting(ORG_FUNDING, -delta, memo), Posting(budget_account(budget_id), delta, memo))
    return Transaction(txn_id, kind, at, postings, ref={"budget_id": budget_id})


def movement_of(txn: Transaction, budget_id: str) -> Movement:
    amount = txn.deltas()[budget_account(budget_id)]
    memo = txn.postings[-1].memo
    return Movement(
        txn_id=txn.id, budget_id=budget_id, kind=txn.kind, points=abs(amount), note=memo or None, at=txn.at
    )


def managers_above(person: Employee, load: Callable[[list[str]], dict[str, Employee]]) -> list[str]:
    """The person's manager, their manager, and so on up (at most MAX_CHAIN levels, never round a loop):
    what a budget scoped to a manager's organisation checks. `load` reads people by id (the callers' one
    round trip per level)."""
    chain: list[str] = []
    manager_id = person.manager_id
    while manager_id and manager_id != person.id and manager_id not in chain and len(chain) < MAX_CHAIN:
        chain.append(manager_id)
        manager = load([manager_id]).get(manager_id)
        manager_id = manager.manager_id if manager else None
    return chain
