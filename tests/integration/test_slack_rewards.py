"""Rewards in Slack end to end: the Catalogue, My rewards and approvals sections of App Home, the redeem
modal (opened in the ack, filled lazily, redeemed on submit with refusals under the amount), Mark used,
and Approve / Reject from the buttons of the approver's DM, through the real Slack function with signed
block_actions and view_submission payloads; the ledger audit stays clean."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pytest
import test_slack_kudos
from api_checks import assert_audit_clean, newest_trail_entry
from test_api_redemptions import FUNDS, add_item, grant, points_of, set_policy
from test_slack_home_and_add_on import _home_opened
from test_slack_kudos import ALICE, BOB, SlackApp

from plaudit.domain.access import SYSTEM, Caller
from plaudit.domain.catalog import Denominations
from plaudit.domain.ledger import TxnKind
from plaudit.integrations import fulfilment_queue
from plaudit.services import budgets, redemptions, vouchers
from plaudit.slack import actions
from plaudit.slack.views import approvals as approval_views
from plaudit.slack.views import rewards as rewards_views
from plaudit.store.client import use_client

app, slack = test_slack_kudos.app, test_slack_kudos.slack  # the fixtures

MAYA = "UMAYA"  # E1002, Alice's manager
ALICE_ID = "E1003"
TEAM = {"id": "T0001", "domain": "example"}
DM = "D0MAYA001"
MESSAGE_TS = "1700000000.000200"


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Redemptions queued for fulfilment, kept from the worker: these tests stop at the queue."""
    sent: list[str] = []
    monkeypatch.setattr(fulfilment_queue, "send", sent.append)
    return sent


@pytest.fixture
def bolt(app: SlackApp, queued: list[str]) -> SlackApp:
    budgets.create_budget(SYSTEM, budgets.CreateBudget(id=FUNDS, name="Test funds", kind="company"))
    budgets.move_points(SYSTEM, FUNDS, TxnKind.BUDGET_TOP_UP, budgets.MovePoints(points=1_000_000))
    return app


def _user(user: str) -> dict[str, str]:
    return {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM["id"]}


def _click(bolt: SlackApp, action_id: str, value: str, *, user: str, in_dm: bool = False, n: int = 1):
    """A button click: on the Home tab, or (in_dm) in a message of the bot's DM with the user."""
    action = {"action_id": action_id, "block_id": "b1", "type": "button", "value": value}
    if in_dm:
        where = {
            "container": {
                "type": "message",
                "message_ts": MESSAGE_TS,
                "channel_id": DM,
                "is_ephemeral": False,
            },
            "channel": {"id": DM, "name": "directmessage"},
            "message": {"type": "message", "ts": MESSAGE_TS, "text": "Approval needed", "blocks": []},
            "response_url": f"{bolt.slack.url}/actions/T0001/1/abc",
        }
    else:
        where = {
            "container": {"type": "view", "view_id": "VHOME0001"},
            "view": {"id": "VHOME0001", "type": "home", "blocks": [], "state": {"values": {}}},
        }
    payload = {
        "type": "block_actions",
        "user": _user(user),
        "api_app_id": "A123456",
        "token": "Nj2rfC2hU8mAfgaJLemZgO7H",
        "trigger_id": f"12466734323.1395872398.{n}",
        "team": TEAM,
        "enterprise": None,
        "is_enterprise_install": False,
        "actions": [{**action, "action_ts": "1700000100.000100"}],
        **where,
    }
    return bolt.post(urlencode({"payload": json.dumps(payload)}))


def _submit(bolt: SlackApp, view: dict[str, Any], values: dict[str, Any], *, user: str, view_id: str):
    payload = {
        "type": "view_submission",
        "team": TEAM,
        "user": _user(user),
        "api_app_id": "A123456",
        "token": "Nj2rfC2hU8mAfgaJLemZgO7H",
        "trigger_id": "12466734323.1395872398.99",
        "view": {**view, "id": view_id, "team_id": TEAM["id"], "state": {"values": values}},
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return bolt.post(urlencode({"payload": json.dumps(payload)}))


def _view(call: dict[str, Any]) -> dict[str, Any]:
    view = call["view"]
    return json.loads(view) if isinstance(view, str) else view


def _home(bolt: SlackApp, user: str) -> dict[str, Any]:
    bolt.post(_home_opened(user))
    bolt.run_lazy()
    (publish,) = bolt.slack.called("views.publish")
    bolt.slack.calls.clear()
    return publish["view"]


def _section(view: dict[str, Any], title: str) -> list[dict[str, Any]]:
    """The blocks under the header `title`, up to the next divider."""
    blocks, found = view["blocks"], []
    start = next(
        i for i, block in enumerate(blocks) if block["type"] == "header" and block["text"]["text"] == title
    )
    for block in blocks[start + 1 :]:
        if block["type"] == "divider":
            break
        found.append(block)
    return found


def _headers(view: dict[str, Any]) -> list[str]:
    return [block["text"]["text"] for block in view["blocks"] if block["type"] == "header"]


def _open_redeem(bolt: SlackApp, item_id: str, user: str = ALICE) -> dict[str, Any]:
    """Click Redeem, check the ack opened the loading modal, run the lazy work: the form it put there."""
    assert _click(bolt, actions.REDEEM, item_id, user=user).status == 200
    (opened,) = bolt.slack.called("views.open")
    assert _view(opened)["title"]["text"] == "Plaudit"  # loading: the ack does not know the language yet
    bolt.run_lazy()
    (update,) = bolt.slack.called("views.update")
    assert update["external_id"] == _view(opened)["external_id"]
    bolt.slack.calls.clear()
    return _view(update)


def _redeem(
    bolt: SlackApp, form: dict[str, Any], amount: str, *, user: str = ALICE, view_id: str = "VREDEEM1"
):
    chosen = {"type": "static_select", "selected_option": {"value": amount}}
    return _submit(
        bolt,
        form,
        {rewards_views.DENOMINATION: {rewards_views.DENOMINATION: chosen}},
        user=user,
        view_id=view_id,
    )


def _pending(bolt: SlackApp) -> str:
    """Alice redeems 60 USD (6,000 points, over the 5,000 threshold): waiting for Maya."""
    grant(ALICE_ID, 20_000)
    form = _open_redeem(bolt, add_item())
    assert _redeem(bolt, form, "60").body in (b"", b"{}")
    bolt.run_lazy()
    bolt.slack.calls.clear()
    (mine,), _ = redemptions.list_for(Caller(employee_id=ALICE_ID), ALICE_ID, limit=5, cursor=None)
    assert mine.status.value == "pending_approval"
    return mine.id


class NoDynamoDB:
    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"DynamoDB {name} before the ack")


# --------------------------------------------------------------------------- App Home


def test_the_catalogue_shows_affordable_items_first_with_redeem_buttons(bolt: SlackApp) -> None:
    grant(ALICE_ID, 1_500)
    dear = add_item(name="Aaa spa day", denominations=Denominations(fixed=[Decimal(100)]))
    cheap = add_item(name="Zzz coffee", brand="Bean Co")
    view = _home(bolt, ALICE)
    assert ":gift: Catalogue" in _headers(view)
    assert ":ticket: My rewards" not in _headers(view)  # nothing to show: left out
    assert ":hourglass_flowing_sand: Waiting for your approval" not in _headers(view)
    items = [block for block in _section(view, ":gift: Catalogue") if block.get("accessory")]
    assert [block["accessory"]["value"] for block in items] == [cheap, dear]
    assert {block["accessory"]["action_id"] for block in items} == {actions.REDEEM}
    assert items[0]["text"]["text"] == "*Zzz coffee* · Bean Co\n1,000 to 6,000 points"
    assert "You have 1,500 points" in json.dumps(view)


def test_an_approver_sees_what_waits_for_them(bolt: SlackApp) -> None:
    rid = _pending(bolt)
    view = _home(bolt, MAYA)
    waiting = _section(view, ":hourglass_flowing_sand: Waiting for your approval")
    assert "<@UALICE> asks for *Coffee card* ($60.00) for 6,000 points" in json.dumps(waiting)
    buttons = [(e["action_id"], e["value"]) for block in waiting for e in block.get("elements", [])]
    assert buttons == [(actions.APPROVE, rid), (actions.REJECT, rid)]
    assert ":hourglass_flowing_sand: Waiting for your approval" not in _headers(_home(bolt, ALICE))


# --------------------------------------------------------------------------- redeeming


def test_redeem_opens_the_modal_in_the_ack_without_dynamodb(bolt: SlackApp) -> None:
    bolt.api.drain_streams()  # what the fixtures wrote is delivered before the click
    use_client(NoDynamoDB())
    try:
        reply = _click(bolt, actions.REDEEM, "item_01HX0000000000000000000000", user=ALICE)
    finally:
        use_client(bolt.api.client)
    assert reply.status == 200
    (opened,) = bolt.slack.called("views.open")
    assert opened["trigger_id"] == "12466734323.1395872398.1"
    assert len(bolt.lambda_client.invocations) == 1


def test_redeeming_from_the_modal_holds_the_points_and_confirms(bolt: SlackApp, queued: list[str]) -> None:
    grant(ALICE_ID, 3_000)
    item = add_item()
    form = _open_redeem(bolt, item)
    options = form["blocks"][1]["element"]["options"]
    assert [option["text"]["text"] for option in options] == [
        "$10.00 · 1,000 points",
        "$25.00 · 2,500 points",
        "$60.00 · 6,000 points",
    ]
    assert "You have 3,000 points" in json.dumps(form)

    reply = _redeem(bolt, form, "25")
    assert reply.status == 200
    assert reply.body in (b"", b"{}")  # the modal closes
    assert points_of(ALICE_ID) == 500
    (done,), _ = redemptions.list_for(Caller(employee_id=ALICE_ID), ALICE_ID, limit=5, cursor=None)
    assert (done.item_id, done.denomination, done.points, done.status.value) == (item, 25, 2500, "approved")
    assert queued == [done.id]

    assert _redeem(bolt, form, "25").body in (b"", b"{}")  # a resubmission of the same view holds once
    assert points_of(ALICE_ID) == 500

    bolt.run_lazy()
    dms = [call for call in bolt.slack.called("chat.postMessage") if call["channel"] == ALICE]
    assert "Held 2,500 points for *Coffee card*: it is on its way." in [dm["text"] for dm in dms]
    assert bolt.slack.called("views.publish")[0]["user_id"] == ALICE
    assert_audit_clean()


def test_waiting_for_approval_is_said_in_the_dm(bolt: SlackApp) -> None:
    grant(ALICE_ID, 20_000)
    form = _open_redeem(bolt, add_item())
    _redeem(bolt, form, "60")
    bolt.run_lazy()
    dms = [call["text"] for call in bolt.slack.called("chat.postMessage") if call["channel"] == ALICE]
    assert "Held 6,000 points for *Coffee card*, waiting for <@UMAYA>'s approval." in dms


def test_insufficient_points_are_shown_under_the_amount(bolt: SlackApp) -> None:
    grant(ALICE_ID, 1_200)
    form = _open_redeem(bolt, add_item())
    reply = _redeem(bolt, form, "25")
    assert reply.json["response_action"] == "errors"
    assert reply.json["errors"] == {
        rewards_views.DENOMINATION: "This needs 2,500 points; you have 1,200 points."
    }
    assert points_of(ALICE_ID) == 1_200
    assert redemptions.list_for(Caller(employee_id=ALICE_ID), ALICE_ID, limit=5, cursor=None)[0] == []
    bolt.run_lazy()
    assert [call for call in bolt.slack.called("chat.postMessage") if call["channel"] == ALICE] == []
    assert_audit_clean()


def test_an_out_of_stock_item_is_refused_under_the_amount(bolt: SlackApp) -> None:
    grant(ALICE_ID, 3_000)
    form = _open_redeem(bolt, add_item(inventory=0))
    reply = _redeem(bolt, form, "10")
    assert reply.json["response_action"] == "errors"
    assert "out of stock" in reply.json["errors"][rewards_views.DENOMINATION]
    assert points_of(ALICE_ID) == 3_000


def test_a_range_item_takes_a_typed_amount(bolt: SlackApp) -> None:
    grant(ALICE_ID, 3_000)
    item = add_item(name="Donation", denominations=Denominations(min=Decimal(5), max=Decimal(500)))
    form = _open_redeem(bolt, item)
    element = form["blocks"][1]["element"]
    assert (element["type"], element["min_value"], element["max_value"]) == ("number_input", "5", "500")
    typed = {"type": "number_input", "value": "12.5"}
    values = {rewards_views.DENOMINATION: {rewards_views.DENOMINATION: typed}}
    assert _submit(bolt, form, values, user=ALICE, view_id="VRANGE1").body in (b"", b"{}")
    assert points_of(ALICE_ID) == 1_750
    bad = {
        rewards_views.DENOMINATION: {rewards_views.DENOMINATION: {"type": "number_input", "value": "1.234"}}
    }
    reply = _submit(bolt, form, bad, user=ALICE, view_id="VRANGE2")
    assert reply.json["errors"] == {rewards_views.DENOMINATION: "Must have at most 2 decimal places."}
    huge = {
        rewards_views.DENOMINATION: {rewards_views.DENOMINATION: {"type": "number_input", "value": "2e6"}}
    }
    reply = _submit(bolt, form, huge, user=ALICE, view_id="VRANGE3")
    assert reply.json["errors"] == {rewards_views.DENOMINATION: "Must be 1,000,000 or less."}
    assert_audit_clean()


# --------------------------------------------------------------------------- approving and rejecting


def test_a_first_approval_from_slack_hands_a_large_request_to_finance(
    bolt: SlackApp, queued: list[str]
) -> None:
    set_policy(second_level_points=6000)
    rid = _pending(bolt)
    bolt.api.drain_streams()
    assert _click(bolt, actions.APPROVE, rid, user=MAYA, in_dm=True).status == 200
    bolt.run_lazy()
    handed = redemptions.get(Caller(employee_id=ALICE_ID), rid)
    assert (handed.status.value, handed.approver_id) == ("pending_approval", "finance")
    assert queued == []
    (update,) = bolt.slack.called("chat.update")
    assert update["text"].startswith("Approved by <@UMAYA> <!date^")
    assert update["text"].endswith("It now waits for a second approval.")
    assert_audit_clean()


def test_approve_from_the_dm_button_updates_the_message(bolt: SlackApp, queued: list[str]) -> None:
    rid = _pending(bolt)
    bolt.api.drain_streams()  # what the fixtures wrote is delivered before the click
    use_client(NoDynamoDB())
    try:
        assert _click(bolt, actions.APPROVE, rid, user=MAYA, in_dm=True).status == 200
    finally:
        use_client(bolt.api.client)
    bolt.run_lazy()
    assert redemptions.get(Caller(employee_id=ALICE_ID), rid).status.value == "approved"
    assert queued[-1] == rid
    decided = newest_trail_entry()  # the administrative trail has Maya's decision, with the request's id
    assert (decided["actor"], decided["action"], decided["target"]) == (
        "E1002",
        "redemption.approve",
        f"redemption:{rid}",
    )
    assert decided["correlation_id"]
    (update,) = bolt.slack.called("chat.update")
    assert (update["channel"], update["ts"]) == (DM, MESSAGE_TS)
    assert update["text"].startswith("Approved by <@UMAYA> <!date^")
    assert "<@UALICE>'s *Coffee card* ($60.00) for 6,000 points" in update["text"]
    assert bolt.slack.called("views.publish")[0]["user_id"] == MAYA
    bolt.slack.calls.clear()

    _click(bolt, actions.APPROVE, rid, user=MAYA, in_dm=True, n=2)  # a second click
    bolt.run_lazy()
    (told,) = bolt.slack.called("chat.postEphemeral")
    assert (told["channel"], told["user"]) == (DM, MAYA)
    assert "already decided" in told["text"]
    assert bolt.slack.called("chat.update") == []
    assert_audit_clean()


def test_the_wrong_approver_is_told_and_nothing_changes(bolt: SlackApp) -> None:
    rid = _pending(bolt)
    _click(bolt, actions.APPROVE, rid, user=BOB)  # from a Home tab: told in a DM
    bolt.run_lazy()
    (told,) = [call for call in bolt.slack.called("chat.postMessage") if call["channel"] == BOB]
    assert "Only the designated approver" in told["text"]
    assert redemptions.get(Caller(employee_id=ALICE_ID), rid).status.value == "pending_approval"


def test_reject_asks_why_and_returns_the_points(bolt: SlackApp) -> None:
    rid = _pending(bolt)
    assert points_of(ALICE_ID) == 14_000
    bolt.api.drain_streams()  # what the fixtures wrote is delivered before the click
    use_client(NoDynamoDB())
    try:
        assert _click(bolt, actions.REJECT, rid, user=MAYA, in_dm=True).status == 200
    finally:
        use_client(bolt.api.client)
    (opened,) = bolt.slack.called("views.open")
    assert _view(opened)["callback_id"] == actions.REJECT_MODAL
    bolt.run_lazy()  # the form asking why replaces the loading modal, in Maya's language
    (update,) = bolt.slack.called("views.update")
    modal = _view(update)
    assert (update["external_id"], modal["callback_id"]) == (
        _view(opened)["external_id"],
        actions.REJECT_MODAL,
    )
    assert "The person will see this." in json.dumps(modal)
    bolt.slack.calls.clear()

    reason = {
        approval_views.REASON: {approval_views.REASON: {"type": "plain_text_input", "value": "Over budget"}}
    }
    empty = {approval_views.REASON: {approval_views.REASON: {"type": "plain_text_input", "value": " "}}}
    assert list(_submit(bolt, modal, empty, user=MAYA, view_id="VREJ1").json["errors"]) == [
        approval_views.REASON
    ]
    bolt.run_lazy()
    assert bolt.slack.called("chat.update") == []

    assert _submit(bolt, modal, reason, user=MAYA, view_id="VREJ1").body in (b"", b"{}")
    found = redemptions.get(Caller(employee_id=ALICE_ID), rid)
    assert (found.status.value, found.history[-1].reason) == ("rejected", "Over budget")
    decided = newest_trail_entry()
    assert (decided["actor"], decided["action"], decided["target"]) == (
        "E1002",
        "redemption.reject",
        f"redemption:{rid}",
    )
    assert points_of(ALICE_ID) == 20_000
    bolt.run_lazy()
    (update,) = bolt.slack.called("chat.update")
    assert (update["channel"], update["ts"]) == (DM, MESSAGE_TS)
    assert update["text"].startswith("Rejected by <@UMAYA>")
    assert "Reason: Over budget" in json.dumps(update["blocks"])
    bolt.slack.calls.clear()

    reply = _submit(bolt, modal, reason, user=MAYA, view_id="VREJ2")  # rejecting again, from a second modal
    assert "already decided" in reply.json["errors"][approval_views.REASON]
    assert points_of(ALICE_ID) == 20_000
    assert_audit_clean()


# --------------------------------------------------------------------------- My rewards


def test_my_rewards_show_the_code_and_mark_used(bolt: SlackApp) -> None:
    grant(ALICE_ID, 3_000)
    form = _open_redeem(bolt, add_item())
    _redeem(bolt, form, "10")
    bolt.run_lazy()
    (done,), _ = redemptions.list_for(Caller(employee_id=ALICE_ID), ALICE_ID, limit=5, cursor=None)
    fulfilling = redemptions.begin_fulfilment(done.id)
    voucher_id = vouchers.issue(
        fulfilling.model_dump(mode="json"), code="7KQ4-M9TX-2HCF-WZ8R", expires_on=None
    )
    redemptions.complete_fulfilment(done.id, voucher_id=voucher_id)
    bolt.slack.calls.clear()

    rewards = _section(_home(bolt, ALICE), ":ticket: My rewards")
    shown, code = rewards[0]["text"]["text"].split("\n")
    assert shown in (  # the DM delivery may have run
        "*Coffee card* · issued · worth $10.00",
        "*Coffee card* · delivered · worth $10.00",
    )
    assert code == "Code: `7KQ4-M9TX-2HCF-WZ8R`"
    assert (rewards[0]["accessory"]["action_id"], rewards[0]["accessory"]["value"]) == (
        actions.VOUCHER_USED,
        voucher_id,
    )

    _click(bolt, actions.VOUCHER_USED, voucher_id, user=ALICE)
    bolt.run_lazy()
    (publish,) = bolt.slack.called("views.publish")
    rewards = _section(publish["view"], ":ticket: My rewards")
    assert rewards[0]["text"]["text"].startswith("*Coffee card* · redeemed")
    assert "accessory" not in rewards[0]
    assert redemptions.get(Caller(employee_id=ALICE_ID), done.id).status.value == "redeemed"
    bolt.slack.calls.clear()

    _click(bolt, actions.VOUCHER_USED, voucher_id, user=BOB)  # not Bob's
    bolt.run_lazy()
    (told,) = [call for call in bolt.slack.called("chat.postMessage") if call["channel"] == BOB]
    assert "No such voucher of yours" in told["text"]
    assert_audit_clean()
