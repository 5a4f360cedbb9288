"""The daily points-expiry run (settings.points_expiry_months; off by default): for each active person
with points, what is older than the cutoff expires to `org:forfeited` through the ledger, in a
POINTS_EXPIRY transaction whose id derives from the person and the day (a rerun never expires twice), and
a person whose points will expire within 30 days unless spent is told once for that month (a
points_reminder item the notifier DMs). Leavers are the deactivation policy's (services/deactivation.py).
Reads per person: their wallet (in batches) and, only when they have points, their ledger lines since the
cutoff."""

from datetime import UTC, date, datetime, timedelta

from plaudit.domain.ids import derived_id
from plaudit.domain.ledger import ORG_FORFEITED, Balance, Posting, Transaction, TxnKind, employee_account
from plaudit.domain.model import Model
from plaudit.domain.points_expiry import NOTICE_DAYS, cutoff, expiring, notice_cutoff
from plaudit.domain.recognition import WalletChange
from plaudit.store import employees as employee_store
from plaudit.store import points_expiry as store
from plaudit.store.employees import employee_from
from plaudit.store.ledger import transaction_writes, wallet_write
from plaudit.store.snapshots import load
from plaudit.store.transact import WriteRefused, write_all

PAGE = 100


class PointsExpiryRun(Model):
    day: date | None = None  # None: off, or today's run was done already
    people_checked: int = 0
    expired_people: int = 0
    points_expired: int = 0
    reminders: int = 0
    skipped: int = 0  # a wallet changed while we wrote: the next run sees it
    items_read: int = 0


def run_due(at: datetime) -> PointsExpiryRun:
    """Today's run, once (the hourly schedule calls it every hour; after its first full pass of the day,
    it only reads the day's mark)."""
    months = load(settings=True).settings().points_expiry_months
    day = at.astimezone(UTC).date()
    if months is None or store.day_done(day):
        return PointsExpiryRun()
    run = PointsExpiryRun(day=day, items_read=2)
    old, later = cutoff(day, months), notice_cutoff(day, months)
    cursor: str | None = None
    while True:
        page = employee_store.list_employees(limit=PAGE, cursor=cursor)
        people = [p for p in (employee_from(item) for item in page.items) if p is not None and p.active]
        wallets = load(wallets=[p.id for p in people])
        run.items_read += len(page.items) + len(people)
        for person in people:
            points = wallets.wallet(person.id).points
            if points > 0:
                _settle(person.id, points, day, old, later, at, run)
        cursor = page.cursor
        if cursor is None:
            break
    figures = run.model_dump(include={"people_checked", "points_expired", "reminders"})
    write_all([store.day_done_write(day, at, figures)])
    return run


def _settle(
    employee_id: str,
    points: int,
    day: date,
    old: datetime,
    later: datetime,
    at: datetime,
    run: PointsExpiryRun,
) -> None:
    received, received_later, read = store.received_since(employee_id, old, later)
    run.people_checked += 1
    run.items_read += read
    now_due = expiring(points, received)
    soon = expiring(points, received_later) - now_due
    if now_due:
        txn = Transaction(
            derived_id("txn", TxnKind.POINTS_EXPIRY.value, "aged", employee_id, day.isoformat()),
            TxnKind.POINTS_EXPIRY,
            at,
            (
                Posting(employee_account(employee_id, Balance.POINTS), -now_due, "points expired with age"),
                Posting(ORG_FORFEITED, now_due, f"points of {employee_id} expired with age"),
            ),
            {"employee_id": employee_id, "received_before": old.isoformat()},
        )
        writes = [
            *transaction_writes(txn),
            wallet_write(WalletChange(employee_id, points_delta=-now_due), at),
        ]
        try:
            write_all(writes)
        except WriteRefused:  # spent meanwhile, or expired by a rerun already
            run.skipped += 1
        else:
            run.expired_people += 1
            run.points_expired += now_due
    if soon:
        try:
            write_all([store.reminder_write(employee_id, day + timedelta(days=NOTICE_DAYS), soon, at)])
        except WriteRefused:  # told of that month already
            return
        run.reminders += 1
