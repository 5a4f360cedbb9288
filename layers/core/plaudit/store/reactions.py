"""Taking a reaction's points back: the reversing transaction, the mark on the reaction's kudos item
(`undone_at`, which makes the undo happen once) and the giver's per-recipient counter, in one write."""

from datetime import datetime
from typing import Any

from plaudit.domain.reactions import UndoPlan
from plaudit.domain.recognition import Kudos
from plaudit.store import keys
from plaudit.store.client import table_name
from plaudit.store.codec import to_attr
from plaudit.store.ledger import transaction_writes, wallet_write
from plaudit.store.transact import Write


def is_undone(item: dict[str, Any]) -> bool:
    return "undone_at" in item


def undo_writes(reaction: Kudos, plan: UndoPlan, at: datetime) -> list[Write]:
    (author_id,) = reaction.recipient_ids
    mark = {
        "TableName": table_name(),
        "Key": keys.as_attrs(keys.recognition(reaction.id)),
        "UpdateExpression": "SET undone_at = :at",
        "ConditionExpression": "attribute_exists(PK) AND attribute_not_exists(undone_at)",
        "ExpressionAttributeValues": {":at": to_attr(keys.iso(at))},
    }
    uncount = {
        "TableName": table_name(),
        "Key": keys.as_attrs(keys.recipient_cap(reaction.giver_id, author_id)),
        "UpdateExpression": "ADD given :minus",
        "ConditionExpression": "period = :period AND given >= :points",
        "ExpressionAttributeValues": {
            ":minus": to_attr(-reaction.points),
            ":points": to_attr(reaction.points),
            ":period": to_attr(plan.period_id),
        },
    }
    return [
        Write("recognition", {"Update": mark}),
        Write(f"cap:{author_id}", {"Update": uncount}),
        *(wallet_write(change, at) for change in plan.wallet_changes),
        *transaction_writes(plan.transaction),
    ]
