"""Points that age out: the cutoff in calendar months and what of a balance is older than it."""

from datetime import UTC, date, datetime

import pytest

from plaudit.domain.points_expiry import cutoff, expiring, months_before, notice_cutoff


@pytest.mark.parametrize(
    ("day", "months", "before"),
    [
        (date(2026, 12, 5), 12, date(2025, 12, 5)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),  # a shorter month: its last day
        (date(2028, 3, 30), 1, date(2028, 2, 29)),
        (date(2026, 1, 15), 1, date(2025, 12, 15)),  # across a year
        (date(2026, 12, 5), 120, date(2016, 12, 5)),
    ],
)
def test_months_before(day: date, months: int, before: date) -> None:
    assert months_before(day, months) == before


def test_the_cutoffs_are_utc_midnights_and_the_notice_looks_30_days_ahead() -> None:
    assert cutoff(date(2026, 12, 5), 6) == datetime(2026, 6, 5, tzinfo=UTC)
    assert notice_cutoff(date(2026, 12, 5), 6) == datetime(2026, 7, 4, tzinfo=UTC)


@pytest.mark.parametrize(
    ("balance", "received", "expires"),
    [
        (1300, 300, 1000),  # the older 1,000 go
        (250, 300, 0),  # spent the old ones already (oldest first): nothing is old
        (0, 0, 0),
        (500, 0, 500),  # nothing received since the cutoff: all of it is old
    ],
)
def test_what_is_older_than_the_cutoff_expires(balance: int, received: int, expires: int) -> None:
    assert expiring(balance, received) == expires
