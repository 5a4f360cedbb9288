"""Insights rules: periods in the organisation's time zone (ISO weeks across years), resolving `at`,
what a kudos adds where, and ranks with ties."""

from datetime import UTC, datetime

import pytest

from plaudit.domain.errors import RuleViolation
from plaudit.domain.insights import (
    PeerAct,
    Side,
    Span,
    Stamp,
    contribution_of,
    period_ids,
    ranked,
    resolve_period,
    undo_of,
    unique_counts,
)


@pytest.mark.parametrize(
    ("at", "zone", "expected"),
    [
        # Sunday 2026-01-04 23:30 UTC is Monday 2026-01-05 in Auckland: ISO week 2
        (datetime(2026, 1, 4, 23, 30, tzinfo=UTC), "UTC", ["2026-W01", "2026-01", "2026-Q1", "2026", "all"]),
        (
            datetime(2026, 1, 4, 23, 30, tzinfo=UTC),
            "Pacific/Auckland",
            ["2026-W02", "2026-01", "2026-Q1", "2026", "all"],
        ),
        # 2027-01-01 is a Friday: ISO week 53 of 2026, though the month and year are 2027's
        (datetime(2027, 1, 1, 12, 0, tzinfo=UTC), "UTC", ["2026-W53", "2027-01", "2027-Q1", "2027", "all"]),
        # New Year's Eve in New York is already New Year's Day in UTC
        (
            datetime(2027, 1, 1, 3, 0, tzinfo=UTC),
            "America/New_York",
            ["2026-W53", "2026-12", "2026-Q4", "2026", "all"],
        ),
        # 2024-12-30 (a Monday) starts ISO week 1 of 2025
        (datetime(2024, 12, 30, 9, 0, tzinfo=UTC), "UTC", ["2025-W01", "2024-12", "2024-Q4", "2024", "all"]),
        (
            datetime(2026, 3, 31, 22, 30, tzinfo=UTC),
            "Europe/Rome",
            ["2026-W14", "2026-04", "2026-Q2", "2026", "all"],
        ),
    ],
)
def test_period_ids_are_read_in_the_organisations_zone(at: datetime, zone: str, expected: list[str]) -> None:
    assert period_ids(at, zone) == expected


NOW = datetime(2026, 11, 16, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("span", "at", "expected"),
    [
        (Span.WEEK, None, "2026-W47"),
        (Span.MONTH, None, "2026-11"),
        (Span.QUARTER, None, "2026-Q4"),
        (Span.YEAR, None, "2026"),
        (Span.ALL, None, "all"),
        (Span.WEEK, "2025-W52", "2025-W52"),
        (Span.WEEK, "2026-W53", "2026-W53"),  # 2026 has 53 ISO weeks
        (Span.MONTH, "2026-11", "2026-11"),
        (Span.QUARTER, "2026-Q3", "2026-Q3"),
        (Span.YEAR, "2025", "2025"),
    ],
)
def test_resolve_period(span: Span, at: str | None, expected: str) -> None:
    if at == "2026-W53":
        assert resolve_period(span, at, datetime(2026, 12, 30, tzinfo=UTC), "UTC") == expected
    else:
        assert resolve_period(span, at, NOW, "UTC") == expected


@pytest.mark.parametrize(
    ("span", "at", "code"),
    [
        (Span.WEEK, "2025-W53", "invalid_period"),  # 2025 has 52 ISO weeks
        (Span.WEEK, "2026-11", "invalid_period"),
        (Span.MONTH, "2026-13", "invalid_period"),
        (Span.QUARTER, "2026-Q5", "invalid_period"),
        (Span.YEAR, "26", "invalid_period"),
        (Span.ALL, "2026", "invalid_period"),
        (Span.MONTH, "2026-12", "period_in_future"),
        (Span.WEEK, "2026-W48", "period_in_future"),
        (Span.YEAR, "2027", "period_in_future"),
    ],
)
def test_bad_periods_are_refused(span: Span, at: str, code: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        resolve_period(span, at, NOW, "UTC")
    assert refused.value.code == code


def test_the_next_month_has_begun_in_a_zone_ahead_of_utc() -> None:
    late = datetime(2026, 11, 30, 23, 0, tzinfo=UTC)
    with pytest.raises(RuleViolation):
        resolve_period(Span.MONTH, "2026-12", late, "UTC")
    assert resolve_period(Span.MONTH, "2026-12", late, "Asia/Tokyo") == "2026-12"


def test_ties_share_a_rank() -> None:
    rows = [("a", 10, 1), ("b", 8, 3), ("c", 8, 2), ("d", 5, 9)]
    assert [(s.person_id, s.rank) for s in ranked(rows, "points")] == [("a", 1), ("b", 2), ("c", 2), ("d", 4)]
    rows = [("a", 10, 2), ("b", 8, 2), ("c", 8, 2)]
    assert [s.rank for s in ranked(rows, "kudos")] == [1, 1, 1]
    assert ranked([], "points") == []


ENG = Stamp(department="Engineering", manager_id="M1", country="US")
PEOPLE = Stamp(department="People", manager_id="M2", country="GB")


def act(**overrides) -> PeerAct:
    fields = {
        "kind": "kudos",
        "giver_id": "A",
        "shares": {"B": 5, "C": 5},
        "values": ("teamwork",),
        "at": NOW,
        "on_board": True,
        "stamps": {"A": ENG, "B": ENG, "C": PEOPLE},
    }
    return PeerAct(**(fields | overrides))


def test_each_side_counts_where_that_person_was() -> None:
    out = contribution_of(act(), "UTC")
    assert out.counters[("dept:Engineering", "2026-11")] == {
        "kudos_given": 1,
        "points_given": 10,
        "kudos_received": 1,
        "points_received": 5,
    }
    assert out.counters[("dept:People", "2026-11")] == {"kudos_received": 1, "points_received": 5}
    assert out.counters[("team:M2", "2026-W47")] == {"kudos_received": 1, "points_received": 5}
    assert out.counters[("value:teamwork", "all")] == {
        "kudos_given": 1,
        "points_given": 10,
        "kudos_received": 2,
        "points_received": 10,
    }
    assert ("person:A", "2026") in out.counters
    assert ("country:GB", "2026-Q4") in out.counters
    assert out.boards[(Side.RECEIVED, "dept:People", "2026-11", "C")] == {"points": 5, "kudos": 1}
    assert out.boards[(Side.GIVEN, "value:teamwork", "all", "A")] == {"points": 10, "kudos": 1}
    assert unique_counts(out.members)[("org", "2026-11")] == {"unique_givers": 1, "unique_receivers": 2}


def test_private_kudos_count_in_figures_but_never_on_boards() -> None:
    out = contribution_of(act(on_board=False), "UTC")
    assert out.boards == {}
    assert out.counters[("org", "2026-11")]["points_received"] == 10


def test_a_reaction_taken_back_takes_its_figures_back_but_not_the_people() -> None:
    reaction = act(kind="reaction", shares={"B": 1}, values=())
    undone = undo_of(reaction, "UTC")
    assert undone.counters[("org", "2026-11")] == {
        "reactions_given": -1,
        "points_given": -1,
        "reactions_received": -1,
        "points_received": -1,
    }
    assert undone.boards[(Side.RECEIVED, "org", "2026-11", "B")] == {"points": -1, "kudos": -1}
    assert undone.members == set()


def test_unstamped_records_count_for_the_organisation_and_the_person_only() -> None:
    out = contribution_of(act(stamps={}), "UTC")
    assert {scope for scope, period in out.counters if period == "all"} == {
        "org",
        "person:A",
        "person:B",
        "person:C",
        "value:teamwork",
        "person:A/value:teamwork",  # what badges for a value count
        "person:B/value:teamwork",
        "person:C/value:teamwork",
    }


def test_an_act_counts_in_the_zone_it_was_stamped_with() -> None:
    late = act(at=datetime(2026, 11, 30, 23, 0, tzinfo=UTC), time_zone="Asia/Tokyo")
    assert ("org", "2026-12") in contribution_of(late, "UTC").counters  # today's zone: only for old records
    assert ("org", "2026-11") in contribution_of(act(at=late.at), "UTC").counters
