"""A person's two balances, and how the allowance rolls over lazily into a new period."""

from dataclasses import dataclass

from plaudit.domain.ids import derived_id
from plaudit.domain.ledger import ORG_ALLOWANCE, Balance, Posting, Transaction, TxnKind, employee_account
from plaudit.domain.periods import Period


@dataclass(frozen=True)
class Wallet:
    employee_id: str
    points: int = 0
    allowance_period: str | None = None  # the period `allowance_remaining` belongs to
    allowance_remaining: int = 0
    allowance_granted: int = 0  # what `allowance_period` started with
    version: int = 0  # bumped by every write of the wallet

    def allowance_in(self, period: Period, fresh_allowance: int) -> int:
        """What the person may still give in `period`: a stale period means a fresh allowance."""
        return self.allowance_remaining if self.allowance_period == period.id else fresh_allowance

    def granted_in(self, period: Period, fresh_allowance: int) -> int:
        """The allowance `period` started with: what was granted, or what a grant would be now."""
        return self.allowance_granted if self.allowance_period == period.id else fresh_allowance


def rollover(wallet: Wallet, period: Period, fresh_allowance: int) -> Transaction | None:
    """The ledger transaction that expires last period's allowance and grants this one's, if due.

    The wallet update that goes with it is conditional on the state read, so one state rolls over once;
    the id includes the wallet's version, so it never repeats, even if a time-zone change moves the
    current period backwards.
    """
    if wallet.allowance_period == period.id:
        return None
    account = employee_account(wallet.employee_id, Balance.ALLOWANCE)
    postings = []
    if wallet.allowance_remaining:
        postings += [
            Posting(account, -wallet.allowance_remaining, f"allowance of {wallet.allowance_period} expired"),
            Posting(ORG_ALLOWANCE, wallet.allowance_remaining, "allowance expired"),
        ]
    if fresh_allowance:
        postings += [
            Posting(ORG_ALLOWANCE, -fresh_allowance, f"allowance for {period.id}"),
            Posting(account, fresh_allowance, f"allowance for {period.id}"),
        ]
    if not postings:
        return None
    return Transaction(
        id=derived_id("txn", "rollover", wallet.employee_id, period.id, str(wallet.version)),
        kind=TxnKind.ALLOWANCE_ROLLOVER,
        at=period.starts_at,
        postings=tuple(postings),
        ref={"employee_id": wallet.employee_id, "period": period.id},
    )
