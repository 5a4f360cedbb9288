"""Vouchers, their code lookup, the expiry day index, reminders and the failed-attempt counters."""

from datetime import date, datetime
from typing import Any

from plaudit.store import keys
from plaudit.store.client import dynamodb, table_name
from plaudit.store.codec import to_attr
from plaudit.store.reads import Page, get_many, get_one, query_all, query_page
from plaudit.store.transact import Write, put_new

LIVE = ("issued", "delivered")


def issue_writes(voucher: dict[str, Any]) -> list[Write]:
    """The voucher, its code lookup (a code is unique) and its expiry entry, each only if new."""
    pk, sk = keys.voucher(voucher["id"])
    writes = [
        put_new(
            "voucher",
            {
                "PK": pk,
                "SK": sk,
                "type": "voucher",
                "GSI1PK": keys.vouchers_partition(voucher["employee_id"]),
                "GSI1SK": f"{voucher['issued_at']}#{voucher['id']}",
                **voucher,
            },
        ),
        put_new("code", _key_values(keys.voucher_code(voucher["code_hash"])) | {"voucher_id": voucher["id"]}),
    ]
    if voucher.get("expires_on"):
        writes.append(put_new("expiry", _expiry_values(voucher)))
    return writes


def _key_values(key: keys.Key) -> dict[str, str]:
    return {"PK": key[0], "SK": key[1]}


def _expiry_values(voucher: dict[str, Any]) -> dict[str, Any]:
    key = keys.voucher_expiry(date.fromisoformat(voucher["expires_on"]), voucher["id"])
    return _key_values(key) | {
        "type": "voucher_expiry",
        "voucher_id": voucher["id"],
        "employee_id": voucher["employee_id"],
        "redemption_id": voucher["redemption_id"],
        "item_name": voucher["item_name"],
        "expires_on": voucher["expires_on"],
    }


def get_voucher(voucher_id: str) -> dict[str, Any] | None:
    return get_one(keys.voucher(voucher_id))


def code_and_tries(code_hash: str | None, tries_key: keys.Key) -> tuple[str | None, int]:
    """In one round trip: the voucher id a code hash names (None: no such code) and the caller's
    failed attempts in the current window."""
    wanted = [tries_key] + ([keys.voucher_code(code_hash)] if code_hash else [])
    found = get_many(wanted)
    lookup = found.get(keys.voucher_code(code_hash)) if code_hash else None
    return (lookup or {}).get("voucher_id"), int((found.get(tries_key) or {}).get("tries", 0))


def code_under(code_hashes: list[str]) -> str | None:
    """In one round trip: the voucher id one of `code_hashes` (the code under earlier hash keys) names."""
    found = get_many(keys.voucher_code(code_hash) for code_hash in code_hashes)
    return next((item["voucher_id"] for item in found.values()), None)


def live_vouchers(employee_id: str) -> list[dict[str, Any]]:
    """The person's vouchers still usable (issued or delivered): their whole GSI1 partition, read."""
    params = {
        "IndexName": keys.VOUCHER_INDEX,
        "KeyConditionExpression": "GSI1PK = :pk",
        "ExpressionAttributeValues": {":pk": {"S": keys.vouchers_partition(employee_id)}},
    }
    return [item for item in query_all(params) if item.get("status") in LIVE]


def vouchers_page(employee_id: str, *, limit: int, cursor: str | None) -> Page:
    return query_page(
        keys.vouchers_partition(employee_id),
        key_attr="GSI1PK",
        sort_attr="GSI1SK",
        index=keys.VOUCHER_INDEX,
        limit=limit,
        cursor=cursor,
        newest_first=True,
    )


def transition_write(
    voucher_id: str, status: str, at: datetime, extra: dict[str, Any] | None = None
) -> Write:
    """A live voucher (issued or delivered) becomes `status`; refused when it is not live any more."""
    pk, sk = keys.voucher(voucher_id)
    changes = {"status": status, "updated_at": keys.iso(at), **{k: v for k, v in (extra or {}).items() if v}}
    names = {f"#f{i}": name for i, name in enumerate(changes)}
    values = {f":v{i}": to_attr(value) for i, value in enumerate(changes.values())}
    values |= {":issued": to_attr(LIVE[0]), ":delivered": to_attr(LIVE[1])}
    update = {
        "TableName": table_name(),
        "Key": keys.as_attrs((pk, sk)),
        "UpdateExpression": "SET " + ", ".join(f"#f{i} = :v{i}" for i in range(len(changes))),
        "ConditionExpression": "attribute_exists(PK) AND #f0 IN (:issued, :delivered)",
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }
    return Write("voucher", {"Update": update})


def end_writes(
    voucher_id: str, status: str, at: datetime, expires_on: str | None, extra: dict[str, Any] | None = None
) -> list[Write]:
    """A live voucher ends (redeemed, expired or cancelled): its expiry entry goes with it."""
    return [transition_write(voucher_id, status, at, extra), *expiry_delete(expires_on, voucher_id)]


def expiry_delete(expires_on: str | None, voucher_id: str) -> list[Write]:
    if not expires_on:
        return []
    key = keys.voucher_expiry(date.fromisoformat(expires_on), voucher_id)
    return [Write("expiry", {"Delete": {"TableName": table_name(), "Key": keys.as_attrs(key)}})]


def expiring_on(day: date) -> list[dict[str, Any]]:
    """Every live voucher whose last valid day is `day` (entries go when a voucher ends)."""
    entries, cursor = [], None
    while True:
        page = query_page(keys.voucher_expiry_partition(day), limit=100, cursor=cursor)
        entries += page.items
        cursor = page.cursor
        if cursor is None:
            return entries


def reminder_write(entry: dict[str, Any], at: datetime) -> Write:
    return put_new(
        "reminder",
        _key_values(keys.voucher_reminder(entry["voucher_id"]))
        | {
            "type": "voucher_reminder",
            "voucher_id": entry["voucher_id"],
            "employee_id": entry["employee_id"],
            "item_name": entry["item_name"],
            "expires_on": entry["expires_on"],
            "created_at": keys.iso(at),
        },
    )


def count_failure(tries_key: keys.Key, *, limit: int, expires_at: int) -> bool:
    """One more failed attempt in the window; False when the caller already used up the limit."""
    try:
        dynamodb().update_item(
            TableName=table_name(),
            Key=keys.as_attrs(tries_key),
            UpdateExpression="ADD tries :one SET expires_at = :ttl, #t = :type",
            ConditionExpression="attribute_not_exists(tries) OR tries < :limit",
            ExpressionAttributeNames={"#t": "type"},
            ExpressionAttributeValues={
                ":one": to_attr(1),
                ":ttl": to_attr(expires_at),
                ":limit": to_attr(limit),
                ":type": to_attr("voucher_tries"),
            },
        )
    except dynamodb().exceptions.ConditionalCheckFailedException:
        return False
    return True
