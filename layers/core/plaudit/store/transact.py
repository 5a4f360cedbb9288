"""One atomic TransactWriteItems, with the reason each labelled item was refused.

Every item a transaction creates carries the correlation id of the request that created it (the attribute
`correlation_id`, plaudit.integrations.correlation): a Put writes it, an Update writes it if the item has
none yet, so an item keeps its creator's (a trail entry's own, which its hash covers, is never changed). The
table's stream hands it to the consumers, which log under it. Bookkeeping only: no key, no model field.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from plaudit.integrations import correlation
from plaudit.store.client import dynamodb, table_name
from plaudit.store.codec import to_item

MAX_ITEMS = 100


@dataclass(frozen=True)
class Write:
    label: str  # e.g. "recognition", "wallet:E1", "cap:E2": how the service refers to the item
    operation: dict[
        str, Any
    ]  # {"Put": {...}} | {"Update": {...}} | {"ConditionCheck": {...}} | {"Delete": {...}}


class WriteRefused(Exception):
    """The transaction was cancelled. `reasons` maps each refused label to DynamoDB's code."""

    def __init__(self, reasons: dict[str, str]):
        super().__init__(", ".join(f"{label}: {code}" for label, code in reasons.items()))
        self.reasons = reasons

    def refused(self, label: str) -> bool:
        return self.reasons.get(label) == "ConditionalCheckFailed"

    def refused_any(self, prefix: str) -> bool:
        return any(
            label.startswith(prefix) and code == "ConditionalCheckFailed"
            for label, code in self.reasons.items()
        )

    @property
    def contended(self) -> bool:
        """Another transaction touched the same items at the same time: worth retrying as is."""
        return any(code == "TransactionConflict" for code in self.reasons.values())


def put_new(label: str, values: dict[str, Any]) -> Write:
    """A put that fails if the item exists: ids derived from idempotency keys make it a replay guard."""
    item = {
        "TableName": table_name(),
        "Item": to_item(values),
        "ConditionExpression": "attribute_not_exists(PK)",
    }
    return Write(label, {"Put": item})


def write_all(writes: Sequence[Write]) -> None:
    if len(writes) > MAX_ITEMS:
        raise ValueError(f"a transaction holds at most {MAX_ITEMS} items, got {len(writes)}")
    cid = correlation.current()
    items = [_stamped(write.operation, cid) if cid else write.operation for write in writes]
    try:
        dynamodb().transact_write_items(TransactItems=items)
    except ClientError as error:
        if error.response["Error"]["Code"] != "TransactionCanceledException":
            raise
        codes = [reason.get("Code", "None") for reason in error.response.get("CancellationReasons", [])]
        raise WriteRefused(
            {
                write.label: code
                for write, code in zip(writes, codes, strict=False)
                if code not in ("None", None)
            }
        ) from error


_SET = re.compile(r"(?<![#:\w])SET\s", re.IGNORECASE)
_NAME, _VALUE = "#plaudit_cid", ":plaudit_cid"


def _stamped(operation: dict[str, Any], cid: str) -> dict[str, Any]:
    """`operation` with the correlation id written too (a Put's item; an Update's SET, if the item has
    none); others as they are."""
    if put := operation.get("Put"):
        if correlation.ATTRIBUTE in put["Item"]:
            return operation
        return {"Put": put | {"Item": put["Item"] | {correlation.ATTRIBUTE: {"S": cid}}}}
    if update := operation.get("Update"):
        expression = update["UpdateExpression"]
        assignment = f"{_NAME} = if_not_exists({_NAME}, {_VALUE})"
        match = _SET.search(expression)
        if match:
            expression = f"{expression[: match.end()]}{assignment}, {expression[match.end() :]}"
        else:
            expression = f"{expression} SET {assignment}"
        names = update.get("ExpressionAttributeNames", {}) | {_NAME: correlation.ATTRIBUTE}
        values = update.get("ExpressionAttributeValues", {}) | {_VALUE: {"S": cid}}
        stamped = {"UpdateExpression": expression, "ExpressionAttributeNames": names}
        return {"Update": update | stamped | {"ExpressionAttributeValues": values}}
    return operation
