"""Direct awards: an HR admin or a budget's holder gives a catalogue item to a person, paid from the budget.

An award is a redemption funded by a budget instead of the person's points: approved at once (the giver
authorised it), its points held from the budget (REDEMPTION_HOLD budget:<id> -> hold:<rid>) in the same
transaction as the budget's conditional balance write, then fulfilled like any redemption; a failure
refunds the budget. The redemption id derives from the giver and the Idempotency-Key, so a retry gives once.
"""

from datetime import datetime
from decimal import Decimal

from pydantic import ConfigDict, Field

from plaudit.domain.access import SYSTEM, Caller, require_role
from plaudit.domain.budgets import BUDGET_ID, managers_above
from plaudit.domain.catalog import ITEM_ID
from plaudit.domain.employees import EMPLOYEE_ID, Employee, Role
from plaudit.domain.errors import Conflict, Forbidden, NotFound, Points, RuleViolation
from plaudit.domain.ids import derived_id, fingerprint
from plaudit.domain.model import Model
from plaudit.domain.redemptions import RedemptionView, Status
from plaudit.services import metrics, redemptions
from plaudit.services.redemptions import DirectAward
from plaudit.services.replays import key_expired, replayed
from plaudit.services.retry import attempts
from plaudit.services.runtime import new_id, now, stored_now
from plaudit.services.trail import Act, record
from plaudit.store import keys, snapshots
from plaudit.store.batches import write_batches
from plaudit.store.budgets import balance_of, balance_write, budget_from
from plaudit.store.catalog import item_from
from plaudit.store.employees import list_employees
from plaudit.store.reads import get_many
from plaudit.store.redemptions import (
    REDEMPTION,
    direct_award_entry_requests,
    direct_awards_page,
    redemption_from,
)
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
    made = {"redemption_id": rid}
    carried_out = False  # the redemption under this key exists (its put was refused)
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
        keep_days = snap.settings().retention.idempotency_days
        first = snap.first_response_item(rid)
        replay = replayed(first, request_hash, RedemptionView, at=now(), keep_days=keep_days, made=made)
        if replay is not None:
            return replay, False
        if carried_out:
            raise key_expired(keep_days, made)
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
            writes.append(
                first_response_write(rid, request_hash, redemption.view(), at=at, keep_days=keep_days)
            )
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
            if refused.refused(REDEMPTION):
                carried_out = True
                continue
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


class GivenAward(Model):
    """A direct item award as HR's list shows it, with what became of it."""

    id: str = Field(description="The redemption (red_...): what POST /v1/corrections takes as award_id")
    employee_id: str
    employee_name: str = Field(description='"Former employee" (in the caller\'s language) once erased')
    item_id: str
    item_name: str
    denomination: Decimal
    currency: str
    points: int = Field(description="What its budget paid")
    budget_id: str
    awarded_by: str | None = Field(
        description="Who gave it: an employee id, or plaudit for a milestone rule's"
    )
    created_at: datetime
    status: Status = Field(description="The redemption's: approved, fulfilling, fulfilled, cancelled...")
    voucher_id: str | None = None
    voucher_status: str | None = Field(
        default=None, description="Its Plaudit voucher's: issued, delivered, redeemed, expired, cancelled"
    )
    correction_id: str | None = Field(default=None, description="Taken back by this correction")
    corrected_at: datetime | None = None


LIST_LIMIT = 50
"""At most this many a page: a page's redemptions and their corrections are one BatchGetItem (100 keys)."""


def list_given(
    caller: Caller, *, budget_id: str | None, limit: int, cursor: str | None
) -> tuple[list[GivenAward], str | None]:
    """Direct item awards, newest first: HR admins every one (or one budget's), a budget's holders their
    budget's (`budget_id` required). Round trips: the caller and the budget (one BatchGetItem), the page
    (one Query), its redemptions with their corrections (one BatchGetItem), their vouchers and people (one
    BatchGetItem)."""
    wanted = [
        *([keys.employee(caller.employee_id)] if caller.employee_id else []),
        *([keys.budget(budget_id)] if budget_id else []),
    ]
    found = get_many(wanted) if wanted else {}
    person = Snapshot(found).identify(caller)
    if not person.has_role(Role.HR_ADMIN):
        budget = budget_from(found.get(keys.budget(budget_id))) if budget_id else None
        if budget is None or not person.is_person or person.employee_id not in budget.holders:
            raise Forbidden("error.awards_hidden", code="forbidden")
    page = direct_awards_page(budget_id, limit=limit, cursor=cursor)
    ids = [entry["id"] for entry in page.items]
    if not ids:
        return [], page.cursor
    first_correction = {rid: keys.correction(keys.redemption(rid)[0], 1) for rid in ids}
    read = get_many([*(keys.redemption(rid) for rid in ids), *first_correction.values()])
    awards = [award for rid in ids if (award := redemption_from(read.get(keys.redemption(rid)))) is not None]
    more = get_many(
        [
            *(keys.voucher(award.voucher_id) for award in awards if award.voucher_id),
            *(keys.employee(award.employee_id) for award in awards),
        ]
    )
    listed = []
    for award in awards:
        voucher = more.get(keys.voucher(award.voucher_id)) if award.voucher_id else None
        recipient = more.get(keys.employee(award.employee_id))
        correction = read.get(first_correction[award.id])
        listed.append(
            GivenAward(
                id=award.id,
                employee_id=award.employee_id,
                employee_name=recipient["name"] if recipient else award.employee_id,
                item_id=award.item_id,
                item_name=award.item_name,
                denomination=award.denomination,
                currency=award.currency,
                points=award.points,
                budget_id=award.budget_id or "",
                awarded_by=award.awarded_by,
                created_at=award.created_at,
                status=award.status,
                voucher_id=award.voucher_id,
                voucher_status=voucher["status"] if voucher else None,
                correction_id=correction["id"] if correction else None,
                corrected_at=correction["at"] if correction else None,
            )
        )
    return listed, page.cursor


def reindex_given(caller: Caller) -> int:
    """File the direct awards given before their list existed (every person's redemptions a budget paid,
    whoever they are now: people who left or were erased were given them too). Returns how many."""
    require_role(snapshots.load(employees=[caller.employee_id]).identify(caller), Role.HR_ADMIN)
    count, cursor = 0, None
    while True:
        page = list_employees(limit=100, cursor=cursor)
        for item in page.items:
            requests = direct_award_entry_requests(item["id"])
            write_batches(requests)
            count += len(requests)
        cursor = page.cursor
        if cursor is None:
            return count
