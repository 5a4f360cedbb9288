"""DynamoDB request units of the calls a client sends, as on-demand billing counts them, from each call's
own parameters and response (moto returns no ConsumedCapacity worth trusting).

Rules (https://aws.amazon.com/dynamodb/pricing/on-demand/): a write is one write request unit per KB of
the item written (rounded up), a read one read request unit per 4 KB read (rounded up; half for an
eventually consistent read), both doubled inside a transaction. A Query is charged for the size of what it
reads, at least one unit; a BatchGetItem as one read per key. A put item carrying a GSI's key attributes is
written to that index too (one more write of its size: the indexes project everything). What the response
does not show is estimated, conservatively: an UpdateItem or DeleteItem is one unit (Plaudit's updated items
are counters, balances and markers, well under 1 KB), a ConditionCheck one unit (two in a transaction).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

WRITE_UNIT = 1024
READ_UNIT = 4096
GSI_KEY = re.compile(r"^GSI\d+PK$")


@dataclass
class Units:
    read: float = 0.0
    write: float = 0.0
    bytes_written: int = 0

    def add(self, other: Units) -> None:
        self.read += other.read
        self.write += other.write
        self.bytes_written += other.bytes_written


def attribute_size(value: dict[str, Any]) -> int:
    """An attribute value's size as DynamoDB counts it (strings and binaries by length, numbers by digits,
    lists and maps 3 bytes plus their elements)."""
    [(kind, inner)] = value.items()
    if kind in ("S", "N"):
        return len(str(inner).encode())
    if kind == "B":
        return len(inner)
    if kind in ("SS", "NS", "BS"):
        return sum(len(element if isinstance(element, bytes) else str(element).encode()) for element in inner)
    if kind == "L":
        return 3 + sum(1 + attribute_size(element) for element in inner)
    if kind == "M":
        return 3 + sum(len(name.encode()) + 1 + attribute_size(element) for name, element in inner.items())
    return 1  # BOOL, NULL


def item_size(item: dict[str, Any]) -> int:
    return sum(len(name.encode()) + attribute_size(value) for name, value in item.items())


def _put(item: dict[str, Any], factor: int) -> Units:
    size = item_size(item)
    copies = 1 + sum(1 for name in item if GSI_KEY.match(name))
    return Units(write=factor * copies * math.ceil(size / WRITE_UNIT), bytes_written=copies * size)


def _read(size: int, consistent: bool, factor: float = 1.0) -> float:
    units = max(1, math.ceil(size / READ_UNIT))
    return factor * (units if consistent else units / 2)


def units_of(operation: str, params: dict[str, Any], parsed: dict[str, Any]) -> Units:
    """The request units of one call: `params` as sent, `parsed` the response."""
    consistent = bool(params.get("ConsistentRead"))
    if operation == "PutItem":
        return _put(params["Item"], 1)
    if operation in ("UpdateItem", "DeleteItem"):
        return Units(write=1)
    if operation == "TransactWriteItems":
        total = Units()
        for entry in params["TransactItems"]:
            total.add(_put(entry["Put"]["Item"], 2) if "Put" in entry else Units(write=2))
        return total
    if operation == "BatchWriteItem":
        total = Units()
        for requests in params["RequestItems"].values():
            for request in requests:
                total.add(
                    _put(request["PutRequest"]["Item"], 1) if "PutRequest" in request else Units(write=1)
                )
        return total
    if operation == "GetItem":
        return Units(read=_read(item_size(parsed.get("Item") or {}), consistent))
    if operation in ("Query", "Scan"):
        return Units(read=_read(sum(item_size(item) for item in parsed.get("Items", [])), consistent))
    if operation == "BatchGetItem":
        found = [item for items in parsed.get("Responses", {}).values() for item in items]
        keys = sum(len(table["Keys"]) for table in params["RequestItems"].values())
        eventual = not all(table.get("ConsistentRead") for table in params["RequestItems"].values())
        read = sum(_read(item_size(item), not eventual) for item in found)
        return Units(read=read + _read(0, not eventual) * (keys - len(found)))
    if operation == "TransactGetItems":
        items = [response.get("Item") or {} for response in parsed.get("Responses", [])]
        return Units(read=sum(_read(item_size(item), True, 2) for item in items))
    return Units()  # DescribeTable and the like: not billed as requests
