"""Milestone rules as HR writes them: what is celebrated (work anniversary, birthday, N days after start,
a named HRIS event, a referred candidate hired), for how many points from which budget, and how it is
announced."""

import string
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import ConfigDict, Field, field_validator, model_validator

from plaudit.domain.budgets import BUDGET_ID
from plaudit.domain.employees import Employee
from plaudit.domain.model import Model
from plaudit.domain.problems import invalid

RULE_ID = r"^rule_[A-Za-z0-9]{1,40}$"
EVENT_NAME = r"^[a-z0-9][a-z0-9_.-]{0,47}$"
CHANNEL = r"^[CG][A-Z0-9]{2,20}$"
PLACEHOLDERS = frozenset({"name", "first_name", "years", "points", "rule", "event", "days"})
MAX_POINTS = 1_000_000


class RuleType(StrEnum):
    WORK_ANNIVERSARY = "work_anniversary"
    BIRTHDAY = "birthday"
    DAYS_AFTER_START = "days_after_start"
    HRIS_EVENT = "hris_event"
    REFERRAL = "referral"


class RuleFilter(Model):
    """Who a rule applies to; an empty list admits everyone."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    departments: list[str] = Field(default_factory=list, max_length=50)
    countries: list[str] = Field(default_factory=list, max_length=50)

    @field_validator("countries")
    @classmethod
    def _iso_countries(cls, value: list[str]) -> list[str]:
        if any(len(code) != 2 or not code.isalpha() or not code.isupper() for code in value):
            raise invalid("problem.country_codes")
        return value

    def admits(self, employee: Employee) -> bool:
        if self.departments and employee.department not in self.departments:
            return False
        return not self.countries or employee.country in self.countries


class RuleSpec(Model):
    """A rule as created or replaced (POST / PUT)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=120)
    type: RuleType
    years: list[int] | None = Field(
        default=None, description="Work anniversary: the years celebrated (none: every year)"
    )
    points_by_year: dict[int, int] = Field(
        default_factory=dict, description="Work anniversary: points for a given year, e.g. {1: 100, 5: 500}"
    )
    points: int = Field(
        default=0,
        ge=0,
        le=MAX_POINTS,
        description="Points awarded (for anniversaries: any year not in the table)",
    )
    days_after_start: int | None = Field(
        default=None, ge=0, le=3650, description="Onboarding: days after start"
    )
    event_name: str | None = Field(
        default=None, pattern=EVENT_NAME, description="HRIS event: its name, e.g. promotion"
    )
    at_hire_percent: int | None = Field(
        default=None,
        ge=0,
        le=100,
        description="Referral: the share of the points paid when the hire is reported (none: all of them)",
    )
    after_days: int | None = Field(
        default=None,
        ge=1,
        le=730,
        description="Referral: the rest is paid this many days after the hire, if the hire and the referrer "
        "are both still active then",
    )
    budget_id: str | None = Field(default=None, pattern=BUDGET_ID, description="Budget the points come from")
    catalog_item_id: str | None = Field(default=None, min_length=1, max_length=64)
    catalog_denomination: Decimal | None = Field(
        default=None, gt=0, le=1_000_000, decimal_places=2, description="The item's value, in its currency"
    )
    message: str = Field(
        min_length=1,
        max_length=1000,
        description="Celebration text; placeholders: " + ", ".join(f"{{{p}}}" for p in sorted(PLACEHOLDERS)),
    )
    announce: bool = Field(default=True, description="Celebrate in a channel")
    channel: str | None = Field(
        default=None,
        pattern=CHANNEL,
        description="Channel to celebrate in (default: the announcement channel)",
    )
    dm: bool = Field(default=True, description="Send the person a direct message")
    manager_reminder_days: int | None = Field(
        default=None, ge=1, le=60, description="Remind the manager this many days ahead"
    )
    enabled: bool = True
    filter: RuleFilter = Field(default_factory=RuleFilter)

    @field_validator("years")
    @classmethod
    def _valid_years(cls, value: list[int] | None) -> list[int] | None:
        if value is None:
            return None
        if not value or any(year < 1 or year > 100 for year in value) or len(set(value)) != len(value):
            raise invalid("problem.anniversary_years")
        return sorted(value)

    @field_validator("points_by_year")
    @classmethod
    def _valid_table(cls, value: dict[int, int]) -> dict[int, int]:
        for year, points in value.items():
            if year < 1 or year > 100 or points < 0 or points > MAX_POINTS:
                raise invalid("problem.points_by_year", max=MAX_POINTS)
        return value

    @field_validator("message")
    @classmethod
    def _known_placeholders(cls, value: str) -> str:
        try:
            names = {field for _, field, _, _ in string.Formatter().parse(value) if field is not None}
        except ValueError as error:
            raise invalid("problem.bad_template") from error
        unknown = names - PLACEHOLDERS
        if unknown:
            raise invalid("problem.unknown_placeholders", unknown=sorted(unknown), known=sorted(PLACEHOLDERS))
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "RuleSpec":
        anniversary = self.type == RuleType.WORK_ANNIVERSARY
        if not anniversary and (self.years is not None or self.points_by_year):
            raise invalid("problem.anniversary_only")
        if (self.type == RuleType.DAYS_AFTER_START) != (self.days_after_start is not None):
            raise invalid("problem.days_after_start")
        if (self.type == RuleType.HRIS_EVENT) != (self.event_name is not None):
            raise invalid("problem.event_name")
        referral = self.type == RuleType.REFERRAL
        if not referral and (self.at_hire_percent is not None or self.after_days is not None):
            raise invalid("problem.referral_only")
        if referral and (self.later_share() > 0) != (self.after_days is not None):
            raise invalid("problem.referral_after_days")
        pays_points = self.points > 0 or any(self.points_by_year.values())
        if pays_points and self.budget_id is None:
            raise invalid("problem.points_need_budget")
        if not pays_points and self.catalog_item_id is None:
            raise invalid("problem.rule_awards_nothing")
        if (self.catalog_item_id is None) != (self.catalog_denomination is None):
            raise invalid("problem.item_and_denomination")
        if self.catalog_item_id is not None and self.budget_id is None:
            raise invalid("problem.item_needs_budget")
        return self

    def points_for(self, years: int | None) -> int:
        """Points for an occurrence; `years` is the anniversary year (None for other types)."""
        if years is not None and years in self.points_by_year:
            return self.points_by_year[years]
        return self.points

    def later_share(self) -> int:
        """Referral: the percentage of the points paid `after_days` after the hire (0: all at hire)."""
        return 100 - (100 if self.at_hire_percent is None else self.at_hire_percent)

    def celebrates_year(self, years: int) -> bool:
        return years >= 1 and (self.years is None or years in self.years)


class MilestoneRule(RuleSpec):
    """A stored rule. Edits apply from `updated_at` on; `history` keeps the versions it replaced, so an
    occurrence caught up after an edit is judged by the version in force on its day."""

    id: str = Field(pattern=RULE_ID)
    created_at: datetime
    updated_at: datetime
    version: int = 1
    history: list["RuleVersion"] = Field(default_factory=list, description="Earlier versions, newest first")

    def as_of(self, at: datetime) -> RuleSpec | None:
        """The version in force at `at`; None before the rule existed."""
        if at >= self.updated_at:
            return self
        for earlier in self.history:
            if earlier.effective_from <= at:
                return earlier
        return None


class RuleVersion(RuleSpec):
    effective_from: datetime
