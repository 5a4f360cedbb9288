"""Points that age out (settings.points_expiry_months): what a person's points received more than N months
ago leave of their balance expires, oldest first. Pure rules, no AWS.

Spending takes the oldest points first, so of a balance B, the points still young are at most what the
person received since the cutoff (R); the rest, B - R, is older and expires. A refund counts as received on
its day (the person's favour). Thirty days ahead, the same sum with the cutoff 30 days later says what will
expire by then unless spent, and the person is told.
"""

import calendar
from datetime import UTC, date, datetime, time, timedelta

NOTICE_DAYS = 30


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the last day of a shorter month)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def cutoff(day: date, months: int) -> datetime:
    """Points received before this instant (UTC midnight) are old on `day`."""
    return datetime.combine(months_before(day, months), time(), tzinfo=UTC)


def notice_cutoff(day: date, months: int) -> datetime:
    """The cutoff as it will be NOTICE_DAYS after `day`."""
    return cutoff(day + timedelta(days=NOTICE_DAYS), months)


def expiring(balance: int, received_since_cutoff: int) -> int:
    """Of a balance, the points older than the cutoff."""
    return max(0, balance - received_since_cutoff)
