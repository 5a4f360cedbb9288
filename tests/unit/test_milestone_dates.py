"""Milestone dates: month-days with Feb 29, time zone offsets as index keys, and the run windows that
put each (day, offset) in exactly one scheduled run."""

from datetime import UTC, date, datetime, timedelta

import pytest

from plaudit.domain.milestones import (
    DaySlice,
    completed_years,
    due_instant,
    falls_on,
    month_day_offset,
    month_days_on,
    offset_key,
    offset_minutes,
    window_slices,
)


@pytest.mark.parametrize(
    ("md", "day", "expected"),
    [
        ("02-29", date(2028, 2, 29), True),
        ("02-29", date(2028, 2, 28), False),  # leap year: the real day
        ("02-29", date(2027, 2, 28), True),  # common year: honoured on Feb 28
        ("02-28", date(2027, 2, 28), True),
        ("03-01", date(2027, 3, 1), True),
        ("03-01", date(2027, 2, 28), False),
    ],
)
def test_a_month_day_falls_on_its_date_and_feb_29_on_feb_28_in_common_years(md, day, expected):
    assert falls_on(md, day) is expected


def test_feb_28_of_a_common_year_reads_the_feb_29_partition_too():
    assert month_days_on(date(2027, 2, 28)) == ["02-28", "02-29"]
    assert month_days_on(date(2028, 2, 28)) == ["02-28"]
    assert month_days_on(date(2028, 2, 29)) == ["02-29"]
    assert month_days_on(date(2027, 3, 1)) == ["03-01"]


def test_offset_keys_sort_from_the_date_line_west_to_east():
    assert offset_key(9 * 60) == "1980"
    assert offset_key(-11 * 60) == "0780"
    assert offset_key(14 * 60) == "2280"
    assert offset_key(0) == "1440"
    assert sorted([offset_key(840), offset_key(-660), offset_key(0)]) == ["0780", "1440", "2280"]


def test_offsets_follow_daylight_saving_on_the_day():
    assert offset_minutes("Europe/London", date(2026, 1, 10)) == 0
    assert offset_minutes("Europe/London", date(2026, 7, 10)) == 60
    assert offset_minutes("Pacific/Kiritimati", date(2026, 7, 10)) == 840
    assert offset_minutes("Pacific/Pago_Pago", date(2026, 7, 10)) == -660
    assert offset_minutes("Asia/Kolkata", date(2026, 7, 10)) == 330
    assert month_day_offset("Europe/London", "07-10") == 60
    assert month_day_offset("America/New_York", "02-29") == -300


def test_due_instant_is_the_celebration_hour_in_the_persons_zone():
    assert due_instant(date(2026, 11, 23), 9, "Pacific/Kiritimati") == datetime(2026, 11, 22, 19, tzinfo=UTC)
    assert due_instant(date(2026, 11, 23), 9, "Pacific/Pago_Pago") == datetime(2026, 11, 23, 20, tzinfo=UTC)
    assert due_instant(date(2026, 11, 23), 9, "UTC") == datetime(2026, 11, 23, 9, tzinfo=UTC)


def _covered(slices: list[DaySlice]) -> set[tuple[date, int]]:
    return {(s.day, offset) for s in slices for offset in range(s.low, s.high + 1)}


def test_one_hour_window_holds_exactly_the_offsets_due_in_it():
    start = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)
    slices = window_slices(start, start + timedelta(hours=1), 9)
    # due at D 09:00 local - offset in (08:30, 09:30] UTC
    for day, offset in _covered(slices):
        due = datetime(day.year, day.month, day.day, 9, tzinfo=UTC) - timedelta(minutes=offset)
        assert start < due <= start + timedelta(hours=1)
    covered = _covered(slices)
    assert (date(2026, 11, 23), 0) in covered
    assert (date(2026, 11, 23), 30) not in covered  # due at 08:30: the start, the previous run's
    assert (date(2026, 11, 23), 29) in covered
    assert (date(2026, 11, 23), -30) in covered  # due at 09:30: the end, this run's
    assert (date(2026, 11, 23), -31) not in covered


def test_consecutive_windows_cover_each_day_and_offset_exactly_once():
    """Hourly runs with an odd-minute jitter: every real offset of every day lands in one window."""
    at = datetime(2026, 11, 20, 0, 7, tzinfo=UTC)
    seen: dict[tuple[date, int], int] = {}
    for _ in range(24 * 5):
        nxt = at + timedelta(minutes=60 + (at.minute % 7))
        for key in _covered(window_slices(at, nxt, 9)):
            seen[key] = seen.get(key, 0) + 1
        at = nxt
    assert set(seen.values()) == {1}
    for offset in (-720, -660, -300, 0, 330, 345, 540, 840):
        assert seen.get((date(2026, 11, 22), offset)) == 1
        assert seen.get((date(2026, 11, 23), offset)) == 1


def test_kiritimati_and_pago_pago_are_due_in_different_windows_for_the_same_date():
    """Same UTC instant, different local dates: at 2026-11-22 19:00 UTC Kiritimati is on the 23rd, 09:00."""
    first = (datetime(2026, 11, 22, 18, 30, tzinfo=UTC), datetime(2026, 11, 22, 19, 30, tzinfo=UTC))
    covered = _covered(window_slices(*first, 9))
    assert (date(2026, 11, 23), 840) in covered
    assert (date(2026, 11, 23), -660) not in covered
    assert (date(2026, 11, 22), -660) not in covered
    second = (first[1], first[1] + timedelta(hours=1))
    assert (date(2026, 11, 22), -660) in _covered(window_slices(*second, 9))  # 09:00 local = 20:00 UTC


def test_slice_key_ranges_bracket_the_sort_keys():
    low, high = DaySlice(date(2026, 1, 1), -660, 0).key_range
    assert low <= "0780#E1" <= high
    assert low <= "1440#Z9" <= high
    assert not low <= "1441#E1" <= high
    assert DaySlice(date(2026, 1, 1)).key_range is None


@pytest.mark.parametrize(
    ("start", "on", "years"),
    [
        (date(2021, 5, 10), date(2026, 5, 10), 5),
        (date(2021, 5, 10), date(2026, 5, 9), 4),
        (date(2024, 2, 29), date(2025, 2, 28), 1),
        (date(2024, 2, 29), date(2028, 2, 28), 3),
        (date(2024, 2, 29), date(2028, 2, 29), 4),
    ],
)
def test_completed_years(start, on, years):
    assert completed_years(start, on) == years
