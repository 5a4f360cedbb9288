"""Leavers' points (settings.deactivation): kept, or expired through the ledger after a grace period.

When a profile goes active -> deactivated under the expire policy, the save that deactivates also writes a
marker due on `deactivation day (UTC) + grace_days`; a reactivation before then removes it in its own
save, so the points are kept. The scheduled run calls `expire_due`, which moves what is left in each due
leaver's wallet to `org:forfeited` in a POINTS_EXPIRY transaction whose id derives from the marker, so a
rerun never expires twice. The policy and grace period in force when the person leaves set the day;
the policy in force on that day decides (switched to keep meanwhile: the points are kept).

Leaving while settings.erasure.after_termination_days is set writes, in the same save, an erasure marker
due that many days later (services/erasure.erase_due erases them then); coming back before removes it.
"""

from datetime import UTC, date, datetime, timedelta

from plaudit.domain.employees import Employee
from plaudit.domain.ids import derived_id
from plaudit.domain.ledger import ORG_FORFEITED, Balance, Posting, Transaction, TxnKind, employee_account
from plaudit.domain.model import Model
from plaudit.domain.recognition import WalletChange
from plaudit.domain.settings import DeactivatedPoints, DeactivationPolicy, OrgSettings
from plaudit.store import deactivations
from plaudit.store.ledger import transaction_writes, wallet_write
from plaudit.store.snapshots import Snapshot, load
from plaudit.store.transact import Write, WriteRefused, write_all


class ExpiredPoints(Model):
    employee_id: str
    points: int
    txn_id: str | None  # None: the wallet was empty, nothing to post


class ExpiryReport(Model):
    expired: list[ExpiredPoints]
    kept: int  # due markers that expired nothing: the person is back, or the policy is now keep
    items_read: int


def profile_writes(
    previous: Employee | None, employee: Employee, settings: OrgSettings, at: datetime
) -> list[Write]:
    """What a change of status brings into the profile's own transaction: leaving under the expire
    policy starts the grace period, and with erasure after termination on, the wait for the erasure;
    coming back within them ends them (the points stay, nobody is erased)."""
    if previous is None or previous.active == employee.active:
        return []
    if not employee.active:
        writes = []
        policy = settings.deactivation
        if policy.points is DeactivatedPoints.EXPIRE:
            expires_on = _utc_day(at) + timedelta(days=policy.grace_days)
            writes += deactivations.marker_writes(employee.id, at, expires_on)
        if (days := settings.erasure.after_termination_days) is not None:
            writes += deactivations.erasure_marker_writes(
                employee.id, at, _utc_day(at) + timedelta(days=days)
            )
        return writes
    writes = []
    if marker_sk := deactivations.pending_marker_sk(employee.id):
        writes += deactivations.clear_writes(employee.id, marker_sk)
    if erasure_sk := deactivations.pending_erasure_sk(employee.id):
        writes += deactivations.clear_erasure_writes(employee.id, erasure_sk)
    return writes


def expire_due(at: datetime) -> ExpiryReport:
    """Expire the points of people whose grace period ended by `at` (reads only the due items, their
    profiles and wallets). Safe to rerun and to run concurrently. Scheduled terminations are applied by
    their own job (directory_sync.apply_due_terminations), which runs first."""
    policy = load(settings=True).settings().deactivation
    expired: list[ExpiredPoints] = []
    kept = 0
    items_read = 1
    for markers in deactivations.due_markers(_utc_day(at)):
        ids = [marker.employee_id for marker in markers]
        snap = load(employees=ids, wallets=ids)
        items_read += 3 * len(markers)  # each marker, and at most a profile and a wallet for it
        for marker in markers:
            outcome = _expire_one(marker, snap, policy, at)
            if isinstance(outcome, ExpiredPoints):
                expired.append(outcome)
            elif outcome == "kept":
                kept += 1
    return ExpiryReport(expired=expired, kept=kept, items_read=items_read)


def _expire_one(
    marker: deactivations.DueMarker, snap: Snapshot, policy: DeactivationPolicy, at: datetime
) -> ExpiredPoints | str:
    """The ExpiredPoints, "kept", or "skipped" (someone else changed it meanwhile: the next run sees)."""
    employee_id, marker_sk = marker.employee_id, marker.marker_sk
    person = snap.employee(employee_id)
    if person is None or person.active or policy.points is DeactivatedPoints.KEEP:
        try:
            write_all(deactivations.clear_writes(employee_id, marker_sk))
        except WriteRefused:
            return "skipped"
        return "kept"
    points = snap.wallet(employee_id).points
    writes = deactivations.expiry_writes(employee_id, marker_sk)
    txn_id = None
    if points > 0:
        txn_id = derived_id("txn", TxnKind.POINTS_EXPIRY.value, marker_sk)
        txn = Transaction(
            txn_id,
            TxnKind.POINTS_EXPIRY,
            at,
            (
                Posting(
                    employee_account(employee_id, Balance.POINTS), -points, "points expired after leaving"
                ),
                Posting(ORG_FORFEITED, points, f"points of {employee_id} expired after leaving"),
            ),
            {"employee_id": employee_id, "deactivated_at": marker.deactivated_at},
        )
        writes += [
            *transaction_writes(txn),
            wallet_write(WalletChange(employee_id, points_delta=-points), at),
        ]
    try:
        write_all(writes)
    except WriteRefused:
        return "skipped"
    return ExpiredPoints(employee_id=employee_id, points=points, txn_id=txn_id)


def _utc_day(at: datetime) -> date:
    return at.astimezone(UTC).date()
