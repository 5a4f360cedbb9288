"""Reads of the insights rows the money-side reports show (plaudit.domain.insights: spend rows per month of
delivery, live vouchers expiring per scope and day): each a range of one partition, never a scan."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from plaudit.domain.insights import EXPIRING_ROWS, SPEND_ROWS, Deltas, Stamp, spend_row_parts
from plaudit.store import keys
from plaudit.store.client import dynamodb, table_name
from plaudit.store.codec import from_item

SKIP = {"PK", "SK", "type", "family", "group", "sort"}


@dataclass(frozen=True)
class SpendRow:
    """What a person received through redemptions in a month, where they were (money by
    `<item type>_<CUR>_hundredths`)."""

    employee_id: str
    stamp: Stamp
    figures: Deltas


def _figures(item: dict[str, Any]) -> Deltas:
    return {
        name: int(value)
        for name, value in item.items()
        if name not in SKIP and isinstance(value, int | float) and not isinstance(value, bool)
    }


def _spend_row(item: dict[str, Any]) -> SpendRow:
    employee_id, stamp = spend_row_parts(item["sort"])
    return SpendRow(employee_id, stamp, _figures(item))


def spend_rows_page(
    month: str, *, limit: int, after: str | None = None, employee_id: str | None = None
) -> tuple[list[SpendRow], str | None]:
    """Up to `limit` spend rows of a month in person order, from after the sort `after`; with the sort of
    the last one read when more remain. `employee_id`: that person's rows only."""
    params: dict[str, Any] = {
        "TableName": table_name(),
        "KeyConditionExpression": "PK = :pk",
        "ExpressionAttributeValues": {":pk": {"S": keys.insight_row_partition(SPEND_ROWS, month)}},
        "Limit": limit,
    }
    if employee_id is not None:
        params["KeyConditionExpression"] += " AND begins_with(SK, :person)"
        params["ExpressionAttributeValues"][":person"] = {"S": f"{employee_id}#"}
    if after is not None:
        params["ExclusiveStartKey"] = keys.as_attrs(keys.insight_row(SPEND_ROWS, month, after))
    response = dynamodb().query(**params)
    rows = [_spend_row(from_item(item)) for item in response["Items"]]
    more = response.get("LastEvaluatedKey")
    return rows, (more["SK"]["S"] if more else None)


def spend_rows(month: str) -> Iterator[SpendRow]:
    """Every spend row of a month in person order, a page at a time (the export job)."""
    after: str | None = None
    while True:
        rows, after = spend_rows_page(month, limit=1000, after=after)
        yield from rows
        if after is None:
            return


def expiring(scope: str, first: date, last: date) -> dict[str, int]:
    """Live vouchers of a scope expiring on each day from `first` to `last` (days with none left out): one
    query of at most one item per day."""
    response = dynamodb().query(
        TableName=table_name(),
        KeyConditionExpression="PK = :pk AND SK BETWEEN :first AND :last",
        ExpressionAttributeValues={
            ":pk": {"S": keys.insight_row_partition(EXPIRING_ROWS, scope)},
            ":first": {"S": first.isoformat()},
            ":last": {"S": last.isoformat()},
        },
    )
    days = {item["sort"]: int(item.get("live", 0)) for item in map(from_item, response["Items"])}
    return {day: live for day, live in sorted(days.items()) if live > 0}
