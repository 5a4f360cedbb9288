"""Seasons on the local stack over HTTP: HR defines a season starting today, kudos given through the API
reach its board and standings through the stream's projection, and `plaudit audit` proves its counters."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

pytestmark = pytest.mark.e2e

HUGO, IRIS = "E1010", "E1011"  # Iris gives in no other e2e test: the others' allowances stay whole


def test_define_a_season_give_kudos_and_see_its_board_and_standings(stack):
    hr = stack.token("--role", "hr_admin")
    zone = stack.request("GET", "/v1/settings", token=hr).json["time_zone"]
    today = datetime.now(UTC).astimezone(ZoneInfo(zone)).date()
    body = {
        "name": "E2E week",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=6)).isoformat(),
        "prizes": [{"rank": 1, "points": 100, "budget_id": "milestones"}],
    }
    created = stack.request("POST", "/v1/seasons", token=hr, body=body)
    assert created.status == 201, created.body
    season = created.json
    assert season["prizes"][0]["points"] == 100
    overlap = stack.request("POST", "/v1/seasons", token=hr, body=body | {"name": "Again"})
    assert overlap.status == 409
    assert overlap.json["error"]["code"] == "season_overlaps"
    employee = stack.token("--employee", IRIS)
    refused = stack.request("POST", "/v1/seasons", token=employee, body=body)
    assert refused.status == 403

    time.sleep(2.1)  # a season created on its first day counts from the second after its creation
    kudos = {"recipient_ids": [HUGO], "points": 7, "message": "For the e2e season"}
    assert stack.request("POST", "/v1/recognitions", token=employee, body=kudos).status == 201

    board = stack.request("GET", f"/v1/insights/leaderboard?period=season:{season['id']}", token=employee)
    assert board.status == 200, board.body
    assert [(e["rank"], e["employee_id"], e["points"]) for e in board.json["entries"]] == [(1, HUGO, 7)]
    standings = stack.request("GET", f"/v1/seasons/{season['id']}/standings", token=employee)
    assert standings.status == 200, standings.body
    assert standings.json["status"] == "running"
    assert [(e["employee_id"], e["prize"]["points"]) for e in standings.json["entries"]] == [(HUGO, 100)]
    listed = stack.request("GET", "/v1/seasons", token=employee).json["items"]
    assert season["id"] in [s["id"] for s in listed]

    audit = stack.cli("audit")
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert "aggregates OK" in audit.stdout
