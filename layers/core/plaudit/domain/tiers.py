"""Status tiers: a person's tier follows the points they received over a rolling 12 months.

The window is the current month and the 11 before it, in the organisation's time zone (the current,
partial month counts: points received today count today). Points are the person-scope monthly counters'
`points_received` (peer recognition: kudos, add-ons and reactions, private ones too, net of reactions
taken back; milestone awards are not recognition and do not count), so a tier is read from 12 counters,
never from history.

Tier names and thresholds are HR's (settings `tiers`), shown as written. A person is in the highest tier
whose threshold their points reach (none while below the lowest). Moving up to a tier the person never
reached before is announced once; a tier reached, lost (points rolled out of the window) and reached again
is not announced again.
"""

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from pydantic import ConfigDict, Field, model_validator

from plaudit.domain.errors import RuleViolation
from plaudit.domain.insights import Span, local_day, period_id
from plaudit.domain.model import Model
from plaudit.domain.problems import invalid

WINDOW_MONTHS = 12
MAX_TIERS = 10


class Tier(Model):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=40, description="Shown as written, e.g. Gold")
    threshold: int = Field(ge=0, le=100_000_000, description="Points received over 12 months to reach it")


class TierSettings(Model):
    model_config = ConfigDict(extra="forbid")

    levels: list[Tier] = Field(
        default_factory=list,
        max_length=MAX_TIERS,
        description="Tiers in ascending thresholds, names unique (empty: no tiers)",
    )
    announce_in_channel: bool = Field(
        default=False,
        description="True: a move up is also announced in the announcement channel (it is always DMed)",
    )

    @model_validator(mode="after")
    def _ordered(self) -> "TierSettings":
        names = [tier.name.casefold() for tier in self.levels]
        if len(names) != len(set(names)):
            raise invalid("problem.tier_names_distinct")
        thresholds = [tier.threshold for tier in self.levels]
        if any(later <= earlier for earlier, later in itertools.pairwise(thresholds)):
            raise invalid("problem.tier_thresholds_ascending")
        return self

    def rank_of(self, name: str | None) -> int:
        """The tier's place (0 = lowest); -1 for none; a name no tier has is above every tier."""
        if name is None:
            return -1
        for rank, tier in enumerate(self.levels):
            if tier.name == name:
                return rank
        return len(self.levels)

    def check_known(self, name: str) -> None:
        if self.rank_of(name) >= len(self.levels):
            raise RuleViolation(
                "error.unknown_tier",
                code="unknown_tier",
                tier=name,
                details={"min_tier": name, "tiers": [tier.name for tier in self.levels]},
            )


def window_months(today: date) -> list[str]:
    """The ids of the window's months (`2026-11`...), the current one first."""
    months = []
    year, month = today.year, today.month
    for _ in range(WINDOW_MONTHS):
        months.append(period_id(Span.MONTH, date(year, month, 1)))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


def window_at(at: datetime, time_zone: str) -> list[str]:
    return window_months(local_day(at, time_zone))


def candidate_months(at: datetime) -> list[str]:
    """Every month the window at `at` may hold, whatever the organisation's zone (a local day is the UTC
    day or one either side): 14 months, read together with the settings that say which 12 count."""
    day = at.astimezone(UTC).date()
    return sorted(set(window_months(day + timedelta(days=1)) + window_months(day - timedelta(days=1))))


@dataclass(frozen=True)
class Standing:
    """Where a person stands: their tier (None: below every tier), the points that put them there, and
    the next tier up with what it takes."""

    tier: Tier | None
    points: int
    next: Tier | None
    window: tuple[str, str]  # first and last month of the window, e.g. ("2025-12", "2026-11")
    rank: int  # the tier's place among the settings' tiers (0 = lowest); -1: below every tier


def standing(settings: TierSettings, monthly_points: Iterable[int], months: Sequence[str]) -> Standing:
    """The tier `monthly_points` (the window's months' points received) reach."""
    points = sum(monthly_points)
    reached = [(rank, tier) for rank, tier in enumerate(settings.levels) if tier.threshold <= points]
    rank, tier = reached[-1] if reached else (-1, None)
    following = settings.levels[rank + 1] if rank + 1 < len(settings.levels) else None
    return Standing(tier, points, following, (months[-1], months[0]), rank)


@dataclass(frozen=True)
class Move:
    """What a recomputed standing changes on a person's tier record: the tier now, the tiers ever reached
    (each announced once), and the tier to announce (None: nothing to announce)."""

    tier: str | None
    reached: tuple[str, ...]
    announce: str | None


def move(settings: TierSettings, now: Standing, current: str | None, reached: Iterable[str]) -> Move | None:
    """The change from the stored tier `current` (None: never recorded, the lowest tier's place if its
    threshold is 0) to the standing `now`; None when nothing changes. A move up to a tier not reached
    before announces it, and marks every tier up to it reached."""
    name = now.tier.name if now.tier else None
    base = settings.levels[0].name if settings.levels and settings.levels[0].threshold == 0 else None
    was = current if current is not None else base
    if name == was:
        return None
    before = set(reached)
    if settings.rank_of(name) > settings.rank_of(was) and name is not None and name not in before:
        below = [tier.name for tier in settings.levels[: now.rank + 1]]
        return Move(name, tuple(sorted(before | set(below))), name)
    return Move(name, tuple(sorted(before)), None)


def refuse_below(settings: TierSettings, needed: str, person: Standing) -> None:
    """Refuse (422 `tier_required`, naming the tier) when the person's tier is below `needed`."""
    if admits(settings, needed, person):
        return
    raise RuleViolation(
        "error.tier_required",
        code="tier_required",
        tier=needed,
        details={"min_tier": needed, "your_tier": person.tier.name if person.tier else None},
    )


def admits(settings: TierSettings, needed: str | None, person: Standing) -> bool:
    """Whether the person's tier is `needed` or above (a tier the settings no longer have admits no one)."""
    if needed is None:
        return True
    rank = settings.rank_of(needed)
    return rank < len(settings.levels) and person.rank >= rank
