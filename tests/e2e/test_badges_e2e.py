"""Badges on the local stack over HTTP: the seeded "First thanks" badge reaches the profile of someone who
gives kudos (through the stream's projection), with their giving streak; HR defines, replaces (If-Match)
and deletes a badge, and the trail records it."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

HR, CARLOS, GRACE = "E1001", "E1005", "E1009"


def test_give_kudos_and_the_first_kudos_badge_appears_on_the_profile(stack):
    token = stack.token("--employee", GRACE)
    seen = stack.request("GET", "/_local/slack/calls").json["last"]
    body = {"recipient_ids": [CARLOS], "points": 3, "message": "For the e2e badge", "values": ["craft"]}
    assert stack.request("POST", "/v1/recognitions", token=token, body=body).status == 201
    assert stack.request("GET", "/_local/idle?timeout=30").json["idle"]
    reply = stack.request("GET", f"/v1/employees/{GRACE}/badges", token=token)
    assert reply.status == 200, reply.body
    assert "First thanks" in [badge["name"] for badge in reply.json["items"]]
    assert reply.json["streak"]["current"] >= 1
    seen_by = stack.request("GET", f"/v1/employees/{GRACE}/badges", token=stack.token("--employee", CARLOS))
    assert "First thanks" in [badge["name"] for badge in seen_by.json["items"]]  # a public badge
    calls = stack.request("GET", f"/_local/slack/calls?after={seen}").json["calls"]
    told = [
        call["params"]["channel"]
        for call in calls
        if call["method"] == "chat.postMessage" and "*First thanks*" in str(call["params"].get("text"))
    ]
    assert sorted(told) == ["CKUDOS01", "UGRACE"], calls  # announced and DM'd, once each


def test_hr_defines_replaces_and_deletes_a_badge(stack):
    hr = stack.token("--employee", HR)
    body = {"name": "E2E helper", "emoji": "raised_hands", "criteria": {"kind": "first", "side": "received"}}
    created = stack.request("POST", "/v1/badges", token=hr, body=body)
    assert created.status == 201, created.body
    path = f"/v1/badges/{created.json['id']}"
    stale = stack.request("PUT", path, token=hr, body=body | {"public": False}, headers={"If-Match": '"9"'})
    assert stale.status == 412
    replaced = stack.request(
        "PUT", path, token=hr, body=body | {"public": False}, headers={"If-Match": '"1"'}
    )
    assert replaced.status == 200
    assert replaced.json["version"] == 2
    refused = stack.request("POST", "/v1/badges", token=stack.token("--employee", GRACE), body=body)
    assert refused.status == 403
    assert stack.request("DELETE", path, token=hr).status == 204
    assert stack.request("GET", path, token=hr).status == 404
    trail = stack.request("GET", f"/v1/audit-log?target=badge:{created.json['id']}", token=hr)
    assert [entry["action"] for entry in trail.json["items"]] == [
        "badge.delete",
        "badge.replace",
        "badge.create",
    ]
