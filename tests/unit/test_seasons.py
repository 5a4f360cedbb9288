"""Season rules: the days a season spans at local midnights in a non-UTC zone (and across a DST change),
when counting begins, overlaps, what a record adds in its season, prizes and ties."""

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from plaudit.domain.insights import PeerAct, Side, Stamp, Standing, contribution_of
from plaudit.domain.seasons import (
    Prize,
    Season,
    SeasonSpec,
    SeasonStatus,
    SeasonWindow,
    counting_start,
    in_season,
    overlapping,
    period_of,
    season_at,
    window,
    winners,
)

ROME = "Europe/Rome"


def season(
    season_id: str, starts_on: date, ends_on: date, *, zone: str = ROME, set_at: datetime | None = None
):
    starts_at, ends_at = window(starts_on, ends_on, zone)
    at = set_at or starts_at - timedelta(days=1)
    return Season(
        id=season_id,
        name=season_id,
        starts_on=starts_on,
        ends_on=ends_on,
        time_zone=zone,
        starts_at=starts_at,
        ends_at=ends_at,
        counts_from=counting_start(starts_at, at),
        version=1,
        created_at=at,
        updated_at=at,
    )


def test_a_season_spans_its_days_from_local_midnight_to_local_midnight_last_day_included() -> None:
    # Rome is UTC+1 in winter, UTC+2 in summer: the season starts in winter and ends in summer
    starts_at, ends_at = window(date(2026, 3, 1), date(2026, 3, 31), ROME)
    assert starts_at == datetime(2026, 2, 28, 23, 0, tzinfo=UTC)
    assert ends_at == datetime(2026, 3, 31, 22, 0, tzinfo=UTC)  # 1 April 00:00 in Rome (summer time)
    spring = SeasonWindow("season_spring", starts_at, ends_at)
    inside = [
        datetime(2026, 2, 28, 23, 0, tzinfo=UTC),  # the first moment: midnight in Rome
        datetime(2026, 3, 31, 21, 59, 59, tzinfo=UTC),  # 23:59:59 on the last day, in Rome
    ]
    outside = [
        datetime(2026, 2, 28, 22, 59, 59, tzinfo=UTC),  # 23:59:59 the day before, in Rome (28 Feb in UTC too)
        datetime(2026, 3, 31, 22, 0, tzinfo=UTC),  # midnight after the last day, still 31 March in UTC
    ]
    assert all(season_at(at, [spring]) == spring for at in inside)
    assert all(season_at(at, [spring]) is None for at in outside)


def test_a_season_set_on_its_first_day_counts_from_the_whole_second_after_it_was_set() -> None:
    starts_at, _ = window(date(2026, 11, 20), date(2026, 11, 30), ROME)
    assert counting_start(starts_at, starts_at - timedelta(hours=3)) == starts_at
    assert counting_start(starts_at, datetime(2026, 11, 20, 9, 0, 0, tzinfo=UTC)) == datetime(
        2026, 11, 20, 9, 0, 1, tzinfo=UTC
    )
    assert counting_start(starts_at, datetime(2026, 11, 20, 9, 0, 0, 1000, tzinfo=UTC)) == datetime(
        2026, 11, 20, 9, 0, 2, tzinfo=UTC
    )


def test_a_seasons_status_follows_the_clock_and_its_freezing() -> None:
    autumn = season("season_autumn", date(2026, 10, 1), date(2026, 10, 31))
    assert autumn.status_at(autumn.counts_from - timedelta(seconds=1)) is SeasonStatus.SCHEDULED
    assert autumn.status_at(autumn.counts_from) is SeasonStatus.RUNNING
    assert autumn.status_at(autumn.ends_at) is SeasonStatus.ENDED
    frozen = autumn.model_copy(update={"frozen_at": autumn.ends_at})
    assert frozen.status_at(autumn.ends_at) is SeasonStatus.FROZEN


def test_seasons_overlap_when_they_share_a_moment_and_back_to_back_seasons_do_not() -> None:
    october = season("season_oct", date(2026, 10, 1), date(2026, 10, 31))
    starts_at, ends_at = window(date(2026, 11, 1), date(2026, 11, 30), ROME)
    assert overlapping(starts_at, ends_at, [october]) is None  # 1 November follows 31 October
    starts_at, ends_at = window(date(2026, 10, 31), date(2026, 11, 30), ROME)
    assert overlapping(starts_at, ends_at, [october]) == october  # one shared day is an overlap
    starts_at, ends_at = window(date(2026, 9, 1), date(2026, 12, 31), ROME)
    assert overlapping(starts_at, ends_at, [october]) == october  # around it


def test_a_season_in_another_zone_overlaps_by_its_instants() -> None:
    tokyo = season("season_tokyo", date(2026, 10, 1), date(2026, 10, 31), zone="Asia/Tokyo")
    # 1 November in New York begins after 31 October ends in Tokyo: no overlap
    starts_at, ends_at = window(date(2026, 11, 1), date(2026, 11, 30), "America/New_York")
    assert overlapping(starts_at, ends_at, [tokyo]) is None
    # 31 October in New York begins at 04:00 UTC, while Tokyo's 31 October lasts until 15:00 UTC
    starts_at, ends_at = window(date(2026, 10, 31), date(2026, 11, 30), "America/New_York")
    assert overlapping(starts_at, ends_at, [tokyo]) == tokyo


def test_a_record_counts_again_in_its_season_as_it_counts_all_time() -> None:
    act = PeerAct(
        kind="kudos",
        giver_id="E1",
        shares={"E2": 10},
        values=("teamwork",),
        at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
        on_board=True,
        stamps={"E1": Stamp(department="Eng"), "E2": Stamp(department="People")},
        time_zone=ROME,
    )
    part = contribution_of(act, ROME)
    extra = in_season(part, "season_x")
    period = period_of("season_x")
    assert period == "season:season_x"
    assert {scope for scope, _ in extra.counters} == {scope for scope, at in part.counters if at == "all"}
    assert all(at == period for _, at in extra.counters)
    assert extra.counters[("org", period)] == part.counters[("org", "all")]
    assert extra.boards[(Side.RECEIVED, "org", period, "E2")] == {"points": 10, "kudos": 1}
    assert ("dept:People", period, "receiver", "E2") in extra.members


def test_a_spec_refuses_an_end_before_its_start_and_repeated_prize_ranks() -> None:
    with pytest.raises(ValidationError, match="season_ends_before_start"):
        SeasonSpec(name="Q", starts_on=date(2026, 12, 2), ends_on=date(2026, 12, 1))
    with pytest.raises(ValidationError, match="season_too_long"):
        SeasonSpec(name="Q", starts_on=date(2026, 1, 1), ends_on=date(2027, 1, 2))  # 367 days
    prize = {"rank": 1, "points": 100, "budget_id": "seasons"}
    with pytest.raises(ValidationError, match="prize_ranks_repeat"):
        SeasonSpec(name="Q", starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 1), prizes=[prize, prize])
    with pytest.raises(ValidationError, match="prize_pays_nothing"):
        Prize(rank=1, budget_id="seasons")
    with pytest.raises(ValidationError, match="prize_item_and_denomination"):
        Prize(rank=1, budget_id="seasons", catalog_item_id="item_1")
    spec = SeasonSpec(
        name="Q",
        starts_on=date(2026, 12, 1),
        ends_on=date(2026, 12, 1),  # a one-day season
        prizes=[{"rank": 2, "points": 50, "budget_id": "s"}, prize],
    )
    assert [p.rank for p in spec.prizes] == [1, 2]


def test_everyone_tied_at_a_prized_rank_wins_it_and_a_rank_a_tie_passes_over_pays_no_one() -> None:
    standings = [
        Standing("A", 30, 3, 1),
        Standing("B", 20, 2, 2),
        Standing("C", 20, 2, 2),
        Standing("D", 10, 1, 4),
    ]
    prizes = [Prize(rank=r, points=100 * (4 - r), budget_id="s") for r in (1, 2, 3)]
    won = [(w.standing.person_id, w.prize.rank) for w in winners(standings, prizes)]
    assert won == [("A", 1), ("B", 2), ("C", 2)]
