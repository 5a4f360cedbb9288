"""Seasons: HR defines them (each change an act in the trail), everyone reads them and their standings, and
the hourly run freezes a season's standings once it has ended and pays its prizes, each exactly once.

See plaudit.domain.seasons for what a season counts and when its dates may change."""

from collections.abc import Collection
from datetime import datetime

from pydantic import Field

from plaudit.domain.access import Caller, require_role
from plaudit.domain.employees import Role
from plaudit.domain.errors import Conflict, Forbidden, NotFound, PreconditionFailed, RuleViolation
from plaudit.domain.ids import derived_id
from plaudit.domain.insights import Standing, local_day
from plaudit.domain.model import Model
from plaudit.domain.seasons import (
    MAX_SEASONS,
    SETTLE_AFTER,
    FrozenStandings,
    Prize,
    Season,
    SeasonSpec,
    SeasonStatus,
    StandingRow,
    counting_start,
    overlapping,
    places_kept,
    window,
    winners,
)
from plaudit.domain.settings import OrgSettings
from plaudit.services import insights, milestones
from plaudit.services.retry import attempts
from plaudit.services.runtime import new_id, now, stored_now
from plaudit.services.trail import Act, actor_of, record
from plaudit.store import keys, snapshots
from plaudit.store import seasons as store
from plaudit.store.reads import get_many
from plaudit.store.transact import WriteRefused, write_all


class SeasonView(Season):
    status: SeasonStatus = Field(
        description="scheduled (counts nothing yet), running, ended (standings about to be frozen) or frozen"
    )


class SeasonPage(Model):
    items: list[SeasonView]


class StandingEntry(Model):
    rank: int = Field(description="Ties share a rank: 1, 2, 2, 4")
    employee_id: str
    name: str
    points: int
    kudos: int
    prize: Prize | None = Field(description="What this place wins (every person tied at a prized rank)")


class SeasonStandings(Model):
    season_id: str
    name: str
    status: SeasonStatus
    metric: str
    by: str
    frozen_at: datetime | None = Field(description="Null while the season runs: the board is live")
    entries: list[StandingEntry]


def view(season: Season, at: datetime) -> SeasonView:
    return SeasonView(**season.model_dump(), status=season.status_at(at))


# --- definitions (HR) ------------------------------------------------------------------------------------


def create_season(caller: Caller, spec: SeasonSpec) -> SeasonView:
    for _ in attempts():
        seasons, version, settings = _load_for_change(caller, spec)
        if len(seasons) >= MAX_SEASONS:
            raise RuleViolation(
                "error.too_many_seasons",
                code="too_many_seasons",
                details={"max": MAX_SEASONS},
                max=MAX_SEASONS,
            )
        at = stored_now()
        season = _placed(spec, settings, at, others=seasons)
        season = Season(
            **season,
            id=new_id("season"),
            version=1,
            created_at=at,
            updated_at=at,
        )
        act = Act(actor_of(caller), "season.create", f"season:{season.id}", after=_doc(season))
        try:
            record([store.calendar_write([*seasons, season], version)], act)
        except WriteRefused:  # another season was written meanwhile: check against it again
            continue
        return view(season, at)
    raise Conflict("error.concurrent_update", code="concurrent_update")


def replace_season(
    caller: Caller, season_id: str, spec: SeasonSpec, *, if_match: Collection[int] | None = None
) -> SeasonView:
    """A season not counting yet may change anything; a running one its name, board and prizes, not its
    dates (409 season_started); an ended one nothing (409 season_ended)."""
    for _ in attempts():
        seasons, version, settings = _load_for_change(caller, spec)
        old = _find(seasons, season_id)
        _check_version(old, if_match)
        at = stored_now()
        status = old.status_at(at)
        if status in (SeasonStatus.ENDED, SeasonStatus.FROZEN):
            raise Conflict("error.season_ended", code="season_ended", season=old.name)
        others = [s for s in seasons if s.id != season_id]
        if status is SeasonStatus.RUNNING:
            if (spec.starts_on, spec.ends_on) != (old.starts_on, old.ends_on):
                raise Conflict("error.season_started", code="season_started", season=old.name)
            placed = old.model_dump(include={"time_zone", "starts_at", "ends_at", "counts_from"})
        else:
            placed = _placed(spec, settings, at, others=others)
        placed |= spec.model_dump()
        season = Season(
            **placed,
            id=old.id,
            version=old.version + 1,
            created_at=old.created_at,
            updated_at=at,
        )
        act = Act(
            actor_of(caller), "season.replace", f"season:{season.id}", before=_doc(old), after=_doc(season)
        )
        try:
            record([store.calendar_write([*others, season], version)], act)
        except WriteRefused:
            continue
        return view(season, at)
    raise Conflict("error.concurrent_update", code="concurrent_update")


def delete_season(caller: Caller, season_id: str, *, if_match: Collection[int] | None = None) -> None:
    """Only before it counts anything (409 season_started after)."""
    for _ in attempts():
        snap = snapshots.load(employees=[caller.employee_id], seasons=True)
        require_role(snap.identify(caller), Role.HR_ADMIN)
        seasons, version = store.seasons_from(snap.seasons_item())
        old = _find(seasons, season_id)
        _check_version(old, if_match)
        if old.status_at(now()) is not SeasonStatus.SCHEDULED:
            raise Conflict("error.season_started", code="season_started", season=old.name)
        act = Act(actor_of(caller), "season.delete", f"season:{season_id}", before=_doc(old))
        try:
            record([store.calendar_write([s for s in seasons if s.id != season_id], version)], act)
        except WriteRefused:
            continue
        return
    raise Conflict("error.concurrent_update", code="concurrent_update")


def _load_for_change(caller: Caller, spec: SeasonSpec) -> tuple[list[Season], int, OrgSettings]:
    """HR only; the seasons, the settings, and the prizes' budgets and items checked (one BatchGetItem)."""
    budgets = sorted({prize.budget_id for prize in spec.prizes})
    items = sorted({prize.catalog_item_id for prize in spec.prizes if prize.catalog_item_id})
    wanted = [keys.SEASONS, keys.SETTINGS, *map(keys.budget, budgets), *map(keys.catalog_item, items)]
    if caller.employee_id:
        wanted.append(keys.employee(caller.employee_id))
    found = get_many(wanted)
    snap = snapshots.Snapshot(found)
    require_role(snap.identify(caller), Role.HR_ADMIN)
    for budget_id in budgets:
        if keys.budget(budget_id) not in found:
            raise RuleViolation(
                "error.unknown_budget",
                code="unknown_budget",
                details={"budget_id": budget_id},
                budget_id=budget_id,
            )
    for item_id in items:
        if keys.catalog_item(item_id) not in found:
            raise RuleViolation(
                "error.unknown_catalog_item",
                code="unknown_catalog_item",
                item_id=item_id,
                details={"catalog_item_id": item_id},
            )
    seasons, version = store.seasons_from(found.get(keys.SEASONS))
    return seasons, version, snap.settings()


def _placed(spec: SeasonSpec, settings: OrgSettings, at: datetime, *, others: list[Season]) -> dict:
    """The season's instants, read in the organisation's time zone now; a first day before today is a 422,
    a season sharing a moment with another a 409."""
    today = local_day(at, settings.time_zone)
    if spec.starts_on < today:
        raise RuleViolation(
            "error.season_starts_in_past",
            code="season_starts_in_past",
            details={"starts_on": spec.starts_on.isoformat(), "today": today.isoformat()},
            today=today,
        )
    starts_at, ends_at = window(spec.starts_on, spec.ends_on, settings.time_zone)
    other = overlapping(starts_at, ends_at, others)
    if other is not None:
        raise Conflict(
            "error.season_overlaps",
            code="season_overlaps",
            season=other.name,
            details={
                "season_id": other.id,
                "starts_on": other.starts_on.isoformat(),
                "ends_on": other.ends_on.isoformat(),
            },
        )
    return {
        **spec.model_dump(),
        "time_zone": settings.time_zone,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "counts_from": counting_start(starts_at, at),
    }


def _find(seasons: list[Season], season_id: str) -> Season:
    season = next((s for s in seasons if s.id == season_id), None)
    if season is None:
        raise NotFound("error.season_not_found", code="season_not_found", details={"season_id": season_id})
    return season


def _check_version(season: Season, if_match: Collection[int] | None) -> None:
    if if_match is not None and season.version not in if_match:
        raise PreconditionFailed(
            "error.season_changed", details={"version": season.version}, version=str(season.version)
        )


def _doc(season: Season) -> dict:
    return season.model_dump(mode="json", exclude={"created_at", "updated_at", "version"})


# --- reading ---------------------------------------------------------------------------------------------


def list_seasons(caller: Caller) -> list[SeasonView]:
    """Every season, by start (everyone in the directory, and HR)."""
    snap = _reader(caller)
    at = now()
    return [view(season, at) for season in snap.seasons()]


def get_season(caller: Caller, season_id: str) -> SeasonView:
    return view(_find(_reader(caller).seasons(), season_id), now())


def standings(caller: Caller, season_id: str) -> SeasonStandings:
    """The season's board: live while it runs (and until it is frozen), frozen once it has ended. A season
    not begun has no standings yet (an empty list)."""
    snap = _reader(caller, settings=True)
    season = _find(snap.seasons(), season_id)
    status = season.status_at(now())
    prizes = {prize.rank: prize for prize in season.prizes}
    if status is SeasonStatus.FROZEN:
        frozen = store.frozen_standings(season.id)
        rows = frozen.rows if frozen is not None else []
        people = snapshots.load(employees=[row.employee_id for row in rows])
        named = [(row, _name(people, row.employee_id)) for row in rows]
    elif status is SeasonStatus.SCHEDULED:
        named = []
    else:
        named = [(row, name) for row, name in _live(season, snap.settings())]
    entries = [
        StandingEntry(
            rank=row.rank,
            employee_id=row.employee_id,
            name=name,
            points=row.points,
            kudos=row.kudos,
            prize=prizes.get(row.rank),
        )
        for row, name in named
    ]
    return SeasonStandings(
        season_id=season.id,
        name=season.name,
        status=status,
        metric=season.metric.value,
        by=season.by,
        frozen_at=season.frozen_at,
        entries=entries,
    )


def _name(people: snapshots.Snapshot, employee_id: str) -> str:
    person = people.employee(employee_id)
    return person.name if person is not None else employee_id


def _live(season: Season, settings: OrgSettings) -> list[tuple[StandingRow, str]]:
    """The season's board down to its last kept place, everyone tied at it included (the board is read
    twice as deep as the places, at most 100 rows, to find them)."""
    places = places_kept(season.prizes, settings.leaderboards.top_n)
    reach = min(2 * places, 100)
    ranked, names, _ = insights.board_standings(season.metric, season.by, "org", season.period, reach)
    return [
        (
            StandingRow(rank=s.rank, employee_id=s.person_id, points=s.points, kudos=s.kudos),
            names[s.person_id],
        )
        for s in ranked
        if s.rank <= places
    ]


def _reader(caller: Caller, *, settings: bool = False) -> snapshots.Snapshot:
    snap = snapshots.load(employees=[caller.employee_id], seasons=True, settings=settings)
    viewer = snap.identify(caller)
    if not viewer.is_person and not viewer.has_role(Role.HR_ADMIN):
        raise Forbidden("error.not_in_directory", code="not_in_directory")
    return snap


# --- the end of a season (the hourly run) ------------------------------------------------------------------


def close_ended(at: datetime) -> dict[str, int]:
    """Every season past its end (by SETTLE_AFTER, so the stream's last records are counted) and not settled
    yet: its standings frozen (once), then its prizes paid (once each). A rerun, or a catch-up after
    downtime, finds what was done and does only the rest."""
    seasons, _ = store.load()
    summary = {"seasons_frozen": 0, "prizes_awarded": 0, "prizes_pending": 0}
    for season in seasons:
        if season.prizes_settled_at is not None or at < season.ends_at + SETTLE_AFTER:
            continue
        frozen = freeze_standings(season.id, at)
        report = pay_prizes(season, frozen)
        summary["seasons_frozen"] += 1
        summary["prizes_awarded"] += len(report.awarded)
        summary["prizes_pending"] += len(report.pending)
        _settled(season.id, at)
    return summary


def freeze_standings(season_id: str, at: datetime) -> FrozenStandings:
    """Freeze the season's standings: its board's ranked top (ties share a rank; everyone tied at the last
    place kept) written once as the season's standings item, with the season marked frozen in the same
    transaction. The item's arrival on the stream announces the winners. Frozen already: those standings."""
    for _ in attempts():
        frozen = store.frozen_standings(season_id)
        if frozen is not None:
            return frozen
        snap = snapshots.load(settings=True, seasons=True)
        seasons, version = store.seasons_from(snap.seasons_item())
        season = _find(seasons, season_id)
        rows = [row for row, _ in _live(season, snap.settings())]
        frozen = FrozenStandings(
            season_id=season.id,
            name=season.name,
            metric=season.metric,
            by=season.by,
            frozen_at=at,
            prize_ranks=[prize.rank for prize in season.prizes],
            rows=rows,
        )
        marked = season.model_copy(update={"frozen_at": at})
        others = [s for s in seasons if s.id != season_id]
        try:
            write_all([store.standings_write(frozen), store.calendar_write([*others, marked], version)])
        except WriteRefused:
            continue  # frozen by a concurrent run, or the seasons changed: read again
        return frozen
    raise Conflict("error.concurrent_update", code="concurrent_update")


def pay_prizes(season: Season, frozen: FrozenStandings) -> milestones.RunReport:
    """Each winner's prize through the award path, its award id derived from the season, the rank and the
    person: paid from its budget, or pending until a top-up when the budget is short."""
    standings = [Standing(row.employee_id, row.points, row.kudos, row.rank) for row in frozen.rows]
    won = winners(standings, season.prizes)
    people = snapshots.load(employees=[w.standing.person_id for w in won])
    due = []
    for winner in won:
        person = people.employee(winner.standing.person_id)
        if person is None:
            continue
        prize = winner.prize
        due.append(
            milestones.PrizeDue(
                award_id=derived_id("award", f"season:{season.id}", person.id, f"rank:{prize.rank}"),
                rule_id=f"season:{season.id}",
                name=season.name,
                occurrence=f"rank:{prize.rank}",
                day=season.ends_on,
                employee=person,
                points=prize.points,
                budget_id=prize.budget_id,
                catalog_item_id=prize.catalog_item_id,
                catalog_denomination=prize.catalog_denomination,
            )
        )
    return milestones.award_prizes(due)


def _settled(season_id: str, at: datetime) -> None:
    for _ in attempts():
        seasons, version = store.load()
        season = _find(seasons, season_id)
        marked = season.model_copy(update={"prizes_settled_at": at})
        try:
            write_all([store.calendar_write([*[s for s in seasons if s.id != season_id], marked], version)])
        except WriteRefused:
            continue
        return
    raise Conflict("error.concurrent_update", code="concurrent_update")
