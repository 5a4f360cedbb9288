"""Tiers in the table: the monthly counters a person's tier is read from, and their tier record
(`EMP#<id>` / `TIER`: the tier they are in as last recomputed, the tiers ever reached, and how many moves
up were announced, each one a stream record the notifier tells).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from plaudit.domain.tiers import Move, Standing, TierSettings, candidate_months, standing, window_at
from plaudit.store import keys
from plaudit.store.client import table_name
from plaudit.store.codec import to_attr
from plaudit.store.transact import Write

TIER_TYPE = "tier_status"


def counter_keys(employee_id: str, at: datetime) -> list[keys.Key]:
    """The person's monthly counters the window at `at` may hold (13 at most: see candidate_months)."""
    return [keys.insight_counter(f"person:{employee_id}", month) for month in candidate_months(at)]


def standing_of(
    found: Mapping[keys.Key, Mapping[str, Any]],
    settings: TierSettings,
    employee_id: str,
    at: datetime,
    time_zone: str,
) -> Standing:
    """The person's standing from their counters in `found` (read with counter_keys)."""
    months = window_at(at, time_zone)
    points = [
        int(found.get(keys.insight_counter(f"person:{employee_id}", month), {}).get("points_received", 0))
        for month in months
    ]
    return standing(settings, points, months)


@dataclass(frozen=True)
class TierRecord:
    tier: str | None
    reached: tuple[str, ...]
    rises: int
    version: int


def record_from(item: Mapping[str, Any] | None) -> TierRecord:
    if item is None:
        return TierRecord(None, (), 0, 0)
    return TierRecord(
        item.get("tier"), tuple(item.get("reached") or ()), int(item.get("rises", 0)), int(item["version"])
    )


def record_key(employee_id: str) -> keys.Key:
    return keys.tier_status(employee_id)


def record_write(employee_id: str, before: TierRecord, move: Move, standing: Standing, at: datetime) -> Write:
    """The record after `move`, refused (label `tier:<id>`) unless it is still the version read."""
    values: dict[str, Any] = {
        ":type": TIER_TYPE,
        ":id": employee_id,
        ":reached": list(move.reached),
        ":points": standing.points,
        ":at": keys.iso(at),
        ":version": before.version + 1,
        ":rises": before.rises + (1 if move.announce else 0),
    }
    sets = [
        "#type = :type",
        "employee_id = :id",
        "reached = :reached",
        "points = :points",
        "updated_at = :at",
        "version = :version",
        "rises = :rises",
    ]
    removes = []
    if move.tier is None:
        removes.append("tier")
    else:
        sets.append("tier = :tier")
        values[":tier"] = move.tier
    if move.announce:
        sets.append("rose_to = :rose_to")
        values[":rose_to"] = move.announce
    condition = "attribute_not_exists(PK)"
    if before.version:
        condition = "version = :read"
        values[":read"] = before.version
    expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
    update = {
        "TableName": table_name(),
        "Key": keys.as_attrs(record_key(employee_id)),
        "UpdateExpression": expression,
        "ConditionExpression": condition,
        "ExpressionAttributeNames": {"#type": "type"},
        "ExpressionAttributeValues": {name: to_attr(value) for name, value in values.items()},
    }
    return Write(f"tier:{employee_id}", {"Update": update})


def tier_keys(employee_ids: Iterable[str], at: datetime) -> list[keys.Key]:
    """Everything a recomputation reads per person: their window's counters and their tier record."""
    return [key for person in employee_ids for key in (*counter_keys(person, at), record_key(person))]
