"""Block Kit for rewards and approvals in Slack: what each section and modal shows, which buttons it
carries, and how a submitted modal is read back."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal

from slack_sdk.models.views import View

from plaudit.i18n import messages
from plaudit.slack import actions
from plaudit.slack.views import approvals, modals, rewards

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
EN = messages("en")


def _buttons(blocks: list) -> list[tuple[str, str]]:
    found = []
    for block in (b.to_dict() for b in blocks):
        elements = [block["accessory"]] if block.get("accessory") else block.get("elements", [])
        found += [(e["action_id"], e["value"]) for e in elements if e.get("type") == "button"]
    return found


def test_catalog_lines_carry_price_and_a_redeem_button_unless_unpriced() -> None:
    lines = [
        rewards.CatalogLine("item_A", "Coffee <card>", "Bean & Co", 1000, 6000),
        rewards.CatalogLine("item_B", "Museum pass", None, 500, 500),
        rewards.CatalogLine("item_C", "Yen card", None, None, None),
    ]
    blocks = rewards.catalog_section(lines, 2500, EN)
    shown = json.dumps([block.to_dict() for block in blocks])
    assert "Coffee &lt;card&gt;" in shown
    assert "Bean &amp; Co" in shown
    assert "1,000 to 6,000 points" in shown
    assert "500 points" in shown
    assert "not priced yet" in shown
    assert _buttons(blocks) == [(actions.REDEEM, "item_A"), (actions.REDEEM, "item_B")]
    assert "You have 2,500 points" in shown
    assert "/v1/catalog/items" in shown


def test_empty_sections_are_left_out() -> None:
    assert rewards.catalog_section([], 10, EN) == []
    assert rewards.rewards_section([], EN) == []
    assert approvals.approvals_section([], EN) == []


def test_rewards_show_codes_and_mark_used_only_while_usable() -> None:
    lines = [
        rewards.RewardLine("vch_1", "Coffee card", "issued", "7KQ4-M9TX", date(2026, 6, 30)),
        rewards.RewardLine("vch_2", "Cinema", "redeemed", "AAAA-BBBB", None),
    ]
    blocks = rewards.rewards_section(lines, EN)
    shown = json.dumps([block.to_dict() for block in blocks])
    assert "`7KQ4-M9TX`" in shown
    assert "valid until June 30, 2026" in shown
    assert "redeemed" in shown
    assert _buttons(blocks) == [(actions.VOUCHER_USED, "vch_1")]


def test_redeem_modal_offers_fixed_amounts_with_points() -> None:
    choice = rewards.RedeemChoice(
        "item_A", "Coffee card", "USD", 2500, fixed=[(Decimal(10), 1000), (Decimal(25), 2500)]
    )
    view = rewards.redeem_modal("redeem-1", choice, EN)
    View(**view).validate_json()
    select = view["blocks"][1]["element"]
    assert (rewards.redeemed_item(view), view["callback_id"]) == ("item_A", actions.REDEEM_MODAL)
    assert modals.language(view).locale == "en"
    assert select["type"] == "static_select"
    assert [o["value"] for o in select["options"]] == ["10", "25"]
    assert select["options"][1]["text"]["text"] == "$25.00 · 2,500 points"
    assert "You have 2,500 points" in json.dumps(view)


def test_redeem_modal_takes_a_number_for_a_range() -> None:
    choice = rewards.RedeemChoice(
        "item_A", "Donation", "EUR", 90, range=(Decimal(5), Decimal(500)), point_value=Decimal("0.0092")
    )
    view = rewards.redeem_modal("redeem-1", choice, EN)
    element = view["blocks"][1]["element"]
    assert (element["type"], element["min_value"], element["max_value"]) == ("number_input", "5", "500")
    assert element["is_decimal_allowed"] is True
    assert "1 point is worth 0.0092 EUR" in json.dumps(view)


def _state(**element: str | dict) -> dict:
    return {"state": {"values": {rewards.DENOMINATION: {rewards.DENOMINATION: element}}}}


def test_reading_the_amount_back() -> None:
    assert rewards.read_denomination(_state(selected_option={"value": "25"})) == (Decimal(25), {})
    assert rewards.read_denomination(_state(value="12.50")) == (Decimal("12.50"), {})
    for bad in (_state(value="lots"), _state(value="-3"), _state(value="NaN"), {"state": {"values": {}}}):
        value, errors = rewards.read_denomination(bad)
        assert value is None
        assert list(errors) == [rewards.DENOMINATION]


def test_confirmation_says_who_approves_or_that_it_is_on_its_way() -> None:
    waiting = rewards.confirmation_text("Coffee card", 6000, "pending_approval", "<@UMAYA>", EN)
    assert waiting == "Held 6,000 points for *Coffee card*, waiting for <@UMAYA>'s approval."
    assert "waiting for HR's approval" in rewards.confirmation_text("X", 1, "pending_approval", None, EN)
    assert "waiting for HR's approval" in rewards.confirmation_text("X", 1, "pending_approval", "hr", EN)
    finance = rewards.confirmation_text("X", 1, "pending_approval", "finance", EN)
    assert "waiting for finance's approval" in finance
    assert rewards.confirmation_text("X", 1, "approved", None, EN).endswith("it is on its way.")


def test_approval_entries_carry_approve_and_reject_for_the_redemption() -> None:
    line = approvals.ApprovalLine("red_1", "<@UALICE>", "Coffee card", Decimal(60), "USD", 6000, AT)
    blocks = approvals.approvals_section([line], EN)
    assert "<@UALICE> asks for *Coffee card* ($60.00) for 6,000 points" in json.dumps(blocks[0].to_dict())
    assert _buttons(blocks) == [(actions.APPROVE, "red_1"), (actions.REJECT, "red_1")]


def test_reject_modal_keeps_the_origin_and_requires_a_reason() -> None:
    origin = approvals.Origin("red_1", "D0MAYA", "1700000000.000100")
    view = approvals.reject_modal("reject-1", origin, messages("fr"))
    View(**view).validate_json()
    assert approvals.Origin.of(view) == origin
    assert approvals.Origin.of({}) == approvals.Origin("")
    assert approvals.read_reason({**view, "state": {"values": {}}})[1] == {
        approvals.REASON: "Dites pourquoi, en quelques mots."
    }
    state = {"state": {"values": {approvals.REASON: {approvals.REASON: {"value": "  Over budget "}}}}}
    assert approvals.read_reason(state) == ("Over budget", {})
    assert list(approvals.read_reason({"state": {"values": {}}})[1]) == [approvals.REASON]


def test_decided_message_names_the_decider_the_time_and_the_reason() -> None:
    message = approvals.decided_message(
        "rejected",
        "<@UMAYA>",
        AT,
        "<@UALICE>",
        approvals.what("Coffee card", Decimal(60), "USD", 6000, EN),
        EN,
        "No <b>",
    )
    assert message["text"].startswith("Rejected by <@UMAYA> <!date^1772443800^{date_short_pretty} at {time}|")
    assert "<@UALICE>'s *Coffee card* ($60.00) for 6,000 points" in message["text"]
    assert "Reason: No &lt;b&gt;" in json.dumps(message["blocks"])
