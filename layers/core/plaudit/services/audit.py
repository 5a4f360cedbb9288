"""Prove the ledger: reads every journal entry, ledger line, wallet, budget and redemption (hold accounts)."""

from plaudit.domain.audit import AuditReport, audit
from plaudit.store.audit import scan_ledger


def audit_ledger() -> AuditReport:
    return audit(*scan_ledger())
