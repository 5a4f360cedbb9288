"""Seasons: a stretch of days HR names (a quarter's challenge, a summer of thanks), one more period the
insights counters and boards count in, with prizes for the top of its board when it ends.

A season runs from the first moment of `starts_on` to the last moment of `ends_on` (both days INCLUDED),
read in the organisation's time zone when its dates were set (kept with it as `time_zone`, so changing the
zone later moves no boundary): `starts_at` and `ends_at` (exclusive) are those instants. Seasons never
overlap, so a record counts in at most one; its period id is `season:<id>`.

Exactly once, simply: a season counts records from `counts_from`, the later of its start and a second after
its dates were set, so the projection (which reads the seasons with every batch) knows a season before any
record it counts. A start before today is refused, and once a season counts its dates no longer change and
it can no longer be deleted: nothing counted is ever recounted. A season created on its first day counts
from its creation on.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import ConfigDict, Field, field_validator, model_validator

from plaudit.domain.budgets import BUDGET_ID
from plaudit.domain.insights import ALL_TIME, Contribution, Side, Standing
from plaudit.domain.model import Model
from plaudit.domain.problems import invalid

SEASON_ID = r"^season_[A-Za-z0-9]{1,40}$"
PERIOD_PREFIX = "season:"
BOARD_PERIOD = r"^(week|month|quarter|year|all|season:season_[A-Za-z0-9]{1,40})$"  # a board's period
MAX_PRIZE_RANK = 50
MAX_PRIZES = 10
MAX_SEASONS = 150  # every season lives in one item (under DynamoDB's 400 KB at 10 prizes each)
EARLIEST, LATEST = date(2000, 1, 1), date(2999, 12, 31)
MAX_DAYS = 366
MAX_POINTS = 1_000_000
SETTLE_AFTER = timedelta(minutes=15)  # the stream's last records of a season are counted before it freezes


class SeasonStatus(StrEnum):
    SCHEDULED = "scheduled"  # counts nothing yet: dates may change, it may be deleted
    RUNNING = "running"  # counting: its name, board and prizes may change, not its dates
    ENDED = "ended"  # past its last day, standings not frozen yet (the hourly run freezes them)
    FROZEN = "frozen"  # standings frozen, winners announced, prizes paid (or waiting for a top-up)


class Prize(Model):
    """What the person (or people, tied) at `rank` of the season's board receive: points from a budget,
    a catalogue item paid from the budget, or both."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    rank: int = Field(ge=1, le=MAX_PRIZE_RANK, description="The place on the board: 1 is the top")
    points: int = Field(default=0, ge=0, le=MAX_POINTS, description="Points paid from the budget")
    budget_id: str = Field(pattern=BUDGET_ID, description="The budget that pays the prize")
    catalog_item_id: str | None = Field(default=None, min_length=1, max_length=64)
    catalog_denomination: Decimal | None = Field(
        default=None, gt=0, le=1_000_000, decimal_places=2, description="The item's value, in its currency"
    )

    @model_validator(mode="after")
    def _pays_something(self) -> "Prize":
        if (self.catalog_item_id is None) != (self.catalog_denomination is None):
            raise invalid("problem.prize_item_and_denomination")
        if self.points == 0 and self.catalog_item_id is None:
            raise invalid("problem.prize_pays_nothing")
        return self


class SeasonSpec(Model):
    """A season as HR writes it (POST, PUT)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=120)
    starts_on: date = Field(
        ge=EARLIEST, le=LATEST, description="Its first day, in the organisation's time zone (today or later)"
    )
    ends_on: date = Field(ge=EARLIEST, le=LATEST, description="Its last day, included")
    metric: Side = Field(default=Side.RECEIVED, description="The board its standings and prizes follow")
    by: Literal["points", "kudos"] = Field(default="points", description="Rank by points or by kudos count")
    prizes: list[Prize] = Field(default_factory=list, max_length=MAX_PRIZES)

    @field_validator("prizes")
    @classmethod
    def _distinct_ranks(cls, value: list[Prize]) -> list[Prize]:
        ranks = [prize.rank for prize in value]
        if len(set(ranks)) != len(ranks):
            raise invalid("problem.prize_ranks_repeat")
        return sorted(value, key=lambda prize: prize.rank)

    @model_validator(mode="after")
    def _dates(self) -> "SeasonSpec":
        if self.ends_on < self.starts_on:
            raise invalid("problem.season_ends_before_start")
        if (self.ends_on - self.starts_on).days >= MAX_DAYS:
            raise invalid("problem.season_too_long", days=MAX_DAYS)
        return self


class Season(SeasonSpec):
    """A stored season."""

    id: str = Field(pattern=SEASON_ID)
    time_zone: str = Field(description="The organisation's time zone its days are read in")
    starts_at: datetime = Field(description="The first moment of starts_on")
    ends_at: datetime = Field(description="The first moment after ends_on (exclusive)")
    counts_from: datetime = Field(
        description="Records count from here: its start, or its creation on its first day"
    )
    version: int = Field(description="Its ETag: send it back in If-Match")
    created_at: datetime
    updated_at: datetime
    frozen_at: datetime | None = Field(default=None, description="When its standings were frozen")
    prizes_settled_at: datetime | None = Field(
        default=None, description="When every prize was paid or left pending"
    )

    @property
    def period(self) -> str:
        return period_of(self.id)

    def status_at(self, at: datetime) -> SeasonStatus:
        if self.frozen_at is not None:
            return SeasonStatus.FROZEN
        if at >= self.ends_at:
            return SeasonStatus.ENDED
        return SeasonStatus.RUNNING if at >= self.counts_from else SeasonStatus.SCHEDULED


def period_of(season_id: str) -> str:
    return f"{PERIOD_PREFIX}{season_id}"


def window(starts_on: date, ends_on: date, time_zone: str) -> tuple[datetime, datetime]:
    """The season's first moment and the first moment after its last day, in UTC."""
    zone = ZoneInfo(time_zone)
    return _midnight(starts_on, zone), _midnight(ends_on + timedelta(days=1), zone)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)


def counting_start(starts_at: datetime, dates_set_at: datetime) -> datetime:
    """Where counting begins: the start, or (a season set on its first day) the whole second after the one
    its dates were set in, so every record it counts was written after the projection could know it."""
    after = dates_set_at.replace(microsecond=0) + timedelta(seconds=2 if dates_set_at.microsecond else 1)
    return max(starts_at, after)


def overlapping(starts_at: datetime, ends_at: datetime, others: Iterable[Season]) -> Season | None:
    """The first other season sharing a moment with [starts_at, ends_at), if any."""
    for other in sorted(others, key=lambda season: season.starts_at):
        if starts_at < other.ends_at and other.starts_at < ends_at:
            return other
    return None


def season_at(at: datetime, seasons: Iterable["SeasonWindow"]) -> "SeasonWindow | None":
    """The season a record written at `at` counts in (seasons never overlap), if any."""
    return next((season for season in seasons if season.counts_from <= at < season.ends_at), None)


@dataclass(frozen=True)
class SeasonWindow:
    """What the projection needs of a season: its id and the instants it counts between."""

    id: str
    counts_from: datetime
    ends_at: datetime


def in_season(part: Contribution, season_id: str) -> Contribution:
    """A record's contribution again in its season: every all-time counter, board row and membership it
    makes, under the season's period (all time is the one period every record counts in)."""
    period = period_of(season_id)
    out = Contribution()
    for (scope, at), deltas in part.counters.items():
        if at == ALL_TIME:
            out.add((scope, period), **deltas)
    for (side, scope, at, person), deltas in part.boards.items():
        if at == ALL_TIME:
            out.add_board((side, scope, period, person), **deltas)
    out.members = {
        (scope, period, role, person) for scope, at, role, person in part.members if at == ALL_TIME
    }
    return out


class StandingRow(Model):
    rank: int = Field(description="Ties share a rank: 1, 2, 2, 4")
    employee_id: str
    points: int
    kudos: int


class FrozenStandings(Model):
    """A season's board as it stood when the season was frozen: the ranked top (every person tied at the
    last place kept), by employee id (names are read when shown: they are personal data)."""

    season_id: str
    name: str
    metric: Side
    by: Literal["points", "kudos"]
    frozen_at: datetime
    prize_ranks: list[int] = Field(description="The ranks that win a prize")
    rows: list[StandingRow]

    def announced(self) -> list[StandingRow]:
        """Who the announcement names: every prize winner, and at least the top 3."""
        last = max([3, *self.prize_ranks])
        return [row for row in self.rows if row.rank <= last]


def places_kept(prizes: Iterable[Prize], top_n: int) -> int:
    """How many places the frozen standings keep: the board's top N, and every prized rank."""
    return max([top_n, *(prize.rank for prize in prizes)])


@dataclass(frozen=True)
class Winner:
    standing: Standing
    prize: Prize


def winners(standings: Sequence[Standing], prizes: Iterable[Prize]) -> list[Winner]:
    """Each person gets the prize of their rank: people tied share a rank, so all of them get its prize,
    and a rank a tie passes over (the 3 after 1, 2, 2) pays no one."""
    by_rank = {prize.rank: prize for prize in prizes}
    return [Winner(s, by_rank[s.rank]) for s in standings if s.rank in by_rank]
