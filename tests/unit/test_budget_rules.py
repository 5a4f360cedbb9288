"""Budget rules: what a budget names, and how top-ups and withdrawals move points."""

from datetime import UTC, datetime

import pytest

from plaudit.domain.budgets import Budget, BudgetKind, managers_above, movement_of, plan_movement
from plaudit.domain.errors import RuleViolation
from plaudit.domain.ledger import ORG_FUNDING, TxnKind, budget_account, parse_budget_account

from .factories import person

AT = datetime(2026, 11, 16, 9, 30, tzinfo=UTC)


def budget(**scope) -> Budget:
    return Budget(id="b", name="B", created_at=AT, **({"kind": BudgetKind.COMPANY} | scope))


def test_a_budget_pays_only_its_scope():
    engineer, seller = person("E1", department="Engineering"), person("E2", department="Sales")
    assert budget().pays(engineer)
    assert budget().pays(seller)
    department = budget(kind=BudgetKind.DEPARTMENT, department="Engineering")
    assert department.pays(engineer)
    assert not department.pays(seller)
    named = budget(kind=BudgetKind.PROGRAM, departments=["Sales", "Support"])
    assert named.pays(seller)
    assert not named.pays(engineer)
    organisation = budget(manager_id="M1")
    assert organisation.by_organisation
    assert not department.by_organisation
    assert organisation.pays(engineer, ["M2", "M1"])
    assert not organisation.pays(engineer, ["M2"])
    with pytest.raises(RuleViolation) as refused:
        department.refuse_outside(seller)
    assert (refused.value.code, refused.value.details) == (
        "outside_budget_scope",
        {"budget_id": "b", "employee_id": "E2"},
    )


@pytest.mark.parametrize(
    "scope",
    [
        {"departments": ["Sales"], "manager_id": "M1"},
        {"kind": BudgetKind.DEPARTMENT, "department": "Sales", "departments": ["Sales"]},
        {"kind": BudgetKind.DEPARTMENT, "department": "Sales", "manager_id": "M1"},
        {"kind": BudgetKind.DEPARTMENT},
        {"department": "Sales"},
    ],
)
def test_a_budget_names_one_scope(scope):
    with pytest.raises(ValueError, match=r"department budget"):
        budget(**scope)


def test_managers_above_walks_up_and_stops_at_the_top_at_a_loop_and_at_the_depth():
    people = {
        "M1": person("M1", manager_id="M0"),
        "M0": person("M0"),
        "L1": person("L1", manager_id="L2"),
        "L2": person("L2", manager_id="L1"),
    }
    reads: list[list[str]] = []

    def load(ids: list[str]) -> dict:
        reads.append(ids)
        return {i: people[i] for i in ids if i in people}

    assert managers_above(person("E1", manager_id="M1"), load) == ["M1", "M0"]
    assert len(reads) == 2  # one read per level
    assert managers_above(person("E2", manager_id="L1"), load) == ["L1", "L2"]  # L2 -> L1 again: stop
    assert managers_above(person("E3"), load) == []
    assert managers_above(person("E4", manager_id="E4"), load) == []
    deep = {f"D{n}": person(f"D{n}", manager_id=f"D{n + 1}") for n in range(40)}
    assert len(managers_above(person("E5", manager_id="D0"), lambda ids: {i: deep[i] for i in ids})) == 20


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
