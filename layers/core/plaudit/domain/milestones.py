"""When milestones fall and who they celebrate: pure date arithmetic, no AWS.

A person is due for local date D at `celebration_hour`:00 in their own time zone. The day index files
everyone under the month-day (or start date) of their milestone and their UTC offset, so a run reads only
the people whose due instant falls in its window.

The stored offset is the zone's offset on that month-day in `REFERENCE_YEAR` (a leap year, so 02-29
exists): a pure function of the profile, so an unchanged profile never rewrites its index. In a year whose
DST change falls on other dates, a person near the change is celebrated an hour early or late — never
missed and never twice, because each (day, offset) falls in exactly one run window.
"""

import calendar
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from plaudit.domain.employees import Employee
from plaudit.domain.ids import derived_id
from plaudit.domain.milestone_rules import RuleSpec, RuleType

REFERENCE_YEAR = 2024
MINUTES_PER_DAY = 1440
MIN_OFFSET = -12 * 60  # the westernmost zone (Etc/GMT+12)
MAX_OFFSET = 14 * 60  # the easternmost (Pacific/Kiritimati)
LEAP_DAY = "02-29"


def month_day(day: date) -> str:
    return day.strftime("%m-%d")


def falls_on(md: str, day: date) -> bool:
    """A month-day's date in `day`'s year: 02-29 is honoured on 02-28 in years without one."""
    if md == LEAP_DAY and not calendar.isleap(day.year):
        return month_day(day) == "02-28"
    return md == month_day(day)


def month_days_on(day: date) -> list[str]:
    """The index month-days celebrated on `day` (02-28 in a common year also holds 02-29)."""
    md = month_day(day)
    return [md, LEAP_DAY] if md == "02-28" and not calendar.isleap(day.year) else [md]


def offset_minutes(zone: str, day: date) -> int:
    """The zone's UTC offset at noon local on `day`, in minutes."""
    offset = datetime.combine(day, time(12), ZoneInfo(zone)).utcoffset()
    return int(offset.total_seconds() // 60) if offset else 0


def offset_key(minutes: int) -> str:
    """Offsets as sortable keys: minutes + 1440, four digits (UTC+09:00 -> "1980")."""
    return f"{minutes + MINUTES_PER_DAY:04d}"


def month_day_offset(zone: str, md: str) -> int:
    return offset_minutes(zone, date(REFERENCE_YEAR, int(md[:2]), int(md[3:])))


def due_instant(day: date, hour: int, zone: str) -> datetime:
    """The UTC instant a person in `zone` is celebrated for local date `day`."""
    return datetime.combine(day, time(hour), ZoneInfo(zone)).astimezone(UTC)


@dataclass(frozen=True)
class DaySlice:
    """The people due for local date `day` in a window: offsets from `low` to `high` (minutes, inclusive);
    None for both means everyone (an on-demand run of a whole day)."""

    day: date
    low: int | None = None
    high: int | None = None

    @property
    def key_range(self) -> tuple[str, str] | None:
        if self.low is None or self.high is None:
            return None
        return f"{offset_key(self.low)}#", f"{offset_key(self.high)}$"  # "$" sorts right after "#"


def window_slices(start: datetime, end: datetime, hour: int) -> list[DaySlice]:
    """Every (day, offset range) whose due instant D+hour-offset lies in (start, end]."""
    slices = []
    day = (start - timedelta(hours=hour + 14)).date()
    while day <= (end + timedelta(hours=14)).date():
        local_due = datetime.combine(day, time(hour), UTC)
        low = math.ceil((local_due - end).total_seconds() / 60)
        high = math.ceil((local_due - start).total_seconds() / 60) - 1
        low, high = max(low, MIN_OFFSET), min(high, MAX_OFFSET)
        if low <= high:
            slices.append(DaySlice(day, low, high))
        day += timedelta(days=1)
    return slices


def completed_years(start: date, on: date) -> int:
    """Whole years from `start` to `on` (a 02-29 start completes its year on 02-28 in common years)."""
    years = on.year - start.year
    anniversary_passed = (on.month, on.day) >= (start.month, start.day) or falls_on(month_day(start), on)
    return years if anniversary_passed else years - 1


@dataclass(frozen=True)
class Occurrence:
    """One celebration of one rule for one person: `key` (with rule and person) makes it unique."""

    key: str
    day: date
    years: int | None = None
    days: int | None = None
    event: str | None = None


def occurrence_on(rule: RuleSpec, employee: Employee, day: date) -> Occurrence | None:
    """The rule's occurrence for this person on `day` (scheduled types), whether or not they qualify."""
    start = employee.start_date
    if rule.type == RuleType.WORK_ANNIVERSARY:
        if start is None or not falls_on(month_day(start), day):
            return None
        years = day.year - start.year
        return Occurrence(str(years), day, years=years) if years >= 1 else None
    if rule.type == RuleType.BIRTHDAY:
        if employee.birthday is None or not falls_on(employee.birthday, day):
            return None
        return Occurrence(str(day.year), day)
    if rule.type == RuleType.DAYS_AFTER_START:
        if start is None or start + timedelta(days=rule.days_after_start or 0) != day:
            return None
        return Occurrence("once", day, days=rule.days_after_start)
    return None


def event_occurrence(
    rule: RuleSpec, employee: Employee, name: str, event_id: str, on: date
) -> Occurrence | None:
    """An HRIS event's occurrence: named events award their hris_event rules (one award per event id);
    "work_anniversary" and "birthday" events are those rules' scheduled occurrences (same key)."""
    if rule.type == RuleType.HRIS_EVENT:
        return Occurrence(event_id, on, event=name) if rule.event_name == name else None
    if rule.type == RuleType.WORK_ANNIVERSARY and name == RuleType.WORK_ANNIVERSARY.value:
        if employee.start_date is None:
            return None
        years = completed_years(employee.start_date, on)
        return Occurrence(str(years), on, years=years) if years >= 1 else None
    if rule.type == RuleType.BIRTHDAY and name == RuleType.BIRTHDAY.value:
        return Occurrence(str(on.year), on)
    return None


def skip_reason(rule: RuleSpec | None, employee: Employee, occurrence: Occurrence) -> str | None:
    """Why this person gets nothing for the occurrence (None: they are awarded). `rule` is the version in
    force at the due instant (None: the rule did not exist yet)."""
    if rule is None:
        return "rule_not_in_force"
    if not rule.enabled:
        return "rule_disabled"
    if not employee.active:
        return "inactive"
    if employee.is_bot:
        return "bot"
    start = employee.start_date
    if (start is None and rule.type != RuleType.HRIS_EVENT) or (start is not None and start > occurrence.day):
        return "not_started"  # an HRIS event may come for someone whose start date Plaudit does not hold
    if rule.type == RuleType.WORK_ANNIVERSARY and not rule.celebrates_year(occurrence.years or 0):
        return "year_not_celebrated"
    if not rule.filter.admits(employee):
        return "filtered"
    if points_of(rule, occurrence) == 0 and rule.catalog_item_id is None:
        return "nothing_to_award"
    return None


def points_of(rule: RuleSpec, occurrence: Occurrence) -> int:
    return rule.points_for(occurrence.years)


def award_id(rule_id: str, employee_id: str, occurrence_key: str) -> str:
    """The exactly-once key of an award: the same occurrence always maps to the same id."""
    return derived_id("award", rule_id, employee_id, occurrence_key)


def render(rule: RuleSpec, employee: Employee, occurrence: Occurrence, points: int | None = None) -> str:
    """The rule's message for the occurrence; `points`: what this award pays, when not the rule's own (a
    referral's part)."""
    first_name = employee.name.split()[0] if employee.name.split() else employee.name
    values = {
        "name": employee.name,
        "first_name": first_name,
        "years": "" if occurrence.years is None else occurrence.years,
        "points": points_of(rule, occurrence) if points is None else points,
        "rule": rule.name,
        "event": occurrence.event or "",
        "days": "" if occurrence.days is None else occurrence.days,
    }
    return rule.message.format_map(values)


def announces(rule: RuleSpec, employee: Employee) -> bool:
    """Public celebration: the rule says so, and never a birthday its owner keeps private."""
    return rule.announce and not (rule.type == RuleType.BIRTHDAY and not employee.public_birthday)
