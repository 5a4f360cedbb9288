"""Reports on the local stack over HTTP: kudos given through the API reach the reports through the
stream's projection, in JSON and in CSV, each caller seeing the scope they may."""

from __future__ import annotations

import csv
import io

import pytest

pytestmark = pytest.mark.e2e

HR, MAYA, HUGO, IRIS = "E1001", "E1002", "E1010", "E1011"  # Iris gives in no other e2e test


def report(stack, employee: str, name: str, query: str = "", accept: str = "application/json"):
    reply = stack.request(
        "GET",
        f"/v1/reports/{name}?{query}",
        token=stack.token("--employee", employee),
        headers={"Accept": accept},
    )
    assert reply.status == 200, reply.body
    return reply


def test_give_kudos_and_read_participation_and_recognition_in_json_and_csv(stack):
    before = report(stack, HR, "recognition", "department=People").json["totals"]["current"]
    body = {"recipient_ids": [HUGO], "points": 4, "message": "For the e2e reports", "values": ["teamwork"]}
    token = stack.token("--employee", IRIS)
    assert stack.request("POST", "/v1/recognitions", token=token, body=body).status == 201

    after = report(stack, HR, "recognition", "department=People").json["totals"]["current"]
    assert after["points_received"] == before["points_received"] + 4
    assert after["kudos_given"] == before["kudos_given"] + 1

    mine = report(stack, IRIS, "participation").json
    assert mine["scope"] == f"person:{IRIS}"
    assert (mine["totals"]["current"]["giving"], mine["totals"]["current"]["people"]) == (1, 1)

    org = report(stack, HR, "participation", "group_by=department", accept="text/csv")
    assert org.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(org.body.decode())))
    assert rows[0]["row"] == "total"
    assert int(rows[0]["giving"]) >= 1
    assert {row["group"] for row in rows[1:]} >= {"dept:People", "dept:Engineering"}

    team = report(stack, MAYA, "recognition", accept="text/csv")
    (total,) = [row for row in csv.DictReader(io.StringIO(team.body.decode())) if row["row"] == "total"]
    assert total["group"] == f"team:{MAYA}"

    refused = stack.request("GET", f"/v1/reports/recognition?manager={HR}", token=token)
    assert refused.status == 403
    assert refused.json["error"]["code"] == "team_not_visible"
    assert stack.request("GET", "/v1/reports/nothing", token=token).status == 404
