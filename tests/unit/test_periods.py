"""Allowance periods: ids, UTC bounds, zones across the date line, DST, year ends and ISO week 53."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plaudit.domain.periods import Period, period_at
from plaudit.domain.settings import PeriodKind


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# -- monthly / quarterly / weekly in UTC ------------------------------------------------------------


def test_monthly_period_in_utc():
    assert period_at(utc(2026, 11, 16, 9, 30), PeriodKind.MONTHLY, "UTC") == Period(
        "2026-11", utc(2026, 11, 1), utc(2026, 12, 1)
    )


def test_monthly_bounds_are_start_inclusive_end_exclusive():
    assert period_at(utc(2026, 11, 1), PeriodKind.MONTHLY, "UTC").id == "2026-11"
    assert period_at(utc(2026, 10, 31, 23, 59, 59, 999999), PeriodKind.MONTHLY, "UTC").id == "2026-10"
    assert period_at(utc(2026, 12, 1), PeriodKind.MONTHLY, "UTC").id == "2026-12"


def test_december_ends_at_new_year():
    period = period_at(utc(2026, 12, 31, 23, 59, 59), PeriodKind.MONTHLY, "UTC")
    assert period == Period("2026-12", utc(2026, 12, 1), utc(2027, 1, 1))
    assert period_at(utc(2027, 1, 1), PeriodKind.MONTHLY, "UTC").id == "2027-01"


def test_february_in_a_leap_year():
    assert period_at(utc(2028, 2, 29, 12), PeriodKind.MONTHLY, "UTC") == Period(
        "2028-02", utc(2028, 2, 1), utc(2028, 3, 1)
    )


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (utc(2026, 1, 1), Period("2026-Q1", utc(2026, 1, 1), utc(2026, 4, 1))),
        (utc(2026, 3, 31, 23, 59), Period("2026-Q1", utc(2026, 1, 1), utc(2026, 4, 1))),
        (utc(2026, 4, 1), Period("2026-Q2", utc(2026, 4, 1), utc(2026, 7, 1))),
        (utc(2026, 8, 15), Period("2026-Q3", utc(2026, 7, 1), utc(2026, 10, 1))),
        (utc(2026, 11, 16), Period("2026-Q4", utc(2026, 10, 1), utc(2027, 1, 1))),
    ],
)
def test_quarterly_periods(at, expected):
    assert period_at(at, PeriodKind.QUARTERLY, "UTC") == expected


def test_weekly_period_starts_on_monday():
    # 2026-11-16 is a Monday in ISO week 47; the Sunday before closes week 46.
    assert period_at(utc(2026, 11, 18, 15), PeriodKind.WEEKLY, "UTC") == Period(
        "2026-W47", utc(2026, 11, 16), utc(2026, 11, 23)
    )
    assert period_at(utc(2026, 11, 15, 23, 59), PeriodKind.WEEKLY, "UTC").id == "2026-W46"


def test_iso_week_53_spans_the_new_year():
    # 2026 starts on a Thursday, so it has 53 ISO weeks; 2027-01-01..03 still belong to 2026-W53.
    week_53 = Period("2026-W53", utc(2026, 12, 28), utc(2027, 1, 4))
    assert period_at(utc(2026, 12, 31), PeriodKind.WEEKLY, "UTC") == week_53
    assert period_at(utc(2027, 1, 3, 23, 59), PeriodKind.WEEKLY, "UTC") == week_53
    assert period_at(utc(2027, 1, 4), PeriodKind.WEEKLY, "UTC") == Period(
        "2027-W01", utc(2027, 1, 4), utc(2027, 1, 11)
    )


def test_week_one_can_start_in_the_previous_year():
    # 2025-01-01 is a Wednesday: ISO week 1 of 2025 starts on Monday 2024-12-30.
    assert period_at(utc(2024, 12, 31), PeriodKind.WEEKLY, "UTC") == Period(
        "2025-W01", utc(2024, 12, 30), utc(2025, 1, 6)
    )


def test_week_53_of_a_leap_year_that_starts_on_wednesday():
    assert period_at(utc(2021, 1, 3, 12), PeriodKind.WEEKLY, "UTC").id == "2020-W53"


# -- zones across the date line ------------------------------------------------------------------------


def test_kiritimati_starts_the_month_fourteen_hours_before_utc():
    zone = "Pacific/Kiritimati"  # UTC+14
    december = period_at(utc(2026, 11, 30, 10), PeriodKind.MONTHLY, zone)
    assert december == Period("2026-12", utc(2026, 11, 30, 10), utc(2026, 12, 31, 10))
    assert period_at(utc(2026, 11, 30, 9, 59, 59), PeriodKind.MONTHLY, zone).id == "2026-11"


def test_pago_pago_ends_the_month_eleven_hours_after_utc():
    zone = "Pacific/Pago_Pago"  # UTC-11
    november = period_at(utc(2026, 12, 1, 10, 59), PeriodKind.MONTHLY, zone)
    assert november == Period("2026-11", utc(2026, 11, 1, 11), utc(2026, 12, 1, 11))
    assert period_at(utc(2026, 12, 1, 11), PeriodKind.MONTHLY, zone).id == "2026-12"


def test_same_instant_is_in_different_periods_either_side_of_the_date_line():
    at = utc(2026, 11, 30, 12)  # Kiritimati: Dec 1 02:00; Pago Pago: Nov 30 01:00
    assert period_at(at, PeriodKind.MONTHLY, "Pacific/Kiritimati").id == "2026-12"
    assert period_at(at, PeriodKind.MONTHLY, "Pacific/Pago_Pago").id == "2026-11"
    sunday = utc(2026, 11, 15, 12)  # Kiritimati: Monday 02:00 (W47); Pago Pago: Sunday 01:00 (W46)
    assert period_at(sunday, PeriodKind.WEEKLY, "Pacific/Kiritimati") == Period(
        "2026-W47", utc(2026, 11, 15, 10), utc(2026, 11, 22, 10)
    )
    assert period_at(sunday, PeriodKind.WEEKLY, "Pacific/Pago_Pago") == Period(
        "2026-W46", utc(2026, 11, 9, 11), utc(2026, 11, 16, 11)
    )


def test_new_year_quarter_in_kiritimati():
    assert period_at(utc(2026, 12, 31, 10), PeriodKind.QUARTERLY, "Pacific/Kiritimati") == Period(
        "2027-Q1", utc(2026, 12, 31, 10), utc(2027, 3, 31, 10)
    )


# -- daylight saving time ------------------------------------------------------------------------------


def test_month_in_which_summer_time_starts_is_an_hour_short():
    # London: GMT until 2026-03-29 01:00 UTC, then BST (UTC+1).
    march = period_at(utc(2026, 3, 15), PeriodKind.MONTHLY, "Europe/London")
    assert march == Period("2026-03", utc(2026, 3, 1), utc(2026, 3, 31, 23))
    assert march.ends_at - march.starts_at == timedelta(days=31, hours=-1)
    assert period_at(utc(2026, 3, 31, 23), PeriodKind.MONTHLY, "Europe/London").id == "2026-04"


def test_weeks_in_which_new_york_changes_clocks():
    zone = "America/New_York"
    spring = period_at(utc(2026, 3, 8, 12), PeriodKind.WEEKLY, zone)  # DST starts Sunday 2026-03-08
    assert spring == Period("2026-W10", utc(2026, 3, 2, 5), utc(2026, 3, 9, 4))
    autumn = period_at(utc(2026, 11, 1, 12), PeriodKind.WEEKLY, zone)  # DST ends Sunday 2026-11-01
    assert autumn == Period("2026-W44", utc(2026, 10, 26, 4), utc(2026, 11, 2, 5))
    assert autumn.ends_at - autumn.starts_at == timedelta(days=7, hours=1)


def test_month_that_starts_inside_a_dst_gap_starts_when_the_local_day_does():
    # Asunción moved clocks from 00:00 to 01:00 on 2017-10-01: local midnight never happened, the day
    # began at 01:00 -03, i.e. 04:00 UTC.
    zone = "America/Asuncion"
    october = period_at(utc(2017, 10, 15), PeriodKind.MONTHLY, zone)
    assert october.id == "2017-10"
    assert october.starts_at == utc(2017, 10, 1, 4)
    assert period_at(utc(2017, 10, 1, 3, 59, 59), PeriodKind.MONTHLY, zone).id == "2017-09"


def test_bounds_are_utc():
    period = period_at(utc(2026, 6, 1), PeriodKind.MONTHLY, "Asia/Kolkata")
    assert period.starts_at.utcoffset() == timedelta(0)
    assert period.ends_at.utcoffset() == timedelta(0)
    assert period.starts_at == utc(2026, 5, 31, 18, 30)


def test_input_in_another_zone_is_the_same_instant():
    at_local = datetime(2026, 12, 1, 0, 30, tzinfo=ZoneInfo("Europe/Paris"))  # 2026-11-30 23:30 UTC
    assert period_at(at_local, PeriodKind.MONTHLY, "UTC").id == "2026-11"
    assert period_at(at_local, PeriodKind.MONTHLY, "Europe/Paris").id == "2026-12"


# -- properties ----------------------------------------------------------------------------------------

ZONES = [
    "UTC",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Pacific/Apia",
    "Pacific/Chatham",
    "Asia/Kathmandu",
    "America/New_York",
    "America/Santiago",
    "America/Asuncion",
    "America/Havana",
    "Europe/London",
    "Australia/Lord_Howe",
]

instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2060, 12, 31), timezones=st.just(UTC)
)


@settings(max_examples=300, derandomize=True, database=None)
@given(at=instants, kind=st.sampled_from(list(PeriodKind)), zone=st.sampled_from(ZONES))
def test_period_contains_the_instant_and_meets_its_neighbours(at, kind, zone):
    period = period_at(at, kind, zone)
    assert period.starts_at <= at < period.ends_at
    # The start is the first instant of the period and the end the first instant of the next one.
    assert period_at(period.starts_at, kind, zone) == period
    assert period_at(period.starts_at - timedelta(microseconds=1), kind, zone).ends_at == period.starts_at
    following = period_at(period.ends_at, kind, zone)
    assert following.starts_at == period.ends_at
    assert following.id > period.id  # ids sort in time
    assert period_at(period.ends_at - timedelta(microseconds=1), kind, zone) == period
    # Local calendar: starts at a local day boundary of the right weekday / month day.
    local_start = period.starts_at.astimezone(ZoneInfo(zone)).date()
    if kind is PeriodKind.WEEKLY:
        assert local_start.weekday() == 0
        year, week, _ = local_start.isocalendar()
        assert period.id == f"{year}-W{week:02d}"
    elif kind is PeriodKind.MONTHLY:
        assert local_start.day == 1
        assert period.id == f"{local_start.year}-{local_start.month:02d}"
    else:
        assert local_start.day == 1
        assert local_start.month in (1, 4, 7, 10)
        assert period.id == f"{local_start.year}-Q{(local_start.month + 2) // 3}"
