"""Double-entry ledger: every movement is a transaction whose postings sum to zero.

Accounts are named `emp:<id>:points`, `emp:<id>:allowance` (an employee's balances, never negative)
`budget:<id>` (a budget's unspent points, never negative) and `org:<name>` (sources and sinks the
organisation holds, e.g. `org:allowance` that issues allowance, `org:funding` that funds budgets,
`org:forfeited` that takes back the points of people who left, `org:redeemed` where spent points end),
and `hold:<redemption id>` (points held for a redemption until it is fulfilled or refunded; never negative).
"""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

ORG_ALLOWANCE = "org:allowance"
ORG_FUNDING = "org:funding"
ORG_FORFEITED = "org:forfeited"
ORG_REDEEMED = "org:redeemed"


class Balance(StrEnum):
    POINTS = "points"
    ALLOWANCE = "allowance"


class TxnKind(StrEnum):
    KUDOS = "kudos"
    ADD_ON = "add_on"
    REACTION_UNDO = "reaction_undo"
    ALLOWANCE_ROLLOVER = "allowance_rollover"
    BUDGET_TOP_UP = "budget_top_up"
    BUDGET_WITHDRAWAL = "budget_withdrawal"
    MILESTONE_AWARD = "milestone_award"
    POINTS_EXPIRY = "points_expiry"
    REDEMPTION_HOLD = "redemption_hold"
    REDEMPTION_SETTLE = "redemption_settle"
    REDEMPTION_REFUND = "redemption_refund"
    CORRECTION = "correction"  # HR takes back points paid in error or for a kudos that broke the rules


def employee_account(employee_id: str, balance: Balance) -> str:
    return f"emp:{employee_id}:{balance}"


def parse_employee_account(account: str) -> tuple[str, Balance] | None:
    """(employee id, balance) for an employee account, None for an organisation account."""
    kind, _, rest = account.partition(":")
    if kind != "emp":
        return None
    employee_id, _, balance = rest.rpartition(":")
    return employee_id, Balance(balance)


def budget_account(budget_id: str) -> str:
    return f"budget:{budget_id}"


def hold_account(redemption_id: str) -> str:
    return f"hold:{redemption_id}"


def parse_hold_account(account: str) -> str | None:
    """The redemption id of a hold account, None for any other account."""
    kind, _, redemption_id = account.partition(":")
    return redemption_id if kind == "hold" else None


def parse_budget_account(account: str) -> str | None:
    """The budget id of a budget account, None for any other account."""
    kind, _, budget_id = account.partition(":")
    return budget_id if kind == "budget" else None


class UnbalancedTransaction(ValueError):
    pass


@dataclass(frozen=True)
class Posting:
    account: str
    amount: int  # positive credits the account's balance, negative debits it
    memo: str = ""


@dataclass(frozen=True)
class Transaction:
    id: str
    kind: TxnKind
    at: datetime
    postings: tuple[Posting, ...]
    ref: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.postings) < 2:
            raise UnbalancedTransaction(f"{self.id}: a transaction needs at least two postings")
        if any(posting.amount == 0 for posting in self.postings):
            raise UnbalancedTransaction(f"{self.id}: zero-amount posting")
        if sum(posting.amount for posting in self.postings) != 0:
            raise UnbalancedTransaction(f"{self.id}: postings do not sum to zero")

    def deltas(self) -> dict[str, int]:
        """Net change per account."""
        totals: dict[str, int] = {}
        for posting in self.postings:
            totals[posting.account] = totals.get(posting.account, 0) + posting.amount
        return totals
