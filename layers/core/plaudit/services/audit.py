"""Prove the ledger: reads every journal entry, ledger line and wallet."""

from plaudit.domain.audit import AuditReport, audit
from plaudit.store.audit import scan_ledger


def audit_ledger() -> AuditReport:
    entries, wallets, lines = scan_ledger()
    return audit(entries, wallets, lines)
