"""Instant perks in Slack: App Home shows Use now on an instant perk (Redeem on the others); the click opens
a loading modal in its ack and fills it lazily with a one-time code and when it stops working, in the
person's language and time zone; the code works at a desk like the console's QR."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import test_slack_kudos
import test_slack_rewards
from api_checks import assert_audit_clean
from test_api_redemptions import add_item, grant, points_of
from test_instant_passes import desk
from test_slack_kudos import ALICE, SlackApp
from test_slack_rewards import ALICE_ID, _click, _home, _section, _view

from plaudit.domain.catalog import Denominations, FulfilmentMethod, ItemType
from plaudit.slack import actions

app, slack = test_slack_kudos.app, test_slack_kudos.slack  # the fixtures
bolt, queued = test_slack_rewards.bolt, test_slack_rewards.queued


def espresso() -> str:
    return add_item(
        name="Espresso",
        type=ItemType.COMPANY_PERK,
        fulfilment=FulfilmentMethod.INSTANT,
        provider_sku=None,
        denominations=Denominations(fixed=[Decimal("2.50")]),
    )


def test_use_now_shows_a_one_time_code_that_a_desk_confirms(bolt: SlackApp) -> None:
    grant(ALICE_ID, 1_000)
    item_id = espresso()
    items = [block for block in _section(_home(bolt, ALICE), ":gift: Catalogue") if block.get("accessory")]
    assert [(b["accessory"]["action_id"], b["accessory"]["text"]["text"]) for b in items] == [
        (actions.USE_NOW, "Use now")
    ]

    assert _click(bolt, actions.USE_NOW, item_id, user=ALICE).status == 200
    (opened,) = bolt.slack.called("views.open")
    bolt.run_lazy()
    (update,) = bolt.slack.called("views.update")
    assert update["external_id"] == _view(opened)["external_id"]
    shown = json.dumps(_view(update), ensure_ascii=False)
    assert "*Espresso* · 250 points" in shown
    code = re.search(r"Your code: \*([0-9A-Z]{4}-[0-9A-Z]{4})\*", shown)
    assert code is not None, shown
    assert "It works once, until" in shown
    assert points_of(ALICE_ID) == 1_000
    assert desk(bolt.api, "confirm", code.group(1)).status == 200
    assert points_of(ALICE_ID) == 750
    assert_audit_clean()


def test_use_now_on_a_perk_they_cannot_afford_says_why(bolt: SlackApp) -> None:
    item_id = espresso()
    assert _click(bolt, actions.USE_NOW, item_id, user=ALICE).status == 200
    bolt.run_lazy()
    (update,) = bolt.slack.called("views.update")
    assert "points" in json.dumps(_view(update))
    assert "Your code" not in json.dumps(_view(update))
