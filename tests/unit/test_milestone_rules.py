"""Milestone occurrences and who qualifies: anniversaries by year, birthdays (Feb 29 too), onboarding
days, HRIS events converging on the schedule's awards, skips, rule versions and message rendering."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from plaudit.domain.milestone_rules import MilestoneRule, RuleSpec, RuleVersion
from plaudit.domain.milestones import (
    Occurrence,
    announces,
    award_id,
    event_occurrence,
    occurrence_on,
    points_of,
    render,
    skip_reason,
)

from .factories import person

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def spec(**fields) -> RuleSpec:
    values = {"name": "Anniversary", "type": "work_anniversary", "points": 50, "budget_id": "milestones"}
    values |= {"message": "Happy {years} years, {first_name}! +{points}"}
    return RuleSpec(**(values | fields))


def anniversary(**fields) -> RuleSpec:
    return spec(**({"points_by_year": {1: 100, 5: 500}} | fields))


def birthday(**fields) -> RuleSpec:
    return spec(name="Birthday", type="birthday", points=20, message="Happy birthday {name}!", **fields)


def onboarding(days: int = 30, **fields) -> RuleSpec:
    return spec(
        name="30 days", type="days_after_start", days_after_start=days, message="{days} days in!", **fields
    )


def test_work_anniversary_by_year_with_a_points_table():
    alice = person("E1", start_date=date(2021, 5, 10))
    occ = occurrence_on(anniversary(), alice, date(2026, 5, 10))
    assert occ == Occurrence("5", date(2026, 5, 10), years=5)
    assert points_of(anniversary(), occ) == 500
    assert points_of(anniversary(), occurrence_on(anniversary(), alice, date(2023, 5, 10))) == 50
    assert occurrence_on(anniversary(), alice, date(2026, 5, 11)) is None
    assert occurrence_on(anniversary(), alice, date(2021, 5, 10)) is None  # the start day is no anniversary


def test_a_feb_29_start_is_celebrated_on_feb_28_in_common_years():
    leap = person("E1", start_date=date(2024, 2, 29))
    assert occurrence_on(anniversary(), leap, date(2025, 2, 28)) == Occurrence(
        "1", date(2025, 2, 28), years=1
    )
    assert occurrence_on(anniversary(), leap, date(2025, 3, 1)) is None
    assert occurrence_on(anniversary(), leap, date(2028, 2, 29)) == Occurrence(
        "4", date(2028, 2, 29), years=4
    )
    assert occurrence_on(anniversary(), leap, date(2028, 2, 28)) is None


def test_birthdays_including_feb_29_in_leap_and_common_years():
    feb29 = person("E1", birthday="02-29", start_date=date(2020, 1, 1))
    assert occurrence_on(birthday(), feb29, date(2027, 2, 28)) == Occurrence("2027", date(2027, 2, 28))
    assert occurrence_on(birthday(), feb29, date(2028, 2, 29)) == Occurrence("2028", date(2028, 2, 29))
    assert occurrence_on(birthday(), feb29, date(2028, 2, 28)) is None
    assert occurrence_on(birthday(), person("E2"), date(2028, 2, 28)) is None  # no birthday on file


def test_days_after_start_happens_once():
    new = person("E1", start_date=date(2026, 11, 2))
    assert occurrence_on(onboarding(30), new, date(2026, 12, 2)) == Occurrence(
        "once", date(2026, 12, 2), days=30
    )
    assert occurrence_on(onboarding(30), new, date(2026, 12, 3)) is None


def test_skips():
    rule = anniversary()
    occ = Occurrence("5", date(2026, 5, 10), years=5)
    alice = person("E1", start_date=date(2021, 5, 10), department="Eng", country="US")
    assert skip_reason(rule, alice, occ) is None
    assert skip_reason(None, alice, occ) == "rule_not_in_force"
    assert skip_reason(anniversary(enabled=False), alice, occ) == "rule_disabled"
    assert skip_reason(rule, person("E1", active=False, start_date=date(2021, 5, 10)), occ) == "inactive"
    assert skip_reason(rule, person("B1", bot=True, start_date=date(2021, 5, 10)), occ) == "bot"
    assert skip_reason(rule, person("E1"), occ) == "not_started"
    assert skip_reason(rule, person("E1", start_date=date(2026, 6, 1)), occ) == "not_started"
    assert skip_reason(anniversary(years=[1, 10]), alice, occ) == "year_not_celebrated"
    assert skip_reason(anniversary(filter={"departments": ["Sales"]}), alice, occ) == "filtered"
    assert skip_reason(anniversary(filter={"countries": ["US"]}), alice, occ) is None
    assert skip_reason(anniversary(filter={"countries": ["DE"]}), alice, occ) == "filtered"
    zero = spec(points=0, points_by_year={5: 0, 1: 10})
    assert skip_reason(zero, alice, occ) == "nothing_to_award"
    item_only = spec(points=0, catalog_item_id="mug", catalog_denomination=Decimal(10))
    assert skip_reason(item_only, alice, occ) is None


def test_an_hris_event_for_someone_without_a_start_date_still_counts():
    promo = spec(name="Promotion", type="hris_event", event_name="promotion", points=300, message="Congrats!")
    occ = event_occurrence(promo, person("E1"), "promotion", "evt-1", date(2026, 3, 1))
    assert occ == Occurrence("evt-1", date(2026, 3, 1), event="promotion")
    assert skip_reason(promo, person("E1"), occ) is None
    assert event_occurrence(promo, person("E1"), "certification", "evt-2", date(2026, 3, 1)) is None


def test_anniversary_and_birthday_events_map_to_the_schedules_occurrence_keys():
    alice = person("E1", start_date=date(2021, 5, 10), birthday="07-30")
    from_hris = event_occurrence(anniversary(), alice, "work_anniversary", "bamboo-77", date(2026, 5, 10))
    assert from_hris == occurrence_on(anniversary(), alice, date(2026, 5, 10))
    late = event_occurrence(anniversary(), alice, "work_anniversary", "bamboo-78", date(2026, 5, 12))
    assert late.key == "5"  # a date a little off still names the fifth anniversary
    assert event_occurrence(birthday(), alice, "birthday", "x", date(2026, 7, 30)).key == "2026"
    assert event_occurrence(anniversary(), alice, "birthday", "x", date(2026, 7, 30)) is None
    assert award_id("rule_A", "E1", from_hris.key) == award_id("rule_A", "E1", "5")
    assert award_id("rule_A", "E1", "5") != award_id("rule_A", "E1", "6")


def test_a_private_birthday_is_not_announced_but_an_anniversary_is():
    shy = person("E1", public_birthday=False)
    assert announces(birthday(), shy) is False
    assert announces(birthday(), person("E2")) is True
    assert announces(anniversary(), shy) is True
    assert announces(birthday(announce=False), person("E2")) is False


def test_messages_fill_their_placeholders():
    alice = person("E1", start_date=date(2021, 5, 10))
    occ = Occurrence("5", date(2026, 5, 10), years=5)
    assert render(anniversary(), alice, occ) == "Happy 5 years, Person! +500"
    promo = spec(type="hris_event", event_name="promotion", message="{name}: {event} ({rule}) {days}")
    assert render(promo, alice, Occurrence("e", date(2026, 1, 1), event="promotion")) == (
        "Person E1: promotion (Anniversary) "
    )


def test_an_edit_applies_from_its_edit_on():
    old = RuleVersion(**anniversary().model_dump(), effective_from=T0)
    rule = MilestoneRule(
        **anniversary(points_by_year={5: 900}).model_dump(),
        id="rule_A",
        created_at=T0,
        updated_at=T0 + timedelta(days=100),
        version=2,
        history=[old],
    )
    occ = Occurrence("5", date(2026, 2, 1), years=5)
    assert points_of(rule.as_of(T0 + timedelta(days=31)), occ) == 500
    assert points_of(rule.as_of(T0 + timedelta(days=100)), occ) == 900
    assert rule.as_of(T0 - timedelta(seconds=1)) is None
