"""Leaderboards on the local stack over HTTP: kudos given through the API reach the board through the
stream's projection; `plaudit audit` proves the aggregates; `plaudit insights rebuild` changes nothing."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

ALICE, BOB, DANA, GRACE = "E1003", "E1004", "E1006", "E1009"


def board(stack, employee: str, query: str = "") -> dict:
    reply = stack.request(
        "GET", f"/v1/insights/leaderboard?{query}", token=stack.token("--employee", employee)
    )
    assert reply.status == 200, reply.body
    return reply.json


def figures(answer: dict, employee: str) -> tuple[int, int]:
    row = next((entry for entry in answer["entries"] if entry["employee_id"] == employee), None)
    return (row["points"], row["kudos"]) if row else (0, 0)


def test_give_kudos_and_see_the_board(stack):
    before = board(stack, BOB)
    before_given = board(stack, DANA, "metric=given&period=all")
    token = stack.token("--employee", DANA)
    body = {"recipient_ids": [BOB], "points": 9, "message": "For the e2e board", "values": ["teamwork"]}
    assert stack.request("POST", "/v1/recognitions", token=token, body=body).status == 201
    private = body | {"recipient_ids": [GRACE], "visibility": "private", "message": "Quietly"}
    assert stack.request("POST", "/v1/recognitions", token=token, body=private).status == 201

    after = board(stack, BOB)
    points, kudos = figures(before, BOB)
    assert figures(after, BOB) == (points + 9, kudos + 1)
    assert after["me"]["points"] == before["me"]["points"] + 9
    assert figures(after, GRACE) == figures(before, GRACE)  # private kudos never count on a board
    assert (
        figures(board(stack, DANA, "metric=given&period=all"), DANA)[0] == figures(before_given, DANA)[0] + 9
    )
    assert figures(board(stack, BOB, "value=teamwork&period=week"), BOB)[0] >= 9

    refused = stack.request("GET", "/v1/insights/leaderboard?period=month&at=2099-01", token=token)
    assert refused.status == 422
    assert refused.json["error"]["code"] == "period_in_future"

    audit = stack.cli("audit")
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert "aggregates OK" in audit.stdout
    rebuilt = stack.cli("insights", "rebuild")
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert board(stack, BOB) == after
    assert stack.cli("audit").returncode == 0
