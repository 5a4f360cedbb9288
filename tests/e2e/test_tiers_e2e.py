"""Tiers on the local stack over HTTP: HR sets tiers, someone receives enough to move up, the stream's
projection recomputes their tier, the bot DMs them once, and GET /v1/me shows it."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

IRIS, HUGO = "E1011", "E1010"


def me(stack, employee: str) -> dict:
    reply = stack.request("GET", "/v1/me", token=stack.token("--employee", employee))
    assert reply.status == 200, reply.body
    return reply.json


def test_receiving_enough_moves_someone_up_a_tier_and_the_profile_shows_it(stack):
    hr = stack.token("--role", "hr_admin")
    # other tests in this stack may have given Hugo points: his window's figure, with one tier set first
    bronze = {"levels": [{"name": "Bronze e2e", "threshold": 0}]}
    assert stack.request("PATCH", "/v1/settings", token=hr, body={"tiers": bronze}).status == 200
    start = me(stack, HUGO)["tier"]["points"]
    tiers = {
        "levels": [{"name": "Bronze e2e", "threshold": 0}, {"name": "Silver e2e", "threshold": start + 5}],
        "announce_in_channel": True,
    }
    patched = stack.request("PATCH", "/v1/settings", token=hr, body={"tiers": tiers})
    assert patched.status == 200, patched.body
    assert me(stack, HUGO)["tier"]["name"] == "Bronze e2e"
    seen = stack.request("GET", "/_local/slack/calls").json["last"]

    body = {"recipient_ids": [HUGO], "points": 6, "message": "For the e2e tier"}
    token = stack.token("--employee", IRIS)
    assert stack.request("POST", "/v1/recognitions", token=token, body=body).status == 201
    assert stack.request("GET", "/_local/idle?timeout=30").json["idle"]

    tier = me(stack, HUGO)["tier"]
    assert tier["name"] == "Silver e2e"
    assert tier["points"] == start + 6
    assert tier["next"] is None
    calls = stack.request("GET", f"/_local/slack/calls?after={seen}").json["calls"]
    told = [
        call["params"]["channel"]
        for call in calls
        if call["method"] == "chat.postMessage" and "Silver e2e" in str(call["params"].get("text"))
    ]
    assert sorted(told) == sorted(["CKUDOS01", "UHUGO"]), calls  # the DM and the channel, once each

    again = stack.request("POST", "/v1/recognitions", token=token, body=body | {"points": 1})
    assert again.status == 201
    assert stack.request("GET", "/_local/idle?timeout=30").json["idle"]
    calls = stack.request("GET", f"/_local/slack/calls?after={seen}").json["calls"]
    assert len([call for call in calls if "Silver e2e" in str(call["params"].get("text"))]) == 2
