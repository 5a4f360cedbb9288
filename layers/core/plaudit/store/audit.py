"""Reading the whole ledger for the audit (a scan: never on a request path)."""

from typing import Any

from plaudit.domain.audit import HeldPoints, JournalEntry
from plaudit.domain.ledger import Posting
from plaudit.domain.redemptions import HOLDING
from plaudit.domain.wallets import Wallet
from plaudit.store.budgets import balance_of
from plaudit.store.client import dynamodb, table_name
from plaudit.store.codec import from_item
from plaudit.store.ledger import wallet_from


def scan_ledger() -> tuple[
    list[JournalEntry], dict[str, Wallet], list[dict[str, Any]], dict[str, int], dict[str, HeldPoints]
]:
    """Every journal entry, wallet, ledger line, budget balance and redemption's held points in the table
    (for the audit: reads everything)."""
    entries: list[JournalEntry] = []
    wallets: dict[str, Wallet] = {}
    lines: list[dict[str, Any]] = []
    budgets: dict[str, int] = {}
    holds: dict[str, HeldPoints] = {}
    paginator = dynamodb().get_paginator("scan")
    pages = paginator.paginate(
        TableName=table_name(),
        FilterExpression="#type IN (:txn, :wallet, :line, :budget, :redemption)",
        ExpressionAttributeNames={"#type": "type"},
        ExpressionAttributeValues={
            ":txn": {"S": "txn"},
            ":wallet": {"S": "wallet"},
            ":line": {"S": "ledger_line"},
            ":budget": {"S": "budget"},
            ":redemption": {"S": "redemption"},
        },
    )
    for page in pages:
        for raw in page["Items"]:
            item = from_item(raw)
            if item["type"] == "txn":
                postings = tuple(
                    Posting(p["account"], p["amount"], p.get("memo", "")) for p in item["postings"]
                )
                entries.append(JournalEntry(item["id"], postings))
            elif item["type"] == "wallet":
                wallets[item["employee_id"]] = wallet_from(item, item["employee_id"])
            elif item["type"] == "budget":
                budgets[item["id"]] = balance_of(item)
            elif item["type"] == "redemption":
                holds[item["id"]] = HeldPoints(item["points"], item["status"] in HOLDING)
            else:
                lines.append(item)
    return entries, wallets, lines, budgets, holds
