"""Campaigns: points or a catalogue item to many people at once, from one budget.

The people come from a CSV (one row a person: `employee_id` or `email`, `points` or `item_id` and
`denomination`, an optional `message`) or from a selector over the directory (departments, countries, a
manager's team, tiers, a start-date range, or everyone active). A CSV is checked whole before anything is
stored: every bad row is refused with its line number. Who cannot be paid is skipped with a reason
(unknown, deactivated, outside the budget's scope); the rest are the campaign's targets, kept in chunks of
CHUNK people, each chunk one queue message for the worker. Each person's award id derives from the
campaign and the person, so a person is awarded at most once per campaign whatever is redelivered.
"""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import ConfigDict, Field, ValidationError, model_validator

from plaudit.domain.budgets import BUDGET_ID, OUTSIDE_SCOPE
from plaudit.domain.catalog import ITEM_ID
from plaudit.domain.csv_table import UnusableFile, read_table
from plaudit.domain.employees import EMAIL, EMPLOYEE_ID, Employee
from plaudit.domain.errors import Problem, RuleViolation
from plaudit.domain.ids import derived_id
from plaudit.domain.model import Model
from plaudit.domain.problems import invalid, problems_from

CAMPAIGN_ID = r"^cmp_[A-Z0-9]{26}$"
CHUNK = 100  # people per queue message: one worker invocation pays a chunk well inside Lambda's limits
MAX_PEOPLE = 10_000
MAX_CSV = 2_000_000  # characters: 10,000 rows with a message each
COLUMNS = ("employee_id", "email", "points", "item_id", "denomination", "message")
UNKNOWN, DEACTIVATED = "unknown", "deactivated"
SkipReason = Literal["unknown", "deactivated", "outside_budget_scope", "self_award"]
SELF_AWARD = "self_award"  # the campaign's own giver: nobody pays themselves from a budget (like kudos)
FAILED_DEACTIVATED = "deactivated"  # left between the preview and the payment


class CampaignStatus(StrEnum):
    DRAFT = "draft"  # previewed and stored: nothing paid yet
    RUNNING = "running"  # its chunks are queued
    DONE = "done"  # every chunk was processed
    CANCELLED = "cancelled"  # what was not paid yet stops


class Selector(Model):
    """Who, from the directory: every criterion given must hold (active people only, bots never)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    everyone: bool = Field(default=False, description="Everyone active (no other criterion)")
    departments: list[str] = Field(default_factory=list, max_length=50)
    countries: list[str] = Field(default_factory=list, max_length=50)
    manager_id: str | None = Field(default=None, pattern=EMPLOYEE_ID, description="This manager's team")
    tiers: list[str] = Field(default_factory=list, max_length=20, description="People at these tiers now")
    started_from: date | None = Field(default=None, description="Start date on or after")
    started_to: date | None = Field(default=None, description="Start date on or before")

    @model_validator(mode="after")
    def _something(self) -> "Selector":
        narrowed = bool(
            self.departments
            or self.countries
            or self.manager_id
            or self.tiers
            or self.started_from
            or self.started_to
        )
        if narrowed == self.everyone:
            raise invalid("problem.campaign_selector")
        if self.started_from and self.started_to and self.started_from > self.started_to:
            raise invalid("problem.min_exceeds_max")
        return self

    def picks(self, person: Employee, tier: str | None) -> bool:
        if not person.active or person.is_bot:
            return False
        if self.departments and person.department not in self.departments:
            return False
        if self.countries and person.country not in self.countries:
            return False
        if self.manager_id and person.manager_id != self.manager_id:
            return False
        if self.tiers and tier not in self.tiers:
            return False
        if self.started_from and (person.start_date is None or person.start_date < self.started_from):
            return False
        return not (self.started_to and (person.start_date is None or person.start_date > self.started_to))


class CampaignRequest(Model):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=120, description="Said to each recipient")
    budget_id: str = Field(pattern=BUDGET_ID, description="The one budget that pays for it all")
    message: str | None = Field(
        default=None, min_length=1, max_length=500, description="Why: for everyone (a row may say its own)"
    )
    public: bool = Field(default=False, description="Post one celebration to the announcement channel")
    csv: str | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_CSV,
        description="The people, as CSV text with a header: employee_id or email, points or item_id and "
        "denomination (else the campaign's), message (optional)",
    )
    selector: Selector | None = Field(default=None, description="The people, from the directory")
    points: int | None = Field(default=None, ge=1, le=1_000_000, description="Each person's points")
    item_id: str | None = Field(default=None, pattern=ITEM_ID, description="Or each person's item")
    denomination: Decimal | None = Field(default=None, gt=0, le=1_000_000, decimal_places=2)

    @model_validator(mode="after")
    def _shape(self) -> "CampaignRequest":
        if (self.csv is None) == (self.selector is None):
            raise invalid("problem.campaign_source")
        if (self.item_id is None) != (self.denomination is None):
            raise invalid("problem.item_and_denomination")
        if self.points is not None and self.item_id is not None:
            raise invalid("problem.campaign_amount")
        if self.selector is not None and self.points is None and self.item_id is None:
            raise invalid("problem.campaign_amount")
        return self


class Row(Model):
    """One person of a campaign: who, what, and the CSV line it came from (None: from a selector)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    line: int | None = None
    employee_id: str | None = Field(default=None, pattern=EMPLOYEE_ID)
    email: str | None = Field(default=None, pattern=EMAIL, max_length=254)
    points: int | None = Field(default=None, ge=1, le=1_000_000)
    item_id: str | None = Field(default=None, pattern=ITEM_ID)
    denomination: Decimal | None = Field(default=None, gt=0, le=1_000_000, decimal_places=2)
    message: str | None = Field(default=None, min_length=1, max_length=500)

    @model_validator(mode="after")
    def _shape(self) -> "Row":
        if (self.employee_id is None) == (self.email is None):
            raise invalid("problem.campaign_person")
        if (self.item_id is None) != (self.denomination is None):
            raise invalid("problem.item_and_denomination")
        if (self.points is None) == (self.item_id is None):
            raise invalid("problem.campaign_amount")
        return self


class Skipped(Model):
    line: int | None = Field(description="The CSV line (null: chosen by a selector)")
    employee_id: str | None
    email: str | None = None
    reason: SkipReason


class Preview(Model):
    people: int = Field(description="Who would be paid")
    total_points: int = Field(description="What it costs the budget, in points")
    budget_available: int
    covered: bool = Field(description="Whether the budget covers it now (a campaign it does not is refused)")
    skipped: list[Skipped] = Field(description="Who would not be paid, and why")


class CampaignView(Model):
    id: str
    name: str
    budget_id: str
    message: str | None
    public: bool
    status: CampaignStatus
    people: int = Field(description="Targets: who is to be paid")
    total_points: int
    skipped: int = Field(description="Left out at preview (the report says who and why)")
    paid: int
    pending: int = Field(description="Waiting for the budget to be topped up (paid then, oldest first)")
    failed: int
    remaining: int = Field(description="Not processed yet (a cancelled campaign's never will be)")
    created_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


def read_rows(text: str, defaults: CampaignRequest) -> tuple[list[Row], list[Problem]]:
    """The CSV's rows, each with its line (the header is line 1), and every bad row's problems (their
    fields named `line <n>.<column>`). A row without an amount takes the campaign's; a person twice is
    refused at the second line."""
    try:
        table = read_table(text, COLUMNS)
    except UnusableFile as error:
        raise RuleViolation(
            "error.campaign_csv_header",
            code="campaign_csv_unusable",
            columns=list(COLUMNS),
            details={
                "unknown_columns": error.unknown,
                "repeated_columns": error.repeated,
                "allowed": list(COLUMNS),
            },
        ) from None
    rows: list[Row] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    default = {"points": defaults.points, "item_id": defaults.item_id, "denomination": defaults.denomination}
    for record in table.rows:
        line, cells = record.line, record.cells
        if record.overflow:
            problems.append(Problem(f"line {line}", "problem.campaign_extra_cells"))
            continue
        if not any(name in cells for name in ("points", "item_id", "denomination")):
            cells = cells | {name: value for name, value in default.items() if value is not None}
        try:
            row = Row.model_validate({"line": line, **cells})
        except ValidationError as error:
            problems += [
                Problem(f"line {line}" + (f".{p.field}" if p.field else ""), p.key, p.params)
                for p in problems_from(error.errors())
            ]
            continue
        who = row.employee_id or (row.email or "").lower()
        if who in seen:
            problems.append(Problem(f"line {line}", "problem.campaign_duplicate"))
            continue
        seen.add(who)
        rows.append(row)
    if table.broken_at is not None:
        problems.append(Problem(f"line {table.broken_at}", "problem.campaign_csv_line"))
    if not rows and not problems:
        raise RuleViolation("error.campaign_empty", code="campaign_empty")
    if len(rows) > MAX_PEOPLE:
        raise RuleViolation("error.campaign_too_large", code="campaign_too_large", limit=MAX_PEOPLE)
    return rows, problems


def skip_reason(person: Employee | None, pays: bool, giver_id: str | None = None) -> SkipReason | None:
    """Why a row's person is left out (None: they are paid)."""
    if person is None:
        return UNKNOWN
    if not person.active or person.is_bot:
        return DEACTIVATED
    if person.id == giver_id:
        return SELF_AWARD
    return None if pays else OUTSIDE_SCOPE


def campaign_id(actor: str, idempotency_key: str) -> str:
    return derived_id("cmp", actor, idempotency_key)


def award_id(campaign: str, employee_id: str) -> str:
    """The exactly-once key: one award per person per campaign."""
    return derived_id("award", f"campaign:{campaign}", employee_id)


def chunks(count: int) -> int:
    return (count + CHUNK - 1) // CHUNK
