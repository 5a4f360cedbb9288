"""The administrative trail's items: one entry per administrative transaction, keyed by its sequence number in
the organisation's one partition, and the per-person records of the personal values a diff held.

An entry is appended by one conditional Put (`attribute_not_exists`) at the seq after the head: two acts that
read the same head cannot both land, the loser is refused under LABEL and appends again after the new head.
"""

import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from boto3.dynamodb.conditions import Attr, ConditionBase

from plaudit.domain.trail import Link, canonical
from plaudit.store import keys
from plaudit.store.client import dynamodb, table_name
from plaudit.store.codec import from_item, to_item
from plaudit.store.reads import Page, get_one, query_page
from plaudit.store.transact import Write

LABEL = "audit"


def head() -> Link | None:
    """The newest entry's seq and hash (None: the trail is empty): one strongly consistent Query."""
    response = dynamodb().query(
        TableName=table_name(),
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": keys.AUDIT_PARTITION}},
        ScanIndexForward=False,
        Limit=1,
        ConsistentRead=True,
        ProjectionExpression="seq, prev_hash, #hash",
        ExpressionAttributeNames={"#hash": "hash"},
    )
    if not response["Items"]:
        return None
    item = from_item(response["Items"][0])
    return Link(item["seq"], item["prev_hash"], item["hash"])


def append_writes(entry: Mapping[str, Any], personal: Mapping[str, Mapping[str, Any]]) -> list[Write]:
    """The entry (refused under LABEL if its seq is taken) and, per person, the personal values its diff
    held. `entry` is the chained fields and its hash; `personal` maps employee id -> path -> before/after."""
    pk, sk = keys.audit_entry(entry["seq"])
    values = {
        **entry,
        "PK": pk,
        "SK": sk,
        "type": "audit_entry",
        "changes": canonical(entry["changes"]),
        "personal_of": sorted(personal) or None,
    }
    writes = [
        Write(
            LABEL,
            {
                "Put": {
                    "TableName": table_name(),
                    "Item": to_item(values),
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
        )
    ]
    for employee_id, changes in sorted(personal.items()):
        ppk, psk = keys.audit_personal(employee_id, entry["seq"])
        record = {
            "PK": ppk,
            "SK": psk,
            "type": "audit_personal",
            "seq": entry["seq"],
            "employee_id": employee_id,
            "changes": canonical(changes),
        }
        writes.append(
            Write(
                f"audit_personal:{employee_id}", {"Put": {"TableName": table_name(), "Item": to_item(record)}}
            )
        )
    return writes


def entry_from(item: dict[str, Any]) -> dict[str, Any]:
    """An entry as written: its chained fields (changes parsed back), its hash, whose personal records
    it has."""
    entry = {name: value for name, value in item.items() if name not in ("PK", "SK", "type")}
    entry["changes"] = (
        json.loads(entry["changes"]) if isinstance(entry.get("changes"), str) else entry.get("changes")
    )
    entry["personal_of"] = entry.get("personal_of") or []
    return entry


def all_entries() -> Iterator[dict[str, Any]]:
    """Every entry in seq order (for the verification: reads the whole trail)."""
    paginator = dynamodb().get_paginator("query")
    pages = paginator.paginate(
        TableName=table_name(),
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": keys.AUDIT_PARTITION}},
        ConsistentRead=True,
    )
    for page in pages:
        for item in page["Items"]:
            yield entry_from(from_item(item))


def entries_page(
    *,
    actor: str | None,
    action: str | None,
    target: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    cursor: str | None,
) -> Page:
    """Newest first, the entries among the `limit` read that pass the filters (`until` exclusive)."""
    filters: list[ConditionBase] = []
    if actor:
        filters.append(Attr("actor").eq(actor))
    if action:
        filters.append(Attr("action").eq(action))
    if target:
        filters.append(Attr("target").eq(target))
    if since:
        filters.append(Attr("at").gte(keys.iso(since)))
    if until:
        filters.append(Attr("at").lt(keys.iso(until)))
    combined = None
    for condition in filters:
        combined = condition if combined is None else combined & condition
    page = query_page(keys.AUDIT_PARTITION, limit=limit, cursor=cursor, newest_first=True, filter=combined)
    return Page([entry_from(item) for item in page.items], page.cursor)


def personal_record(employee_id: str, seq: int) -> dict[str, Any] | None:
    item = get_one(keys.audit_personal(employee_id, seq))
    if item is None:
        return None
    return json.loads(item["changes"])
