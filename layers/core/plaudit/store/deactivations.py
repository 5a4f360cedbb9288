"""Leavers whose points wait to expire: a marker per leaver in a partition sorted by expiry day, and a
pointer from the person to their marker so a reactivation can remove it in its own transaction. Leavers
waiting to be erased (settings.erasure.after_termination_days), kept the same way. And terminations that
take effect later, kept the same way until the scheduled run applies them."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from plaudit.store import keys
from plaudit.store.client import dynamodb, table_name
from plaudit.store.codec import from_item, to_attr, to_item
from plaudit.store.reads import get_one
from plaudit.store.transact import Write


def marker_writes(employee_id: str, deactivated_at: datetime, expires_on: date) -> list[Write]:
    """The marker and the pointer to it. Both are written and removed together, in one transaction."""
    pk, sk = keys.deactivation_marker(expires_on.isoformat(), employee_id)
    marker = {
        "PK": pk,
        "SK": sk,
        "type": "deactivation",
        "employee_id": employee_id,
        "deactivated_at": keys.iso(deactivated_at),
        "expires_on": expires_on.isoformat(),
    }
    ppk, psk = keys.deactivation_pointer(employee_id)
    pointer = {"PK": ppk, "SK": psk, "type": "deactivation_pointer", "marker_sk": sk}
    return [
        Write("deactivation", {"Put": {"TableName": table_name(), "Item": to_item(marker)}}),
        Write("deactivation_pointer", {"Put": {"TableName": table_name(), "Item": to_item(pointer)}}),
    ]


def pending_marker_sk(employee_id: str) -> str | None:
    """The sort key of the person's marker, if their points are waiting to expire."""
    item = get_one(keys.deactivation_pointer(employee_id))
    return item["marker_sk"] if item else None


def clear_writes(employee_id: str, marker_sk: str) -> list[Write]:
    """Remove the marker and its pointer (a reactivation, or a marker that expires nothing)."""
    return [
        Write(
            "deactivation",
            {
                "Delete": {
                    "TableName": table_name(),
                    "Key": keys.as_attrs((keys.DEACTIVATIONS_PARTITION, marker_sk)),
                }
            },
        ),
        _delete_pointer(employee_id),
    ]


def expiry_writes(employee_id: str, marker_sk: str) -> list[Write]:
    """What goes with the expiry's ledger writes: the person must still be deactivated, the marker must
    still be there (so a concurrent run or reactivation wins cleanly), and both marker items go."""
    return [
        Write(
            "profile",
            {
                "ConditionCheck": {
                    "TableName": table_name(),
                    "Key": keys.as_attrs(keys.employee(employee_id)),
                    "ConditionExpression": "#status = :deactivated",
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": {":deactivated": to_attr("deactivated")},
                }
            },
        ),
        Write(
            "deactivation",
            {
                "Delete": {
                    "TableName": table_name(),
                    "Key": keys.as_attrs((keys.DEACTIVATIONS_PARTITION, marker_sk)),
                    "ConditionExpression": "attribute_exists(PK)",
                }
            },
        ),
        _delete_pointer(employee_id),
    ]


def erasure_marker_writes(employee_id: str, deactivated_at: datetime, erase_on: date) -> list[Write]:
    """The leaver's erasure marker and the pointer to it, written with the save that deactivates them."""
    pk, sk = keys.erasure_due(erase_on.isoformat(), employee_id)
    marker = {
        "PK": pk,
        "SK": sk,
        "type": "erasure_due",
        "employee_id": employee_id,
        "deactivated_at": keys.iso(deactivated_at),
        "erase_on": erase_on.isoformat(),
    }
    ppk, psk = keys.erasure_due_pointer(employee_id)
    pointer = {"PK": ppk, "SK": psk, "type": "erasure_due_pointer", "marker_sk": sk}
    return [
        Write("erasure_due", {"Put": {"TableName": table_name(), "Item": to_item(marker)}}),
        Write("erasure_due_pointer", {"Put": {"TableName": table_name(), "Item": to_item(pointer)}}),
    ]


def pending_erasure_sk(employee_id: str) -> str | None:
    """The sort key of the person's erasure marker, if they are waiting to be erased."""
    item = get_one(keys.erasure_due_pointer(employee_id))
    return item["marker_sk"] if item else None


def clear_erasure_writes(employee_id: str, marker_sk: str) -> list[Write]:
    """Remove the erasure marker and its pointer (a reactivation, or the erasure done)."""
    return [
        Write(
            "erasure_due",
            {
                "Delete": {
                    "TableName": table_name(),
                    "Key": keys.as_attrs((keys.ERASURES_DUE_PARTITION, marker_sk)),
                }
            },
        ),
        Write(
            "erasure_due_pointer",
            {
                "Delete": {
                    "TableName": table_name(),
                    "Key": keys.as_attrs(keys.erasure_due_pointer(employee_id)),
                }
            },
        ),
    ]


@dataclass(frozen=True)
class DueMarker:
    """A leaver whose points are due to expire (or who is due to be erased); `marker_sk` names the marker
    (clear_writes, expiry_writes; clear_erasure_writes)."""

    employee_id: str
    marker_sk: str
    deactivated_at: str


def due_markers(through: date) -> Iterator[list[DueMarker]]:
    """Pages of markers expiring on or before `through`, oldest first (reads only those)."""
    for page in _before(keys.DEACTIVATIONS_PARTITION, (through + timedelta(days=1)).isoformat()):
        yield [DueMarker(item["employee_id"], item["SK"], item["deactivated_at"]) for item in page]


def due_erasures(through: date) -> Iterator[list[DueMarker]]:
    """Pages of erasure markers due on or before `through`, oldest first (reads only those)."""
    for page in _before(keys.ERASURES_DUE_PARTITION, (through + timedelta(days=1)).isoformat()):
        yield [DueMarker(item["employee_id"], item["SK"], item["deactivated_at"]) for item in page]


def leaving_writes(
    employee_id: str, effective_at: datetime, effective_on: date, replaces_sk: str | None
) -> list[Write]:
    """Schedule a termination (replacing the person's earlier one, if any)."""
    pk, sk = keys.leaving(effective_at, employee_id)
    item = {
        "PK": pk,
        "SK": sk,
        "type": "scheduled_termination",
        "employee_id": employee_id,
        "effective_on": effective_on.isoformat(),
        "effective_at": keys.iso(effective_at),
    }
    ppk, psk = keys.leaving_pointer(employee_id)
    pointer = {"PK": ppk, "SK": psk, "type": "leaving_pointer", "leaving_sk": sk}
    writes = [
        Write("leaving", {"Put": {"TableName": table_name(), "Item": to_item(item)}}),
        Write("leaving_pointer", {"Put": {"TableName": table_name(), "Item": to_item(pointer)}}),
    ]
    if replaces_sk and replaces_sk != sk:
        old_key = keys.as_attrs((keys.LEAVING_PARTITION, replaces_sk))
        writes.append(Write("old_leaving", {"Delete": {"TableName": table_name(), "Key": old_key}}))
    return writes


def leaving_sk(effective_at: datetime, employee_id: str) -> str:
    return keys.leaving(effective_at, employee_id)[1]


def scheduled_leaving_sk(employee_id: str) -> str | None:
    item = get_one(keys.leaving_pointer(employee_id))
    return item["leaving_sk"] if item else None


def unschedule_writes(employee_id: str, leaving_sk: str) -> list[Write]:
    return [
        Write(
            "leaving",
            {
                "Delete": {
                    "TableName": table_name(),
                    "Key": keys.as_attrs((keys.LEAVING_PARTITION, leaving_sk)),
                }
            },
        ),
        Write(
            "leaving_pointer",
            {"Delete": {"TableName": table_name(), "Key": keys.as_attrs(keys.leaving_pointer(employee_id))}},
        ),
    ]


@dataclass(frozen=True)
class DueLeaving:
    """A scheduled termination in effect; `leaving_sk` names it (unschedule_writes)."""

    employee_id: str
    leaving_sk: str


def due_leavers(at: datetime) -> Iterator[list[DueLeaving]]:
    """Pages of scheduled terminations in effect by `at`."""
    for page in _before(keys.LEAVING_PARTITION, keys.iso(at) + "$"):  # "$" sorts right after "#"
        yield [DueLeaving(item["employee_id"], item["SK"]) for item in page]


def _before(partition: str, end: str, page_size: int = 50) -> Iterator[list[dict[str, Any]]]:
    """Pages of a partition's items whose sort key is below `end`, in order."""
    params: dict[str, Any] = {
        "TableName": table_name(),
        "KeyConditionExpression": "PK = :pk AND SK < :end",
        "ExpressionAttributeValues": {":pk": to_attr(partition), ":end": to_attr(end)},
        "ConsistentRead": True,
        "Limit": page_size,
    }
    while True:
        response = dynamodb().query(**params)
        if response["Items"]:
            yield [from_item(item) for item in response["Items"]]
        if "LastEvaluatedKey" not in response:
            return
        params["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def _delete_pointer(employee_id: str) -> Write:
    return Write(
        "deactivation_pointer",
        {"Delete": {"TableName": table_name(), "Key": keys.as_attrs(keys.deactivation_pointer(employee_id))}},
    )
