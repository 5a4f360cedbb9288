"""Badges HR defines, what earns each, and weekly giving streaks.

A badge's criterion says what earns it:
- `count`: a metric (kudos or points, received or given; optionally only those tagged with one company
  value) reaching a number within a window (week, month, quarter, year or all time). `per_window`: earned
  again in each window that reaches it; otherwise once.
- `first`: the first kudos given, or received.
- `streak`: kudos given in N consecutive ISO weeks.
- `milestone`: a milestone award of a rule type (a work anniversary of a given number of years).
- `season_placement`: a place in the top N of a season's final standings (any season, or one), once per
  season.

Everything is judged from the projection's counters (person scopes per period), never from history: the
windows are the periods of plaudit.domain.insights, read in the organisation's time zone.

A streak counts the ISO weeks (organisation's zone) in which the person gave kudos or an add-on; a week
without giving breaks it. Only the week of the last giving is stored: the current streak is worked out
when it is read (it still stands in that week and the next; after that it is 0), so no sweep is needed.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, model_validator

from plaudit.domain.insights import Deltas, Side, Span, period_id, person_value_scope, span_of
from plaudit.domain.milestone_rules import RuleType
from plaudit.domain.model import Model
from plaudit.domain.problems import invalid
from plaudit.domain.settings import REACTION_NAME, VALUE_SLUG

BADGE_ID = r"^badge_[A-Za-z0-9]{1,40}$"
ONCE = "once"  # the window of a badge earned once
NUDGE_FROM = 3  # streaks of this many weeks or more are worth a nudge before they break
NUDGE_WEEKDAY = 4  # Friday (Monday is 0): the last working day of the week
NUDGE_HOUR = 14  # local hour from which Friday's nudges go out


class Metric(StrEnum):
    KUDOS_RECEIVED = "kudos_received"
    KUDOS_GIVEN = "kudos_given"
    POINTS_RECEIVED = "points_received"
    POINTS_GIVEN = "points_given"


class CountCriterion(Model):
    """Reach `at_least` of `metric` (only kudos tagged `value`, if given) within one `window`."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["count"]
    metric: Metric
    value: str | None = Field(default=None, pattern=VALUE_SLUG, description="A company value's slug")
    window: Span
    at_least: int = Field(ge=1, le=1_000_000)
    per_window: bool = Field(
        default=False, description="Earned again in each window that reaches it (not for all time)"
    )

    @model_validator(mode="after")
    def _windows(self) -> "CountCriterion":
        if self.per_window and self.window is Span.ALL:
            raise invalid("problem.badge_per_window_all")
        return self


class FirstCriterion(Model):
    """The person's first kudos given, or received."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["first"]
    side: Side


class StreakCriterion(Model):
    """Kudos given in `weeks` consecutive ISO weeks."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["streak"]
    weeks: int = Field(ge=2, le=520)


class MilestoneCriterion(Model):
    """A milestone award of `rule_type` (for work anniversaries: of `years` years, if given)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["milestone"]
    rule_type: RuleType
    years: int | None = Field(default=None, ge=1, le=100)

    @model_validator(mode="after")
    def _years(self) -> "MilestoneCriterion":
        if self.years is not None and self.rule_type is not RuleType.WORK_ANNIVERSARY:
            raise invalid("problem.badge_years_anniversary_only")
        return self


class SeasonCriterion(Model):
    """A place within the `top` of a season's final standings (ties share a rank: 1, 2, 2, 4); `season_id`:
    only that season's (none: every season's, once each)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["season_placement"]
    top: int = Field(ge=1, le=50)
    season_id: str | None = Field(default=None, min_length=1, max_length=64)


Criterion = Annotated[
    CountCriterion | FirstCriterion | StreakCriterion | MilestoneCriterion | SeasonCriterion,
    Field(discriminator="kind"),
]


class BadgeSpec(Model):
    """A badge as HR creates or replaces it (POST / PUT). Its words are HR's own, shown as written."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=80)
    emoji: str = Field(pattern=REACTION_NAME, description="Slack emoji name, without colons, e.g. handshake")
    description: str = Field(default="", max_length=300)
    public: bool = Field(
        default=True,
        description="Announced in the channel and shown to everyone; private: to its holder and HR",
    )
    criteria: Criterion


class Badge(BadgeSpec):
    id: str = Field(pattern=BADGE_ID)
    created_at: datetime
    updated_at: datetime
    version: int = Field(default=1, description="The ETag: each replacement adds one")


# -- what a batch tells about a person ----------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneFact:
    """A milestone award paid or granted to a person."""

    employee_id: str
    rule_type: str
    years: int | None


@dataclass(frozen=True)
class Placement:
    """A person's rank in a season's final standings."""

    season_id: str
    employee_id: str
    rank: int


@dataclass(frozen=True)
class Earned:
    badge: Badge
    employee_id: str
    window: str  # a period id, or ONCE


def counter_scope(criterion: CountCriterion | FirstCriterion, person_id: str) -> str:
    value = criterion.value if isinstance(criterion, CountCriterion) else None
    return person_value_scope(person_id, value) if value else f"person:{person_id}"


def as_count(criterion: CountCriterion | FirstCriterion) -> CountCriterion:
    if isinstance(criterion, CountCriterion):
        return criterion
    return CountCriterion(
        kind="count", metric=Metric(f"kudos_{criterion.side.value}"), window=Span.ALL, at_least=1
    )


def counters_to_read(
    badges: Iterable[Badge], touched: Mapping[tuple[str, str], Deltas]
) -> set[tuple[str, str]]:
    """The person counters the count badges need: those of the periods this batch moved the badge's metric
    in (a counter the batch did not move cannot have just reached a number)."""
    wanted: set[tuple[str, str]] = set()
    for badge in badges:
        if not isinstance(badge.criteria, CountCriterion | FirstCriterion):
            continue
        criterion = as_count(badge.criteria)
        for (scope, period), deltas in touched.items():
            person = _person_of(scope)
            if person is None or span_of(period) is not criterion.window:
                continue
            if scope == counter_scope(badge.criteria, person) and deltas.get(criterion.metric.value, 0) > 0:
                wanted.add((scope, period))
    return wanted


def count_earnings(badges: Iterable[Badge], counters: Mapping[tuple[str, str], Deltas]) -> list[Earned]:
    """The count and first badges the read counters (person scopes) reach."""
    earned = []
    for badge in badges:
        if not isinstance(badge.criteria, CountCriterion | FirstCriterion):
            continue
        criterion = as_count(badge.criteria)
        for (scope, period), figures in sorted(counters.items()):
            person = _person_of(scope)
            if person is None or span_of(period) is not criterion.window:
                continue
            if scope != counter_scope(badge.criteria, person):
                continue
            if figures.get(criterion.metric.value, 0) >= criterion.at_least:
                earned.append(Earned(badge, person, period if criterion.per_window else ONCE))
    return earned


def streak_earnings(badges: Iterable[Badge], streaks: Mapping[str, "Streak"]) -> list[Earned]:
    return [
        Earned(badge, person, ONCE)
        for badge in badges
        if isinstance(badge.criteria, StreakCriterion)
        for person, streak in sorted(streaks.items())
        if streak.longest >= badge.criteria.weeks
    ]


def milestone_earnings(badges: Iterable[Badge], facts: Iterable[MilestoneFact]) -> list[Earned]:
    earned = []
    for badge in badges:
        criterion = badge.criteria
        if not isinstance(criterion, MilestoneCriterion):
            continue
        for fact in facts:
            if fact.rule_type != criterion.rule_type.value:
                continue
            if criterion.years is not None and fact.years != criterion.years:
                continue
            # every anniversary (no years given) earns it again each year; anything else once
            per_year = criterion.years is None and fact.years is not None
            earned.append(Earned(badge, fact.employee_id, f"y{fact.years}" if per_year else ONCE))
    return earned


def season_earnings(badges: Iterable[Badge], placements: Iterable[Placement]) -> list[Earned]:
    earned = []
    for badge in badges:
        criterion = badge.criteria
        if not isinstance(criterion, SeasonCriterion):
            continue
        for place in placements:
            if place.rank <= criterion.top and criterion.season_id in (None, place.season_id):
                earned.append(Earned(badge, place.employee_id, f"season:{place.season_id}"))
    return earned


def _person_of(scope: str) -> str | None:
    if not scope.startswith("person:"):
        return None
    return scope.removeprefix("person:").split("/", 1)[0]


def givers_weeks(touched: Mapping[tuple[str, str], Deltas]) -> dict[str, set[str]]:
    """Who gave (kudos or add-ons) in which ISO weeks, from a batch's contribution."""
    weeks: dict[str, set[str]] = {}
    for (scope, period), deltas in touched.items():
        if "/" in scope or span_of(period) is not Span.WEEK:
            continue
        person = _person_of(scope)
        if person is not None and (deltas.get("kudos_given", 0) > 0 or deltas.get("add_ons_given", 0) > 0):
            weeks.setdefault(person, set()).add(period)
    return weeks


# -- streaks ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Streak:
    """A person's weekly giving streak: `current` weeks up to `last_week`, the `longest` ever."""

    last_week: str | None = None
    current: int = 0
    longest: int = 0

    def gave_in(self, week: str) -> "Streak":
        """The streak after giving in `week` (an ISO week id). Giving again in the same week changes
        nothing; a week older than the last one (a late record) neither."""
        if self.last_week is None:
            return Streak(week, 1, max(self.longest, 1))
        gap = (week_monday(week) - week_monday(self.last_week)).days
        if gap <= 0:
            return self
        current = self.current + 1 if gap == 7 else 1
        return Streak(week, current, max(self.longest, current))

    def current_in(self, week: str) -> int:
        """The streak as it stands in `week`: it holds through the week after the last giving (there is
        still time to give), and is 0 once a whole week passed without."""
        if self.last_week is None:
            return 0
        gap = (week_monday(week) - week_monday(self.last_week)).days
        return self.current if gap in (0, 7) else 0

    def at_risk_in(self, week: str) -> bool:
        """Worth a nudge in `week`: a streak of NUDGE_FROM or more that breaks unless they give this week."""
        return self.last_week == previous_week(week) and self.current >= NUDGE_FROM


def week_monday(week: str) -> date:
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)


def week_of(day: date) -> str:
    return period_id(Span.WEEK, day)


def previous_week(week: str) -> str:
    return week_of(week_monday(week) - timedelta(days=7))


def nudge_time(local: datetime) -> bool:
    """Friday afternoon in the organisation's zone: when nudges go out."""
    return local.weekday() == NUDGE_WEEKDAY and local.hour >= NUDGE_HOUR
