"""Seasons: every season in one versioned item (`ORG` / `SEASONS`: there are few, and the projection reads
them with each stream batch in the BatchGetItem it makes anyway), and each season's frozen standings
(`SEASON#<id>` / `STANDINGS`), written once."""

import json
from typing import Any

from plaudit.domain.seasons import FrozenStandings, Season, SeasonWindow
from plaudit.store import keys
from plaudit.store.client import table_name
from plaudit.store.codec import to_item
from plaudit.store.reads import get_one
from plaudit.store.transact import Write, put_new

CALENDAR_LABEL = "seasons"
STANDINGS_LABEL = "standings"


def seasons_from(item: dict[str, Any] | None) -> tuple[list[Season], int]:
    """The seasons in the item, by start, and the item's version (0: none ever written)."""
    if item is None:
        return [], 0
    seasons = [Season.model_validate(doc) for doc in json.loads(item["seasons"])]
    return sorted(seasons, key=lambda season: season.starts_at), int(item["version"])


def windows_from(item: dict[str, Any] | None) -> list[SeasonWindow]:
    return [SeasonWindow(s.id, s.counts_from, s.ends_at) for s in seasons_from(item)[0]]


def load() -> tuple[list[Season], int]:
    return seasons_from(get_one(keys.SEASONS))


def calendar_write(seasons: list[Season], replaces_version: int) -> Write:
    """Store the seasons as version `replaces_version + 1`, refused (CALENDAR_LABEL) unless the stored
    version is still `replaces_version`: two admins never both add overlapping seasons."""
    pk, sk = keys.SEASONS
    docs = [season.model_dump(mode="json") for season in sorted(seasons, key=lambda s: s.starts_at)]
    values = {
        "PK": pk,
        "SK": sk,
        "type": "season_calendar",
        "version": replaces_version + 1,
        "seasons": json.dumps(docs, separators=(",", ":"), sort_keys=True),
    }
    put: dict[str, Any] = {"TableName": table_name(), "Item": to_item(values)}
    if replaces_version:
        put["ConditionExpression"] = "version = :version"
        put["ExpressionAttributeValues"] = to_item({":version": replaces_version})
    else:
        put["ConditionExpression"] = "attribute_not_exists(version)"
    return Write(CALENDAR_LABEL, {"Put": put})


def standings_write(standings: FrozenStandings) -> Write:
    """The frozen standings, written once (refused under STANDINGS_LABEL if they exist)."""
    pk, sk = keys.season_standings(standings.season_id)
    doc = standings.model_dump(mode="json")
    return put_new(STANDINGS_LABEL, {"PK": pk, "SK": sk, "type": "season_standings", **doc})


def frozen_standings(season_id: str) -> FrozenStandings | None:
    """A season's frozen standings (None until the season has ended and been frozen): the ranked top of its
    board, ties sharing a rank, by employee id. Badges' season placement reads these."""
    item = get_one(keys.season_standings(season_id))
    return standings_from(item)


def standings_from(item: dict[str, Any] | None) -> FrozenStandings | None:
    if item is None:
        return None
    return FrozenStandings.model_validate(
        {k: v for k, v in item.items() if k in FrozenStandings.model_fields}
    )
