"""Catalogue items, their stock, and one filtered page of the catalogue.

Besides the item's own fields an item stores what its listing filters on: `item_type`, `available_in`
(its countries, or "*" for everywhere) and `min_value` (its lowest denomination, in its currency), so a
page is filtered inside the Query. Affordability is compared in money, not in points: an item is affordable
with P points when min_value <= P * point value of its currency, which is exactly ceil(min_value / point
value) <= P, and stays true when HR changes the point values.
"""

import operator
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from typing import Any

from boto3.dynamodb.conditions import Attr, ConditionBase, ConditionExpressionBuilder

from plaudit.domain.catalog import CatalogItem, ItemType
from plaudit.store import keys
from plaudit.store.client import dynamodb, table_name
from plaudit.store.codec import from_item, to_attr, to_item
from plaudit.store.reads import BATCH_GET_LIMIT, decode_cursor, encode_cursor, get_many, get_one
from plaudit.store.transact import Write

EVERYWHERE = "*"
_ITEM_FIELDS = set(CatalogItem.model_fields)
_INDEX_KEYS = {"PK", "SK", "GSI1PK", "GSI1SK"}


def item_from(item: dict[str, Any] | None) -> CatalogItem | None:
    if item is None:
        return None
    fields = {k: v for k, v in item.items() if k in _ITEM_FIELDS}
    return CatalogItem.model_validate(fields | {"type": item["item_type"]})


def get_item(item_id: str) -> CatalogItem | None:
    return item_from(get_one(keys.catalog_item(item_id)))


def item_names(item_ids: list[str]) -> dict[str, str]:
    """Catalogue items' names (one BatchGetItem per 100 ids; an item gone is left out)."""
    names: dict[str, str] = {}
    wanted = list(dict.fromkeys(item_ids))
    for start in range(0, len(wanted), BATCH_GET_LIMIT):
        found = get_many([keys.catalog_item(item_id) for item_id in wanted[start : start + BATCH_GET_LIMIT]])
        names |= {item["id"]: item["name"] for item in found.values()}
    return names


def _values(item: CatalogItem) -> dict[str, Any]:
    pk, sk = keys.catalog_item(item.id)
    partition = keys.CATALOG_PARTITION if item.active else keys.INACTIVE_CATALOG_PARTITION
    return {
        "PK": pk,
        "SK": sk,
        "type": "catalog_item",
        "GSI1PK": partition,
        "GSI1SK": keys.catalog_sort(item.category, item.name, item.id),
        "item_type": item.type.value,
        "available_in": item.countries or [EVERYWHERE],
        "min_value": item.denominations.lowest if item.denominations else None,
    } | item.model_dump(mode="json", exclude={"type"})


def item_write(item: CatalogItem, *, previous_version: int | None) -> Write:
    """A new item (previous_version None) or a replacement of the version read."""
    put: dict[str, Any] = {"TableName": table_name(), "Item": to_item(_values(item))}
    if previous_version is None:
        put["ConditionExpression"] = "attribute_not_exists(PK)"
    else:
        put["ConditionExpression"] = "version = :version"
        put["ExpressionAttributeValues"] = {":version": to_attr(previous_version)}
    return Write("item", {"Put": put})


def inventory_write(item_id: str, delta: int, *, unlimited: bool = False) -> Write | None:
    """Take (delta < 0) or give back (delta > 0) stock with a redemption's writes. A take is refused
    (label "inventory:<id>") when the stock would go below zero; a give-back is never refused, so it cannot
    block a refund. None for an item with unlimited stock: pass `unlimited=item.inventory is None` from the
    item as read now (a give-back to an item HR has since made unlimited would make its stock finite)."""
    if unlimited or delta == 0:
        return None
    values: dict[str, Any] = {":delta": delta}
    condition = "attribute_exists(PK)"
    if delta < 0:
        condition = "inventory >= :need"
        values[":need"] = -delta
    update = {
        "TableName": table_name(),
        "Key": keys.as_attrs(keys.catalog_item(item_id)),
        "UpdateExpression": "ADD inventory :delta",
        "ConditionExpression": condition,
        "ExpressionAttributeValues": {name: to_attr(value) for name, value in values.items()},
    }
    return Write(f"inventory:{item_id}", {"Update": update})


@dataclass(frozen=True)
class CatalogPage:
    items: list[CatalogItem]
    cursor: str | None
    read: int  # items the Query read (a filter drops items after they are read)


def catalog_page(
    *,
    inactive: bool = False,
    category: str | None = None,
    item_type: ItemType | None = None,
    country: str | None = None,
    affordable_with: Mapping[str, Decimal] | None = None,
    affordable_points: int | None = None,
    limit: int,
    cursor: str | None,
) -> CatalogPage:
    """Up to `limit` items read in name order within category, of which those passing the filters are
    returned (a page may hold fewer than `limit`; `cursor` is None on the last one). `affordable_with`
    maps currency -> the money the caller's points are worth in it; items in other currencies are not
    affordable, but items with an offer (their own points price) are within `affordable_points`."""
    partition = keys.INACTIVE_CATALOG_PARTITION if inactive else keys.CATALOG_PARTITION
    values: dict[str, Any] = {":pk": partition}
    condition = "GSI1PK = :pk"
    if category:
        condition += " AND begins_with(GSI1SK, :category)"
        values[":category"] = f"{category}#"
    filters: list[ConditionBase] = []
    if item_type:
        filters.append(Attr("item_type").eq(item_type.value))
    if country:
        filters.append(Attr("available_in").contains(country) | Attr("available_in").contains(EVERYWHERE))
    if affordable_with is not None:
        terms = [
            Attr("currency").eq(currency) & Attr("min_value").lte(worth)
            for currency, worth in sorted(affordable_with.items())
        ]
        if affordable_points is not None:
            terms.append(Attr("points").lte(affordable_points))
        if not terms:  # no currency is priced: nothing is affordable
            return CatalogPage([], None, 0)
        filters.append(reduce(operator.or_, terms))
    params: dict[str, Any] = {
        "TableName": table_name(),
        "IndexName": keys.CATALOG_INDEX,
        "KeyConditionExpression": condition,
        "Limit": limit,
    }
    if filters:
        # boto3's builder composes the expression: hand-joined parentheses can be ones DynamoDB refuses
        built = ConditionExpressionBuilder().build_expression(reduce(operator.and_, filters))
        params["FilterExpression"] = built.condition_expression
        params["ExpressionAttributeNames"] = built.attribute_name_placeholders
        values |= built.attribute_value_placeholders
    params["ExpressionAttributeValues"] = {name: to_attr(value) for name, value in values.items()}
    if cursor:
        params["ExclusiveStartKey"] = decode_cursor(cursor, partition, "GSI1PK", _INDEX_KEYS)
    response = dynamodb().query(**params)
    last = response.get("LastEvaluatedKey")
    items = [item_from(from_item(found)) for found in response["Items"]]
    return CatalogPage(
        [item for item in items if item is not None],
        encode_cursor(last) if last else None,
        response.get("ScannedCount", len(items)),
    )
