"""Status tiers (plaudit.domain.tiers): recomputed by the projection for the people whose received points
a stream batch changed, and shown to people (profile, App Home) as they stand now."""

from collections.abc import Iterable
from datetime import datetime

from pydantic import Field

from plaudit.domain.access import Caller
from plaudit.domain.model import Model
from plaudit.domain.settings import OrgSettings
from plaudit.domain.tiers import Standing, move
from plaudit.services.runtime import now
from plaudit.store import keys, snapshots
from plaudit.store import tiers as store
from plaudit.store.reads import BATCH_GET_LIMIT, get_many
from plaudit.store.settings import settings_from
from plaudit.store.transact import WriteRefused, write_all

ATTEMPTS = 3  # a record another batch changed meanwhile is read and recomputed again


class NextTier(Model):
    name: str
    threshold: int
    points_to_go: int = Field(description="Points still to receive to reach it")


class TierView(Model):
    """Where a person stands (null on the profile when the organisation has no tiers)."""

    name: str | None = Field(description="The tier, as HR named it (null: below the lowest tier)")
    points: int = Field(description="Points received over the window (peer recognition)")
    window_from: str = Field(description="First month of the window (the organisation's time zone)")
    window_to: str = Field(description="Last month of the window: the current one")
    next: NextTier | None = Field(description="The tier above, if any")


def view_of(standing: Standing) -> TierView:
    following = standing.next
    return TierView(
        name=standing.tier.name if standing.tier else None,
        points=standing.points,
        window_from=standing.window[0],
        window_to=standing.window[1],
        next=NextTier(
            name=following.name,
            threshold=following.threshold,
            points_to_go=following.threshold - standing.points,
        )
        if following
        else None,
    )


def recompute(person_ids: Iterable[str]) -> int:
    """Recompute the tiers of these people from their counters, and record each change (a move up to a
    tier never reached before is announced: the notifier tells it from the record's stream). Reads the
    settings and 14 items per person (their window's counters and tier record), 7 people per BatchGetItem;
    writes only the records that change. Returns how many changed."""
    at = now()
    pending = sorted(set(person_ids))
    settings: OrgSettings | None = None
    changed = 0
    for _ in range(ATTEMPTS):
        refused = []
        for chunk in _chunks(pending, at, with_settings=settings is None):
            wanted = store.tier_keys(chunk, at) + ([keys.SETTINGS] if settings is None else [])
            found = get_many(wanted)
            if settings is None:
                settings = settings_from(found.get(keys.SETTINGS))
                if not settings.tiers.levels:
                    return 0
            for person in chunk:
                standing = store.standing_of(found, settings.tiers, person, at, settings.time_zone)
                before = store.record_from(found.get(store.record_key(person)))
                change = move(settings.tiers, standing, before.tier, before.reached)
                if change is None:
                    continue
                try:
                    write_all([store.record_write(person, before, change, standing, at)])
                except WriteRefused as refusal:
                    if not refusal.refused(f"tier:{person}"):
                        raise
                    refused.append(person)
                    continue
                changed += 1
        if not refused:
            break
        pending = refused
    return changed


def _chunks(people: list[str], at: datetime, *, with_settings: bool) -> Iterable[list[str]]:
    per_person = len(store.tier_keys(["-"], at))
    room = BATCH_GET_LIMIT - (1 if with_settings else 0)
    while people:
        size = max(1, room // per_person)
        yield people[:size]
        people, room = people[size:], BATCH_GET_LIMIT


def my_tier(caller: Caller) -> TierView | None:
    """The caller's own tier now (None: no tiers, or a caller outside the directory); one read."""
    if not caller.employee_id:
        return None
    at = now()
    snap = snapshots.load(employees=[caller.employee_id], settings=True, tiers=([caller.employee_id], at))
    if snap.identify(caller).profile is None:
        return None
    standing = snap.standing(caller.employee_id, at)
    return view_of(standing) if standing else None
