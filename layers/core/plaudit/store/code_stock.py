"""Stocks of pre-loaded codes (code_stock items): the available codes, the counter with the low-stock
threshold, the claim each redemption made, the ever-uploaded markers that de-duplicate, and stock alerts."""

from datetime import datetime
from typing import Any

from plaudit.store import keys
from plaudit.store.client import dynamodb, table_name
from plaudit.store.codec import from_item, to_attr, to_item
from plaudit.store.reads import get_many
from plaudit.store.transact import Write, put_new


def seen_hashes(code_hashes: list[str]) -> set[str]:
    """Which of these code hashes were ever uploaded (at most 100 per call)."""
    found = get_many(keys.stock_code_seen(code_hash) for code_hash in code_hashes)
    return {item["code_hash"] for item in found.values()}


def upload_writes(
    item_id: str, codes: list[tuple[str, str]], at: datetime, alert_below: int | None
) -> list[Write]:
    """codes: (hash, ciphertext). Each code's marker (refused if ever uploaded) and stock entry, and the
    counter (created on the first upload; `alert_below` replaces the threshold when given)."""
    writes: list[Write] = []
    for code_hash, ciphertext in codes:
        seen_pk, seen_sk = keys.stock_code_seen(code_hash)
        writes.append(
            put_new(
                f"seen:{code_hash}",
                {
                    "PK": seen_pk,
                    "SK": seen_sk,
                    "type": "stock_code_seen",
                    "code_hash": code_hash,
                    "item_id": item_id,
                },
            )
        )
        pk, sk = keys.stock_code(item_id, at, code_hash)
        entry = {"PK": pk, "SK": sk, "type": "stock_code", "item_id": item_id, "code_hash": code_hash}
        writes.append(put_new(f"code:{code_hash}", entry | {"code_ciphertext": ciphertext}))
    sets = "SET #type = :type, item_id = :item, updated_at = :at"
    values: dict[str, Any] = {":type": "stock_count", ":item": item_id, ":at": keys.iso(at), ":n": len(codes)}
    if alert_below is not None:
        sets += ", alert_below = :below"
        values[":below"] = alert_below
    update = {
        "TableName": table_name(),
        "Key": keys.as_attrs(keys.stock_count(item_id)),
        "UpdateExpression": f"{sets} ADD available :n",
        "ExpressionAttributeNames": {"#type": "type"},
        "ExpressionAttributeValues": {name: to_attr(value) for name, value in values.items()},
    }
    return [*writes, Write("count", {"Update": update})]


def claim_state(item_id: str, redemption_id: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(the redemption's claim, the item's counter), in one round trip."""
    found = get_many([keys.stock_claim(redemption_id), keys.stock_count(item_id)])
    return found.get(keys.stock_claim(redemption_id)), found.get(keys.stock_count(item_id))


def oldest_code(item_id: str) -> dict[str, Any] | None:
    response = dynamodb().query(
        TableName=table_name(),
        KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
        ExpressionAttributeValues={
            ":pk": to_attr(keys.stock_partition(item_id)),
            ":prefix": to_attr(keys.STOCK_CODE_PREFIX),
        },
        Limit=1,
        ConsistentRead=True,
    )
    items = response["Items"]
    return from_item(items[0]) if items else None


def claim_writes(
    code: dict[str, Any], redemption_id: str, available_seen: int, at: datetime, alert: dict[str, Any] | None
) -> list[Write]:
    """Take `code` out of stock for the redemption: refused if someone took it, the redemption already
    claimed one, or the counter moved since it was read (so an alert is raised exactly at its level)."""
    item_id = code["item_id"]
    claim_pk, claim_sk = keys.stock_claim(redemption_id)
    claim = {
        "PK": claim_pk,
        "SK": claim_sk,
        "type": "stock_claim",
        "redemption_id": redemption_id,
        "item_id": item_id,
        "code_hash": code["code_hash"],
        "code_ciphertext": code["code_ciphertext"],
        "claimed_at": keys.iso(at),
    }
    take = {
        "TableName": table_name(),
        "Key": keys.as_attrs((code["PK"], code["SK"])),
        "ConditionExpression": "attribute_exists(PK)",
    }
    count = {
        "TableName": table_name(),
        "Key": keys.as_attrs(keys.stock_count(item_id)),
        "UpdateExpression": "SET available = :after, updated_at = :at",
        "ConditionExpression": "available = :seen",
        "ExpressionAttributeValues": {
            ":after": to_attr(available_seen - 1),
            ":seen": to_attr(available_seen),
            ":at": to_attr(keys.iso(at)),
        },
    }
    writes = [put_new("claim", claim), Write("code", {"Delete": take}), Write("count", {"Update": count})]
    if alert is not None:
        pk, sk = keys.stock_alert(item_id, at, alert["remaining"])
        values = {"PK": pk, "SK": sk, "type": "stock_alert", "GSI1PK": keys.STOCK_ALERTS_PARTITION}
        values |= {"GSI1SK": f"{keys.iso(at)}#{item_id}", "item_id": item_id, "at": keys.iso(at)} | alert
        writes.append(Write("alert", {"Put": {"TableName": table_name(), "Item": to_item(values)}}))
    return writes
