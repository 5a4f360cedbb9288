"""Badges and streaks, the pure rules: criteria as HR writes them, what a batch's counters earn, and
weekly giving streaks across ISO year boundaries and time zones."""

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from plaudit.domain.badges import (
    ONCE,
    Badge,
    BadgeSpec,
    MilestoneFact,
    Placement,
    Streak,
    count_earnings,
    counters_to_read,
    givers_weeks,
    milestone_earnings,
    nudge_time,
    previous_week,
    season_earnings,
    streak_earnings,
    week_of,
)
from plaudit.domain.insights import PeerAct, contribution_of, local_day

AT = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


def act(shares: dict[str, int], values: tuple[str, ...]) -> PeerAct:
    """A kudos from A (no stamps: only the organisation's and the people's scopes)."""
    return PeerAct("kudos", "A", shares, values, AT, True, {}, "UTC")


def badge(criteria: dict, **fields) -> Badge:
    spec = BadgeSpec.model_validate({"name": "B", "emoji": "star", "criteria": criteria} | fields)
    kind = criteria["kind"].replace("_", "")
    return Badge(**spec.model_dump(), id=f"badge_{kind}", created_at=AT, updated_at=AT)


TEAMWORK_QUARTER = {
    "kind": "count",
    "metric": "kudos_received",
    "value": "teamwork",
    "window": "quarter",
    "at_least": 2,
    "per_window": True,
}


def test_criteria_are_a_union_told_apart_by_kind() -> None:
    with pytest.raises(ValidationError) as refused:
        BadgeSpec.model_validate({"name": "B", "emoji": "star", "criteria": {"kind": "vibes"}})
    assert refused.value.errors()[0]["type"] == "union_tag_invalid"
    with pytest.raises(ValidationError):
        badge({"kind": "count", "metric": "hugs_received", "window": "week", "at_least": 1})
    with pytest.raises(ValidationError) as refused:
        badge({"kind": "count", "metric": "kudos_given", "window": "all", "at_least": 3, "per_window": True})
    assert refused.value.errors()[0]["type"] == "problem.badge_per_window_all"
    with pytest.raises(ValidationError) as refused:
        badge({"kind": "milestone", "rule_type": "birthday", "years": 5})
    assert refused.value.errors()[0]["type"] == "problem.badge_years_anniversary_only"
    with pytest.raises(ValidationError):
        badge({"kind": "streak", "weeks": 1})
    with pytest.raises(ValidationError):
        badge({"kind": "first", "side": "given"}, emoji=":star:")  # the name, without colons


def test_a_count_badge_reads_only_the_counters_the_batch_moved_and_earns_once_per_window() -> None:
    teamwork = badge(TEAMWORK_QUARTER)
    first = badge({"kind": "first", "side": "given"})
    touched = contribution_of(act(shares={"B": 5}, values=("teamwork",)), "UTC").counters
    wanted = counters_to_read([teamwork, first], touched)
    assert wanted == {("person:B/value:teamwork", "2026-Q4"), ("person:A", "all")}
    stored = {
        ("person:B/value:teamwork", "2026-Q4"): {"kudos_received": 2},
        ("person:A", "all"): {"kudos_given": 1},
    }
    earned = count_earnings([teamwork, first], stored)
    assert [(e.badge.id, e.employee_id, e.window) for e in earned] == [
        ("badge_count", "B", "2026-Q4"),
        ("badge_first", "A", ONCE),
    ]
    assert count_earnings([teamwork], {("person:B/value:teamwork", "2026-Q4"): {"kudos_received": 1}}) == []


def test_a_kudos_without_the_value_moves_no_counter_of_a_value_badge() -> None:
    touched = contribution_of(act(shares={"B": 5}, values=()), "UTC").counters
    assert counters_to_read([badge(TEAMWORK_QUARTER)], touched) == set()


def test_a_milestone_badge_once_for_its_year_or_once_per_anniversary() -> None:
    fifth = badge({"kind": "milestone", "rule_type": "work_anniversary", "years": 5})
    every = badge({"kind": "milestone", "rule_type": "work_anniversary"}).model_copy(
        update={"id": "badge_every"}
    )
    facts = [MilestoneFact("E1", "work_anniversary", 5), MilestoneFact("E2", "work_anniversary", 2)]
    earned = [(e.badge.id, e.employee_id, e.window) for e in milestone_earnings([fifth, every], facts)]
    assert earned == [
        ("badge_milestone", "E1", ONCE),
        ("badge_every", "E1", "y5"),
        ("badge_every", "E2", "y2"),
    ]
    assert milestone_earnings([fifth], [MilestoneFact("E1", "birthday", None)]) == []


def test_a_streak_badge_is_earned_by_the_longest_streak() -> None:
    four = badge({"kind": "streak", "weeks": 4})
    assert (
        streak_earnings([four], {"A": Streak("2026-W47", 4, 4), "B": Streak("2026-W47", 1, 3)})[0].employee_id
        == "A"
    )
    assert len(streak_earnings([four], {"B": Streak("2026-W47", 1, 3)})) == 0


def test_givers_weeks_come_from_the_batch_counters() -> None:
    touched = contribution_of(act(shares={"B": 5}, values=("teamwork",)), "UTC").counters
    assert givers_weeks(touched) == {"A": {"2026-W47"}}  # the receivers gave nothing


def test_streaks_run_across_the_iso_year_boundary() -> None:
    streak = Streak()
    for week in ("2026-W52", "2026-W53", "2027-W01", "2027-W02"):  # 2026 has 53 ISO weeks
        streak = streak.gave_in(week)
    assert streak == Streak("2027-W02", 4, 4)
    assert streak.gave_in("2027-W02") == streak  # again in the same week: nothing changes
    assert streak.gave_in("2026-W50") == streak  # a late record of an older week neither
    broken = streak.gave_in("2027-W04")
    assert broken == Streak("2027-W04", 1, 4)
    assert previous_week("2027-W01") == "2026-W53"
    assert previous_week("2026-W01") == "2025-W52"


def test_the_current_streak_is_worked_out_when_read() -> None:
    streak = Streak("2026-W47", 3, 5)
    assert streak.current_in("2026-W47") == 3
    assert streak.current_in("2026-W48") == 3  # still time to give this week
    assert streak.at_risk_in("2026-W48")
    assert streak.current_in("2026-W49") == 0  # a whole week without: broken
    assert not streak.at_risk_in("2026-W47")  # given this week already
    assert not Streak("2026-W47", 2, 2).at_risk_in("2026-W48")  # too short to nudge about


def test_weeks_and_friday_are_the_organisations_local_ones() -> None:
    sunday_night_utc = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    assert week_of(local_day(sunday_night_utc, "UTC")) == "2026-W47"
    assert week_of(local_day(sunday_night_utc, "Asia/Tokyo")) == "2026-W48"  # Monday morning there
    assert week_of(local_day(sunday_night_utc, "America/Los_Angeles")) == "2026-W47"
    friday = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
    assert nudge_time(friday)
    assert not nudge_time(friday.replace(hour=13))
    assert not nudge_time(datetime(2026, 11, 19, 15, 0, tzinfo=UTC))


def test_a_season_placement_badge_for_the_top_of_any_season_or_of_one() -> None:
    top3 = badge({"kind": "season_placement", "top": 3})
    autumn = badge({"kind": "season_placement", "top": 1, "season_id": "autumn"})
    autumn = autumn.model_copy(update={"id": "badge_autumn"})
    places = [Placement("autumn", "E1", 1), Placement("autumn", "E2", 2), Placement("autumn", "E3", 2)]
    places += [Placement("autumn", "E4", 4), Placement("winter", "E1", 3)]
    earned = [(e.badge.id, e.employee_id, e.window) for e in season_earnings([top3, autumn], places)]
    assert earned == [
        ("badge_seasonplacement", "E1", "season:autumn"),
        ("badge_seasonplacement", "E2", "season:autumn"),
        ("badge_seasonplacement", "E3", "season:autumn"),  # tied second: within the top 3
        ("badge_seasonplacement", "E1", "season:winter"),
        ("badge_autumn", "E1", "season:autumn"),
    ]
