"""Budget rules: what a budget names, and how top-ups and withdrawals move points."""

from datetime import UTC, datetime

import pytest

from plaudit.domain.budgets import Budget, BudgetKind, movement_of, plan_movement
from plaudit.domain.errors import RuleViolation
from plaudit.domain.ledger import ORG_FUNDING, TxnKind, budget_account, parse_budget_account

AT = datetime(2026, 11, 16, 9, 30, tzinfo=UTC)


def test_budget_account_round_trips():
    assert budget_account("spot") == "budget:spot"
    assert parse_budget_account("budget:spot") == "spot"
    assert parse_budget_account("emp:E1:points") is None
    assert parse_budget_account(ORG_FUNDING) is None


def test_top_up_moves_points_from_funding_into_the_budget():
    txn = plan_movement("spot", 0, TxnKind.BUDGET_TOP_UP, 40, "Q4", txn_id="txn_1", at=AT)
    assert txn.deltas() == {ORG_FUNDING: -40, "budget:spot": 40}
    assert txn.ref == {"budget_id": "spot"}
    movement = movement_of(txn, "spot")
    assert (movement.kind, movement.points, movement.note) == (TxnKind.BUDGET_TOP_UP, 40, "Q4")


def test_withdrawal_moves_points_back_up_to_the_balance():
    txn = plan_movement("spot", 40, TxnKind.BUDGET_WITHDRAWAL, 40, None, txn_id="txn_2", at=AT)
    assert txn.deltas() == {ORG_FUNDING: 40, "budget:spot": -40}
    assert movement_of(txn, "spot").note is None
    with pytest.raises(RuleViolation) as refused:
        plan_movement("spot", 40, TxnKind.BUDGET_WITHDRAWAL, 41, None, txn_id="txn_3", at=AT)
    assert refused.value.code == "insufficient_budget"
    assert refused.value.details == {"balance": 40, "requested": 41}


def test_points_must_be_positive():
    with pytest.raises(RuleViolation):
        plan_movement("spot", 0, TxnKind.BUDGET_TOP_UP, 0, None, txn_id="txn_4", at=AT)


@pytest.mark.parametrize(
    ("kind", "department", "ok"),
    [
        (BudgetKind.DEPARTMENT, "Engineering", True),
        (BudgetKind.DEPARTMENT, None, False),
        (BudgetKind.COMPANY, None, True),
        (BudgetKind.PROGRAM, "Engineering", False),
    ],
)
def test_only_department_budgets_name_a_department(kind, department, ok):
    make = lambda: Budget(id="b-1", name="B", kind=kind, department=department, created_at=AT)  # noqa: E731
    if ok:
        assert make().department == department
    else:
        with pytest.raises(ValueError, match="department"):
            make()


def test_budget_ids_are_slugs():
    with pytest.raises(ValueError, match="pattern"):
        Budget(id="Spot Awards", name="B", kind=BudgetKind.COMPANY, created_at=AT)
