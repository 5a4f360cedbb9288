"""Status tiers: the tier points reach, the settings' validation, the rolling window of 12 months (across
a year boundary, in the organisation's zone) and when a move is announced."""

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from plaudit.domain.errors import RuleViolation
from plaudit.domain.settings import OrgSettings
from plaudit.domain.tiers import (
    Tier,
    TierSettings,
    admits,
    candidate_months,
    move,
    refuse_below,
    standing,
    window_at,
    window_months,
)

TIERS = TierSettings(
    levels=[
        Tier(name="Bronze", threshold=0),
        Tier(name="Silver", threshold=500),
        Tier(name="Gold", threshold=2000),
    ]
)
MONTHS = window_months(datetime(2026, 11, 16).date())


@pytest.mark.parametrize(
    ("points", "tier", "following"),
    [(0, "Bronze", "Silver"), (499, "Bronze", "Silver"), (500, "Silver", "Gold"), (2000, "Gold", None)],
)
def test_the_tier_is_the_highest_threshold_the_points_reach(points, tier, following) -> None:
    found = standing(TIERS, [points], MONTHS)
    assert found.tier is not None
    assert found.tier.name == tier
    assert (found.next.name if found.next else None) == following
    assert found.window == ("2025-12", "2026-11")


def test_below_the_lowest_threshold_there_is_no_tier() -> None:
    tiers = TierSettings(levels=[Tier(name="Silver", threshold=500)])
    found = standing(tiers, [100, 200], MONTHS)
    assert found.tier is None
    assert found.points == 300
    assert found.rank == -1
    assert found.next is not None
    assert found.next.name == "Silver"


def test_thresholds_ascend_and_names_are_unique() -> None:
    with pytest.raises(ValidationError, match="ascend"):
        TierSettings(levels=[Tier(name="Gold", threshold=2000), Tier(name="Silver", threshold=500)])
    with pytest.raises(ValidationError, match="ascend"):
        TierSettings(levels=[Tier(name="A", threshold=500), Tier(name="B", threshold=500)])
    with pytest.raises(ValidationError, match="unique"):
        TierSettings(levels=[Tier(name="Gold", threshold=0), Tier(name="gold", threshold=10)])
    with pytest.raises(ValidationError):
        TierSettings(levels=[Tier(name=f"T{n}", threshold=n) for n in range(11)])  # at most 10
    with pytest.raises(ValidationError):
        Tier(name=" ", threshold=1)
    assert OrgSettings().tiers.levels == []  # no tiers until HR sets them


def test_the_window_is_this_month_and_the_eleven_before_across_a_year_boundary() -> None:
    months = window_months(datetime(2027, 2, 3).date())
    assert months[0] == "2027-02"
    assert months[-1] == "2026-03"
    assert len(months) == 12
    assert "2026-12" in months
    assert "2027-01" in months
    assert "2026-02" not in months


def test_the_window_follows_the_organisation_zone() -> None:
    at = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # already January 1st in Rome
    assert window_at(at, "UTC")[0] == "2026-12"
    assert window_at(at, "Europe/Rome")[0] == "2027-01"
    assert window_at(at, "Europe/Rome")[-1] == "2026-02"
    candidates = candidate_months(at)
    assert set(window_at(at, "UTC")) | set(window_at(at, "Europe/Rome")) <= set(candidates)
    assert set(window_at(at, "Pacific/Kiritimati")) <= set(candidates)
    assert len(candidates) == 13


def test_a_move_up_is_announced_once_per_tier() -> None:
    silver = standing(TIERS, [600], MONTHS)
    up = move(TIERS, silver, None, ())
    assert up is not None
    assert up.announce == "Silver"
    assert up.reached == ("Bronze", "Silver")
    assert move(TIERS, silver, "Silver", up.reached) is None  # nothing changes
    down = move(TIERS, standing(TIERS, [10], MONTHS), "Silver", up.reached)
    assert down is not None
    assert down.tier == "Bronze"
    assert down.announce is None
    again = move(TIERS, silver, "Bronze", down.reached)
    assert again is not None
    assert again.tier == "Silver"
    assert again.announce is None


def test_a_jump_announces_the_tier_reached_and_the_base_tier_is_never_announced() -> None:
    gold = move(TIERS, standing(TIERS, [2500], MONTHS), None, ())
    assert gold is not None
    assert gold.announce == "Gold"
    assert gold.reached == ("Bronze", "Gold", "Silver")
    assert move(TIERS, standing(TIERS, [5], MONTHS), None, ()) is None  # Bronze (0) is where everyone starts


def test_an_item_for_a_tier_admits_that_tier_and_above_and_names_it_when_refused() -> None:
    silver, bronze = standing(TIERS, [600], MONTHS), standing(TIERS, [6], MONTHS)
    assert admits(TIERS, "Silver", silver)
    assert admits(TIERS, "Bronze", silver)
    assert admits(TIERS, None, bronze)
    assert not admits(TIERS, "Gold", silver)
    assert not admits(TIERS, "Platinum", silver)
    with pytest.raises(RuleViolation) as refused:
        refuse_below(TIERS, "Gold", silver)
    assert refused.value.code == "tier_required"
    assert "Gold" in refused.value.message_in("fr")
    with pytest.raises(RuleViolation) as unknown:
        TIERS.check_known("Platinum")
    assert unknown.value.code == "unknown_tier"
