"""GET /v1/reports/{name} through the real handler: the framework (JSON and CSV, who sees which scope,
the period before beside, bad input) and each report of the recognition side, from the projection's
counters."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from api_checks import assert_error

HR, MAYA, ALICE, BOB, CARLOS, DANA = "E1001", "E1002", "E1003", "E1004", "E1005", "E1006"
GRACE, HUGO = "E1009", "E1010"  # Grace: finance
REPORTS = "/v1/reports"


def give(api, giver: str, recipients: list[str], points: int, **fields: Any) -> None:
    body = {"recipient_ids": recipients, "points": points, "message": "Thanks!"} | fields
    reply = api.call("POST", "/v1/recognitions", as_employee=giver, body=body)
    assert reply.status == 201, reply.body


def report(api, name: str, query: str = "", *, as_employee: str = HR) -> dict[str, Any]:
    reply = api.call("GET", f"{REPORTS}/{name}?{query}", as_employee=as_employee)
    assert reply.status == 200, reply.body
    assert reply.headers["content-type"] == "application/json"
    return reply.json


def report_csv(api, name: str, query: str = "", *, as_employee: str = HR) -> list[dict[str, str]]:
    reply = api.call(
        "GET", f"{REPORTS}/{name}?{query}", as_employee=as_employee, headers={"accept": "text/csv"}
    )
    assert reply.status == 200, reply.body
    assert reply.headers["content-type"] == "text/csv"
    return list(csv.DictReader(io.StringIO(reply.body.decode())))


def test_recognition_totals_by_value_and_the_month_before(api, org, clock) -> None:
    give(api, ALICE, [BOB, CARLOS], 5, values=["teamwork"])
    give(api, DANA, [BOB], 4, visibility="private")
    answer = report(api, "recognition")
    assert (answer["report"], answer["scope"], answer["period"]) == ("recognition", "org", "2026-11")
    assert answer["previous_period"] == "2026-10"
    assert answer["time_zone"] == "UTC"
    totals = answer["totals"]
    assert totals["group"] == "org"
    assert totals["current"]["kudos_given"] == 2
    assert totals["current"]["kudos_received"] == 3
    assert totals["current"]["points_received"] == 14  # private kudos count in reports
    assert totals["current"]["unique_givers"] == 2
    assert totals["current"]["unique_receivers"] == 2
    assert totals["previous"]["kudos_given"] == 0
    teamwork = answer["rows"][0]
    assert (teamwork["group"], teamwork["current"]["points_received"]) == ("value:teamwork", 10)
    assert report(api, "recognition", "period=all")["previous_period"] is None
    assert report(api, "recognition", "period=all")["totals"]["previous"] is None
    october = report(api, "recognition", "period=month&at=2026-10")
    assert october["totals"]["current"]["kudos_given"] == 0


def test_recognition_as_csv_is_one_table_with_the_period_before_beside(api, org) -> None:
    give(api, ALICE, [BOB], 7, values=["teamwork"])
    rows = report_csv(api, "recognition")
    assert list(rows[0])[:6] == ["period", "previous_period", "row", "group", "label", "kudos_given"]
    assert rows[0]["row"] == "total"
    assert (rows[0]["period"], rows[0]["previous_period"]) == ("2026-11", "2026-10")
    assert (rows[0]["points_received"], rows[0]["previous_points_received"]) == ("7", "0")
    assert rows[1]["group"] == "value:teamwork"
    all_time = report_csv(api, "recognition", "period=all")
    assert all_time[0]["previous_points_received"] == ""


def test_who_sees_which_scope(api, org) -> None:
    give(api, ALICE, [BOB], 7)
    give(api, HUGO, [GRACE], 3)
    # HR and finance: any scope
    assert report(api, "recognition", "department=People")["totals"]["current"]["points_received"] == 3
    assert report(api, "recognition", f"manager={MAYA}", as_employee=GRACE)["scope"] == f"team:{MAYA}"
    assert report(api, "recognition", "country=NG")["totals"]["current"]["points_received"] == 7
    # a manager: their own team, whether they say so or not
    own = report(api, "recognition", as_employee=MAYA)
    assert (own["scope"], own["totals"]["label"]) == (f"team:{MAYA}", "Maya Chen")
    assert own["totals"]["current"]["points_received"] == 7
    assert own["rows"] == []  # value counters are organisation-wide
    assert report(api, "recognition", f"manager={MAYA}", as_employee=MAYA)["scope"] == f"team:{MAYA}"
    assert_error(
        api.call("GET", f"{REPORTS}/recognition?manager={HR}", as_employee=MAYA), 403, "team_not_visible"
    )
    assert_error(
        api.call("GET", f"{REPORTS}/recognition?department=People", as_employee=MAYA),
        403,
        "department_not_visible",
    )
    # anyone else: their own figures
    mine = report(api, "recognition", as_employee=BOB)
    assert mine["scope"] == f"person:{BOB}"
    assert mine["totals"]["current"]["points_received"] == 7
    assert_error(
        api.call("GET", f"{REPORTS}/recognition?manager={MAYA}", as_employee=BOB), 403, "team_not_visible"
    )
    assert_error(api.call("GET", f"{REPORTS}/recognition", as_employee="E9999"), 403, "not_in_directory")


@pytest.mark.parametrize(
    ("path", "headers", "status", "code"),
    [
        ("nonsense", {}, 404, "unknown_report"),
        ("recognition?period=decade", {}, 422, "invalid_request"),
        ("recognition?period=month&at=2026-13", {}, 422, "invalid_period"),
        ("recognition?period=month&at=2026-12", {}, 422, "period_in_future"),
        ("recognition?period=all&at=2026", {}, 422, "invalid_period"),
        ("recognition?department=People&country=NG", {}, 422, "invalid_request"),
        ("recognition?country=nigeria", {}, 422, "invalid_request"),
        ("recognition?group_by=planet", {}, 422, "invalid_request"),
        ("recognition", {"accept": "application/pdf"}, 406, "not_acceptable"),
        ("recognition", {"accept": "text/csv;q=0, application/json;q=0"}, 406, "not_acceptable"),
        ("Not_A_Name", {}, 422, "invalid_request"),
    ],
)
def test_bad_input_is_a_clear_4xx(api, org, path: str, headers: dict, status: int, code: str) -> None:
    assert_error(api.call("GET", f"{REPORTS}/{path}", headers=headers), status, code)


def test_csv_is_chosen_by_its_weight(api, org) -> None:
    reply = api.call("GET", f"{REPORTS}/recognition", headers={"accept": "application/json;q=0.5, text/csv"})
    assert reply.headers["content-type"] == "text/csv"
    reply = api.call("GET", f"{REPORTS}/recognition", headers={"accept": "*/*"})
    assert reply.headers["content-type"] == "application/json"
