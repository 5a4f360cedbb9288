"""Redeeming points for catalogue items: the request (points held at once), approvals, cancellation, the
fulfilment steps the worker takes, and escalation of unanswered approvals.

Every step is one TransactWriteItems conditional on the redemption's status and version, so concurrent
clicks, cancels and redelivered messages end in exactly one state; the hold, settlement and refund are
ledger transactions whose ids derive from the redemption's, so each happens at most once.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from pydantic import ConfigDict, Field

from plaudit.domain.access import Caller
from plaudit.domain.catalog import (
    ITEM_ID,
    CatalogItem,
    check_redeemable,
    per_person_period,
    points_price,
    refuse_instant,
)
from plaudit.domain.employees import Employee, Role
from plaudit.domain.errors import Conflict, Forbidden, InvalidRequest, NotFound, Points, RuleViolation
from plaudit.domain.ids import derived_id, fingerprint
from plaudit.domain.insights import stamp_of
from plaudit.domain.ledger import (
    ORG_REDEEMED,
    Balance,
    Posting,
    Transaction,
    TxnKind,
    budget_account,
    employee_account,
    hold_account,
)
from plaudit.domain.model import Model
from plaudit.domain.recognition import WalletChange
from plaudit.domain.redemptions import (
    FINANCE_APPROVER,
    FUNDED_BY_BUDGET,
    FUNDED_BY_POINTS,
    HR_APPROVER,
    REFUNDED,
    ROLE_QUEUES,
    Action,
    HistoryEntry,
    Redemption,
    RedemptionView,
    Status,
    approver_for,
    can_see,
    hands_on,
    needs_approval,
    next_status,
    require_decider,
    require_owner,
    second_approver_for,
)
from plaudit.domain.settings import OrgSettings
from plaudit.domain.tiers import refuse_below
from plaudit.integrations import fulfilment_queue
from plaudit.services import metrics
from plaudit.services.replays import key_expired, replayed
from plaudit.services.retry import attempts
from plaudit.services.runtime import new_id, now, stored_now
from plaudit.services.trail import Act, record
from plaudit.store import keys
from plaudit.store import redemptions as store
from plaudit.store.budgets import balance_write
from plaudit.store.catalog import inventory_write, item_from
from plaudit.store.ledger import transaction_writes, wallet_write
from plaudit.store.reads import get_many
from plaudit.store.replays import first_response_write
from plaudit.store.snapshots import Snapshot
from plaudit.store.tiers import counter_keys as tier_counter_keys
from plaudit.store.tiers import standing_of
from plaudit.store.transact import Write, WriteRefused, write_all

SYSTEM_ACTOR = "plaudit"
ESCALATION_PAGES = 20


class RedeemRequest(Model):
    model_config = ConfigDict(extra="forbid")

    item_id: str = Field(pattern=ITEM_ID)
    denomination: Decimal | None = Field(
        default=None,
        gt=0,
        le=1_000_000,
        decimal_places=2,
        description="In the item's currency; none for an item with an `offer` (percentage or cashback)",
    )


class PendingApproval(Model):
    """An entry of an approver's queue."""

    id: str
    employee_id: str
    item_id: str
    item_name: str
    item_type: str
    denomination: Decimal
    currency: str
    points: int
    approver_id: str
    created_at: datetime


class DirectAward(Model):
    """Who gives a catalogue item directly, from which budget, and why (see services/awards)."""

    budget_id: str
    awarded_by: str
    message: str | None = None


# --- request ---------------------------------------------------------------------------------------------


def redemption_id_for(caller: Caller, idempotency_key: str) -> str:
    """The id a request with this Idempotency-Key gets: a replay finds the same redemption."""
    return derived_id("red", caller.employee_id or caller.subject, idempotency_key)


def request(
    caller: Caller, body: RedeemRequest, *, idempotency_key: str | None = None
) -> tuple[RedemptionView, bool]:
    """Hold the points and create the redemption (pending_approval, or approved and queued). Returns the
    redemption and whether it was created now (False: a replay of the same Idempotency-Key)."""
    asked = body.denomination.normalize() if body.denomination is not None else ""  # 25 == 25.00
    request_hash = fingerprint(f"{body.item_id}|{asked}".encode())
    rid = redemption_id_for(caller, idempotency_key) if idempotency_key else new_id("red")
    made = {"redemption_id": rid}
    carried_out = False  # the redemption under this key exists (its put was refused)
    for _ in attempts():
        found = get_many(
            [
                *([keys.employee(caller.employee_id)] if caller.employee_id else []),
                keys.wallet(caller.employee_id or ""),
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
        if not person.is_person or not person.profile.active:
            raise Forbidden("error.redeem_needs_directory", code="not_in_directory")
        item = item_from(found.get(keys.catalog_item(body.item_id)))
        if item is None:
            raise NotFound("error.item_not_found", code="item_not_found")
        settings, at = snap.settings(), stored_now()
        redemption, writes = plan(person.profile, item, body.denomination, settings, at, rid)
        if idempotency_key:
            writes.append(
                first_response_write(rid, request_hash, redemption.view(), at=at, keep_days=keep_days)
            )
        writes.append(wallet_write(WalletChange(person.employee_id, points_delta=-redemption.points), at))
        if snap.wallet(person.employee_id).points < redemption.points:
            raise insufficient(redemption.points, snap.wallet(person.employee_id).points)
        try:
            write_all(writes)
        except WriteRefused as refused:
            carried_out = refused.refused(store.REDEMPTION)
            if not carried_out:
                explain_refusal(refused, redemption)
            continue
        metrics.count("Redemptions")
        metrics.count("PointsHeld", redemption.points)
        if redemption.status is Status.APPROVED:
            enqueue_fulfilment(rid)
        return redemption.view(), True
    raise Conflict("error.concurrent_update", code="concurrent_update")


def plan(
    employee: Employee,
    item: CatalogItem,
    denomination: Decimal | None,
    settings: OrgSettings,
    at: datetime,
    rid: str,
    *,
    award: DirectAward | None = None,
    used_at_desk: str | None = None,
) -> tuple[Redemption, list[Write]]:
    """The redemption and its writes except the wallet's (restrictions checked; may read the manager, the
    per-person count and the person's tier counters: one more round trip, only for items and redemptions
    that need them: a tier-limited item's 13 counters are not worth reading for every redemption). A direct
    `award` is approved at once (its giver authorised it) and held from the giver's budget: the caller adds
    that budget's balance write. `used_at_desk` (who confirmed it): an instant perk, held and settled at
    once, redeemed with no voucher; one that would need an approval is refused (instant_needs_approval)."""
    if used_at_desk is None or award is not None:
        refuse_instant(item)
    period = per_person_period(item, at, settings)
    points = points_price(item, denomination, settings)
    approval = award is None and needs_approval(points, item.requires_approval, settings.approvals)
    if approval and used_at_desk is not None:
        raise RuleViolation(
            "error.instant_needs_approval",
            code="instant_needs_approval",
            details={"points": points, "approval_threshold": settings.approvals.threshold_points},
        )
    tiered = award is None and item.min_tier is not None  # an award is the giver's choice, not a purchase
    extra: list[keys.Key] = []
    if period is not None:
        extra.append(keys.redeemed_count(employee.id, item.id, period.id))
    if approval and employee.manager_id:
        extra.append(keys.employee(employee.manager_id))
    if tiered:
        extra += tier_counter_keys(employee.id, at)
    found = get_many(extra) if extra else {}
    counted = found.get(keys.redeemed_count(employee.id, item.id, period.id)) if period else None
    check_redeemable(
        item, employee, denomination, at, redeemed_in_period=store.redeemed_in(counted), settings=settings
    )
    if tiered:
        standing = standing_of(found, settings.tiers, employee.id, at, settings.time_zone)
        refuse_below(settings.tiers, item.min_tier, standing)  # type: ignore[arg-type]
    status = Status.PENDING_APPROVAL if approval else Status.REDEEMED if used_at_desk else Status.APPROVED
    manager = Snapshot(found).employee(employee.manager_id) if approval and employee.manager_id else None
    redemption = Redemption(
        id=rid,
        employee_id=employee.id,
        item_id=item.id,
        item_name=item.name,
        item_type=item.type.value,
        category=item.category,
        denomination=denomination if denomination is not None else Decimal(0),
        currency=item.currency,
        offer=item.offer,
        points=points,
        status=status,
        approver_id=approver_for(employee, manager, settings.approvals) if approval else None,
        second_approver_id=second_approver_for(employee, points, settings.approvals) if approval else None,
        funded_by=f"{FUNDED_BY_BUDGET}{award.budget_id}" if award else FUNDED_BY_POINTS,
        fulfilment=item.fulfilment.value,
        provider=item.provider.value if item.provider else None,
        provider_sku=item.provider_sku,
        created_at=at,
        updated_at=at,
        history=[
            HistoryEntry(
                status=status,
                at=at,
                by=award.awarded_by if award else used_at_desk or employee.id,
                reason=award.message if award else None,
            )
        ],
        awarded_by=award.awarded_by if award else None,
        limit_period=period.id if period else None,
        inventory_held=item.inventory is not None,
        restrictions=item.restrictions,
        country=employee.country,
        stamps={employee.id: stamp_of(employee)},
        period_zone=settings.time_zone,
    )
    hold = Transaction(
        derived_id("txn", TxnKind.REDEMPTION_HOLD.value, rid),
        TxnKind.REDEMPTION_HOLD,
        at,
        (
            Posting(
                budget_account(award.budget_id) if award else employee_account(employee.id, Balance.POINTS),
                -points,
                item.name,
            ),
            Posting(hold_account(rid), points, item.name),
        ),
        {"redemption_id": rid, "item_id": item.id},
    )
    writes = store.new_redemption_writes(redemption) + transaction_writes(hold)
    if used_at_desk:
        writes += transaction_writes(_settlement(redemption, at))
    if stock := inventory_write(item.id, -1, unlimited=item.inventory is None):
        writes.append(stock)
    if period is not None:
        limit = item.restrictions.per_person.count  # type: ignore[union-attr]
        writes.append(store.redeemed_count_write(employee.id, item.id, period.id, 1, limit=limit))
    return redemption, writes


def insufficient(need: int, have: int) -> RuleViolation:
    return RuleViolation(
        "error.insufficient_points",
        code="insufficient_points",
        need=Points(need),
        have=Points(have),
        details={"points_needed": need, "points_available": have},
    )


def explain_refusal(refused: WriteRefused, redemption: Redemption) -> None:
    """Turn a refused request into the rule it broke; return for a conflict worth retrying."""
    if refused.refused(f"wallet:{redemption.employee_id}"):
        raise RuleViolation(
            "error.more_than_balance",
            code="insufficient_points",
            need=Points(redemption.points),
            details={"points_needed": redemption.points},
        )
    if refused.refused(f"inventory:{redemption.item_id}"):
        raise RuleViolation("error.out_of_stock", code="out_of_stock")
    if refused.refused("redeemed_count"):
        raise RuleViolation("error.per_person_limit_reached", code="per_person_limit")
    if not (refused.refused(store.REDEMPTION) or refused.contended):
        raise refused


# --- reads -----------------------------------------------------------------------------------------------


def get(caller: Caller, rid: str) -> RedemptionView:
    found = get_many([keys.redemption(rid), *_caller_keys(caller)])
    redemption = store.redemption_from(found.get(keys.redemption(rid)))
    if redemption is None:
        raise NotFound("error.redemption_not_found", code="redemption_not_found")
    person = Snapshot(found).identify(caller)
    if not can_see(person, redemption.employee_id, None, redemption.approver_id):
        owner = Snapshot(get_many([keys.employee(redemption.employee_id)])).employee(redemption.employee_id)
        if not can_see(person, redemption.employee_id, owner, redemption.approver_id):
            raise NotFound(
                "error.redemption_not_found", code="redemption_not_found"
            )  # not even that it exists
    return redemption.view()


def list_for(
    caller: Caller, employee_id: str, *, limit: int, cursor: str | None
) -> tuple[list[RedemptionView], str | None]:
    """A person's redemptions, newest first: their own, their reports' (managers), anyone's (HR, finance)."""
    snap = Snapshot(get_many([keys.employee(employee_id), *_caller_keys(caller)]))
    person, owner = snap.identify(caller), snap.employee(employee_id)
    if owner is None or not can_see(person, employee_id, owner):
        raise Forbidden("error.own_redemptions_only", code="forbidden")
    page = store.redemptions_page(employee_id, limit=limit, cursor=cursor)
    return [store.redemption_from(item).view() for item in page.items], page.cursor  # type: ignore[union-attr]


def list_approvals(
    caller: Caller, *, limit: int, cursor: str | None
) -> tuple[list[PendingApproval], str | None]:
    """Redemptions waiting for the caller's decision, oldest first; then, for finance, those waiting for
    finance; then, for HR admins, those waiting for HR. The cursor names the queue it continues: "mine.",
    "finance." or "hr." + that queue's cursor."""
    person = Snapshot(get_many(_caller_keys(caller)) if caller.employee_id else {}).identify(caller)
    queues = {"mine": person.employee_id} if person.is_person else {}
    if person.has_role(Role.FINANCE):
        queues["finance"] = FINANCE_APPROVER
    if person.has_role(Role.HR_ADMIN):
        queues["hr"] = HR_APPROVER
    if not queues:
        raise Forbidden("error.not_in_directory", code="not_in_directory")
    names = list(queues)
    first, inner = names[0], None
    if cursor:
        first, _, inner = cursor.partition(".")
        if first not in queues:
            raise InvalidRequest("error.invalid_cursor", code="invalid_cursor")
    items: list[PendingApproval] = []
    for name in names[names.index(first) :]:
        page = store.approvals_page(queues[name], limit=limit - len(items), cursor=inner or None)  # type: ignore[arg-type]
        items += [PendingApproval.model_validate(_entry_fields(item)) for item in page.items]
        if page.cursor:
            return items, f"{name}.{page.cursor}"
        inner = None
        if len(items) >= limit:
            following = names[names.index(name) + 1 :]
            return items, f"{following[0]}." if following else None
    return items, None


def _entry_fields(item: dict[str, Any]) -> dict[str, Any]:
    return {name: item[name] for name in PendingApproval.model_fields if name in item}


# --- decisions and cancellation ---------------------------------------------------------------------------


def approve(caller: Caller, rid: str, reason: str | None = None) -> RedemptionView:
    """Approve, or, with a second level left, hand the request on to its second approver."""
    _, after = _decide(caller, rid, Action.APPROVE, reason)
    if after.status is Status.APPROVED:
        metrics.count("RedemptionsApproved")
        enqueue_fulfilment(rid)
    return after.view()


def reject(caller: Caller, rid: str, reason: str) -> RedemptionView:
    return _decide(caller, rid, Action.REJECT, reason)[1].view()


def cancel(caller: Caller, rid: str, reason: str | None = None) -> RedemptionView:
    def authorize(snap: Snapshot, redemption: Redemption, at: datetime) -> str:
        person = snap.identify(caller)
        require_owner(person, redemption)
        return person.employee_id  # type: ignore[return-value]

    return _transition(rid, Action.CANCEL, authorize, reason=reason, reads=_caller_keys(caller))[1].view()


def cancel_taken_back(rid: str, by: str, reason: str, with_writes: list[Write], act: Act) -> Redemption:
    """A direct item award HR takes back before it is delivered (plaudit.services.corrections): cancelled by
    the one cancel path (its held points back to its budget by the refund), with the correction's writes and
    its trail entry (`act`) in the same transaction. Conflict `not_cancellable` once it moved on; the
    refusal of a write of `with_writes` is raised as WriteRefused."""

    def authorize(snap: Snapshot, redemption: Redemption, at: datetime) -> str:
        return by

    return _transition(rid, Action.CANCEL, authorize, reason=reason, with_writes=with_writes, act=act)[1]


def refund_txn_id(rid: str) -> str:
    """The id of the transaction that returns a redemption's held points (once)."""
    return derived_id("txn", TxnKind.REDEMPTION_REFUND.value, rid)


def _decide(caller: Caller, rid: str, action: Action, reason: str | None) -> tuple[Redemption, Redemption]:
    def authorize(snap: Snapshot, redemption: Redemption, at: datetime) -> str:
        person = snap.identify(caller)
        require_decider(person, redemption, at, snap.settings().approvals)
        return person.employee_id or person.subject

    reads = [*_caller_keys(caller), keys.SETTINGS]
    return _transition(
        rid, action, authorize, reason=reason, reads=reads, recorded_as=f"redemption.{action.value}"
    )


def _caller_keys(caller: Caller) -> list[keys.Key]:
    return [keys.employee(caller.employee_id)] if caller.employee_id else []


# --- fulfilment steps (the worker) -------------------------------------------------------------------------


def begin_fulfilment(rid: str) -> Redemption | None:
    """approved -> fulfilling; the redemption as it is when it is fulfilling already (a redelivery after a
    pending order or a transient failure carries on with it, in one read); None when it is neither
    (cancelled, done, failed): the worker skips it."""
    try:
        return _transition(
            rid, Action.BEGIN_FULFILMENT, _system, done=lambda r: r.status is Status.FULFILLING
        )[1]
    except Conflict:
        return None


def complete_fulfilment(
    rid: str,
    *,
    voucher_id: str | None,
    external_order_id: str | None = None,
    known: Redemption | None = None,
    with_writes: list[Write] | None = None,
) -> None:
    """fulfilling -> fulfilled, and the held points settle to org:redeemed. A repeat is a no-op. `known`:
    the redemption as begin_fulfilment returned it, written on without reading it again (re-read only if
    it changed since); `with_writes` (the voucher's issue) commit in the same transaction, and their
    refusals are raised as WriteRefused."""
    changes = {"voucher_id": voucher_id, "external_order_id": external_order_id}
    _transition(
        rid,
        Action.COMPLETE_FULFILMENT,
        _system,
        changes=changes,
        done=lambda r: r.status is Status.FULFILLED and r.voucher_id == voucher_id,
        known=known,
        with_writes=with_writes,
    )


def fail_fulfilment(rid: str, reason: str) -> None:
    """fulfilling -> failed, and the held points go back (once). A repeat is a no-op."""
    _transition(
        rid,
        Action.FAIL_FULFILMENT,
        _system,
        reason=reason,
        changes={"failure_reason": reason},
        done=lambda r: r.status is Status.FAILED,
    )


def mark_voucher_state(rid: str, status: Literal["redeemed", "expired"]) -> None:
    """fulfilled -> redeemed | expired, as the voucher is used or runs out. A repeat is a no-op."""
    action = Action.REDEEM if status == "redeemed" else Action.EXPIRE
    _transition(rid, action, _system, done=lambda r: r.status.value == status)


def enqueue_fulfilment(rid: str) -> None:
    """Queue an approved redemption, after its commit (sending it again is safe: the worker's first step
    only moves an approved redemption on)."""
    fulfilment_queue.send(rid)


def _system(snap: Snapshot, redemption: Redemption, at: datetime) -> str:
    return SYSTEM_ACTOR


def _read(rid: str) -> Redemption:
    found = get_many([keys.redemption(rid)])
    redemption = store.redemption_from(found.get(keys.redemption(rid)))
    if redemption is None:
        raise NotFound("error.redemption_not_found", code="redemption_not_found")
    return redemption


# --- escalation (the schedule) ----------------------------------------------------------------------------


def escalate_due(at: datetime) -> int:
    """Hand to HR every approval unanswered for escalate_after_days. Returns how many were escalated."""
    settings = Snapshot(get_many([keys.SETTINGS])).settings()
    cutoff = at - timedelta(days=settings.approvals.escalate_after_days)
    escalated = 0
    for _ in range(ESCALATION_PAGES):
        due = store.approvals_due(cutoff + timedelta(milliseconds=1))
        if not due:
            break
        for rid in due:
            escalated += _escalate(rid, at)
    return escalated


def _escalate(rid: str, at: datetime) -> int:
    for _ in attempts():
        before = _read(rid)
        if before.status is not Status.PENDING_APPROVAL or before.approver_id in ROLE_QUEUES:
            write_all([store.approval_entry_delete(before)])  # a stale entry: nothing left to escalate
            return 0
        entry = HistoryEntry(
            status=before.status, at=at, by=SYSTEM_ACTOR, reason=f"no answer from {before.approver_id}: to HR"
        )
        after = before.model_copy(
            update={
                "approver_id": HR_APPROVER,
                "escalated_at": at,
                "updated_at": at,
                "version": before.version + 1,
                "history": [*before.history, entry],
            }
        )
        writes = [
            store.transition_write(before, after),
            store.approval_entry_delete(before),
            store.approval_entry_put(after),
        ]
        try:
            write_all(writes)
            return 1
        except WriteRefused:
            continue
    return 0


# --- re-queue sweep (the schedule) ------------------------------------------------------------------------

REQUEUE_AFTER = {Status.APPROVED: timedelta(minutes=10), Status.FULFILLING: timedelta(hours=1)}
REQUEUE_LIMIT = 500


def requeue_stalled(at: datetime) -> int:
    """Queue again redemptions approved for over 10 minutes or fulfilling for over an hour (a lost message,
    a queue outage between the commit and the send); the worker's first step makes a repeat harmless.
    Reads the in-flight index, oldest first, never the table. Returns how many were queued."""
    queued = 0
    for status, after in REQUEUE_AFTER.items():
        for rid in store.inflight_since(status, at - after, limit=REQUEUE_LIMIT):
            enqueue_fulfilment(rid)
            queued += 1
    return queued


# --- the one way a redemption changes ---------------------------------------------------------------------


def _transition(
    rid: str,
    action: Action,
    authorize: Callable[[Snapshot, Redemption, datetime], str],
    *,
    reason: str | None = None,
    changes: dict[str, Any] | None = None,
    reads: list[keys.Key] | None = None,
    done: Callable[[Redemption], bool] | None = None,
    known: Redemption | None = None,
    with_writes: list[Write] | None = None,
    recorded_as: str | None = None,
    act: Act | None = None,
) -> tuple[Redemption, Redemption]:
    """Read, authorize, move the redemption on with its side effects, all conditional on the status and
    version read; a lost race re-reads (and then usually finds the move no longer applies). `done`: the
    move already happened (a repeat), nothing to write. `known`: the redemption as the caller read it,
    tried first without a read (system moves only: `reads` are not loaded for it). `recorded_as`: the
    trail's action for an administrative move (a decision), recorded in the same transaction; `act`: the
    trail entry of another act the move is part of (a correction)."""
    for attempt in attempts():
        if attempt == 0 and known is not None and not reads:
            found, before = {}, known
        else:
            found = get_many([keys.redemption(rid), *(reads or [])])
            before = store.redemption_from(found.get(keys.redemption(rid)))
        if before is None:
            raise NotFound("error.redemption_not_found", code="redemption_not_found")
        if done is not None and done(before):
            return before, before
        at = stored_now()
        by = authorize(Snapshot(found), before, at)
        handed_to = before.second_approver_id if hands_on(before, action) else None
        target = before.status if handed_to else next_status(before.status, action)
        entry = HistoryEntry(status=target, at=at, by=by, reason=reason, handed_to=handed_to)
        handing = {"approver_id": handed_to, "second_approver_id": None} if handed_to else {}
        after = before.model_copy(
            update={
                "status": target,
                "updated_at": at,
                "version": before.version + 1,
                "history": [*before.history, entry],
                **handing,
                **(changes or {}),
            }
        )
        writes = [
            store.transition_write(before, after),
            *_side_writes(before, after, at),
            *(with_writes or []),
        ]
        try:
            if act is not None:
                record(writes, act)
            elif recorded_as:
                status = {"before": {"status": before.status.value}, "after": {"status": after.status.value}}
                record(writes, Act(by, recorded_as, f"redemption:{rid}", **status))
            else:
                write_all(writes)
        except WriteRefused as refused:
            if not (refused.refused(store.REDEMPTION) or refused.contended):
                raise
            continue
        return before, after
    raise Conflict("error.concurrent_update", code="concurrent_update")


def _side_writes(before: Redemption, after: Redemption, at: datetime) -> list[Write]:
    writes: list[Write] = store.inflight_writes(before, after)
    if before.status is Status.PENDING_APPROVAL:
        writes.append(store.approval_entry_delete(before))
    if after.status is Status.PENDING_APPROVAL:  # handed on to its second approver: their queue now
        writes.append(store.approval_entry_put(after))
    if after.status in REFUNDED:
        writes += _refund_writes(after, at)
    elif after.status is Status.FULFILLED:
        writes += transaction_writes(_settlement(after, at))
    return writes


def _settlement(redemption: Redemption, at: datetime) -> Transaction:
    return Transaction(
        derived_id("txn", TxnKind.REDEMPTION_SETTLE.value, redemption.id),
        TxnKind.REDEMPTION_SETTLE,
        at,
        (
            Posting(hold_account(redemption.id), -redemption.points, redemption.item_name),
            Posting(ORG_REDEEMED, redemption.points, redemption.item_name),
        ),
        {"redemption_id": redemption.id},
    )


def _refund_writes(redemption: Redemption, at: datetime) -> list[Write]:
    """The held points back to where they came from, the stock and the per-person count given back."""
    budget_id = redemption.budget_id
    source = (
        budget_account(budget_id) if budget_id else employee_account(redemption.employee_id, Balance.POINTS)
    )
    refund = Transaction(
        refund_txn_id(redemption.id),
        TxnKind.REDEMPTION_REFUND,
        at,
        (
            Posting(hold_account(redemption.id), -redemption.points, redemption.item_name),
            Posting(source, redemption.points, f"{redemption.item_name}: {redemption.status.value}"),
        ),
        {"redemption_id": redemption.id},
    )
    writes = transaction_writes(refund)
    if budget_id:
        writes.append(balance_write(budget_id, redemption.points, at))
    else:
        writes.append(wallet_write(WalletChange(redemption.employee_id, points_delta=redemption.points), at))
    if stock := inventory_write(redemption.item_id, 1, unlimited=not redemption.inventory_held):
        writes.append(stock)
    if redemption.limit_period:
        writes.append(
            store.redeemed_count_write(
                redemption.employee_id, redemption.item_id, redemption.limit_period, -1
            )
        )
    return writes
