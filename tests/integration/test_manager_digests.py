"""Managers' weekly digests through the real handlers: the hourly schedule writes each manager's digest of
the week that ended once (a rerun writes none), the notifier DMs it in the manager's language, and the
setting turns digests off (recorded in the trail as every settings change)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import test_slack_kudos
from api_checks import newest_trail_entry
from test_slack_kudos import FakeSlack

slack = test_slack_kudos.slack  # the fixture

MAYA, ALICE, BOB, CARLOS = "E1002", "E1003", "E1004", "E1005"
SCHEDULE_EVENT = json.loads(
    (Path(__file__).parents[2] / "events/milestones_schedule/schedule.json").read_text()
)


def give(api, giver: str, recipient: str, points: int, **fields: Any) -> None:
    body = {"recipient_ids": [recipient], "points": points, "message": "Thanks!"} | fields
    reply = api.call("POST", "/v1/recognitions", as_employee=giver, body=body)
    assert reply.status == 201, reply.body


def run_schedule(api) -> dict[str, Any]:
    summary = api.invoke("MilestonesScheduleFunction", SCHEDULE_EVENT)
    api.drain_streams()
    return summary


def digests_to(slack: FakeSlack, channel: str, week: str = "2026-W47") -> list[str]:
    return [
        post["text"]
        for post in slack.called("chat.postMessage")
        if post["channel"] == channel and post["text"].startswith("*") and week in post["text"]
    ]


def test_each_manager_gets_last_weeks_digest_once_in_their_language(api, org, clock, slack) -> None:
    assert api.call("PATCH", "/v1/me", as_employee=MAYA, body={"locale": "fr"}).status == 200
    give(api, ALICE, BOB, 5, values=["teamwork"])
    give(api, CARLOS, ALICE, 3)
    assert run_schedule(api)["manager_digests"] == 2  # Monday 16 November, 09:30 UTC: 2026-W46's
    clock.advance(days=7)  # Monday 23 November, 09:30 UTC: 2026-W47 is due
    assert run_schedule(api)["manager_digests"] == 2  # Maya's team and Hana's
    assert run_schedule(api)["manager_digests"] == 0  # the next hourly run: written already
    (digest,) = digests_to(slack, "UMAYA")
    assert digest.startswith("*La semaine 2026-W47 de votre équipe*")
    assert "Votre équipe a reçu 2 remerciements et 8 points." in digest
    assert "Votre équipe a donné 2 remerciements et 8 points." in digest
    assert "Teamwork" in digest
    quiet_line = digest.splitlines()[-1]
    assert quiet_line.startswith("Sans remerciement depuis 30 jours")
    assert "<@UBOB0>" not in quiet_line
    assert "<@UALICE>" not in quiet_line
    assert "<@UDANA>" in quiet_line
    (english,) = digests_to(slack, "UHANA")
    assert english.startswith("*Your team's week 2026-W47*")


def test_the_setting_turns_digests_off_and_is_in_the_trail(api, org, clock, slack) -> None:
    patch = {"content-type": "application/merge-patch+json"}
    reply = api.call("PATCH", "/v1/settings", body={"manager_digest": False}, headers=patch)
    assert reply.status == 200, reply.body
    entry = newest_trail_entry()
    assert entry["action"].startswith("settings")
    assert "manager_digest" in json.dumps(entry["changes"])
    clock.advance(days=7)
    assert run_schedule(api)["manager_digests"] == 0
    assert digests_to(slack, "UMAYA") == digests_to(slack, "UMAYA", "2026-W46") == []
