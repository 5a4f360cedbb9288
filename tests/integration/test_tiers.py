"""Status tiers through the real handlers: kudos received move a person up (recomputed by the projection
from the monthly counters), the move is told once (DM, and the channel when the settings say so) even when
the stream delivers its records again, the profile shows the tier, and settings are validated."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import test_slack_kudos
from test_slack_kudos import FakeSlack

from plaudit.domain.access import Caller
from plaudit.services import redemptions
from plaudit.services.redemptions import RedeemRequest
from plaudit.store import keys
from plaudit.store.client import use_client
from plaudit.store.reads import get_one

slack = test_slack_kudos.slack  # the fixture

ALICE, BOB, CARLOS = "E1003", "E1004", "E1005"
ANNOUNCEMENTS = "CKUDOS01"
TIERS = {
    "levels": [
        {"name": "Bronze", "threshold": 0},
        {"name": "Silver", "threshold": 30},
        {"name": "Gold", "threshold": 150},
    ],
    "announce_in_channel": True,
}


def set_tiers(api, tiers: dict[str, Any] = TIERS) -> None:
    reply = api.call("PATCH", "/v1/settings", body={"tiers": tiers})
    assert reply.status == 200, reply.body


def give(api, giver: str, recipient: str, points: int) -> None:
    body = {"recipient_ids": [recipient], "points": points, "message": "Thanks!"}
    reply = api.call("POST", "/v1/recognitions", as_employee=giver, body=body)
    assert reply.status == 201, reply.body
    api.drain_streams()  # the tier record the projection wrote reaches the notifier


def tier_posts(slack: FakeSlack) -> list[tuple[str, str]]:
    return [
        (post["channel"], post["text"])
        for post in slack.called("chat.postMessage")
        if "reached" in post["text"] or "atteint" in post["text"]
    ]


def test_a_move_up_is_told_once_even_when_the_stream_delivers_it_again(api, org, slack: FakeSlack) -> None:
    set_tiers(api)
    records: list[dict[str, Any]] = []
    original = api.invoke

    def keep(function_id: str, event: Any) -> Any:
        if function_id == "ProjectionsFunction":
            records.extend(event["Records"])
        return original(function_id, event)

    api.invoke = keep
    give(api, ALICE, BOB, 20)  # 20: still Bronze, where everyone starts (never announced)
    assert tier_posts(slack) == []
    give(api, CARLOS, BOB, 15)  # 35: Silver
    assert tier_posts(slack) == [
        ("UBOB0", "You reached *Silver*: 35 points received over the last 12 months. Congratulations!"),
        (ANNOUNCEMENTS, "<@UBOB0> reached *Silver*!"),
    ]
    api.invoke = original
    assert api.invoke("ProjectionsFunction", {"Records": records}) == {"batchItemFailures": []}
    api.drain_streams()
    assert len(tier_posts(slack)) == 2  # counted once, recomputed to the same tier: nothing new to tell
    record = get_one(keys.tier_status(BOB))
    assert record is not None
    assert (record["tier"], record["rises"], sorted(record["reached"])) == ("Silver", 1, ["Bronze", "Silver"])

    profile = api.call("GET", "/v1/me", as_employee=BOB)
    assert profile.status == 200
    assert profile.json["tier"] == {
        "name": "Silver",
        "points": 35,
        "window_from": "2025-12",
        "window_to": "2026-11",
        "next": {"name": "Gold", "threshold": 150, "points_to_go": 115},
    }


def test_a_move_up_without_the_channel_setting_is_only_dmed_in_the_persons_language(
    api, org, slack: FakeSlack
) -> None:
    set_tiers(api, TIERS | {"announce_in_channel": False})
    bob = api.call("PATCH", "/v1/me", as_employee=BOB, body={"locale": "fr"})
    assert bob.status == 200, bob.body
    give(api, ALICE, BOB, 40)
    (dm,) = [post for post in slack.called("chat.postMessage") if "Silver" in post["text"]]
    assert dm["channel"] == "UBOB0"
    assert dm["text"].startswith("Vous avez atteint le niveau *Silver*")


def test_without_tiers_nothing_is_recorded_and_the_profile_shows_none(api, org, slack: FakeSlack) -> None:
    give(api, ALICE, BOB, 40)
    assert get_one(keys.tier_status(BOB)) is None
    assert api.call("GET", "/v1/me", as_employee=BOB).json["tier"] is None
    record = api.call("GET", f"/v1/employees/{BOB}", as_employee=BOB).json
    assert "tier" not in record  # the record PUT takes back; the tier is read-only, on /v1/me


def test_tier_settings_are_validated_and_recorded_in_the_trail(api, org) -> None:
    descending = {"levels": [{"name": "Gold", "threshold": 100}, {"name": "Silver", "threshold": 50}]}
    reply = api.call("PATCH", "/v1/settings", body={"tiers": descending})
    assert reply.status == 422
    assert "ascend" in json.dumps(reply.json)
    twice = {"levels": [{"name": "Gold", "threshold": 0}, {"name": "Gold", "threshold": 50}]}
    assert api.call("PATCH", "/v1/settings", body={"tiers": twice}).status == 422
    set_tiers(api)
    trail = api.call("GET", "/v1/audit-log?action=settings.patch&limit=1").json["items"][0]
    assert "Silver" in json.dumps(trail)


# --- catalogue items limited to a tier ---------------------------------------------------------------


def add_item(api, name: str, min_tier: str | None) -> Any:
    body = {
        "name": name,
        "category": "perks",
        "type": "company_perk",
        "denominations": {"fixed": ["0.10"]},
        "currency": "USD",
        "fulfilment": "internal",
        "min_tier": min_tier,
    }
    return api.call("POST", "/v1/catalog/items", body=body)


def test_an_item_names_a_known_tier(api, org) -> None:
    set_tiers(api)
    reply = add_item(api, "Lounge pass", "Platinum")
    assert reply.status == 422, reply.body
    assert reply.json["error"]["code"] == "unknown_tier"
    assert reply.json["error"]["details"]["tiers"] == ["Bronze", "Silver", "Gold"]


def test_a_tier_limited_item_is_refused_below_its_tier_naming_it_in_the_persons_language(api, org) -> None:
    set_tiers(api)
    assert api.call("PATCH", "/v1/me", as_employee=BOB, body={"locale": "fr"}).status == 200
    give(api, ALICE, BOB, 40)  # Silver, and 40 points to spend
    gold = add_item(api, "Gold lounge", "Gold").json["id"]
    silver = add_item(api, "Silver desk", "Silver").json["id"]
    anyone = add_item(api, "Coffee", None).json["id"]

    body = {"item_id": gold, "denomination": "0.10"}
    reply = api.call("POST", "/v1/redemptions", as_employee=BOB, body=body)
    assert reply.status == 422, reply.body
    error = reply.json["error"]
    assert error["code"] == "tier_required"
    assert error["message"] == (
        "Cet article est réservé au niveau Gold et au-dessus : vous n'avez pas encore atteint Gold."
    )
    assert error["details"] == {"min_tier": "Gold", "your_tier": "Silver"}

    listing = api.call("GET", "/v1/catalog/items?affordable=true", as_employee=BOB).json["items"]
    assert {item["id"] for item in listing} == {silver, anyone}  # what I can redeem: not the Gold lounge
    shown = {
        item["id"]: item["min_tier"]
        for item in api.call("GET", "/v1/catalog/items", as_employee=BOB).json["items"]
    }
    assert shown == {gold: "Gold", silver: "Silver", anyone: None}  # the listing shows each limit

    reply = api.call(
        "POST", "/v1/redemptions", as_employee=BOB, body={"item_id": silver, "denomination": "0.10"}
    )
    assert reply.status == 201, reply.body


def test_a_tier_limited_redemption_reads_the_tier_with_the_limits_and_the_manager(api, org, aws) -> None:
    """The person's counters join the read plan() makes for per-person limits and the manager when an item
    needs them: one more round trip, for tier-limited items only."""
    set_tiers(api)
    give(api, ALICE, BOB, 40)
    silver = add_item(api, "Silver desk", "Silver").json["id"]
    counting = CountingClient(aws)
    use_client(counting)
    try:
        body = RedeemRequest(item_id=silver, denomination=Decimal("0.10"))
        redemptions.request(Caller(employee_id=BOB), body)
    finally:
        use_client(aws)
    assert counting.calls == ["batch_get_item", "batch_get_item", "transact_write_items"]


class CountingClient:
    def __init__(self, client: Any) -> None:
        self.client, self.calls = client, []

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.client, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            return method(*args, **kwargs)

        return counted
