"""Referral bonuses: when a referred candidate is hired, the referrer earns what the `referral` rules say.

A hire is reported once (by the HRIS webhook, HR over REST, or a CSV): it names the hire's employee id, the
referrer (employee id or email) and the day of the hire. Each live referral rule that admits the referrer
pays in up to two parts: `at_hire_percent` of its points (and its catalogue item) at once, the rest
`after_days` later, paid by the scheduled run only if the hire and the referrer are both still active then
(otherwise that part is forfeited, with the reason). Each part's award id derives from the rule, the hire
and the part, so a part is paid at most once whatever is replayed; the referral itself is recorded once
per hire, and a second report of the same hire is refused.
"""

from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import ConfigDict, Field, ValidationError, model_validator

from plaudit.domain.csv_table import UnusableFile, read_table
from plaudit.domain.employees import EMAIL, EMPLOYEE_ID, Employee
from plaudit.domain.errors import Problem, RuleViolation
from plaudit.domain.ids import derived_id
from plaudit.domain.milestone_rules import RuleSpec
from plaudit.domain.model import Model
from plaudit.domain.problems import invalid, problems_from

COLUMNS = ("hire_id", "referrer_id", "referrer_email", "hired_on")
MAX_ROWS = 1000
Part = Literal["at_hire", "later"]
PartStatus = Literal["awarded", "scheduled", "forfeited"]
ForfeitReason = Literal["hire_inactive", "referrer_inactive", "outside_budget_scope", "rule_deleted"]


class ReferralHire(Model):
    """A referred candidate hired: who was hired, who referred them, and when."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    hire_id: str = Field(pattern=EMPLOYEE_ID, description="The new hire's employee id")
    referrer_id: str | None = Field(default=None, pattern=EMPLOYEE_ID, description="The referrer's id")
    referrer_email: str | None = Field(
        default=None, pattern=EMAIL, max_length=254, description="Or the referrer's email"
    )
    hired_on: date = Field(description="The hire's day (YYYY-MM-DD): later parts count their days from it")

    @model_validator(mode="after")
    def _one_referrer(self) -> "ReferralHire":
        if (self.referrer_id is None) == (self.referrer_email is None):
            raise invalid("problem.referrer_id_or_email")
        return self


class ReferralPart(Model):
    """One payment of one rule for a referral: at hire, or later (scheduled until `due_on`)."""

    rule_id: str
    part: Part
    award_id: str = Field(description="The award (GET /v1/milestones/awards) this part is paid as")
    points: int
    due_on: date
    status: PartStatus = Field(
        description="awarded: the award was made (paid, or pending a budget top-up); scheduled: waits for "
        "due_on; forfeited: not paid (reason says why)"
    )
    reason: ForfeitReason | None = None


class Referral(Model):
    hire_id: str
    referrer_id: str
    hired_on: date
    source: str = Field(description="hris_webhook, rest or csv")
    recorded_by: str
    recorded_at: datetime
    parts: list[ReferralPart]


def part_award_id(rule_id: str, hire_id: str, part: Part) -> str:
    """The exactly-once key of a part: the same rule, hire and part always map to the same award."""
    return derived_id("award", rule_id, "referral", hire_id, part)


def parts_of(rule_id: str, rule: RuleSpec, hire_id: str, hired_on: date) -> list[ReferralPart]:
    """What a rule pays for a hire: the at-hire part (with the item; none when it pays neither points nor
    an item) and the later part (its points, due `after_days` after the hire)."""
    later = rule.points * rule.later_share() // 100
    now_points = rule.points - later
    parts = []
    if now_points or rule.catalog_item_id:
        parts.append(_part(rule_id, hire_id, "at_hire", now_points, hired_on, "awarded"))
    if later:
        due = hired_on + timedelta(days=rule.after_days or 0)
        parts.append(_part(rule_id, hire_id, "later", later, due, "scheduled"))
    return parts


def _part(rule_id: str, hire_id: str, part: Part, points: int, due: date, status: PartStatus) -> ReferralPart:
    award = part_award_id(rule_id, hire_id, part)
    return ReferralPart(rule_id=rule_id, part=part, award_id=award, points=points, due_on=due, status=status)


def forfeit_reason(hire: Employee | None, referrer: Employee | None) -> ForfeitReason | None:
    """Why a later part is not paid (None: it is): the hire or the referrer is no longer active."""
    if hire is None or not hire.active:
        return "hire_inactive"
    if referrer is None or not referrer.active:
        return "referrer_inactive"
    return None


def read_rows(text: str) -> tuple[list[tuple[int, ReferralHire]], list[Problem]]:
    """The CSV's hires, each with its line (the header is line 1), and every bad row's problems (fields
    named `line <n>.<column>`); a hire twice is refused at its second line."""
    try:
        table = read_table(text, COLUMNS, required=("hire_id",))
    except UnusableFile as error:
        raise RuleViolation(
            "error.referral_csv_header",
            code="referral_csv_unusable",
            columns=list(COLUMNS),
            details={
                "unknown_columns": error.unknown,
                "missing_columns": error.missing,
                "repeated_columns": error.repeated,
                "allowed": list(COLUMNS),
            },
        ) from None
    rows: list[tuple[int, ReferralHire]] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for record in table.rows:
        line = record.line
        if record.overflow:
            problems.append(Problem(f"line {line}", "problem.campaign_extra_cells"))
            continue
        try:
            hire = ReferralHire.model_validate(record.cells)
        except ValidationError as error:
            problems += [
                Problem(f"line {line}" + (f".{p.field}" if p.field else ""), p.key, p.params)
                for p in problems_from(error.errors())
            ]
            continue
        if hire.hire_id in seen:
            problems.append(Problem(f"line {line}.hire_id", "problem.referral_hire_twice"))
            continue
        seen.add(hire.hire_id)
        rows.append((line, hire))
    if table.broken_at is not None:
        problems.append(Problem(f"line {table.broken_at}", "problem.campaign_csv_line"))
    if not rows and not problems:
        raise RuleViolation("error.referral_csv_empty", code="referral_csv_empty")
    if len(rows) > MAX_ROWS:
        raise RuleViolation("error.referral_csv_too_large", code="referral_csv_too_large", limit=MAX_ROWS)
    return rows, problems
