"""The milestone rules section and modal: inside Block Kit's limits, a rule read back from its own modal
is the same rule, and what cannot be read or RuleSpec refuses lands on the block it concerns."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from plaudit.domain.errors import NotFound, RuleViolation
from plaudit.domain.milestone_rules import MilestoneRule, RuleFilter, RuleSpec, RuleType
from plaudit.i18n import messages
from plaudit.slack import actions
from plaudit.slack.views import milestone_admin as views
from plaudit.slack.work import milestone_admin

AT = datetime(2026, 11, 23, 12, tzinfo=UTC)
EN = messages("en")
BUDGETS = [views.BudgetChoice("company", "Company"), views.BudgetChoice("eng", "Engineering " + "x" * 100)]


def _rule(**changes: Any) -> MilestoneRule:
    fields: dict[str, Any] = {
        "id": "rule_anniv",
        "name": "Work anniversary",
        "type": RuleType.WORK_ANNIVERSARY,
        "years": [1, 5, 10],
        "points_by_year": {1: 100, 5: 500, 10: 1000},
        "points": 50,
        "budget_id": "company",
        "message": "Happy {years} years, {first_name}!",
        "announce": True,
        "channel": "CCELEBR8",
        "dm": False,
        "manager_reminder_days": 7,
        "filter": RuleFilter(departments=["Engineering", "People"], countries=["US", "DE"]),
        "created_at": AT,
        "updated_at": AT,
    }
    return MilestoneRule(**(fields | changes))


def _checked(view: dict[str, Any]) -> dict[str, Any]:
    View(**view).to_dict()
    for block in view["blocks"]:
        Block.parse(block).to_dict()
    return view


def _submitted(view: dict[str, Any], **typed: Any) -> dict[str, Any]:
    """The view as Slack submits it: state holds what each input shows (its initial value), or `typed`."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element, block_id = block["element"], block["block_id"]
        kind = element["type"]
        if kind in ("plain_text_input", "number_input"):
            state = {"value": typed.get(block_id, element.get("initial_value"))}
        elif kind == "static_select":
            chosen = typed.get(block_id, (element.get("initial_option") or {}).get("value"))
            state = {"selected_option": {"value": chosen} if chosen else None}
        elif kind == "checkboxes":
            chosen = typed.get(block_id, [o["value"] for o in element.get("initial_options") or []])
            state = {"selected_options": [{"value": value} for value in chosen]}
        else:  # conversations_select
            state = {"selected_conversation": typed.get(block_id, element.get("initial_conversation"))}
        values[block_id] = {element["action_id"]: {"type": kind, **state}}
    return {**view, "id": "V0001", "state": {"values": values}}


def test_rule_types_are_the_domains() -> None:
    assert set(views.RULE_TYPES) == {kind.value for kind in RuleType}


def test_a_new_rule_modal_fits_block_kit_and_offers_the_budgets() -> None:
    view = _checked(views.rule_modal("ext-1", BUDGETS, EN))
    assert views.edited_rule(view) is None
    assert view["title"]["text"] == "New milestone rule"
    budget = next(block for block in view["blocks"] if block.get("block_id") == views.BUDGET)
    assert [option["value"] for option in budget["element"]["options"]] == ["company", "eng"]
    ids = [block.get("block_id") for block in view["blocks"]]
    for block_id in (views.NAME, views.TYPE, views.POINTS_TABLE, views.CHANNEL, views.COUNTRIES):
        assert block_id in ids


def test_without_budgets_the_modal_says_how_to_make_one() -> None:
    view = _checked(views.rule_modal("ext-1", [], EN))
    assert views.BUDGET not in [block.get("block_id") for block in view["blocks"]]
    assert "POST /v1/budgets" in json.dumps(view)


@pytest.mark.parametrize(
    "rule",
    [
        _rule(),
        _rule(
            type=RuleType.DAYS_AFTER_START,
            years=None,
            points_by_year={},
            days_after_start=30,
            announce=False,
            dm=True,
            channel=None,
            enabled=False,
            manager_reminder_days=None,
            filter=RuleFilter(),
        ),
        _rule(type=RuleType.HRIS_EVENT, years=None, points_by_year={}, event_name="promotion"),
        _rule(
            type=RuleType.BIRTHDAY,
            years=None,
            points_by_year={},
            points=0,
            budget_id="eng",
            catalog_item_id="mug",
            catalog_denomination=Decimal("12.5"),
        ),
    ],
)
def test_a_rule_read_back_from_its_own_modal_is_the_same_rule(rule: MilestoneRule) -> None:
    view = _checked(views.rule_modal("ext-1", BUDGETS, EN, rule))
    assert views.edited_rule(view) == rule.id
    fields, errors = views.read_form(_submitted(view))
    assert errors == {}
    spec = RuleSpec.model_validate(fields)
    assert spec == RuleSpec(**rule.model_dump(include=set(RuleSpec.model_fields)))


def test_the_new_rule_form_reads_into_a_spec() -> None:
    view = views.rule_modal("ext-1", BUDGETS, EN)
    fields, errors = views.read_form(
        _submitted(
            view,
            name="Anniversaries",
            type="work_anniversary",
            points="25",
            points_table=" 1:100 ,5: 500, 10:1000 ",
            budget="company",
            countries="de, us",
        )
    )
    assert errors == {}
    spec = RuleSpec.model_validate(fields)
    assert spec.points_by_year == {1: 100, 5: 500, 10: 1000}
    assert spec.points_for(5) == 500
    assert spec.points_for(3) == 25
    assert spec.filter.countries == ["DE", "US"]
    assert spec.years is None
    assert (spec.announce, spec.dm, spec.enabled) == (True, True, True)
    assert "{years}" in spec.message


@pytest.mark.parametrize(
    ("typed", "block"),
    [
        ({"points_table": "1=100"}, views.POINTS_TABLE),
        ({"points_table": "one:100"}, views.POINTS_TABLE),
        ({"years": "1, five"}, views.YEARS),
        ({"type": None}, views.TYPE),
    ],
)
def test_what_cannot_be_read_is_told_on_its_block(typed: dict[str, Any], block: str) -> None:
    view = views.rule_modal("ext-1", BUDGETS, EN)
    base = {"name": "R", "type": "birthday", "points": "10", "budget": "company"}
    _, errors = views.read_form(_submitted(view, **(base | typed)))
    assert list(errors) == [block]


@pytest.mark.parametrize(
    ("typed", "block", "said"),
    [
        ({"points_table": "1:100", "type": "birthday"}, views.POINTS_TABLE, "work anniversaries only"),
        ({"years": "1, 5", "type": "birthday"}, views.YEARS, "work anniversaries only"),
        ({"type": "days_after_start"}, views.DAYS_AFTER_START, "how many days"),
        ({"type": "hris_event"}, views.EVENT_NAME, "name the event"),
        ({"type": "hris_event", "event_name": "Big Promotion!"}, views.EVENT_NAME, "lowercase"),
        ({"budget": None}, views.BUDGET, "Choose the budget"),
        ({"points": "0", "budget": None}, views.POINTS, "catalogue item, or both"),
        ({"countries": "Germany"}, views.COUNTRIES, "ISO 3166-1"),
        ({"message": "Hi {nickname}"}, views.MESSAGE, "Unknown placeholders nickname"),
        ({"name": "x" * 121}, views.NAME, "at most 120 characters"),
        ({"days_after_start": "4000", "type": "days_after_start"}, views.DAYS_AFTER_START, "3,650 or less."),
        ({"catalog_item": "mug"}, views.CATALOG_DENOMINATION, "the catalogue item and its value together"),
    ],
)
def test_what_rulespec_refuses_is_told_on_its_block(typed: dict[str, Any], block: str, said: str) -> None:
    view = views.rule_modal("ext-1", BUDGETS, EN)
    base = {"name": "R", "type": "birthday", "points": "10", "budget": "company"}
    fields, errors = views.read_form(_submitted(view, **(base | typed)))
    assert errors == {}
    with pytest.raises(ValidationError) as invalid:
        RuleSpec.model_validate(fields)
    found = milestone_admin.spec_errors(invalid.value, fields, EN)
    assert block in found, found
    assert said in found[block]
    assert found[block].endswith(".")


@pytest.mark.parametrize(
    ("refusal", "block"),
    [
        (
            RuleViolation("Budget x does not exist.", code="unknown_budget", details={"budget_id": "x"}),
            "budget",
        ),
        (RuleViolation("No such item.", code="unknown_catalog_item"), "catalog_item"),
        (NotFound("No such milestone rule.", code="rule_not_found"), "name"),
    ],
)
def test_service_refusals_land_on_their_block(refusal: Any, block: str) -> None:
    assert milestone_admin.block_for(refusal) == block


def test_the_section_lists_rules_with_edit_buttons_and_a_new_rule_button() -> None:
    rules = [_rule(), _rule(id="rule_bday", name="<b>Birthdays</b>", type=RuleType.BIRTHDAY, years=None,
                            points_by_year={}, enabled=False)]  # fmt: skip
    blocks = [block.to_dict() for block in views.rules_section(rules, EN, more=False)]
    shown = json.dumps(blocks)
    assert "*Work anniversary*" in shown
    assert "1:100, 5:500, 10:1000; else 50 points" in shown
    assert "budget `company`" in shown
    assert "&lt;b&gt;Birthdays&lt;/b&gt;" in shown
    assert "disabled" in shown
    edits = [block["accessory"] for block in blocks if block["type"] == "section"]
    assert [(edit["action_id"], edit["value"]) for edit in edits] == [
        (actions.EDIT_RULE, "rule_anniv"),
        (actions.EDIT_RULE, "rule_bday"),
    ]
    assert blocks[-1]["elements"][0]["action_id"] == actions.NEW_RULE


def test_an_empty_or_long_list_says_so() -> None:
    assert "No milestone rules yet" in json.dumps(
        [b.to_dict() for b in views.rules_section([], EN, more=False)]
    )
    rules = [_rule(id=f"rule_{index}") for index in range(views.SHOWN_RULES)]
    blocks = [block.to_dict() for block in views.rules_section(rules, EN, more=True)]
    assert len(blocks) == views.SHOWN_RULES + 2
    assert "GET /v1/milestone-rules" in json.dumps(blocks)
