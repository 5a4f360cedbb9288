"""The redemption state machine, the approval policy and who may act on a redemption."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from plaudit.domain.access import SYSTEM, Caller
from plaudit.domain.employees import Employee, EmployeeStatus, Role
from plaudit.domain.errors import Conflict, Forbidden
from plaudit.domain.redemptions import (
    FINANCE_APPROVER,
    HOLDING,
    HR_APPROVER,
    REFUNDED,
    SETTLED,
    TRANSITIONS,
    Action,
    HistoryEntry,
    Redemption,
    Status,
    approver_for,
    can_see,
    escalation_due,
    hands_on,
    needs_approval,
    next_status,
    require_decider,
    require_owner,
    second_approver_for,
)
from plaudit.domain.settings import ApprovalPolicy, OrgSettings

AT = datetime(2026, 11, 16, 9, 30, tzinfo=UTC)
POLICY = ApprovalPolicy()


def person(emp_id: str, *, manager: str | None = None, roles=(), active: bool = True) -> Employee:
    return Employee(
        id=emp_id,
        email=f"{emp_id.lower()}@example.com",
        name=emp_id,
        manager_id=manager,
        roles=list(roles),
        status=EmployeeStatus.ACTIVE if active else EmployeeStatus.DEACTIVATED,
    )


def caller(employee: Employee) -> Caller:
    return Caller(employee_id=employee.id).with_profile(employee)


def redemption(
    status: Status = Status.PENDING_APPROVAL, approver: str | None = "M1", **changes
) -> Redemption:
    values = dict(
        id="red_X",
        employee_id="E1",
        item_id="item_1",
        item_name="Coffee",
        item_type="gift_card",
        category="food",
        denomination=Decimal("25"),
        currency="USD",
        points=2500,
        status=status,
        approver_id=approver,
        fulfilment="provider",
        created_at=AT,
        updated_at=AT,
    )
    return Redemption(**(values | changes))


def test_every_status_is_reachable_and_ends_are_final():
    reached = {Status.PENDING_APPROVAL, Status.APPROVED} | set(TRANSITIONS.values())
    assert reached == set(Status)
    for status in REFUNDED | {Status.REDEEMED, Status.EXPIRED}:
        assert not [action for (source, action) in TRANSITIONS if source is status]
    assert set(Status) == HOLDING | REFUNDED | SETTLED
    assert len(HOLDING) + len(REFUNDED) + len(SETTLED) == len(Status)


@pytest.mark.parametrize(
    ("status", "action", "target"),
    [
        (Status.PENDING_APPROVAL, Action.APPROVE, Status.APPROVED),
        (Status.PENDING_APPROVAL, Action.REJECT, Status.REJECTED),
        (Status.PENDING_APPROVAL, Action.CANCEL, Status.CANCELLED),
        (Status.APPROVED, Action.CANCEL, Status.CANCELLED),
        (Status.APPROVED, Action.BEGIN_FULFILMENT, Status.FULFILLING),
        (Status.FULFILLING, Action.COMPLETE_FULFILMENT, Status.FULFILLED),
        (Status.FULFILLING, Action.FAIL_FULFILMENT, Status.FAILED),
        (Status.FULFILLED, Action.REDEEM, Status.REDEEMED),
        (Status.FULFILLED, Action.EXPIRE, Status.EXPIRED),
    ],
)
def test_allowed_transitions(status, action, target):
    assert next_status(status, action) is target


@pytest.mark.parametrize("status", [s for s in Status if s is not Status.PENDING_APPROVAL])
@pytest.mark.parametrize("action", [Action.APPROVE, Action.REJECT])
def test_a_second_decision_is_already_decided(status, action):
    with pytest.raises(Conflict) as refused:
        next_status(status, action)
    assert refused.value.code == "already_decided"


@pytest.mark.parametrize("status", [Status.FULFILLING, Status.FULFILLED, Status.CANCELLED, Status.FAILED])
def test_cancel_only_before_fulfilment(status):
    with pytest.raises(Conflict) as refused:
        next_status(status, Action.CANCEL)
    assert refused.value.code == "not_cancellable"


def test_other_moves_out_of_order_are_invalid():
    with pytest.raises(Conflict) as refused:
        next_status(Status.PENDING_APPROVAL, Action.BEGIN_FULFILMENT)
    assert refused.value.code == "invalid_transition"


def test_approval_needed_at_the_threshold_or_for_flagged_items():
    assert not needs_approval(4999, False, POLICY)
    assert needs_approval(5000, False, POLICY)
    assert needs_approval(1, True, POLICY)
    assert needs_approval(0, False, ApprovalPolicy(threshold_points=0))


def test_settings_carry_the_policy_with_defaults():
    policy = OrgSettings().approvals
    assert (policy.threshold_points, policy.fallback_approver_id, policy.escalate_after_days) == (
        5000,
        None,
        3,
    )
    with pytest.raises(ValueError, match="escalate_after_days"):
        OrgSettings.model_validate({"approvals": {"escalate_after_days": 0}})


def test_approver_is_the_active_manager_then_the_fallback_then_hr():
    employee = person("E1", manager="M1")
    assert approver_for(employee, person("M1"), POLICY) == "M1"
    fallback = ApprovalPolicy(fallback_approver_id="F1")
    assert approver_for(employee, person("M1", active=False), fallback) == "F1"
    assert approver_for(person("E1"), None, fallback) == "F1"
    assert approver_for(person("E1"), None, POLICY) == HR_APPROVER
    assert approver_for(person("F1"), None, fallback) == HR_APPROVER  # never oneself
    assert approver_for(employee, person("M2"), POLICY) == HR_APPROVER  # not their manager


def test_the_finance_role_as_fallback_and_nobody_their_own_only_approver():
    finance = ApprovalPolicy(fallback_approver_id="role:finance")
    assert approver_for(person("E1"), None, finance) == FINANCE_APPROVER
    # a sole HR admin's own redemption: finance decides, whatever the fallback; a finance member's: HR
    assert approver_for(person("H1", roles=[Role.HR_ADMIN]), None, POLICY) == FINANCE_APPROVER
    assert approver_for(person("G1", roles=[Role.FINANCE]), None, finance) == HR_APPROVER
    assert approver_for(person("G1", roles=[Role.FINANCE]), None, POLICY) == HR_APPROVER
    # a named fallback or a manager still comes first
    assert approver_for(person("H1", roles=[Role.HR_ADMIN], manager="M1"), person("M1"), finance) == "M1"
    named = ApprovalPolicy(fallback_approver_id="F1")
    assert approver_for(person("H1", roles=[Role.HR_ADMIN]), None, named) == "F1"


def test_a_second_level_above_its_points_goes_to_finance_or_for_finance_to_hr():
    two = ApprovalPolicy(threshold_points=1000, second_level_points=10_000)
    assert second_approver_for(person("E1"), 9_999, two) is None
    assert second_approver_for(person("E1"), 10_000, two) == FINANCE_APPROVER
    assert second_approver_for(person("G1", roles=[Role.FINANCE]), 10_000, two) == HR_APPROVER
    assert second_approver_for(person("E1"), 10**9, POLICY) is None  # off by default
    with pytest.raises(ValueError, match="second_level_points"):
        ApprovalPolicy(threshold_points=1000, second_level_points=999)


def test_a_first_approval_with_a_second_level_left_hands_on():
    waiting = redemption(second_approver_id=FINANCE_APPROVER)
    assert hands_on(waiting, Action.APPROVE)
    assert not hands_on(waiting, Action.REJECT)
    assert not hands_on(redemption(), Action.APPROVE)


def test_the_first_approver_is_never_the_second():
    handed = redemption(
        approver=FINANCE_APPROVER,
        history=[HistoryEntry(status=Status.PENDING_APPROVAL, at=AT, by="G1", handed_to=FINANCE_APPROVER)],
    )
    with pytest.raises(Forbidden) as refused:
        require_decider(caller(person("G1", roles=[Role.FINANCE])), handed, AT, POLICY)
    assert refused.value.code == "second_approver_needed"
    require_decider(caller(person("G2", roles=[Role.FINANCE])), handed, AT, POLICY)


@pytest.mark.parametrize("value", ["role:hr", "role:", "finance:role", "role:finance ", "a b"])
def test_a_fallback_is_a_person_or_the_finance_role(value):
    with pytest.raises(ValueError, match="fallback_approver_id"):
        OrgSettings.model_validate({"approvals": {"fallback_approver_id": value}})


MANAGER = person("M1", roles=[Role.MANAGER])
OTHER_MANAGER = person("M2", roles=[Role.MANAGER])
HR = person("H1", roles=[Role.HR_ADMIN])
OWNER_IN_HR = person("E1", roles=[Role.HR_ADMIN])
COLLEAGUE = person("E9")
OVERDUE = AT + timedelta(days=3)  # ApprovalPolicy().escalate_after_days after the request
NEARLY_OVERDUE = AT + timedelta(days=2, hours=23)
DECIDED = [s for s in Status if s is not Status.PENDING_APPROVAL]


@pytest.mark.parametrize(
    ("who", "approver", "at"),
    [
        pytest.param(MANAGER, "M1", AT, id="the designated approver"),
        pytest.param(MANAGER, "M1", OVERDUE, id="the designated approver, overdue"),
        pytest.param(HR, "M1", OVERDUE, id="hr once overdue"),
        pytest.param(HR, HR_APPROVER, AT, id="hr once escalated or no one else's"),
        pytest.param(person("H2", roles=[Role.HR_ADMIN]), HR_APPROVER, AT, id="any hr admin on hr's turn"),
        pytest.param(
            person("G1", roles=[Role.FINANCE]), FINANCE_APPROVER, AT, id="finance on finance's turn"
        ),
        pytest.param(HR, FINANCE_APPROVER, OVERDUE, id="hr once finance's turn is overdue"),
    ],
)
def test_who_decides_a_pending_redemption(who, approver, at):
    require_decider(caller(who), redemption(approver=approver), at, POLICY)


def test_the_system_decides_on_hrs_turn():
    require_decider(SYSTEM, redemption(approver=HR_APPROVER), AT, POLICY)


@pytest.mark.parametrize(
    ("who", "approver", "at"),
    [
        pytest.param(OTHER_MANAGER, "M1", AT, id="another manager"),
        pytest.param(HR, "M1", AT, id="hr before it is overdue"),
        pytest.param(HR, "M1", NEARLY_OVERDUE, id="hr an hour before it is overdue"),
        pytest.param(COLLEAGUE, HR_APPROVER, AT, id="a colleague on hr's turn"),
        pytest.param(COLLEAGUE, "M1", OVERDUE, id="a colleague, overdue"),
        pytest.param(person("F1"), "M1", AT, id="the fallback approver when the manager is designated"),
        pytest.param(HR, FINANCE_APPROVER, AT, id="hr on finance's turn before it is overdue"),
        pytest.param(person("G1", roles=[Role.FINANCE]), HR_APPROVER, AT, id="finance on hr's turn"),
        pytest.param(person("G1", roles=[Role.FINANCE]), "M1", AT, id="finance on a manager's turn"),
    ],
)
def test_who_may_not_decide_a_pending_redemption(who, approver, at):
    with pytest.raises(Forbidden) as refused:
        require_decider(caller(who), redemption(approver=approver), at, POLICY)
    assert refused.value.code == "not_approver"


def test_an_integration_without_a_person_is_never_the_designated_approver():
    integration = Caller(employee_id=None, subject="hris-client")
    with pytest.raises(Forbidden) as refused:
        require_decider(integration, redemption(approver=None), AT, POLICY)
    assert refused.value.code == "not_approver"


@pytest.mark.parametrize("status", [Status.PENDING_APPROVAL, *DECIDED])
@pytest.mark.parametrize("approver", ["M1", HR_APPROVER])
def test_nobody_decides_their_own_redemption_not_even_hr(status, approver):
    with pytest.raises(Forbidden) as refused:
        require_decider(caller(OWNER_IN_HR), redemption(status, approver=approver), OVERDUE, POLICY)
    assert refused.value.code == "own_redemption"


@pytest.mark.parametrize("status", DECIDED)
@pytest.mark.parametrize("who", [MANAGER, HR], ids=["the designated approver", "any hr admin"])
def test_those_who_could_decide_learn_it_was_decided(status, who):
    require_decider(caller(who), redemption(status, approver="M1"), AT, POLICY)
    with pytest.raises(Conflict) as second:
        next_status(status, Action.APPROVE)
    assert second.value.code == "already_decided"


@pytest.mark.parametrize("status", DECIDED)
@pytest.mark.parametrize("who", [OTHER_MANAGER, COLLEAGUE], ids=["another manager", "a colleague"])
def test_others_are_refused_a_decided_redemption(status, who):
    with pytest.raises(Forbidden) as refused:
        require_decider(caller(who), redemption(status, approver="M1"), OVERDUE, POLICY)
    assert refused.value.code == "not_approver"


def test_escalation_is_due_after_the_days_while_pending():
    assert not escalation_due(redemption(), AT + timedelta(days=2), POLICY)
    assert escalation_due(redemption(), AT + timedelta(days=3), POLICY)
    assert not escalation_due(redemption(Status.APPROVED), AT + timedelta(days=9), POLICY)


def test_only_the_owner_cancels():
    require_owner(caller(person("E1")), redemption())
    for other in (caller(person("M1")), SYSTEM):
        with pytest.raises(Forbidden):
            require_owner(other, redemption())


def test_who_sees_a_redemption():
    owner = person("E1", manager="M1")
    assert can_see(caller(owner), "E1", owner)
    assert can_see(caller(person("M1")), "E1", owner)
    assert can_see(caller(person("A1")), "E1", None, approver_id="A1")
    assert can_see(caller(person("F1", roles=[Role.FINANCE])), "E1", owner)
    assert not can_see(caller(person("E2")), "E1", owner)


def test_the_view_leaves_bookkeeping_out():
    stored = redemption(limit_period="2026-11", inventory_held=True)
    assert {"limit_period", "inventory_held", "escalated_at"}.isdisjoint(stored.view().model_dump())
    assert redemption(funded_by="budget:spot").budget_id == "spot"
    assert redemption().budget_id is None


def test_the_audit_proves_hold_accounts():
    from plaudit.domain.audit import HeldPoints, JournalEntry, audit
    from plaudit.domain.ledger import Posting

    def hold(txn_id: str, amount: int, counter: str = "org:redeemed") -> JournalEntry:
        return JournalEntry(txn_id, (Posting("hold:red_A", amount), Posting(counter, -amount)))

    held = [hold("t1", 2500)]
    assert audit(held, {}, [], holds={"red_A": HeldPoints(2500, holding=True)}).ok
    settled = [*held, hold("t2", -2500)]
    assert audit(settled, {}, [], holds={"red_A": HeldPoints(2500, holding=False)}).ok
    breaches = audit(held, {}, [], holds={"red_A": HeldPoints(2500, holding=False)}).breaches
    assert breaches == ["hold:red_A: postings sum to 2500, but 0 after settlement or refund"]
    twice = [*settled, hold("t3", -2500)]
    assert "hold:red_A: postings sum to -2500, below 0" in audit(twice, {}, [], holds={}).breaches
    assert audit(held, {}, [], holds={}).breaches == [
        "hold:red_A: holds 2500 points but there is no such redemption"
    ]
    assert audit(held, {}, []).ok  # without redemptions to compare, holds are not checked
