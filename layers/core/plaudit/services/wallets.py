"""Reading a person's balances and ledger."""

from datetime import datetime
from decimal import Decimal

from plaudit.domain.access import Caller, require_wallet_access
from plaudit.domain.errors import NotFound
from plaudit.domain.model import Model
from plaudit.domain.periods import period_at
from plaudit.services.runtime import now
from plaudit.store import snapshots
from plaudit.store.ledger import ledger_page


class Allowance(Model):
    period: str
    total: int
    remaining: int
    resets_at: datetime


class CashValue(Model):
    amount: Decimal
    currency: str


class WalletView(Model):
    employee_id: str
    allowance: Allowance
    points: int
    points_value: CashValue


class LedgerLine(Model):
    at: datetime
    txn_id: str
    kind: str
    balance: str
    amount: int
    memo: str
    ref: dict[str, str] = {}


def wallet_view(caller: Caller, employee_id: str) -> WalletView:
    """One round trip: caller, person, wallet and settings are read together."""
    snap = snapshots.load(employees=[caller.employee_id, employee_id], wallets=[employee_id], settings=True)
    person = snap.employee(employee_id)
    caller = snap.identify(caller)
    if person is None:
        raise NotFound("error.employee_not_found", code="employee_not_found")
    require_wallet_access(caller, person)
    settings = snap.settings()
    wallet = snap.wallet(employee_id)
    period = period_at(now(), settings.allowance_period, settings.time_zone)
    fresh = settings.allowance_for(person, period.id)
    return WalletView(
        employee_id=employee_id,
        allowance=Allowance(
            period=period.id,
            total=wallet.granted_in(period, fresh),
            remaining=wallet.allowance_in(period, fresh) if person.active else 0,
            resets_at=period.ends_at,
        ),
        points=wallet.points,
        points_value=CashValue(
            amount=(settings.point_values[settings.currency] * wallet.points).quantize(Decimal("0.01")),
            currency=settings.currency,
        ),
    )


def ledger_view(
    caller: Caller, employee_id: str, *, limit: int, cursor: str | None
) -> tuple[list[LedgerLine], str | None]:
    snap = snapshots.load(employees=[caller.employee_id, employee_id])
    person = snap.employee(employee_id)
    caller = snap.identify(caller)
    if person is None:
        raise NotFound("error.employee_not_found", code="employee_not_found")
    require_wallet_access(caller, person)
    page = ledger_page(employee_id, limit=limit, cursor=cursor)
    return [LedgerLine.model_validate(item) for item in page.items], page.cursor
