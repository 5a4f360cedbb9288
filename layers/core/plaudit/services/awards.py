"""Direct awards: an HR admin or a budget's holder gives a catalogue item to a person, paid from the budget.

An award is a redemption funded by a budget instead of the person's points: approved at once (the giver
authorised it), its points held from the budget (REDEMPTION_HOLD budget:<id> -> hold:<rid>) in the same
transaction as the budget's conditional balance write, then fulfilled like any redemption; a failure
refunds the budget. The redemption id derives from the giver and the Idempotency-Key, so a retry gives once.
"""

from decimal import Decimal

from pydantic import ConfigDict, Field

from plaudit.domain.access import SYSTEM, Caller
from plaudit.domain.budgets import BUDGET_ID, managers_above
from plaudit.domain.catalog import ITEM_ID
from plaudit.domain.employees import EMPLOYEE_ID, Employee, Role
from plaudit.domain.errors import Conflict, Forbidden, NotFound, Points, RuleViolation
from plaudit.domain.ids import derived_id, fingerprint
from plaudit.domain.model import Model
from plaudit.domain.redemptions import RedemptionView
from plaudit.services import metrics, redemptions
from plaudit.services.redemptions import DirectAward
from plaudit.services.replays import replayed
from plaudit.services.retry import attempts
from plaudit.services.runtime import new_id, stored_now
from plaudit.services.trail import Act, record
from plaudit.store import keys, snapshots
from plaudit.store.budgets import balance_of, balance_write, budget_from
from plaudit.store.catalog import item_from
from plaudit.store.reads import get_many
from plaudit.store.replays import first_response_write
from plaudit.store.snapshots import Snapshot
from plaudit.store.transact import WriteRefused, write_all


class AwardRequest(Model):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    employee_id: str = Field(pattern=EMPLOYEE_ID, description="Who receives the item")
    item_id: str = Field(pattern=ITEM_ID)
    denomination: Decimal = Field(gt=0, le=1_000_000, decimal_places=2, description="In the item's currency")
    budget_id: str = Field(pattern=BUDGET_ID, description="The budget that pays for it")
    message: str | None = Field(default=None, min_length=1, max_length=500, description="Why: for the person")


def give(
    caller: Caller, body: AwardRequest, *, idempotency_key: str | None = None
) -> tuple[RedemptionView, bool]:
    """Give the item: hold its points from the budget and queue the fulfilment. Returns the redemption and
    whether it was created now (False: a replay of the same Idempotency-Key)."""
    giver = caller.employee_id or caller.subject
    request_hash = fingerprint(
        f"{body.employee_id}|{body.item_id}|{body.denomination.normalize()}|{body.budget_id}".encode()
    )
    rid = derived_id("red", "award", giver, idempotency_key) if idempotency_key else new_id("red")
    for _ in attempts():
        found = get_many(
            [
                *([keys.employee(caller.employee_id)] if caller.employee_id else []),
                keys.employee(body.employee_id),
                keys.budget(body.budget_id),
                keys.SETTINGS,
                *([keys.first_response(rid)] if idempotency_key else []),
                keys.catalog_item(body.item_id),
            ]
        )
        snap = Snapshot(found)
        replay = replayed(snap.first_response_item(rid), request_hash, RedemptionView)
        if replay is not None:
            return replay, False
        person = snap.identify(caller)
        budget_item = found.get(keys.budget(body.budget_id))
        budget = budget_from(budget_item)
        if budget is None:
            raise NotFound(
                "error.budget_not_found", code="budget_not_found", details={"budget_id": body.budget_id}
            )
        if not (
            person.has_role(Role.HR_ADMIN) or (person.is_person and person.employee_id in budget.holders)
        ):
            raise Forbidden("error.not_a_holder", code="not_a_holder")
        if person.employee_id is not None and person.employee_id == body.employee_id:
            raise Forbidden("error.self_award", code="self_award")
        recipient = snap.employee(body.employee_id)
        if recipient is None or not recipient.active:
            raise RuleViolation(
                "error.recipient_not_active",
                code="recipient_not_active",
                details={"employee_id": body.employee_id},
            )
        chain = managers_above(recipient, _people) if budget.by_organisation else []
        budget.refuse_outside(recipient, chain)
        item = item_from(found.get(keys.catalog_item(body.item_id)))
        if item is None:
            raise NotFound("error.item_not_found", code="item_not_found")
        at = stored_now()
        award = DirectAward(budget_id=budget.id, awarded_by=giver, message=body.message)
        redemption, writes = redemptions.plan(
            recipient, item, body.denomination, snap.settings(), at, rid, award=award
        )
        if idempotency_key:
            writes.append(first_response_write(rid, request_hash, redemption.view()))
        available = balance_of(budget_item)  # type: ignore[arg-type]
        if available < redemption.points:
            raise _insufficient(redemption.points, available)
        writes.append(balance_write(budget.id, -redemption.points, at))
        act = Act(
            giver,
            "award.give",
            f"redemption:{rid}",
            after={
                "employee_id": body.employee_id,
                "item_id": body.item_id,
                "denomination": str(body.denomination),
                "budget_id": budget.id,
                "points": redemption.points,
            },
        )
        try:
            if caller == SYSTEM:  # a milestone rule's item: Plaudit's own work, not an administrative act
                write_all(writes)
            else:
                record(writes, act)
        except WriteRefused as refused:
            if refused.refused(f"budget:{budget.id}"):
                raise _insufficient(redemption.points, None) from None
            redemptions.explain_refusal(refused, redemption)
            continue
        if caller != SYSTEM:  # a rule's item counts among the milestone awards
            metrics.count("DirectAwards")
            metrics.count("BudgetPointsHeld", redemption.points)
        redemptions.enqueue_fulfilment(rid)
        return redemption.view(), True
    raise Conflict("error.concurrent_update", code="concurrent_update")


def _insufficient(need: int, have: int | None) -> RuleViolation:
    details = {"points_needed": need} | ({"points_available": have} if have is not None else {})
    return RuleViolation("error.budget_short", code="insufficient_budget", details=details, need=Points(need))


def _people(ids: list[str]) -> dict[str, Employee]:
    snap = snapshots.load(employees=ids)
    return {employee_id: found for employee_id in ids if (found := snap.employee(employee_id))}
