"""Slack against `plaudit dev`: `plaudit slack` signs a real slash command, the SlackFunction acks it and
gives the kudos in a lazy listener (an Event invocation of itself); the bot's messages reach the fake."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from plaudit_dev.slack_client import signature_headers

pytestmark = pytest.mark.e2e

BOB = "E1004"
GIVER = "iris"  # gives nothing elsewhere in the e2e tests, which share the stack


def points(stack, employee: str) -> int:
    reply = stack.request(
        "GET", f"/v1/employees/{employee}/wallet", token=stack.token("--employee", employee)
    )
    assert reply.status == 200, reply.body
    return reply.json["points"]


def test_a_slash_command_gives_kudos_and_the_bot_announces_them(stack):
    before = points(stack, BOB)
    seen = stack.request("GET", "/_local/slack/calls").json["last"]

    result = stack.cli("slack", "/kudos @bob 10 thanks #teamwork", "--as", GIVER)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "< 200" in result.stdout
    assert "chat.postMessage channel=CKUDOS01" in result.stdout
    assert points(stack, BOB) == before + 10
    calls = stack.request("GET", f"/_local/slack/calls?after={seen}").json["calls"]
    announcements = [call for call in calls if call["method"] == "chat.postMessage"]
    assert any(call["params"]["channel"] == "CKUDOS01" for call in announcements), calls


def test_events_are_signed_and_acknowledged(stack):
    result = stack.cli("slack-event", "reaction_added", "--as", "dana", "--author", "bob")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "< 200" in result.stdout
    missing = stack.cli("slack-event", "reaction_removed", "--as", "dana")
    assert missing.returncode == 2
    assert "needs --author" in missing.stderr


def test_unknown_people_and_forged_signatures_are_refused(stack):
    unknown = stack.cli("slack", "/kudos @bob 10 thanks", "--as", "nobody")
    assert unknown.returncode == 2
    assert "no one called 'nobody'" in unknown.stderr

    body = "command=%2Fkudos&text=hi"
    headers = {"Content-Type": "application/x-www-form-urlencoded", **signature_headers(body, "forged")}
    request = urllib.request.Request(stack.api_url + "/slack/events", body.encode(), headers, method="POST")  # noqa: S310
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)  # noqa: S310 - loopback
    assert refused.value.code == 401
