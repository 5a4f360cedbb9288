"""Milestone rules in App Home end to end: signed app_home_opened events, block_actions clicks and
view_submission payloads go through the real Slack function; the lazy work runs as Bolt runs it on
Lambda, and the fake Slack records views.publish / views.open / views.update."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
import test_slack_kudos
from api_checks import newest_trail_entry
from test_slack_home_and_add_on import _home_opened
from test_slack_kudos import ALICE, SlackApp

from plaudit.domain.access import Caller
from plaudit.domain.milestone_rules import RuleSpec
from plaudit.services import budgets, milestones
from plaudit.slack import actions
from plaudit.slack.views import milestone_admin as views
from plaudit.store.client import use_client

app, slack = test_slack_kudos.app, test_slack_kudos.slack  # the fixtures

HANA = "UHANA"  # E1001, hr_admin
HR = Caller(employee_id="E1001")
TEAM = {"id": "T0001", "domain": "example"}


@pytest.fixture
def bolt(app: SlackApp) -> SlackApp:
    budgets.create_budget(HR, budgets.CreateBudget(id="company", name="Company", kind="company"))
    return app


def _rule(name: str = "Work anniversary") -> str:
    spec = RuleSpec(
        name=name,
        type="work_anniversary",
        points_by_year={1: 100, 5: 500},
        points=50,
        budget_id="company",
        message="Happy {years} years, {first_name}!",
    )
    return milestones.create_rule(HR, spec).id


def _click(bolt: SlackApp, action_id: str, *, user: str = HANA, value: str | None = None, n: int = 1):
    """A button on the Home tab: a block_actions payload from the home view container."""
    action = {"action_id": action_id, "block_id": "b1", "type": "button", "action_ts": "1700000100.000100"}
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM["id"]},
        "api_app_id": "A123456",
        "token": "Nj2rfC2hU8mAfgaJLemZgO7H",
        "container": {"type": "view", "view_id": "VHOME0001"},
        "trigger_id": f"12466734323.1395872398.{n}",
        "team": TEAM,
        "enterprise": None,
        "is_enterprise_install": False,
        "view": {"id": "VHOME0001", "type": "home", "blocks": [], "state": {"values": {}}},
        "actions": [action | ({"value": value} if value else {})],
    }
    return bolt.post(urlencode({"payload": json.dumps(payload)}))


def _submit(bolt: SlackApp, view: dict[str, Any], *, user: str = HANA, **typed: Any):
    """A view_submission of the rule modal: each input holds what it showed, or what `typed` says."""
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
        else:
            state = {"selected_conversation": typed.get(block_id, element.get("initial_conversation"))}
        values[block_id] = {element["action_id"]: {"type": kind, **state}}
    payload = {
        "type": "view_submission",
        "team": TEAM,
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM["id"]},
        "api_app_id": "A123456",
        "token": "Nj2rfC2hU8mAfgaJLemZgO7H",
        "trigger_id": "12466734323.1395872398.99",
        "view": {**view, "id": "VMODAL001", "team_id": TEAM["id"], "state": {"values": values}},
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return bolt.post(urlencode({"payload": json.dumps(payload)}))


def _view(call: dict[str, Any]) -> dict[str, Any]:
    view = call["view"]
    return json.loads(view) if isinstance(view, str) else view


def _open_form(bolt: SlackApp, action_id: str, value: str | None = None) -> dict[str, Any]:
    """Click, check the ack opened the loading modal, run the lazy work; the form it put in its place."""
    assert _click(bolt, action_id, value=value).status == 200
    (opened,) = bolt.slack.called("views.open")
    assert _view(opened)["title"]["text"] == "Plaudit"  # loading: the ack does not know the language yet
    bolt.run_lazy()
    (update,) = bolt.slack.called("views.update")
    assert update["external_id"] == _view(opened)["external_id"]
    bolt.slack.calls.clear()
    return _view(update)


def _home(bolt: SlackApp, user: str) -> dict[str, Any]:
    bolt.post(_home_opened(user))
    bolt.run_lazy()
    (publish,) = bolt.slack.called("views.publish")
    bolt.slack.calls.clear()
    return publish["view"]


def _headers(view: dict[str, Any]) -> list[str]:
    return [block["text"]["text"] for block in view["blocks"] if block["type"] == "header"]


class NoDynamoDB:
    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"DynamoDB {name} before the ack")


def test_hr_sees_the_rules_on_home_and_others_do_not(bolt: SlackApp) -> None:
    rule_id = _rule()
    view = _home(bolt, HANA)
    assert _headers(view)[-1] == ":trophy: Milestone rules"
    shown = json.dumps(view)
    assert "*Work anniversary*" in shown
    assert "1:100, 5:500; else 50 points" in shown
    assert rule_id in shown
    assert actions.NEW_RULE in shown

    view = _home(bolt, ALICE)
    assert ":trophy: Milestone rules" not in _headers(view)
    assert actions.NEW_RULE not in json.dumps(view)


def test_the_buttons_open_the_modal_in_the_ack_without_dynamodb(bolt: SlackApp) -> None:
    bolt.api.drain_streams()  # what the fixtures wrote is delivered before the click
    use_client(NoDynamoDB())
    try:
        reply = _click(bolt, actions.NEW_RULE)
    finally:
        use_client(bolt.api.client)
    assert reply.status == 200
    (opened,) = bolt.slack.called("views.open")
    assert opened["trigger_id"] == "12466734323.1395872398.1"
    assert len(bolt.lambda_client.invocations) == 1


def test_a_new_rule_from_the_modal_is_created_and_home_refreshed(bolt: SlackApp) -> None:
    form = _open_form(bolt, actions.NEW_RULE)
    budget = next(block for block in form["blocks"] if block.get("block_id") == views.BUDGET)
    assert [option["value"] for option in budget["element"]["options"]] == ["company"]

    reply = _submit(
        bolt,
        form,
        name="Anniversaries",
        type="work_anniversary",
        points="25",
        points_table="1:100, 5:500, 10:1000",
        budget="company",
        channel="CCELEBR8",
        manager_reminder_days="7",
        departments="Engineering",
    )
    assert reply.status == 200
    assert reply.body in (b"", b"{}")
    (rule,) = milestones.list_rules(HR)[0]
    assert (rule.name, rule.points_by_year, rule.points) == ("Anniversaries", {1: 100, 5: 500, 10: 1000}, 25)
    assert (rule.channel, rule.manager_reminder_days, rule.filter.departments) == (
        "CCELEBR8",
        7,
        ["Engineering"],
    )

    bolt.run_lazy()
    (publish,) = bolt.slack.called("views.publish")
    assert publish["user_id"] == HANA
    assert "*Anniversaries*" in json.dumps(publish["view"])


def test_a_bad_points_table_comes_back_as_modal_errors(bolt: SlackApp) -> None:
    form = _open_form(bolt, actions.NEW_RULE)
    reply = _submit(bolt, form, name="R", type="work_anniversary", points_table="1=100", budget="company")
    assert reply.status == 200
    assert reply.json["response_action"] == "errors"
    assert list(reply.json["errors"]) == [views.POINTS_TABLE]
    assert "1:100, 5:500, 10:1000" in reply.json["errors"][views.POINTS_TABLE]
    assert milestones.list_rules(HR)[0] == []
    assert bolt.lambda_client.invocations == []  # nothing to refresh


def test_what_the_rule_spec_refuses_is_shown_on_its_field(bolt: SlackApp) -> None:
    form = _open_form(bolt, actions.NEW_RULE)
    reply = _submit(bolt, form, name="Promotions", type="hris_event", points="100", budget="company")
    assert reply.json["response_action"] == "errors"
    assert "name the event" in reply.json["errors"][views.EVENT_NAME]
    assert milestones.list_rules(HR)[0] == []


def test_editing_a_rule_replaces_it(bolt: SlackApp) -> None:
    rule_id = _rule()
    form = _open_form(bolt, actions.EDIT_RULE, value=rule_id)
    assert views.edited_rule(form) == rule_id
    table = next(block for block in form["blocks"] if block.get("block_id") == views.POINTS_TABLE)
    assert table["element"]["initial_value"] == "1:100, 5:500"

    reply = _submit(bolt, form, points_table="1:100, 5:750", enabled=[])
    assert reply.body in (b"", b"{}")
    rule = milestones.get_rule(HR, rule_id)
    assert (rule.version, rule.points_by_year, rule.enabled) == (2, {1: 100, 5: 750}, False)
    entry = newest_trail_entry()  # Hana's change from Slack is in the administrative trail, as from REST
    assert (entry["actor"], entry["action"], entry["target"]) == (
        "E1001",
        "milestone_rule.replace",
        f"milestone_rule:{rule_id}",
    )
    assert entry["changes"]["enabled"] == {"before": True, "after": False}
    assert entry["changes"]["points_by_year.5"] == {"before": 500, "after": 750}


def test_people_who_are_not_hr_get_no_form(bolt: SlackApp) -> None:
    assert _click(bolt, actions.NEW_RULE, user=ALICE).status == 200
    bolt.run_lazy()
    (update,) = bolt.slack.called("views.update")
    assert "Only HR admins" in json.dumps(_view(update))
    assert "submit" not in _view(update)


def test_a_forged_submission_by_someone_else_is_refused(bolt: SlackApp) -> None:
    form = _open_form(bolt, actions.NEW_RULE)
    reply = _submit(bolt, form, user=ALICE, name="Mine", type="birthday", points="10", budget="company")
    assert reply.json["response_action"] == "errors"
    assert "hr_admin" in reply.json["errors"][views.NAME]
    assert milestones.list_rules(HR)[0] == []
