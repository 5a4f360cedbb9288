"""Badge definitions, the badges people earned, weekly giving streaks and the nudges sent about them."""

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from plaudit.domain.badges import Badge, Earned, MilestoneFact, Placement, Streak
from plaudit.store import keys
from plaudit.store.batches import write_batches
from plaudit.store.client import dynamodb, table_name
from plaudit.store.codec import from_item, to_attr, to_item
from plaudit.store.insights import numbers_of
from plaudit.store.reads import BATCH_GET_LIMIT, Page, get_many, get_one, query_page
from plaudit.store.seasons import standings_from
from plaudit.store.transact import Write

KEEP_NUDGES = timedelta(days=30)
_BADGE_FIELDS = set(Badge.model_fields)


# -- definitions --------------------------------------------------------------------------------------


def badge_from(item: Mapping[str, Any] | None) -> Badge | None:
    if item is None:
        return None
    return Badge.model_validate({k: v for k, v in item.items() if k in _BADGE_FIELDS})


def get_badge(badge_id: str) -> Badge | None:
    return badge_from(get_one(keys.badge(badge_id)))


def badge_write(badge: Badge, *, previous_version: int | None) -> Write:
    """A new badge (previous_version None) or a replacement of the version read."""
    pk, sk = keys.badge(badge.id)
    values = {"PK": pk, "SK": sk, "type": "badge", "GSI1PK": keys.BADGES_PARTITION, "GSI1SK": badge.id}
    put: dict[str, Any] = {
        "TableName": table_name(),
        "Item": to_item(values | badge.model_dump(mode="json")),
    }
    if previous_version is None:
        put["ConditionExpression"] = "attribute_not_exists(PK)"
    else:
        put["ConditionExpression"] = "version = :version"
        put["ExpressionAttributeValues"] = {":version": to_attr(previous_version)}
    return Write("badge", {"Put": put})


def badge_delete(badge: Badge) -> Write:
    delete = {
        "TableName": table_name(),
        "Key": keys.as_attrs(keys.badge(badge.id)),
        "ConditionExpression": "version = :version",
        "ExpressionAttributeValues": {":version": to_attr(badge.version)},
    }
    return Write("badge", {"Delete": delete})


def badges_page(*, limit: int, cursor: str | None) -> Page:
    return query_page(
        keys.BADGES_PARTITION,
        key_attr="GSI1PK",
        sort_attr="GSI1SK",
        index=keys.BADGE_INDEX,
        limit=limit,
        cursor=cursor,
    )


def all_badges() -> list[Badge]:
    """Every definition (what the projection judges a batch by): one query per 1 MB of them."""
    found, cursor = [], None
    while True:
        page = badges_page(limit=1000, cursor=cursor)
        found += [badge for item in page.items if (badge := badge_from(item)) is not None]
        if page.cursor is None:
            return found
        cursor = page.cursor


# -- earned badges ------------------------------------------------------------------------------------


def earn(earned: Earned, at: datetime) -> bool:
    """Record a badge earned, once: False when the person holds it (for this window) already. The item
    carries what the notices say (the badge's words as they were)."""
    badge = earned.badge
    pk, sk = keys.earned_badge(earned.employee_id, badge.id, earned.window)
    values = {
        "PK": pk,
        "SK": sk,
        "type": "badge_award",
        "badge_id": badge.id,
        "employee_id": earned.employee_id,
        "window": earned.window,
        "name": badge.name,
        "emoji": badge.emoji,
        "description": badge.description,
        "public": badge.public,
        "earned_at": keys.iso(at),
    }
    try:
        dynamodb().put_item(
            TableName=table_name(), Item=to_item(values), ConditionExpression="attribute_not_exists(PK)"
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            return False
        raise
    return True


def earned_by(employee_id: str) -> list[dict[str, Any]]:
    """Every badge the person earned, in badge and window order (one query per 1 MB)."""
    found: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = query_page(
            keys.employee(employee_id)[0],
            sort_prefix=keys.EARNED_BADGE_PREFIX,
            limit=1000,
            cursor=cursor,
        )
        found += page.items
        if page.cursor is None:
            return found
        cursor = page.cursor


# -- streaks ------------------------------------------------------------------------------------------


def batch_state(
    employee_ids: Iterable[str], counters: Iterable[tuple[str, str]]
) -> tuple[dict[str, Streak], dict[tuple[str, str], dict[str, int]]]:
    """The people's streaks (an empty one for who never gave) and the figures of these insights counters
    (those stored), read together: one BatchGetItem per 100 keys."""
    streak_keys = {keys.streak(person): person for person in dict.fromkeys(employee_ids)}
    counter_keys = {keys.insight_counter(*counter): counter for counter in dict.fromkeys(counters)}
    found = _get_all([*streak_keys, *counter_keys])
    streaks = {person: _streak(found.get(key)) for key, person in streak_keys.items()}
    figures = {counter: numbers_of(found[key]) for key, counter in counter_keys.items() if key in found}
    return streaks, figures


def held(earned: Iterable[Earned]) -> set[tuple[str, str, str]]:
    """Which of these (badge, person, window) are held already: one BatchGetItem per 100."""
    wanted = {keys.earned_badge(e.employee_id, e.badge.id, e.window): e for e in earned}
    found = _get_all(wanted)
    return {(e.badge.id, e.employee_id, e.window) for key, e in wanted.items() if key in found}


def _get_all(wanted: Iterable[keys.Key]) -> dict[keys.Key, dict[str, Any]]:
    listed = list(dict.fromkeys(wanted))
    found: dict[keys.Key, dict[str, Any]] = {}
    for start in range(0, len(listed), BATCH_GET_LIMIT):
        found |= get_many(listed[start : start + BATCH_GET_LIMIT])
    return found


def streak_of(employee_id: str) -> Streak:
    return _streak(get_one(keys.streak(employee_id)))


def _streak(item: Mapping[str, Any] | None) -> Streak:
    if item is None:
        return Streak()
    return Streak(item.get("last_week"), int(item.get("current", 0)), int(item.get("longest", 0)))


def write_streaks(streaks: Mapping[str, Streak]) -> None:
    """Streaks as they now stand (BatchWriteItem, 25 a request). Only the projection writes them, one
    batch at a time, and a batch seen again changes none (a week is counted once)."""
    requests = []
    for person, streak in sorted(streaks.items()):
        pk, sk = keys.streak(person)
        item = {
            "PK": pk,
            "SK": sk,
            "type": "streak",
            "employee_id": person,
            "last_week": streak.last_week,
            "current": streak.current,
            "longest": streak.longest,
            "GSI1PK": keys.streaks_partition(streak.last_week or ""),
            "GSI1SK": person,
        }
        requests.append({"PutRequest": {"Item": to_item(item)}})
    write_batches(requests)


def streaks_last_given_in(
    week: str, *, cursor: str | None, limit: int = 500
) -> tuple[dict[str, Streak], str | None]:
    """One page of the streaks whose last giving was in `week`."""
    page = query_page(
        keys.streaks_partition(week),
        key_attr="GSI1PK",
        sort_attr="GSI1SK",
        index=keys.STREAK_INDEX,
        limit=limit,
        cursor=cursor,
    )
    return {item["employee_id"]: _streak(item) for item in page.items}, page.cursor


def record_nudge(week: str, employee_id: str, streak: Streak, at: datetime) -> bool:
    """Mark the person nudged this week (the notifier DMs them when the item appears): False when they
    were already."""
    pk, sk = keys.streak_nudge(week, employee_id)
    values = {
        "PK": pk,
        "SK": sk,
        "type": "streak_nudge",
        "employee_id": employee_id,
        "week": week,
        "current": streak.current,
        "created_at": keys.iso(at),
        "expires_at": int((at + KEEP_NUDGES).timestamp()),
    }
    try:
        dynamodb().put_item(
            TableName=table_name(), Item=to_item(values), ConditionExpression="attribute_not_exists(PK)"
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            return False
        raise
    return True


# -- what stream records say --------------------------------------------------------------------------


def milestone_fact(
    event_name: str, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None
) -> MilestoneFact | None:
    """A milestone award paid or granted now (inserted so, or paid after pending), from a stream record."""
    if new is None or new.get("type", {}).get("S") != "milestone_award":
        return None
    item = from_item(dict(new))
    before = from_item(dict(old)).get("status") if old is not None and event_name != "INSERT" else None
    status = item.get("status")
    if status not in ("paid", "granted") or (before is not None and before != "pending"):
        return None
    if not item.get("rule_type"):
        return None  # awards written before they named their rule's type
    years = item.get("years")
    return MilestoneFact(item["employee_id"], item["rule_type"], int(years) if years is not None else None)


def placements(event_name: str, new: Mapping[str, Any] | None) -> list[Placement]:
    """The ranks of a season's final standings, from the stream record of their freezing (written once)."""
    if event_name != "INSERT" or new is None or new.get("type", {}).get("S") != "season_standings":
        return []
    standings = standings_from(from_item(dict(new)))
    if standings is None:
        return []
    return [Placement(standings.season_id, row.employee_id, row.rank) for row in standings.rows]
