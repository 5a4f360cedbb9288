"""Erasure: a person pseudonymised at their request (HR acts, with a reason), the books still true.

One transaction does what must happen together: the entry becomes "Former employee" with nothing of theirs
but the opaque id (email and Slack aliases, the milestone day-index entries, their team listing and
headcounts go with it: store.employees), their sign-in link is deleted both ways, a scheduled termination
or pending points expiry is dropped, what is left of their points is expired to `org:forfeited` through the
ledger (POINTS_EXPIRY, the opaque id stays on every posting, so `plaudit audit` proves the books after), the
erasure is recorded (what erasing again answers) and the act is in the trail (without personal values).

Before it, their user pool account is deleted (AdminDeleteUser: it is found by the linked `sub`, else its
email), so nobody signs in as an erased person. After it come the copies that live elsewhere: the personal
values the trail keeps outside its chain, and the message texts of every kudos and add-on they gave or
received (the stream then has the bot's Slack posts about them updated). Both are idempotent and run again
on every repeat, so an erasure interrupted half-way is completed by asking again; the answer is always the
first erasure's.

Refused while one of their redemptions is in flight (held points, an order maybe placed): it must be
finished or cancelled first, and the refusal says which.
"""

from datetime import datetime

from pydantic import Field

from plaudit.domain.access import Caller, require_role
from plaudit.domain.employees import Employee, EmployeeStatus, Role, erased_profile
from plaudit.domain.errors import Conflict, NotFound
from plaudit.domain.ids import derived_id
from plaudit.domain.ledger import ORG_FORFEITED, Balance, Posting, Transaction, TxnKind, employee_account
from plaudit.domain.model import Model
from plaudit.domain.recognition import WalletChange
from plaudit.integrations import cognito
from plaudit.services.retry import attempts
from plaudit.services.runtime import now
from plaudit.services.trail import Act, actor_of, record
from plaudit.store import accounts, deactivations, erasures, snapshots
from plaudit.store import trail as trail_store
from plaudit.store.employees import forget_email, profile_writes
from plaudit.store.keys import iso
from plaudit.store.ledger import transaction_writes, wallet_write
from plaudit.store.transact import Write, WriteRefused


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


def erase(caller: Caller, employee_id: str, request: ErasureRequest) -> tuple[Erasure, bool]:
    """Erase the person; returns the erasure and whether it happened now (False: the first one's answer)."""
    for _ in attempts():
        snap = snapshots.load(employees=[caller.employee_id, employee_id], wallets=[employee_id])
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
        _, subject = accounts.account_of(employee_id)
        _delete_sign_in(person, subject)
        at = now()
        erasure = Erasure(
            employee_id=employee_id,
            erased_at=at,
            erased_by=actor_of(caller),
            reason=request.reason,
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
        writes.append(erasures.record_write(employee_id, erasure.model_dump(mode="json")))
        act = Act(
            actor_of(caller),
            "employee.erase",
            f"employee:{employee_id}",
            before={"status": person.status.value},
            after={
                "status": EmployeeStatus.ERASED.value,
                "reason": request.reason,
                "points_expired": erasure.points_expired,
            },
        )
        try:
            record(writes, act)
        except WriteRefused:
            continue  # erased meanwhile, or the profile or wallet changed: read again
        forget_email(person.email)
        _erase_copies(employee_id)
        return erasure, True
    raise Conflict("error.employee_busy", code="concurrent_update")


def _delete_sign_in(person: Employee, subject: str | None) -> None:
    if cognito.pool_id() is None:
        return
    account = cognito.find(subject=subject, email=person.email)
    if account is not None:
        cognito.delete(account)


def _pending_writes(employee_id: str) -> list[Write]:
    """A termination scheduled for later and a leaver's points expiry waiting: nothing left to do."""
    writes = []
    if leaving_sk := deactivations.scheduled_leaving_sk(employee_id):
        writes += deactivations.unschedule_writes(employee_id, leaving_sk)
    if marker_sk := deactivations.pending_marker_sk(employee_id):
        writes += deactivations.clear_writes(employee_id, marker_sk)
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
    """The personal values the trail keeps outside its chain, and the kudos texts (idempotent)."""
    for key in trail_store.entries_about(employee_id):
        trail_store.forget_personal(key)
    erasures.redact_kudos(erasures.kudos_involving(employee_id), now())
