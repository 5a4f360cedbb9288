"""Read models kept up to date from the domain table's stream: the feeds, and the insights counters and
leaderboard rows (exactly once per causing record, one update per counter per batch)."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from plaudit.domain.ids import fingerprint
from plaudit.domain.insights import (
    Contribution,
    Counter,
    Deltas,
    Member,
    completed_pairs,
    counterpart,
    unique_counts,
)
from plaudit.domain.seasons import SeasonWindow, in_season, season_at
from plaudit.services import badges, tiers
from plaudit.services.runtime import now
from plaudit.store import badges as badge_store
from plaudit.store import insights as store
from plaudit.store import keys, snapshots
from plaudit.store.insights import Journal, Source, Update, board_update, counter_update, row_update
from plaudit.store.reactions import is_undone
from plaudit.store.recognitions import from_stream_image, project_to_feed, remove_from_feed
from plaudit.store.seasons import windows_from

MAX_UPDATES = 1500  # per journal: keeps the journal item well under DynamoDB's 400 KB

StreamRecord = tuple[str, Mapping[str, Any] | None, Mapping[str, Any] | None]  # event, old, new image


def project_record(event_name: str, new_image: dict[str, Any] | None) -> bool:
    """Index a newly given kudos in the feeds, and take a kudos out of them once a reaction's was taken
    back (its points went back, so it no longer shows in feeds or App Home) or HR hid it. Returns whether
    the record was one to project."""
    recognition = from_stream_image(new_image) if new_image else None
    if recognition is None or new_image is None:
        return False
    if event_name == "INSERT":
        project_to_feed(recognition)
        return True
    if event_name == "MODIFY" and (is_undone(new_image) or "hidden_at" in new_image):  # HR may hide one
        remove_from_feed(recognition)
        return True
    return False


def project_aggregates(records: Iterable[StreamRecord]) -> int:
    """Count a stream batch into the insights counters and boards, each source once however often the
    batch (or part of it) is delivered, then recompute the tiers of everyone whose received points it
    changes (every source delivered, counted now or before: a batch retried after a crash between the
    counters and the tiers recomputes them then), move the givers' streaks and award the badges the
    batch's people reach (plaudit.services.badges: each earned once). Returns how many sources were
    counted now."""
    records = list(records)
    sources = {}
    for event_name, old, new in records:
        source = store.source_of(event_name, old, new)
        if source is not None:
            sources.setdefault(source.id, source)
    milestones = [fact for record in records if (fact := badge_store.milestone_fact(*record)) is not None]
    placements = [
        place for event_name, _, new in records for place in badge_store.placements(event_name, new)
    ]
    if not sources:
        badges.earn_from_batch({}, milestones, placements)
        return 0
    counted, also = store.batch_of_sources(sources, also=[keys.SEASONS])  # the seasons: no extra round trip
    seasons = windows_from(also.get(keys.SEASONS))
    for journal in store.load_journals(set(counted.values())):
        finish(journal)  # a batch that stopped part way (a crash, a timeout): its missing chunks land now
        counted.update(dict.fromkeys(journal.sources, journal.batch_id))
    fresh = [source for source_id, source in sources.items() if source_id not in counted]
    # every record carries the zone its periods are read in; only older records need today's
    unzoned = any(not source.zoned for source in sources.values())
    time_zone = snapshots.load(settings=True).settings().time_zone if unzoned else "UTC"
    for group in _groups(fresh, time_zone, seasons):
        journal = _journal(group, time_zone, seasons)
        store.open_journal(journal, now())
        finish(journal)
    # what the whole batch moves (sources counted before too: a batch retried after a crash judges again;
    # a tier is recomputed to the same, a badge is earned once whatever is judged twice)
    touched, _ = contribution(sources.values(), time_zone, ())  # people's figures: no season needed
    tiers.recompute(receivers(touched.counters))
    badges.earn_from_batch(touched.counters, milestones, placements)
    return len(fresh)


def receivers(counters: Mapping[Counter, Deltas]) -> set[str]:
    """The people whose received points a batch changes (their own counters, not their per-value ones)."""
    people = set()
    for (scope, _), deltas in counters.items():
        if scope.startswith("person:") and "/" not in scope and deltas.get("points_received"):
            people.add(scope.removeprefix("person:"))
    return people


def finish(journal: Journal) -> None:
    store.mark_sources(journal, int((now() + store.KEEP_BOOKKEEPING).timestamp()))
    store.apply_chunks(journal)


def contribution(
    sources: Iterable[Source], time_zone: str, seasons: Sequence[SeasonWindow]
) -> tuple[Contribution, dict[Member, str]]:
    """What the sources add, and which source makes each membership (the first that does)."""
    total = Contribution()
    owners: dict[Member, str] = {}
    for source in sources:
        part = part_of(source, time_zone, seasons)
        total.merge(part)
        for member in part.members:
            owners.setdefault(member, source.id)
    return total, owners


def part_of(source: Source, time_zone: str, seasons: Sequence[SeasonWindow]) -> Contribution:
    """What one source adds: in its periods, and again in the season it falls in (if any)."""
    part = source.part(time_zone)
    season = season_at(source.at, seasons)
    if season is not None:
        part.merge(in_season(part, season.id))
    return part


def updates_of(total: Contribution, members: Iterable[Member]) -> list[Update]:
    """One update per counter and per board row: the contribution's deltas, with the unique givers and
    receivers the given memberships add."""
    counters = {counter: dict(deltas) for counter, deltas in total.counters.items()}
    for counter, deltas in unique_counts(members).items():
        counters.setdefault(counter, {}).update(deltas)
    updates = [
        counter_update(counter, deltas, total.marks.get(counter))
        for counter, deltas in sorted(counters.items())
    ]
    updates += [board_update(row, deltas) for row, deltas in sorted(total.boards.items())]
    updates += [row_update(row, deltas) for row, deltas in sorted(total.rows.items())]
    return updates


def _journal(group: list[Source], time_zone: str, seasons: Sequence[SeasonWindow]) -> Journal:
    total, owners = contribution(group, time_zone, seasons)
    new_members = store.claim_members(owners)
    if new_members:  # who now both gave and received: read after this batch's memberships are written,
        # and claimed like them, so two batches completing the same pair at once count it once
        held = store.held_members(counterpart(member) for member in new_members) | new_members
        pairs = completed_pairs(new_members, held)
        new_members |= store.claim_members({pair: owners[member] for pair, member in pairs.items()})
    ids = [source.id for source in group]
    batch_id = fingerprint("\n".join(sorted(ids)).encode())
    return Journal(batch_id, ids, updates_of(total, new_members))


def _groups(sources: list[Source], time_zone: str, seasons: Sequence[SeasonWindow]) -> list[list[Source]]:
    """The sources in order, cut so that no group makes more than MAX_UPDATES updates."""
    groups: list[list[Source]] = []
    current: list[Source] = []
    seen: set[Any] = set()
    for source in sources:
        part = part_of(source, time_zone, seasons)
        touched = set(part.counters) | set(part.boards) | set(part.rows)
        if current and len(seen | touched) > MAX_UPDATES:
            groups.append(current)
            current, seen = [], set()
        current.append(source)
        seen |= touched
    if current:
        groups.append(current)
    return groups
