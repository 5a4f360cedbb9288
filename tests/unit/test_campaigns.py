"""Campaign rules without AWS: a CSV read row by row with its lines (every bad row named, a person twice
refused, the campaign's amount for rows without one), selectors, the exactly-once award id, and what the
notifier posts: one celebration for a public campaign when it is done, the giver under each award's DM."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from plaudit.domain.campaigns import CampaignRequest, Selector, award_id, read_rows, skip_reason
from plaudit.domain.employees import Employee, EmployeeStatus
from plaudit.domain.errors import RuleViolation
from plaudit.domain.settings import OrgSettings
from plaudit.i18n import messages
from plaudit.slack.notices import campaigns as notices
from plaudit.slack.notices.milestones import notices_for as award_notices
from plaudit.slack.notices.notice import People

CHANNEL = "CKUDOS01"


def request(text: str | None = None, **fields: Any) -> CampaignRequest:
    base: dict[str, Any] = {"name": "Launch", "budget_id": "team"}
    return CampaignRequest(**base | ({"csv": text} if text is not None else {}) | fields)


def test_rows_keep_their_lines_and_every_bad_row_is_named() -> None:
    text = (
        "employee_id,email,points,item_id,denomination,message\n"
        "E1,,10,,,Thanks\n"
        ",b@x.example,,,,\n"  # no amount: the campaign's
        "E1,,5,,,\n"  # twice
        "E3,c@x.example,5,,,\n"  # two people
        "E4,,0,,,\n"
        '"E5",,"7",,,"a message, with a comma\nand a line"\n'
        "E6,,3,item_01JAAAAAAAAAAAAAAAAAAAAAAA,20,\n"  # points and an item
    )
    rows, problems = read_rows(text, request("x", points=2))
    assert [(r.line, r.employee_id, r.email, r.points) for r in rows] == [
        (2, "E1", None, 10),
        (3, None, "b@x.example", 2),
        (7, "E5", None, 7),
    ]
    assert rows[2].message == "a message, with a comma\nand a line"
    assert [(p.field, p.key) for p in problems] == [
        ("line 4", "problem.campaign_duplicate"),
        ("line 5", "problem.campaign_person"),
        ("line 6.points", "problem.at_least"),
        ("line 9", "problem.campaign_amount"),
    ]


def test_an_unusable_or_empty_csv_is_refused_whole() -> None:
    with pytest.raises(RuleViolation) as refused:
        read_rows("who,points\nx,1\n", request("x"))
    assert refused.value.code == "campaign_csv_unusable"
    assert refused.value.details["unknown_columns"] == ["who"]
    with pytest.raises(RuleViolation) as empty:
        read_rows("employee_id,points\n", request("x"))
    assert empty.value.code == "campaign_empty"
    _, problems = read_rows("employee_id\nE1\n", request("x"))  # no amount anywhere
    assert [p.key for p in problems] == ["problem.campaign_amount"]


@pytest.mark.parametrize(
    "fields",
    [
        {},  # neither csv nor selector
        {"csv": "employee_id\nE1\n", "selector": {"everyone": True}, "points": 1},
        {"selector": {"everyone": True}},  # no amount
        {"selector": {"everyone": True}, "points": 1, "item_id": "item_01JAAAAAAAAAAAAAAAAAAAAAAA"},
        {"selector": {}, "points": 1},
        {"selector": {"everyone": True, "countries": ["US"]}, "points": 1},
        {"selector": {"started_from": "2024-02-01", "started_to": "2024-01-01"}, "points": 1},
    ],
)
def test_a_request_says_who_one_way_and_what_one_way(fields: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        request(**fields)


def person(**fields: Any) -> Employee:
    base = {"id": "E1", "email": "e1@x.example", "name": "Ann", "department": "Eng", "country": "US"}
    return Employee(**base | fields)


def test_selectors_pick_active_people_by_every_criterion() -> None:
    ann = person(manager_id="M1", start_date=date(2024, 3, 1))
    assert Selector(everyone=True).picks(ann, None)
    assert Selector(departments=["Eng"], countries=["US"]).picks(ann, None)
    assert not Selector(departments=["Sales"]).picks(ann, None)
    assert Selector(manager_id="M1").picks(ann, None)
    assert not Selector(manager_id="M2").picks(ann, None)
    assert Selector(tiers=["gold"]).picks(ann, "gold")
    assert not Selector(tiers=["gold"]).picks(ann, "silver")
    assert Selector(started_from=date(2024, 1, 1), started_to=date(2024, 12, 31)).picks(ann, None)
    assert not Selector(started_from=date(2024, 6, 1)).picks(ann, None)
    assert not Selector(started_to=date(2024, 1, 1)).picks(person(), None)  # no start date
    assert not Selector(everyone=True).picks(person(status=EmployeeStatus.DEACTIVATED), None)
    assert not Selector(everyone=True).picks(person(is_bot=True), None)


def test_skip_reasons_and_the_exactly_once_award_id() -> None:
    assert skip_reason(None, False) == "unknown"
    assert skip_reason(person(status=EmployeeStatus.DEACTIVATED), True) == "deactivated"
    assert skip_reason(person(), False) == "outside_budget_scope"
    assert skip_reason(person(), True) is None
    assert skip_reason(person(), True, giver_id=person().id) == "self_award"  # before the scope, too
    assert skip_reason(person(), False, giver_id=person().id) == "self_award"
    assert award_id("cmp_1", "E1") == award_id("cmp_1", "E1") != award_id("cmp_2", "E1")
    assert award_id("cmp_1", "E1") != award_id("cmp_1", "E2")


class FakePeople(People):
    def __init__(self, channel: str | None = CHANNEL) -> None:
        super().__init__(lambda: OrgSettings(announcement_channel=channel, default_locale="fr"))
        self._employees = {
            "E1003": Employee(
                id="E1003", email="a@x.example", name="Alice", slack_user_id="UALICE", locale="it"
            ),
            "E1002": Employee(id="E1002", email="m@x.example", name="Maya", slack_user_id="UMAYA"),
        }


def campaign(**changes: Any) -> dict[str, Any]:
    values = {"type": "campaign", "id": "cmp_1", "name": "Launch", "public": True, "status": "done"}
    return values | {"paid": 11, "pending": 1, "message": "Thank you all"} | changes


def test_a_public_campaign_posts_one_celebration_when_it_is_done() -> None:
    running = campaign(status="running")
    (notice,) = notices.notices_for("MODIFY", running, campaign(), FakePeople())
    assert (notice.channel, notice.about) == (CHANNEL, ("campaign", "cmp_1"))
    text = json.dumps(notice.message)
    assert "Launch" in text
    assert "12 personnes" in text  # the organisation's language; paid and pending
    assert "Thank you all" in text
    assert notices.notices_for("MODIFY", campaign(), campaign(), FakePeople()) == []  # seen again
    assert notices.notices_for("MODIFY", running, running | {"paid": 12}, FakePeople()) == []
    assert notices.notices_for("MODIFY", running, campaign(public=False), FakePeople()) == []
    assert notices.notices_for("MODIFY", running, campaign(), FakePeople(channel=None)) == []


def test_a_campaign_award_dm_names_its_giver_in_the_persons_language() -> None:
    award = {
        "type": "milestone_award",
        "id": "award_1",
        "rule_id": "campaign:cmp_1",
        "rule_name": "Launch",
        "employee_id": "E1003",
        "slack_user_id": "UALICE",
        "points": 25,
        "status": "paid",
        "message": "Great work",
        "announce": False,
        "dm": True,
        "given_by": "E1002",
    }
    (dm,) = award_notices("INSERT", None, award, FakePeople())
    text = json.dumps(dm.message)
    assert "Great work" in text
    assert messages("it").text("campaigns.dm.from", who="<@UMAYA>") in text


def test_a_campaign_award_waiting_for_its_budget_is_not_posted_to_hr_one_by_one() -> None:
    award = {"type": "milestone_award", "id": "award_2", "employee_id": "E1003", "status": "pending"}
    hr = FakePeople()
    hr._settings = lambda: OrgSettings(hr_channel="CHR00001")
    assert award_notices("INSERT", None, award | {"rule_id": "campaign:cmp_1"}, hr) == []
    assert len(award_notices("INSERT", None, award | {"rule_id": "rule_1", "rule_name": "x"}, hr)) == 1
