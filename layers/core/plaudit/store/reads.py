"""Reads: many items in one BatchGetItem, and one page of a Query behind an opaque cursor."""

import base64
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from boto3.dynamodb.conditions import ConditionBase, ConditionExpressionBuilder

from plaudit.domain.errors import InvalidRequest
from plaudit.store import keys
from plaudit.store.client import dynamodb, table_name
from plaudit.store.codec import from_item, to_attr

BATCH_GET_LIMIT = 100


def get_many(wanted: Iterable[keys.Key]) -> dict[keys.Key, dict[str, Any]]:
    """Strongly consistent reads of up to 100 distinct keys in one round trip (more only if throttled)."""
    pending = [keys.as_attrs(key) for key in dict.fromkeys(wanted)]
    if len(pending) > BATCH_GET_LIMIT:
        raise ValueError(f"get_many takes at most {BATCH_GET_LIMIT} keys")
    found: dict[keys.Key, dict[str, Any]] = {}
    request = {table_name(): {"Keys": pending, "ConsistentRead": True}}
    while request:
        response = dynamodb().batch_get_item(RequestItems=request)
        for item in response["Responses"].get(table_name(), []):
            found[(item["PK"]["S"], item["SK"]["S"])] = from_item(item)
        request = response.get("UnprocessedKeys") or {}
    return found


def query_all(params: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every item a Query finds, page by page (one page in memory at a time); `params` without the table."""
    request = {"TableName": table_name(), **params}
    while True:
        page = dynamodb().query(**request)
        yield from (from_item(item) for item in page["Items"])
        if "LastEvaluatedKey" not in page:
            return
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def get_one(key: keys.Key) -> dict[str, Any] | None:
    item = (
        dynamodb().get_item(TableName=table_name(), Key=keys.as_attrs(key), ConsistentRead=True).get("Item")
    )
    return from_item(item) if item else None


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    cursor: str | None


def query_page(
    partition: str,
    *,
    key_attr: str = "PK",
    sort_attr: str = "SK",
    sort_prefix: str | None = None,
    index: str | None = None,
    limit: int,
    cursor: str | None,
    newest_first: bool = False,
    filter: ConditionBase | None = None,
) -> Page:
    """One page of a partition. The cursor is bound to the partition it came from. `filter` (boto3's
    condition builder) is applied by DynamoDB to the `limit` items the page reads, so a filtered page may
    hold fewer than `limit` items and still have a cursor."""
    condition = f"{key_attr} = :pk"
    values: dict[str, Any] = {":pk": {"S": partition}}
    if sort_prefix:
        condition += f" AND begins_with({sort_attr}, :prefix)"
        values[":prefix"] = {"S": sort_prefix}
    params: dict[str, Any] = {
        "TableName": table_name(),
        "KeyConditionExpression": condition,
        "ExpressionAttributeValues": values,
        "Limit": limit,
        "ScanIndexForward": not newest_first,
    }
    if index:
        params["IndexName"] = index
    if filter is not None:
        built = ConditionExpressionBuilder().build_expression(filter)
        params["FilterExpression"] = built.condition_expression
        params["ExpressionAttributeNames"] = built.attribute_name_placeholders
        values |= {name: to_attr(value) for name, value in built.attribute_value_placeholders.items()}
    if cursor:
        key_attrs = {"PK", "SK", key_attr, sort_attr}
        start = decode_cursor(cursor, partition, key_attr, key_attrs)
        if sort_prefix and not start[sort_attr]["S"].startswith(sort_prefix):  # another listing's page
            raise InvalidRequest("error.invalid_cursor", code="invalid_cursor")
        params["ExclusiveStartKey"] = start
    response = dynamodb().query(**params)
    last = response.get("LastEvaluatedKey")
    return Page([from_item(item) for item in response["Items"]], encode_cursor(last) if last else None)


def encode_cursor(last_key: dict[str, Any]) -> str:
    raw = json.dumps(last_key, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, partition: str, key_attr: str, key_attrs: set[str]) -> dict[str, Any]:
    """The start key, checked: exactly the listing's key attributes, all strings, in this partition."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        start = json.loads(raw)
        valid = (
            isinstance(start, dict)
            and set(start) == key_attrs
            and start.get(key_attr) == {"S": partition}
            and all(
                isinstance(v, dict) and list(v) == ["S"] and isinstance(v["S"], str) for v in start.values()
            )
        )
    except ValueError:
        valid = False
    if not valid:
        raise InvalidRequest("error.invalid_cursor", code="invalid_cursor")
    return start
