"""Budgets: pots of points (company, department or program) that fund awards, topped up and
withdrawn by finance through the ledger (`org:funding` <-> `budget:<id>`)."""

from datetime import datetime
from enum import StrEnum

from pydantic import Field, model_validator

from plaudit.domain.errors import Points, RuleViolation
from plaudit.domain.ledger import ORG_FUNDING, Posting, Transaction, TxnKind, budget_account
from plaudit.domain.model import Model
from plaudit.domain.problems import invalid

BUDGET_ID = r"^[a-z0-9][a-z0-9-]{0,47}$"
MAX_NOTE = 500


class BudgetKind(StrEnum):
    COMPANY = "company"
    DEPARTMENT = "department"
    PROGRAM = "program"


class Budget(Model):
    id: str = Field(pattern=BUDGET_ID)
    name: str = Field(min_length=1, max_length=120)
    kind: BudgetKind
    department: str | None = Field(default=None, min_length=1, max_length=120)
    holders: list[str] = Field(default_factory=list, description="Employees who may spend it")
    created_at: datetime

    @model_validator(mode="after")
    def _department_only_for_department_budgets(self) -> "Budget":
        if (self.kind == BudgetKind.DEPARTMENT) != (self.department is not None):
            raise invalid("problem.budget_department")
        return self


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
