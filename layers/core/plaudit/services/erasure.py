"""Erasure: a person pseudonymised at their request (HR acts, with a reason), the books still true.

One transaction does what must happen together: the entry becomes "Former employee" with nothing of theirs
but the opaque id (email and Slack aliases, the milestone day-index entries, their team listing and
headcounts go with it: store.employees), their sign-in link is deleted both ways, a scheduled termination
or pending points expiry is dropped, what is left of their points is expired to `org:forfeited` through the
ledger (POINTS_EXPIRY, the opaque id stays on every posting, so `plaudit audit` proves the books after),
their live vouchers are cancelled if settings.erasure.open_vouchers says so, the
erasure is recorded (what erasing again answers) and the act is in the trail (without personal values).

Before it, their user pool account is deleted (AdminDeleteUser: it is found by the linked `sub`, else its
email), so nobody signs in as an erased person. After it come the copies that live elsewhere: the personal
values the trail keeps outside its chain (a correction's reason among them), the message texts of every
kudos and add-on they gave or received (the stream then has the bot's Slack posts about them updated), the
reasons of the corrections of what was paid to them, their awards' copies of them, the log of the
notices sent to them, and the files of the exports of their data (their download then answers 410). All
are idempotent and run again on every repeat, so an erasure interrupted half-way is completed by asking
again; the answer is always the first erasure's.

Refused while one of their redemptions is in flight (held points, an order maybe placed): it must be
finished or cancelled first, and the refusal says which.

With settings.erasure.after_termination_days set, a leaver is erased by the scheduled run that many days
after they were deactivated (erase_due): the same erasure, by the system, with the termination as reason.
"""

from datetime import UTC, datetime

from pydantic import Field

from plaudit.domain.access import SYSTEM, Caller, require_role
from plaudit.domain.employees import ERASED_NAME, Employee, EmployeeStatus, Role, erased_profile
from plaudit.domain.errors import Conflict, NotFound
from plaudit.domain.ids import derived_id
from plaudit.domain.ledger import ORG_FORFEITED, Balance, Posting, Transaction, TxnKind, employee_account
from plaudit.domain.model import Model
from plaudit.domain.recognition import WalletChange
from plaudit.domain.settings import OpenVouchers
from plaudit.integrations import cognito
from plaudit.services.retry import attempts
from plaudit.services.runtime import now
from plaudit.services.trail import Act, actor_of, record
from plaudit.store import accounts, deactivations, erasures, notifications, snapshots
from plaudit.store import trail as trail_store
from plaudit.store import vouchers as voucher_store
from plaudit.store.employees import forget_email, profile_writes
from plaudit.store.keys import iso
from plaudit.store.ledger import transaction_writes, wallet_write
from plaudit.store.transact import Write, WriteRefused, write_all


class ErasureRequest(Model):
    reason: str = Field(
        min_length=1, max_length=500, description="Why the person is erased (their request, a ticket id)"
    )


class Erasure(Model):
    employee_id: str
    erased_at: datetime
    erased_by: str = Field(description="Who erased them: an HR admin's id, or an integration's client id")
    reason: str
    points_expired: int = Field(description="Points left in their wallet, expired to the organisation")
    txn_id: str | None = Field(
        default=None, description="The ledger transaction that expired them (None: none were left)"
    )
    vouchers_cancelled: int = Field(
        default=0,
        description="Their vouchers not yet redeemed nor expired, cancelled with the erasure "
        "(settings.erasure.open_vouchers: cancel; keep leaves them usable)",
    )


def erase(caller: Caller, employee_id: str, request: ErasureRequest) -> tuple[Erasure, bool]:
    """Erase the person; returns the erasure and whether it happened now (False: the first one's answer)."""
    for _ in attempts():
        snap = snapshots.load(
            employees=[caller.employee_id, employee_id], wallets=[employee_id], settings=True
        )
        require_role(snap.identify(caller), Role.HR_ADMIN)
        person = snap.employee(employee_id)
        if person is None:
            raise NotFound("error.employee_not_found", code="employee_not_found")
        first = erasures.erasure_of(employee_id)
        if first is not None:
            _erase_copies(employee_id)
            return Erasure.model_validate(first), False
        in_flight = erasures.in_flight_redemptions(employee_id)
        if in_flight:
            raise Conflict(
                "error.redemption_in_flight",
                code="redemption_in_flight",
                details={"redemption_ids": in_flight},
                redemption_id=in_flight[0],
            )
        erasure = _erase(person, snap, actor_of(caller), request.reason)
        if erasure is not None:
            return erasure, True
    raise Conflict("error.employee_busy", code="concurrent_update")


class DueErasures(Model):
    erased: int = 0
    waiting: int = 0  # a redemption of theirs is in flight: a later run tries again
    cancelled: int = 0  # back in the directory, or erased already: the marker goes
    items_read: int = 0


def erase_due(at: datetime) -> DueErasures:
    """The leavers whose erasure after termination (settings.erasure.after_termination_days) fell due by
    `at`: each erased once, by the system (the trail names it), with the termination as the reason. Reads
    only the due markers and, for each, the person, their wallet and their redemptions."""
    run = DueErasures()
    for markers in deactivations.due_erasures(at.astimezone(UTC).date()):
        for marker in markers:
            run.items_read += 1
            snap = snapshots.load(employees=[marker.employee_id], wallets=[marker.employee_id], settings=True)
            person = snap.employee(marker.employee_id)
            run.items_read += 2
            if person is None or person.active or person.status is EmployeeStatus.ERASED:
                write_all(deactivations.clear_erasure_writes(marker.employee_id, marker.marker_sk))
                run.cancelled += 1
            elif erasures.in_flight_redemptions(marker.employee_id):
                run.waiting += 1
            else:
                reason = f"Terminated on {marker.deactivated_at[:10]}: erased after termination (settings)"
                if _erase(person, snap, actor_of(SYSTEM), reason) is not None:
                    run.erased += 1
    return run


def _erase(person: Employee, snap: snapshots.Snapshot, actor: str, reason: str) -> Erasure | None:
    """Erase now, in one transaction with its trail entry (None: something changed meanwhile, read again)."""
    employee_id = person.id
    _, subject = accounts.account_of(employee_id)
    _delete_sign_in(person, subject)
    at = now()
    erasure = Erasure(
        employee_id=employee_id,
        erased_at=at,
        erased_by=actor,
        reason=reason,
        points_expired=snap.wallet(employee_id).points,
        txn_id=None,
    )
    writes = [
        *profile_writes(erased_profile(person), person, snap.employee_version(employee_id)),
        *erasures.account_deletes(employee_id, subject),
        *_pending_writes(employee_id),
    ]
    if erasure.points_expired > 0:
        erasure.txn_id = derived_id("txn", TxnKind.POINTS_EXPIRY.value, "erasure", employee_id)
        writes += _expiry_writes(employee_id, erasure.points_expired, erasure.txn_id, at)
    if snap.settings().erasure.open_vouchers is OpenVouchers.CANCEL:
        live = voucher_store.live_vouchers(employee_id)  # a handful: the transaction holds 100 writes
        erasure.vouchers_cancelled = len(live)
        for voucher in live:
            writes += voucher_store.end_writes(voucher["id"], "cancelled", at, voucher.get("expires_on"))
    writes.append(erasures.record_write(employee_id, erasure.model_dump(mode="json")))
    act = Act(
        actor,
        "employee.erase",
        f"employee:{employee_id}",
        before={"status": person.status.value},
        after={
            "status": EmployeeStatus.ERASED.value,
            "reason": reason,
            "points_expired": erasure.points_expired,
            "vouchers_cancelled": erasure.vouchers_cancelled,
        },
    )
    try:
        record(writes, act)
    except WriteRefused:
        return None  # erased meanwhile, or the profile or wallet changed
    forget_email(person.email)
    _erase_copies(employee_id)
    return erasure


def _delete_sign_in(person: Employee, subject: str | None) -> None:
    if cognito.pool_id() is None:
        return
    account = cognito.find(subject=subject, email=person.email)
    if account is not None:
        cognito.delete(account)


def _pending_writes(employee_id: str) -> list[Write]:
    """A termination scheduled for later, a leaver's points expiry and erasure waiting: nothing left to do."""
    writes = []
    if leaving_sk := deactivations.scheduled_leaving_sk(employee_id):
        writes += deactivations.unschedule_writes(employee_id, leaving_sk)
    if marker_sk := deactivations.pending_marker_sk(employee_id):
        writes += deactivations.clear_writes(employee_id, marker_sk)
    if erasure_sk := deactivations.pending_erasure_sk(employee_id):
        writes += deactivations.clear_erasure_writes(employee_id, erasure_sk)
    return writes


def _expiry_writes(employee_id: str, points: int, txn_id: str, at: datetime) -> list[Write]:
    txn = Transaction(
        txn_id,
        TxnKind.POINTS_EXPIRY,
        at,
        (
            Posting(employee_account(employee_id, Balance.POINTS), -points, "points expired on erasure"),
            Posting(ORG_FORFEITED, points, f"points of {employee_id} expired on erasure"),
        ),
        {"employee_id": employee_id, "erased_at": iso(at)},
    )
    return [*transaction_writes(txn), wallet_write(WalletChange(employee_id, points_delta=-points), at)]


def _erase_copies(employee_id: str) -> None:
    """The personal values the trail keeps outside its chain (a correction's reason among them), the kudos
    texts, the reasons of the corrections of what was paid to them, the copies of their name and Slack id
    their awards keep (the awards' messages, and where the bot DMd them), their email and message in the
    campaigns that paid them, their notification log (up to 1,000 entries a time: asking again completes
    it), and the files of the exports of their data not yet expired; idempotent."""
    from plaudit.services.exports import delete_person_files  # only an erasure pays for the export modules

    for key in trail_store.entries_about(employee_id):
        trail_store.forget_personal(key)
    notifications.forget(employee_id)
    erasures.redact_kudos(erasures.kudos_involving(employee_id), now())
    erasures.forget_correction_reasons(employee_id, now())
    awards = erasures.awards_of(employee_id)
    erasures.forget_award_copies(awards, ERASED_NAME)
    erasures.forget_award_dms(awards)
    campaigns = {
        award["rule_id"].removeprefix(erasures.CAMPAIGN_RULE)
        for award in awards
        if award.get("rule_id", "").startswith(erasures.CAMPAIGN_RULE)
    }
    for campaign_id in sorted(campaigns):
        erasures.forget_campaign_rows(campaign_id, employee_id)
    delete_person_files(employee_id, now())
