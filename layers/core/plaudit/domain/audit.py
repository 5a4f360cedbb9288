"""The ledger audit: postings balance, stored balances equal their postings, nothing is negative."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from plaudit.domain.ledger import (
    Balance,
    Posting,
    budget_account,
    employee_account,
    hold_account,
    parse_budget_account,
    parse_employee_account,
    parse_hold_account,
)
from plaudit.domain.wallets import Wallet


@dataclass(frozen=True)
class JournalEntry:
    """A transaction as stored, not re-validated, so that an unbalanced one can be seen."""

    id: str
    postings: tuple[Posting, ...]


@dataclass(frozen=True)
class HeldPoints:
    """What a redemption's hold account must hold: its points while it holds them, 0 once settled or
    refunded."""

    points: int
    holding: bool

    @property
    def expected(self) -> int:
        return self.points if self.holding else 0


@dataclass(frozen=True)
class AuditReport:
    transactions: int
    postings: int
    accounts: int
    breaches: list[str]

    @property
    def ok(self) -> bool:
        return not self.breaches


def audit(
    entries: Iterable[JournalEntry],
    wallets: Mapping[str, Wallet],
    lines: Iterable[Mapping[str, Any]],
    budgets: Mapping[str, int] | None = None,
    holds: Mapping[str, HeldPoints] | None = None,
) -> AuditReport:
    """`budgets` maps each budget id to its stored balance, `holds` each redemption id to what its hold
    account must hold (None: hold accounts are not checked)."""
    budgets = budgets or {}
    breaches: list[str] = []
    sums: dict[str, int] = {}
    expected_lines: dict[tuple[str, str], int] = {}
    n_entries = n_postings = 0
    for entry in entries:
        n_entries += 1
        n_postings += len(entry.postings)
        total = sum(p.amount for p in entry.postings)
        if total != 0:
            breaches.append(f"transaction {entry.id}: postings sum to {total}, not 0")
        for posting in entry.postings:
            sums[posting.account] = sums.get(posting.account, 0) + posting.amount
            if parse_employee_account(posting.account) or parse_budget_account(posting.account):
                key = (entry.id, posting.account)
                expected_lines[key] = expected_lines.get(key, 0) + posting.amount
    found_lines: dict[tuple[str, str], int] = {}
    for line in lines:
        key = (line["txn_id"], _line_account(line))
        found_lines[key] = found_lines.get(key, 0) + line["amount"]
    for key in sorted(set(expected_lines) | set(found_lines)):
        if expected_lines.get(key, 0) != found_lines.get(key, 0):
            breaches.append(
                f"ledger lines of {key[1]} in {key[0]} total {found_lines.get(key, 0)}, "
                f"postings say {expected_lines.get(key, 0)}"
            )
    employees = {owner[0] for account in sums if (owner := parse_employee_account(account))} | set(wallets)
    for employee_id in sorted(employees):
        wallet = wallets.get(employee_id, Wallet(employee_id))
        for balance, stored in (
            (Balance.POINTS, wallet.points),
            (Balance.ALLOWANCE, wallet.allowance_remaining),
        ):
            account = employee_account(employee_id, balance)
            posted = sums.get(account, 0)
            if stored != posted:
                breaches.append(f"{account}: stored balance {stored} but postings sum to {posted}")
            if stored < 0:
                breaches.append(f"{account}: negative balance {stored}")
    held = {budget_id for account in sums if (budget_id := parse_budget_account(account))} | set(budgets)
    for budget_id in sorted(held):
        account, stored = budget_account(budget_id), budgets.get(budget_id, 0)
        posted = sums.get(account, 0)
        if stored != posted:
            breaches.append(f"{account}: stored balance {stored} but postings sum to {posted}")
        if stored < 0:
            breaches.append(f"{account}: negative balance {stored}")
    if holds is not None:
        breaches += _hold_breaches(sums, holds)
    return AuditReport(n_entries, n_postings, len(sums), breaches)


def _hold_breaches(sums: Mapping[str, int], holds: Mapping[str, HeldPoints]) -> list[str]:
    """Each hold account never negative, and holding exactly its redemption's points until it is settled
    or refunded, nothing after."""
    breaches = []
    redemption_ids = {rid for account in sums if (rid := parse_hold_account(account))} | set(holds)
    for redemption_id in sorted(redemption_ids):
        account = hold_account(redemption_id)
        posted = sums.get(account, 0)
        if posted < 0:
            breaches.append(f"{account}: postings sum to {posted}, below 0")
        held = holds.get(redemption_id)
        if held is None:
            if posted:
                breaches.append(f"{account}: holds {posted} points but there is no such redemption")
        elif posted != held.expected:
            state = "while held" if held.holding else "after settlement or refund"
            breaches.append(f"{account}: postings sum to {posted}, but {held.expected} {state}")
    return breaches


def _line_account(line: Mapping[str, Any]) -> str:
    if "budget_id" in line:
        return budget_account(line["budget_id"])
    return employee_account(line["employee_id"], Balance(line["balance"]))
