"""Redemptions: the lifecycle of turning held points into a catalogue item, and who may move it on.

pending_approval -> approved -> fulfilling -> fulfilled -> redeemed | expired; rejected, cancelled and
failed end a redemption and return its held points (exactly once: the refund's id derives from the
redemption's). Pure rules, no AWS.
"""

from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from pydantic import ConfigDict, Field

from plaudit.domain.access import Caller
from plaudit.domain.catalog import Offer, Restrictions
from plaudit.domain.employees import Employee, Role
from plaudit.domain.errors import Conflict, Forbidden
from plaudit.domain.insights import Stamp
from plaudit.domain.model import Model
from plaudit.domain.settings import FINANCE_FALLBACK, ApprovalPolicy

HR_APPROVER = "hr"  # approver id meaning: any hr_admin decides
FINANCE_APPROVER = "finance"  # approver id meaning: anyone with the finance role decides
ROLE_QUEUES = {
    HR_APPROVER: Role.HR_ADMIN,
    FINANCE_APPROVER: Role.FINANCE,
}  # queues a role decides, not a person
FUNDED_BY_POINTS = "points"
FUNDED_BY_BUDGET = "budget:"  # then the budget's id: a direct award (POST /v1/awards) the budget paid


class Status(StrEnum):
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    FULFILLING = "fulfilling"
    FULFILLED = "fulfilled"
    REDEEMED = "redeemed"
    EXPIRED = "expired"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    FAILED = "failed"


class Action(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    CANCEL = "cancel"
    BEGIN_FULFILMENT = "begin_fulfilment"
    COMPLETE_FULFILMENT = "complete_fulfilment"
    FAIL_FULFILMENT = "fail_fulfilment"
    REDEEM = "redeem"
    EXPIRE = "expire"


TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.PENDING_APPROVAL, Action.APPROVE): Status.APPROVED,
    (Status.PENDING_APPROVAL, Action.REJECT): Status.REJECTED,
    (Status.PENDING_APPROVAL, Action.CANCEL): Status.CANCELLED,
    (Status.APPROVED, Action.CANCEL): Status.CANCELLED,
    (Status.APPROVED, Action.BEGIN_FULFILMENT): Status.FULFILLING,
    (Status.FULFILLING, Action.COMPLETE_FULFILMENT): Status.FULFILLED,
    (Status.FULFILLING, Action.FAIL_FULFILMENT): Status.FAILED,
    (Status.FULFILLED, Action.REDEEM): Status.REDEEMED,
    (Status.FULFILLED, Action.EXPIRE): Status.EXPIRED,
}
HOLDING = frozenset({Status.PENDING_APPROVAL, Status.APPROVED, Status.FULFILLING})
"""Statuses in which the points sit in the redemption's hold account."""
REFUNDED = frozenset({Status.REJECTED, Status.CANCELLED, Status.FAILED})
"""Statuses reached by returning the held points."""
SETTLED = frozenset({Status.FULFILLED, Status.REDEEMED, Status.EXPIRED})
"""Statuses after the held points went to org:redeemed."""


class HistoryEntry(Model):
    model_config = ConfigDict(extra="forbid")

    status: Status
    at: datetime
    by: str = Field(description="Employee id, 'plaudit' for the system")
    reason: str | None = None
    handed_to: str | None = Field(
        default=None,
        description="A first approval handed the request on to this second approver (status stays "
        "pending_approval)",
    )


class RedemptionView(Model):
    """What a person sees of a redemption (never a voucher code: those live in the voucher)."""

    id: str
    employee_id: str
    item_id: str
    item_name: str
    item_type: str
    category: str
    denomination: Decimal = Field(description="0 for an item with an `offer` (it has no fixed value)")
    currency: str
    offer: Offer | None = Field(default=None, description="A percentage or cashback voucher's terms")
    points: int
    status: Status
    approver_id: str | None = None
    second_approver_id: str | None = Field(
        default=None,
        description="Who approves after approver_id, for redemptions above the second level (finance, or "
        "HR for a finance member's own); null once handed on, or with one level",
    )
    funded_by: str = FUNDED_BY_POINTS
    fulfilment: str
    provider: str | None = None
    provider_sku: str | None = None
    created_at: datetime
    updated_at: datetime
    version: int = 1
    history: list[HistoryEntry] = Field(default_factory=list)
    voucher_id: str | None = None
    external_order_id: str | None = None
    failure_reason: str | None = None
    awarded_by: str | None = None


class Redemption(RedemptionView):
    """A redemption with what the store keeps for its own bookkeeping."""

    limit_period: str | None = Field(default=None, description="Period id of the per-person count taken")
    inventory_held: bool = Field(default=False, description="A unit of finite inventory was taken")
    escalated_at: datetime | None = None
    country: str | None = Field(
        default=None, description="The person's country when redeemed (the provider's)"
    )
    restrictions: Restrictions | None = Field(
        default=None, description="The item's restrictions when redeemed: the voucher's expiry and limits"
    )
    stamps: dict[str, Stamp] = Field(
        default_factory=dict, description="Insights: where the person was when they redeemed"
    )
    period_zone: str | None = Field(
        default=None, description="Insights: the organisation's time zone then (the zone of its periods)"
    )

    def view(self) -> RedemptionView:
        return RedemptionView.model_validate(self.model_dump(include=set(RedemptionView.model_fields)))

    @property
    def budget_id(self) -> str | None:
        """The budget that funded a direct award, None when the person's points did."""
        kind, _, budget_id = self.funded_by.partition(":")
        return budget_id if kind == "budget" else None


def next_status(current: Status, action: Action) -> Status:
    """The status `action` leads to, or Conflict when it does not apply any more."""
    target = TRANSITIONS.get((current, action))
    if target is not None:
        return target
    if action in (Action.APPROVE, Action.REJECT):
        raise Conflict(
            "error.already_decided",
            code="already_decided",
            status=current.value,
            details={"status": current.value},
        )
    if action is Action.CANCEL:
        raise Conflict(
            "error.not_cancellable",
            code="not_cancellable",
            status=current.value,
            details={"status": current.value},
        )
    raise Conflict(
        "error.invalid_transition",
        code="invalid_transition",
        status=current.value,
        action=action.value,
        details={"status": current.value, "action": action.value},
    )


def needs_approval(points: int, item_requires_approval: bool, policy: ApprovalPolicy) -> bool:
    return item_requires_approval or points >= policy.threshold_points


def approver_for(employee: Employee, manager: Employee | None, policy: ApprovalPolicy) -> str:
    """The person's active manager, else the fallback approver (a named person, or the finance role), else
    HR. Never the person themself, nor a queue only they could decide: an hr_admin's own redemption goes to
    finance, a finance member's to HR (admins may decide any queue)."""
    if manager is not None and manager.active and manager.id == employee.manager_id != employee.id:
        return manager.id
    fallback = policy.fallback_approver_id
    if fallback and fallback != FINANCE_FALLBACK and fallback != employee.id:
        return fallback
    queue = FINANCE_APPROVER if fallback == FINANCE_FALLBACK else HR_APPROVER
    if employee.has_role(ROLE_QUEUES[queue]):
        queue = FINANCE_APPROVER if queue == HR_APPROVER else HR_APPROVER
    return queue


def second_approver_for(employee: Employee, points: int, policy: ApprovalPolicy) -> str | None:
    """The second level above `policy.second_level_points`: the finance queue, or HR's for a finance
    member's own redemption; None below it."""
    if policy.second_level_points is None or points < policy.second_level_points:
        return None
    return HR_APPROVER if employee.has_role(ROLE_QUEUES[FINANCE_APPROVER]) else FINANCE_APPROVER


def hands_on(redemption: Redemption, action: Action) -> bool:
    """Approving a request with a second level left hands it on (it stays pending), not approves it."""
    return (
        action is Action.APPROVE
        and redemption.status is Status.PENDING_APPROVAL
        and redemption.second_approver_id is not None
    )


def escalation_due(redemption: Redemption, at: datetime, policy: ApprovalPolicy) -> bool:
    """Pending for escalate_after_days without an answer."""
    return redemption.status is Status.PENDING_APPROVAL and at >= redemption.created_at + timedelta(
        days=policy.escalate_after_days
    )


def require_decider(caller: Caller, redemption: Redemption, at: datetime, policy: ApprovalPolicy) -> None:
    """Who may approve or reject: the designated approver (anyone with the role, for the HR and finance
    queues), or an hr_admin once it is HR's turn (escalated to HR, overdue, or no one else's); never the
    person who redeems. Once it is decided, the same people
    and any hr_admin (who sees every redemption anyway) pass, to learn that it was (`next_status`)."""
    if caller.employee_id is not None and caller.employee_id == redemption.employee_id:
        raise Forbidden("error.own_redemption", code="own_redemption")
    if caller.is_person and any(
        entry.handed_to and entry.by == caller.employee_id for entry in redemption.history
    ):
        raise Forbidden("error.second_approver_needed", code="second_approver_needed")
    if caller.is_person and caller.employee_id == redemption.approver_id:
        return
    queue_role = ROLE_QUEUES.get(redemption.approver_id or "")
    if queue_role is not None and caller.has_role(queue_role):
        return
    hr_turn = (
        redemption.status is not Status.PENDING_APPROVAL
        or redemption.approver_id == HR_APPROVER
        or escalation_due(redemption, at, policy)
    )
    if hr_turn and caller.has_role(Role.HR_ADMIN):
        return
    raise Forbidden("error.not_approver", code="not_approver")


def require_owner(caller: Caller, redemption: Redemption) -> None:
    if not (caller.is_person and caller.employee_id == redemption.employee_id):
        raise Forbidden("error.not_owner", code="not_owner")


def can_see(caller: Caller, owner_id: str, owner: Employee | None, approver_id: str | None = None) -> bool:
    """A person's redemptions: the person, the designated approver, the person's manager, HR and finance."""
    if caller.is_person and caller.employee_id in (owner_id, approver_id):
        return True
    if owner is not None and caller.manages(owner):
        return True
    return caller.has_role(Role.HR_ADMIN, Role.FINANCE)
