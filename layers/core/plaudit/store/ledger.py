"""Ledger transactions, per-person ledger lines and wallets, written atomically."""

from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from plaudit.domain.ledger import Transaction, parse_budget_account, parse_employee_account
from plaudit.domain.recognition import WalletChange
from plaudit.domain.wallets import Wallet
from plaudit.store import keys
from plaudit.store.client import dynamodb, table_name
from plaudit.store.codec import to_attr
from plaudit.store.reads import Page, query_page
from plaudit.store.transact import Write, put_new


def journal_label(txn_id: str) -> str:
    """The label of a transaction's journal put (refused: its id exists)."""
    return f"txn:{txn_id}"


def wallet_from(item: dict[str, Any] | None, employee_id: str) -> Wallet:
    if item is None:
        return Wallet(employee_id)
    return Wallet(
        employee_id=employee_id,
        points=item.get("points", 0),
        allowance_period=item.get("allowance_period"),
        allowance_remaining=item.get("allowance_remaining", 0),
        allowance_granted=item.get("allowance_granted", 0),
        version=item.get("version", 0),
    )


def transaction_writes(txn: Transaction) -> list[Write]:
    """The journal entry (written once: its id is the idempotency guard) and a line per employee or
    budget posting."""
    pk, sk = keys.transaction(txn.id)
    journal = {
        "PK": pk,
        "SK": sk,
        "type": "txn",
        "id": txn.id,
        "kind": txn.kind.value,
        "at": keys.iso(txn.at),
        "postings": [{"account": p.account, "amount": p.amount, "memo": p.memo} for p in txn.postings],
        "ref": txn.ref or None,
        "GSI1PK": keys.ledger_day(txn.at.astimezone(UTC).date()),
        "GSI1SK": keys.ledger_day_sort(txn.at, txn.id),
    }
    writes = [put_new(journal_label(txn.id), journal)]
    for index, posting in enumerate(txn.postings):
        line = {
            "type": "ledger_line",
            "txn_id": txn.id,
            "kind": txn.kind.value,
            "amount": posting.amount,
            "memo": posting.memo,
            "at": keys.iso(txn.at),
            "ref": txn.ref or None,
        }
        if owner := parse_employee_account(posting.account):
            employee_id, balance = owner
            pk, sk = keys.ledger_line(employee_id, txn.at, txn.id, index)
            line |= {"employee_id": employee_id, "balance": balance.value}
            writes.append(put_new(f"line:{employee_id}:{index}", {"PK": pk, "SK": sk} | line))
        elif budget_id := parse_budget_account(posting.account):
            pk, sk = keys.budget_ledger_line(budget_id, txn.at, txn.id, index)
            line |= {"budget_id": budget_id, "balance": "budget"}
            writes.append(put_new(f"line:budget:{budget_id}:{index}", {"PK": pk, "SK": sk} | line))
    return writes


def wallet_write(change: WalletChange, now: datetime) -> Write:
    """A conditional update: no balance may go below zero, and a rollover must replace what was read."""
    sets = ["#type = :type", "employee_id = :eid", "updated_at = :now"]
    adds: list[str] = ["version :one"]
    conditions: list[str] = []
    values: dict[str, Any] = {":type": "wallet", ":eid": change.employee_id, ":now": keys.iso(now), ":one": 1}
    if change.points_delta:
        adds.append("points :pd")
        values[":pd"] = change.points_delta
        if change.points_delta < 0:
            conditions.append("points >= :pneed")
            values[":pneed"] = -change.points_delta
    if change.resets_from is not None:
        old = change.resets_from
        sets += ["allowance_period = :period", "allowance_remaining = :after", "allowance_granted = :granted"]
        values[":granted"] = change.granted
        values[":period"] = change.period
        values[":after"] = old.allowance_remaining + change.allowance_delta
        if old.allowance_period is None:
            conditions.append("attribute_not_exists(allowance_period)")
        else:
            conditions.append("allowance_period = :old_period AND allowance_remaining = :old_remaining")
            values[":old_period"] = old.allowance_period
            values[":old_remaining"] = old.allowance_remaining
    elif change.allowance_delta:
        adds.append("allowance_remaining :ad")
        values[":ad"] = change.allowance_delta
        conditions.append("allowance_period = :period")
        values[":period"] = change.period
        if change.allowance_delta < 0:
            conditions.append("allowance_remaining >= :aneed")
            values[":aneed"] = -change.allowance_delta
    expression = "SET " + ", ".join(sets) + " ADD " + ", ".join(adds)
    update: dict[str, Any] = {
        "TableName": table_name(),
        "Key": keys.as_attrs(keys.wallet(change.employee_id)),
        "UpdateExpression": expression,
        "ExpressionAttributeNames": {"#type": "type"},
        "ExpressionAttributeValues": {name: to_attr(value) for name, value in values.items()},
    }
    if conditions:
        update["ConditionExpression"] = " AND ".join(conditions)
    return Write(f"wallet:{change.employee_id}", {"Update": update})


def ledger_page(employee_id: str, *, limit: int, cursor: str | None) -> Page:
    return query_page(
        keys.employee(employee_id)[0],
        sort_prefix=keys.LEDGER_PREFIX,
        limit=limit,
        cursor=cursor,
        newest_first=True,
    )


# -- the by-day index of transactions (GSI1 TXNS#<day>), for transactions written before it existed ----


def unindexed_transactions() -> list[tuple[str, datetime]]:
    """(id, at) of every transaction without its by-day index entry (a scan: the back-fill's only)."""
    paginator = dynamodb().get_paginator("scan")
    pages = paginator.paginate(
        TableName=table_name(),
        FilterExpression="#type = :txn AND attribute_not_exists(GSI1PK)",
        ProjectionExpression="id, #at",
        ExpressionAttributeNames={"#type": "type", "#at": "at"},
        ExpressionAttributeValues={":txn": {"S": "txn"}},
    )
    return [
        (item["id"]["S"], datetime.fromisoformat(item["at"]["S"])) for page in pages for item in page["Items"]
    ]


def index_by_day(txn_id: str, at: datetime) -> bool:
    """Give the transaction its by-day index entry, as transaction_writes does for new ones; False when it
    has one already (a back-fill run twice, or side by side)."""
    day_key = {
        ":day": {"S": keys.ledger_day(at.astimezone(UTC).date())},
        ":sort": {"S": keys.ledger_day_sort(at, txn_id)},
    }
    try:
        dynamodb().update_item(
            TableName=table_name(),
            Key=keys.as_attrs(keys.transaction(txn_id)),
            UpdateExpression="SET GSI1PK = :day, GSI1SK = :sort",
            ConditionExpression="attribute_exists(PK) AND attribute_not_exists(GSI1PK)",
            ExpressionAttributeValues=day_key,
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise
    return True
