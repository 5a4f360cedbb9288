"""Insights: proving and rebuilding the counters and leaderboards from the records, and reading boards."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import Field

from plaudit.domain.access import Caller
from plaudit.domain.employees import Employee, Role
from plaudit.domain.errors import Forbidden, NotFound, RuleViolation
from plaudit.domain.insights import (
    BoardRow,
    Counter,
    Deltas,
    Member,
    Row,
    Side,
    Span,
    Standing,
    completed_pairs,
    directory_counts,
    ranked,
    resolve_period,
)
from plaudit.domain.model import Model
from plaudit.domain.recognition import check_values
from plaudit.domain.seasons import PERIOD_PREFIX, Season, SeasonStatus
from plaudit.domain.settings import OrgSettings
from plaudit.services.projections import contribution, updates_of
from plaudit.services.runtime import now
from plaudit.store import insights as store
from plaudit.store import snapshots
from plaudit.store.employees import directory_rebuild_requests, employee_from, list_employees
from plaudit.store.insights import BoardRowFigures
from plaudit.store.seasons import windows_from


@dataclass(frozen=True)
class Recount:
    """Every counter and board row as the records say they should be, and who makes each membership."""

    counters: dict[Counter, Deltas]
    boards: dict[BoardRow, Deltas]
    rows: dict[Row, Deltas]
    members: dict[Member, str]
    sources: list[str]


def recount() -> Recount:
    """Recompute every counter and board row from the records (a scan: for the audit and the rebuild).
    Sources count in the order they happened, so each membership is owned by the first that made it."""
    first = snapshots.load(settings=True, seasons=True)
    time_zone = first.settings().time_zone
    seasons = windows_from(first.seasons_item())
    sources = sorted(store.scan_sources(), key=lambda source: (source.at, source.id))
    total, owners = contribution(sources, time_zone, seasons)
    owners |= {pair: owners[member] for pair, member in completed_pairs(owners, owners.keys()).items()}
    counters: dict[Counter, Deltas] = {}
    boards: dict[BoardRow, Deltas] = {}
    rows: dict[Row, Deltas] = {}
    for update in updates_of(total, owners):
        deltas = {name: value for name, value in update.deltas.items()}
        if update.kind == "insight_row":
            rows[(update.attrs["family"], update.attrs["group"], update.attrs["sort"])] = deltas
        elif update.kind == "board_row":
            a = update.attrs
            boards[(a["side"], a["scope"], a["period"], a["employee_id"])] = {
                name.removeprefix("board_"): value for name, value in deltas.items()
            }
        else:
            counters[(update.attrs["scope"], update.attrs["period"])] = deltas
    marked = [source_id for source in sources for source_id in (source.id, *source.covers)]
    return Recount(counters, boards, rows, owners, marked)


def audit_aggregates() -> list[str]:
    """Every counter, board row and insights row against what the records say, the first mismatch first
    ([]: all agree). A figure of zero and a figure never written are the same."""
    expected = recount()
    counters, boards, rows = store.scan_all_aggregates()
    breaches = _compare("counter", expected.counters, counters)
    breaches += _compare("board row", expected.boards, boards)
    breaches += _compare("row", expected.rows, rows)
    return breaches


def _compare(what: str, expected: dict, stored: dict) -> list[str]:
    breaches = []
    for key in sorted(expected.keys() | stored.keys()):
        want = {name: value for name, value in expected.get(key, {}).items() if value}
        have = {name: value for name, value in stored.get(key, {}).items() if value}
        if want != have:
            names = sorted(want.keys() | have.keys())
            diff = ", ".join(
                f"{n} {have.get(n, 0)} (records say {want.get(n, 0)})"
                for n in names
                if want.get(n, 0) != have.get(n, 0)
            )
            breaches.append(f"{what} {' / '.join(key)}: {diff}")
    return breaches


def directory_recount() -> tuple[dict[str, int], dict[tuple[str, str], Employee]]:
    """The headcount of every scope and every team listing as the directory says (a paginated read of
    every profile: for the audit and the rebuild)."""
    people: list[Employee] = []
    cursor = None
    while True:
        page = list_employees(limit=1000, cursor=cursor)
        people += [person for item in page.items if (person := employee_from(item))]
        cursor = page.cursor
        if cursor is None:
            return directory_counts(people)


def audit_directory() -> list[str]:
    """Every headcount and team listing against the directory, the first mismatch first ([]: all agree).
    A headcount of zero and one never written are the same."""
    headcounts, teams = directory_recount()
    stored = store.scan_directory_counts()
    breaches = []
    for scope in sorted(headcounts.keys() | stored.headcounts.keys()):
        have, want = stored.headcounts.get(scope, 0), headcounts.get(scope, 0)
        if have != want:
            breaches.append(f"headcount {scope}: {have} (directory says {want})")
    for manager_id, employee_id in sorted(teams.keys() - stored.teams.keys()):
        breaches.append(f"team {manager_id}: {employee_id} not listed (directory says they report there)")
    for manager_id, employee_id in sorted(stored.teams.keys() - teams.keys()):
        breaches.append(f"team {manager_id}: {employee_id} listed (directory says they do not report there)")
    return breaches


def rebuild(progress: Callable[[int, int], None] | None = None) -> int:
    """Recompute every counter, board row and membership from the records, and every headcount and team
    listing from the directory, and write them whole (idempotent: a second run writes the same).
    progress(done, total) after each write of up to 25 items. Returns the items written."""
    counted = recount()
    requests = store.rebuild_requests(
        counted.counters, counted.boards, counted.members, counted.sources, now(), counted.rows
    )
    headcounts, teams = directory_recount()
    requests += directory_rebuild_requests(headcounts, teams, store.scan_directory_counts())
    for start in range(0, len(requests), 25):
        store.write_requests(requests[start : start + 25])
        if progress is not None:
            progress(min(start + 25, len(requests)), len(requests))
    return len(requests)


# -- leaderboards -------------------------------------------------------------------------------------


class BoardEntry(Model):
    rank: int = Field(description="Ties share a rank: 1, 2, 2, 4")
    employee_id: str
    name: str
    points: int = Field(description="Points of public peer recognition (kudos, add-ons, reactions)")
    kudos: int = Field(description="Acts of public peer recognition (kudos, add-ons, reactions)")


class OwnStanding(Model):
    rank: int | None = Field(description="Your rank when you are among the rows shown, else null")
    points: int
    kudos: int


class Leaderboard(Model):
    metric: Side
    by: Literal["points", "kudos"]
    period: str = Field(description="The period's id, in the organisation's time zone: 2026-W47, 2026-11, …")
    time_zone: str = Field(description="The organisation's time zone, in which periods start and end")
    scope: str = Field(description="org, dept:<department> or value:<slug>")
    entries: list[BoardEntry]
    me: OwnStanding | None = Field(
        description="The caller's own standing (null for callers outside the directory)"
    )


def leaderboard(
    caller: Caller,
    *,
    metric: Side,
    by: Literal["points", "kudos"],
    period: str,
    at: str | None = None,
    department: str | None = None,
    value: str | None = None,
    limit: int | None = None,
) -> Leaderboard:
    """A board's top rows and the caller's own standing, in three round trips whatever the history: the
    caller and settings (and the seasons, for a season's board); the board's sorted index (exactly the
    rows shown); the people shown (to name them, and to pass over people who left or opted out) and the
    caller's own row. Only when some of the rows read belong to people passed over does the board read on
    (a query and a read of the people per page more). Items read: 2 x rows shown + 3 (a row names no one:
    names and who is shown live on the person's record alone, see docs/performance.md). `period`: week,
    month, quarter, year, all, or season:<id>."""
    season_id = period.removeprefix(PERIOD_PREFIX) if period.startswith(PERIOD_PREFIX) else None
    first = snapshots.load(employees=[caller.employee_id], settings=True, seasons=season_id is not None)
    viewer = first.identify(caller)
    if not viewer.is_person and not viewer.has_role(Role.HR_ADMIN):
        raise Forbidden("error.not_in_directory", code="not_in_directory")
    settings = first.settings()
    boards = settings.leaderboards
    if not boards.enabled:
        raise Forbidden("error.leaderboards_off", code="leaderboards_off")
    if boards.givers_only and metric is Side.RECEIVED:
        raise Forbidden("error.givers_only", code="givers_only")
    scope = _board_scope(viewer, settings, department, value)
    if season_id is not None:
        period_id = season_period(first.seasons(), season_id, at, now())
    else:
        period_id = resolve_period(Span(period), at, now(), settings.time_zone)
    shown = min(limit or boards.top_n, boards.top_n)
    own = (metric.value, scope, period_id, caller.employee_id) if caller.employee_id else None
    ranked_rows, names, mine = board_standings(metric, by, scope, period_id, shown, own_row=own)
    standings = ranked_rows[:shown]
    entries = [
        BoardEntry(
            rank=s.rank, employee_id=s.person_id, name=names[s.person_id], points=s.points, kudos=s.kudos
        )
        for s in standings
    ]
    me = None
    if mine is not None:
        rank = next((s.rank for s in standings if s.person_id == caller.employee_id), None)
        me = OwnStanding(rank=rank, points=mine.points, kudos=mine.kudos)
    return Leaderboard(
        metric=metric,
        by=by,
        period=period_id,
        time_zone=settings.time_zone,
        scope=scope,
        entries=entries,
        me=me,
    )


def board_standings(
    metric: Side,
    by: Literal["points", "kudos"],
    scope: str,
    period_id: str,
    reach: int,
    *,
    own_row: tuple[str, str, str, str] | None = None,
) -> tuple[list[Standing], dict[str, str], BoardRowFigures | None]:
    """A board ranked (ties share a rank; ties by name) from its best `reach` rows of people shown, people
    who left or opted out passed over (reading on past them); with their names, and the figures of
    `own_row` (read with the first people: no extra round trip)."""
    kept: list[tuple[str, int, int, str]] = []
    page = store.top_rows(metric, scope, period_id, by, reach)
    snap = snapshots.load(
        employees=[row.employee_id for row in page.rows], board_rows=[own_row] if own_row else []
    )
    mine = store.figures_of(snap.board_row_item(*own_row), own_row[3]) if own_row else None
    while True:
        for row in page.rows:
            person = snap.employee(row.employee_id)
            score = row.points if by == "points" else row.kudos
            if person is not None and person.active and not person.leaderboard_opt_out and score > 0:
                kept.append((row.employee_id, row.points, row.kudos, person.name))
        ended = not page.rows or (page.rows[-1].points if by == "points" else page.rows[-1].kudos) <= 0
        if len(kept) >= reach or page.following is None or ended:
            break
        page = store.top_rows(metric, scope, period_id, by, reach - len(kept), page.following)
        snap = snapshots.load(employees=[row.employee_id for row in page.rows])
    kept.sort(
        key=lambda row: (-(row[1] if by == "points" else row[2]), row[3].casefold(), row[0])
    )  # ties: by name
    names = {person_id: name for person_id, _, _, name in kept}
    return ranked(((p, points, kudos) for p, points, kudos, _ in kept), by), names, mine


def season_period(seasons: list[Season], season_id: str, at: str | None, when: datetime) -> str:
    """The period id of a season's board: 404 for an unknown season, 422 before it counts anything."""
    if at is not None:
        raise RuleViolation("error.season_takes_no_at", code="invalid_period", details={"at": at})
    season = next((s for s in seasons if s.id == season_id), None)
    if season is None:
        raise NotFound("error.season_not_found", code="season_not_found", details={"season_id": season_id})
    if season.status_at(when) is SeasonStatus.SCHEDULED:
        raise RuleViolation(
            "error.season_not_begun",
            code="period_in_future",
            season=season.name,
            details={"season_id": season_id, "starts_on": season.starts_on.isoformat()},
        )
    return season.period


def _board_scope(viewer: Caller, settings: OrgSettings, department: str | None, value: str | None) -> str:
    if department and value:
        raise RuleViolation("error.department_or_value", code="invalid_request")
    if value is not None:
        slug = value.strip().removeprefix("#").lower()
        check_values([slug], settings)
        return f"value:{slug}"
    if department is not None:
        own = viewer.profile.department if viewer.profile else None
        if department != own and not viewer.has_role(Role.HR_ADMIN, Role.ADMIN, Role.FINANCE):
            raise Forbidden(
                "error.department_not_visible",
                code="department_not_visible",
                details={"department": department},
            )
        return f"dept:{department}"
    return "org"
