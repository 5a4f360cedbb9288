"""Allowance periods. A period is named by an id that sorts in time, e.g. 2026-11, 2026-W48, 2026-Q4."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from plaudit.domain.settings import PeriodKind


@dataclass(frozen=True)
class Period:
    id: str
    starts_at: datetime
    ends_at: datetime  # exclusive: the moment the next period starts


def period_at(at: datetime, kind: PeriodKind, time_zone: str) -> Period:
    """The period containing `at`, with its bounds in UTC."""
    zone = ZoneInfo(time_zone)
    local = at.astimezone(zone).date()
    if kind is PeriodKind.WEEKLY:
        start = local - timedelta(days=local.weekday())
        end = start + timedelta(days=7)
        year, week, _ = start.isocalendar()
        period_id = f"{year}-W{week:02d}"
    elif kind is PeriodKind.MONTHLY:
        start = local.replace(day=1)
        end = _add_months(start, 1)
        period_id = f"{start.year}-{start.month:02d}"
    else:
        quarter = (local.month - 1) // 3
        start = date(local.year, quarter * 3 + 1, 1)
        end = _add_months(start, 3)
        period_id = f"{start.year}-Q{quarter + 1}"
    return Period(period_id, _midnight(start, zone), _midnight(end, zone))


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, 1)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)
