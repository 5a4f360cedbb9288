"""The administrative trail's items: one entry per administrative act in the organisation's one partition,
keyed by when it was written, and the chain's head.

An act puts its entry, unchained, in its own transaction (one item, no read). The stream's consumer links
it: one transaction sets the entry's seq, prev_hash and hash (refused under ENTRY if it is linked already,
or gone) and moves the head on (refused under HEAD if the head moved meanwhile). The personal values a diff
held ride on the entry outside the chained fields, and the entry is indexed by their person (GSI1) so that
erasure finds them.
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
from plaudit.store.reads import Page, get_one, query_all, query_page
from plaudit.store.transact import Write

ENTRY, HEAD = "audit_entry", "audit_head"


def entry_write(entry: Mapping[str, Any], person: str | None, personal: Mapping[str, Any]) -> Write:
    """The entry as the act writes it: `entry` holds id, at (an ISO string), actor, action, target, changes
    and correlation_id; `personal` the personal values of `person` its diff held (outside the chain)."""
    pk, sk = keys.audit_entry(datetime.fromisoformat(entry["at"]), entry["id"])
    values = {**entry, "PK": pk, "SK": sk, "type": ENTRY, "changes": canonical(entry["changes"])}
    if person and personal:
        values |= {
            "person": person,
            "personal": canonical(personal),
            "GSI1PK": keys.audit_person_index(person),
            "GSI1SK": sk,
        }
    return Write(ENTRY, {"Put": {"TableName": table_name(), "Item": to_item(values)}})


def written_entry(new_image: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The entry a stream record's new image shows written and not linked yet (None: anything else)."""
    if not new_image or new_image.get("type", {}).get("S") != ENTRY or "hash" in new_image:
        return None
    return entry_from(from_item(dict(new_image)))


def head() -> Link | None:
    """The newest linked entry's seq and hash (None: nothing linked yet): one consistent GetItem."""
    item = get_one(keys.audit_head())
    return Link(int(item["seq"]), item["hash"]) if item else None


def link_writes(entry: Mapping[str, Any], chained: Mapping[str, Any], previous: Link | None) -> list[Write]:
    """Set the entry's chain fields, and move the head from `previous` to it."""
    pk, sk = keys.audit_entry(datetime.fromisoformat(entry["at"]), entry["id"])
    hpk, hsk = keys.audit_head()
    set_entry = {
        "TableName": table_name(),
        "Key": keys.as_attrs((pk, sk)),
        "UpdateExpression": "SET seq = :seq, prev_hash = :prev, #hash = :hash",
        "ConditionExpression": "attribute_exists(PK) AND attribute_not_exists(#hash)",
        "ExpressionAttributeNames": {"#hash": "hash"},
        "ExpressionAttributeValues": to_item(
            {":seq": chained["seq"], ":prev": chained["prev_hash"], ":hash": chained["hash"]}
        ),
    }
    move_head: dict[str, Any] = {
        "TableName": table_name(),
        "Item": to_item(
            {"PK": hpk, "SK": hsk, "type": HEAD, "seq": chained["seq"], "hash": chained["hash"], "sk": sk}
        ),
    }
    if previous is None:
        move_head["ConditionExpression"] = "attribute_not_exists(PK)"
    else:
        move_head["ConditionExpression"] = "seq = :seq"
        move_head["ExpressionAttributeValues"] = to_item({":seq": previous.seq})
    return [Write(ENTRY, {"Update": set_entry}), Write(HEAD, {"Put": move_head})]


def entry_from(item: dict[str, Any]) -> dict[str, Any]:
    """An entry as written: its fields (changes parsed back), and its chain fields once linked."""
    entry = {
        name: value
        for name, value in item.items()
        if name not in ("PK", "SK", "type", "GSI1PK", "GSI1SK", "personal")
    }
    entry["changes"] = (
        json.loads(entry["changes"]) if isinstance(entry.get("changes"), str) else entry.get("changes")
    )
    if "seq" in entry:
        entry["seq"] = int(entry["seq"])
    return entry


def all_entries() -> Iterator[dict[str, Any]]:
    """Every entry, oldest first (for the verification: reads the whole trail)."""
    params = {
        "KeyConditionExpression": "PK = :pk",
        "ExpressionAttributeValues": {":pk": {"S": keys.AUDIT_PARTITION}},
        "ConsistentRead": True,
    }
    for item in query_all(params):
        yield entry_from(item)


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


def entries_about(person: str) -> list[tuple[str, str]]:
    """The keys of the entries whose diff held the person's personal values (GSI1: AUDITPERSON#<id>)."""
    params = {
        "IndexName": "GSI1",
        "KeyConditionExpression": "GSI1PK = :pk",
        "ExpressionAttributeValues": {":pk": {"S": keys.audit_person_index(person)}},
    }
    return [(item["PK"], item["SK"]) for item in query_all(params)]


def forget_personal(key: tuple[str, str]) -> None:
    """Delete the personal values an entry keeps outside its chain (its chained fields stay: it verifies)."""
    dynamodb().update_item(
        TableName=table_name(),
        Key=keys.as_attrs(key),
        UpdateExpression="REMOVE personal, person, GSI1PK, GSI1SK",
        ConditionExpression="attribute_exists(PK)",
    )
