"""Referral rules: what each part pays and when, who forfeits, the rule's own checks, and the CSV read
line by line."""

from datetime import date

import pytest
from pydantic import ValidationError

from plaudit.domain.errors import RuleViolation
from plaudit.domain.milestone_rules import RuleSpec
from plaudit.domain.referrals import forfeit_reason, part_award_id, parts_of, read_rows

from .factories import person

HIRED = date(2026, 11, 23)


def referral(**fields) -> RuleSpec:
    values = {"name": "Referral", "type": "referral", "points": 1000, "budget_id": "referrals"}
    return RuleSpec(**(values | {"message": "Thanks, {first_name}: {points}"} | fields))


def test_a_share_now_and_the_rest_after_the_days():
    parts = parts_of("rule_R", referral(at_hire_percent=40, after_days=90), "E2001", HIRED)
    assert [(p.part, p.points, p.due_on, p.status) for p in parts] == [
        ("at_hire", 400, HIRED, "awarded"),
        ("later", 600, date(2027, 2, 21), "scheduled"),
    ]
    assert parts[0].award_id == part_award_id("rule_R", "E2001", "at_hire") != parts[1].award_id


def test_all_at_hire_by_default_and_all_later_when_nothing_now():
    assert [(p.part, p.points) for p in parts_of("rule_R", referral(), "E2001", HIRED)] == [("at_hire", 1000)]
    later = parts_of("rule_R", referral(at_hire_percent=0, after_days=30), "E2001", HIRED)
    assert [(p.part, p.points) for p in later] == [("later", 1000)]
    item = referral(
        points=0, at_hire_percent=0, after_days=30, catalog_item_id="hoodie", catalog_denomination="40"
    )
    assert [(p.part, p.points) for p in parts_of("rule_R", item, "E2001", HIRED)] == [("at_hire", 0)]


def test_odd_shares_lose_no_point():
    parts = parts_of("rule_R", referral(points=999, at_hire_percent=33, after_days=10), "E2001", HIRED)
    assert sum(p.points for p in parts) == 999


@pytest.mark.parametrize(
    "fields",
    [
        {"at_hire_percent": 40},  # a share left for later needs its days
        {"after_days": 30},  # days with nothing left for later
        {"at_hire_percent": 100, "after_days": 30},
        {"at_hire_percent": 101, "after_days": 30},
    ],
)
def test_a_referral_rule_says_when_the_rest_is_paid(fields):
    with pytest.raises(ValidationError):
        referral(**fields)


def test_only_referral_rules_split():
    with pytest.raises(ValidationError, match="referral rules only"):
        RuleSpec(name="B", type="birthday", points=5, budget_id="m", message="x", after_days=3)


def test_a_hire_or_referrer_who_left_forfeits():
    here, gone = person("E1"), person("E2", active=False)
    assert forfeit_reason(here, here) is None
    assert forfeit_reason(gone, here) == forfeit_reason(None, here) == "hire_inactive"
    assert forfeit_reason(here, gone) == "referrer_inactive"


def test_the_csv_is_read_with_each_bad_line_named():
    text = (
        "hire_id,referrer_id,referrer_email,hired_on\n"
        "E2001,E1003,,2026-11-23\n"
        "E2002,,,2026-11-23\n"  # no referrer
        "E2003,E1003,a@b.example,2026-11-23\n"  # both
        "E2001,E1004,,2026-11-23\n"  # the same hire again
        "\n"
        "E2004,E1003,,2026-11-31,extra\n"
        "E2005,,carlos@plaudit.example,2026-11-24\n"
    )
    rows, problems = read_rows(text)
    assert [(line, hire.hire_id) for line, hire in rows] == [(2, "E2001"), (8, "E2005")]
    assert [(p.field, p.key) for p in problems] == [
        ("line 3", "problem.referrer_id_or_email"),
        ("line 4", "problem.referrer_id_or_email"),
        ("line 5.hire_id", "problem.referral_hire_twice"),
        ("line 7", "problem.campaign_extra_cells"),
    ]


@pytest.mark.parametrize("text", ["", "who,when\nE1,2026-01-01\n", "referrer_id,hired_on\nE1,2026-01-01\n"])
def test_an_unusable_header_refuses_the_file(text):
    with pytest.raises(RuleViolation) as refused:
        read_rows(text)
    assert refused.value.code == "referral_csv_unusable"


def test_a_file_without_hires_is_refused():
    with pytest.raises(RuleViolation) as refused:
        read_rows("hire_id,referrer_id,hired_on\n\n")
    assert refused.value.code == "referral_csv_empty"
