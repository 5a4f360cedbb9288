"""GET /v1/reports/{name} through the real handler: the framework (JSON and CSV, who sees which scope,
the period before beside, bad input) and each report of the recognition side, from the projection's
counters."""

from __future__ import annotations

import csv
import io
import os
from datetime import UTC, datetime
from typing import Any

import pytest
from api_checks import assert_audit_clean, assert_error

from plaudit.services.insights import audit_aggregates
from plaudit.store.client import use_client
from plaudit_dev import cli

HR, MAYA, ALICE, BOB, CARLOS, DANA = "E1001", "E1002", "E1003", "E1004", "E1005", "E1006"
ETHAN, FATIMA, GRACE, HUGO, IRIS, JON = "E1007", "E1008", "E1009", "E1010", "E1011", "E1012"  # Grace: finance
ENGINEERING = [MAYA, ALICE, BOB, CARLOS, DANA, ETHAN, FATIMA]
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


class CountingClient:
    """The DynamoDB client, counting round trips and the items they read."""

    def __init__(self, client: Any):
        self.client, self.calls, self.items = client, [], 0

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.client, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            answer = method(*args, **kwargs)
            if name == "batch_get_item":
                self.items += sum(len(found) for found in answer["Responses"].values())
            elif name in ("query", "get_item"):
                self.items += len(answer.get("Items", [])) + ("Item" in answer)
            return answer

        return counted


def counted(api, aws, path: str, *, as_employee: str = HR) -> tuple[dict[str, Any], CountingClient]:
    counting = CountingClient(aws)
    use_client(counting)
    try:
        reply = api.call("GET", path, as_employee=as_employee)
    finally:
        use_client(aws)
    assert reply.status == 200, reply.body
    return reply.json, counting


def test_participation_giving_receiving_both_and_neither_by_group(api, aws, org) -> None:
    give(api, ALICE, [BOB], 5)
    give(api, BOB, [ALICE], 3)
    give(api, DANA, [CARLOS], 2)
    give(api, HUGO, [ALICE], 1)
    answer = report(api, "participation")
    assert answer["group_by"] == "department"
    totals = answer["totals"]["current"]
    assert (totals["people"], totals["giving"], totals["receiving"], totals["both"]) == (12, 4, 3, 2)
    assert totals["neither"] == 12 - (4 + 3 - 2)
    assert totals["share_giving"] == "0.3333"
    assert answer["totals"]["previous"]["giving"] == 0
    groups = {row["group"]: row["current"] for row in answer["rows"]}
    assert set(groups) == {"dept:Engineering", "dept:People"}
    assert (groups["dept:Engineering"]["people"], groups["dept:Engineering"]["both"]) == (7, 2)
    assert (groups["dept:People"]["people"], groups["dept:People"]["giving"]) == (5, 1)
    teams = {row["group"]: row["current"] for row in report(api, "participation", "group_by=team")["rows"]}
    assert teams[f"team:{MAYA}"]["people"] == 6  # Maya's reports, not Maya
    assert report(api, "participation", "department=People")["totals"]["current"]["neither"] == 4
    mine = report(api, "participation", as_employee=ALICE)["totals"]["current"]
    assert (mine["people"], mine["giving"], mine["receiving"], mine["both"]) == (1, 1, 1, 1)
    rows = report_csv(api, "participation")
    assert (rows[0]["share_both"], rows[0]["previous_share_both"]) == ("0.1667", "0.0000")
    assert audit_aggregates() == []  # unique_both proves against the records


def test_participation_reads_counters_not_history(api, aws, org, clock) -> None:
    for _ in range(3):
        give(api, ALICE, [BOB], 1)
        give(api, DANA, [ALICE], 1)
        clock.advance(days=1)
    answer, counting = counted(api, aws, f"{REPORTS}/participation")
    assert answer["totals"]["current"]["both"] == 1
    assert counting.calls == ["batch_get_item", "query", "batch_get_item"]
    rows = len(answer["rows"]) + 1
    assert counting.items <= 3 * rows + 3


def test_recognition_reads_counters_in_two_round_trips(api, aws, org) -> None:
    give(api, ALICE, [BOB], 7, values=["teamwork"])
    answer, counting = counted(api, aws, f"{REPORTS}/recognition")
    assert counting.calls == ["batch_get_item", "batch_get_item"]
    assert counting.items <= 2 * (len(answer["rows"]) + 1) + 1


def test_quiet_people_are_a_teams_people_not_recognised_in_30_days(api, aws, org, clock) -> None:
    give(api, ALICE, [BOB], 5)
    clock.advance(days=20)
    give(api, ALICE, [CARLOS], 5)
    clock.advance(days=11)  # Bob last recognised 31 days ago, Carlos 11
    answer, counting = counted(api, aws, f"{REPORTS}/quiet-people", as_employee=MAYA)
    quiet = [row["group"] for row in answer["rows"]]
    assert f"person:{CARLOS}" not in quiet
    assert set(quiet) == {f"person:{p}" for p in (ALICE, BOB, DANA, ETHAN, FATIMA)}
    assert quiet[-1] == f"person:{BOB}"  # the never recognised first
    assert answer["rows"][-1]["current"]["days_since"] == 31
    assert answer["totals"]["current"]["days_since"] == 5
    assert counting.calls == ["batch_get_item", "query", "batch_get_item"]
    assert counting.items <= 2 * 6 + 3
    by_hr = report(api, "quiet-people", f"manager={MAYA}")
    assert by_hr["rows"] == answer["rows"]
    assert_error(api.call("GET", f"{REPORTS}/quiet-people"), 422, "invalid_request")
    assert_error(api.call("GET", f"{REPORTS}/quiet-people", as_employee=BOB), 403, "team_not_visible")
    assert_error(
        api.call("GET", f"{REPORTS}/quiet-people?manager={HR}", as_employee=MAYA), 403, "team_not_visible"
    )
    csv_rows = report_csv(api, "quiet-people", as_employee=MAYA)
    assert csv_rows[-1]["days_since"] == "31"
    assert_audit_clean()


def test_a_person_moving_teams_moves_headcounts_and_teams(api, org) -> None:
    person = api.call("GET", f"/v1/employees/{BOB}").json
    fields = {k: v for k, v in person.items() if k not in ("id", "version")}
    moved = fields | {"department": "People", "manager_id": HR}
    assert api.call("PUT", f"/v1/employees/{BOB}", body=moved).status == 200
    groups = {row["group"]: row["current"]["people"] for row in report(api, "participation")["rows"]}
    assert groups == {"dept:Engineering": 6, "dept:People": 6}
    quiet = report(api, "quiet-people", f"manager={HR}")["rows"]
    assert f"person:{BOB}" in [row["group"] for row in quiet]
    person = api.call("GET", f"/v1/employees/{BOB}").json
    fields = {k: v for k, v in person.items() if k not in ("id", "version")}
    assert api.call("PUT", f"/v1/employees/{BOB}", body=fields | {"status": "deactivated"}).status == 200
    assert report(api, "participation")["totals"]["current"]["people"] == 11
    quiet = report(api, "quiet-people", f"manager={HR}")["rows"]
    assert f"person:{BOB}" not in [row["group"] for row in quiet]


def test_the_dashboard_in_one_call_with_a_trend_of_six_periods(api, aws, org, clock) -> None:
    give(api, ALICE, [BOB], 5)
    give(api, BOB, [ALICE], 3)
    answer, counting = counted(api, aws, f"{REPORTS}/dashboard")
    totals = answer["totals"]["current"]
    assert (totals["people"], totals["giving"], totals["receiving"]) == (12, 2, 2)
    assert (totals["points_given"], totals["points_received"], totals["points_redeemed"]) == (8, 8, 0)
    assert totals["redemption_rate"] == "0.0000"
    assert answer["totals"]["previous"]["redemption_rate"] is None  # nothing earned in October
    assert [row["group"] for row in answer["rows"]] == [
        "2026-06",
        "2026-07",
        "2026-08",
        "2026-09",
        "2026-10",
        "2026-11",
    ]
    assert answer["rows"][-1]["current"] == totals
    assert counting.calls == ["batch_get_item", "batch_get_item"]
    assert counting.items <= len(answer["rows"]) + 3 + 2  # the counters that exist, headcount, caller
    team = report(api, "dashboard", as_employee=MAYA)["totals"]["current"]
    assert (team["people"], team["budget_spent"]) == (6, None)
    rows = report_csv(api, "dashboard", "period=quarter")
    assert [row["group"] for row in rows[1:]][-2:] == ["2026-Q3", "2026-Q4"]


def test_allowance_given_against_granted_per_person_of_a_team(api, aws, org) -> None:
    give(api, ALICE, [BOB], 30)
    give(api, BOB, [ALICE], 10)
    answer, counting = counted(api, aws, f"{REPORTS}/allowance", as_employee=MAYA)
    assert answer["scope"] == f"team:{MAYA}"
    rows = {row["group"]: row["current"] for row in answer["rows"]}
    assert rows[f"person:{ALICE}"] == {"granted": 100, "given": 30, "utilisation": "0.3000"}
    assert rows[f"person:{BOB}"]["given"] == 10
    assert answer["totals"]["current"] == {"granted": 600, "given": 40, "utilisation": "0.0667"}
    assert answer["totals"]["previous"] == {"granted": 600, "given": 0, "utilisation": "0.0000"}
    assert counting.calls == ["batch_get_item", "query", "batch_get_item"]
    week = report(api, "allowance", "period=week", as_employee=ALICE)
    assert week["totals"]["current"] == {"granted": None, "given": 30, "utilisation": None}
    quarter = report(api, "allowance", "period=quarter", as_employee=ALICE)["totals"]["current"]
    assert quarter["granted"] == 300
    hr_team = report(api, "allowance", f"manager={HR}")
    assert {row["group"] for row in hr_team["rows"]} >= {f"person:{GRACE}", f"person:{HUGO}"}
    assert_error(api.call("GET", f"{REPORTS}/allowance"), 422, "invalid_request")
    csv_rows = report_csv(api, "allowance", as_employee=MAYA)
    assert (csv_rows[0]["granted"], csv_rows[0]["utilisation"]) == ("600", "0.0667")


def test_milestone_awards_paid_and_pending_by_rule(api, aws, org, clock) -> None:
    assert (
        api.call("POST", "/v1/budgets", body={"id": "milestones", "name": "Awards", "kind": "company"}).status
        == 201
    )
    assert api.call("POST", "/v1/budgets/milestones/top-ups", body={"points": 200}).status == 201
    for body in (
        {
            "name": "Work anniversary",
            "type": "work_anniversary",
            "points": 200,
            "budget_id": "milestones",
            "message": "Happy anniversary, {first_name}!",
        },
        {
            "name": "Birthday",
            "type": "birthday",
            "points": 50,
            "budget_id": "milestones",
            "message": "Happy birthday, {name}!",
        },
    ):
        assert api.call("POST", "/v1/milestone-rules", body=body).status == 201
    clock.at = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # Bob's day (Lagos): his anniversary and birthday
    reply = api.call("POST", "/v1/milestones/runs", body={"date": "2026-11-23", "dry_run": False})
    assert reply.status in (200, 201, 202), reply.body
    answer, counting = counted(api, aws, f"{REPORTS}/milestones")
    totals = answer["totals"]["current"]
    assert totals["awards_paid"] + totals["awards_pending"] == 2  # Bob's anniversary and birthday
    assert totals["award_points_paid"] + totals["award_points_pending"] == 250
    by_rule = {row["label"]: row["current"] for row in answer["rows"]}
    assert set(by_rule) == {"Work anniversary", "Birthday"}
    assert by_rule["Birthday"]["awards_paid"] + by_rule["Birthday"]["awards_pending"] == 1
    assert all(row["group"].startswith("rule:") for row in answer["rows"])
    celebrations = ["query"] * (1 + 2 * 2) + ["batch_get_item"]  # rules, day index by month, people
    assert counting.calls == ["batch_get_item", "batch_get_item", "batch_get_item", *celebrations]
    mine = report(api, "milestones", as_employee=BOB)["totals"]["current"]
    assert mine["awards_paid"] + mine["awards_pending"] == 2
    assert report(api, "milestones", as_employee=ALICE)["rows"] == []
    assert audit_aggregates() == []


def test_a_seasons_report_stands_alone(api, org, clock) -> None:
    body = {"name": "Thanksgiving week", "starts_on": "2026-11-16", "ends_on": "2026-11-22"}
    reply = api.call("POST", "/v1/seasons", body=body)
    assert reply.status == 201, reply.body
    period = f"season:{reply.json['id']}"
    clock.advance(seconds=2)
    give(api, ALICE, [BOB], 6)
    answer = report(api, "recognition", f"period={period}")
    assert (answer["period"], answer["previous_period"], answer["totals"]["previous"]) == (period, None, None)
    assert answer["totals"]["current"]["points_received"] == 6
    assert_error(api.call("GET", f"{REPORTS}/recognition?period=season:season_nope"), 404, "season_not_found")
    assert_error(api.call("GET", f"{REPORTS}/recognition?period={period}&at=2026-11"), 422, "invalid_period")


def milestone_rules(api) -> None:
    """A budget and three rules, one of each scheduled type."""
    budget = {"id": "milestones", "name": "Awards", "kind": "company"}
    assert api.call("POST", "/v1/budgets", body=budget).status == 201
    for name, kind, extra in (
        ("Work anniversary", "work_anniversary", {}),
        ("Birthday", "birthday", {}),
        ("30 days on board", "days_after_start", {"days_after_start": 30}),
    ):
        body = {"name": name, "type": kind, "points": 10, "budget_id": "milestones", "message": "Well done!"}
        assert api.call("POST", "/v1/milestone-rules", body=body | extra).status == 201, name


def test_upcoming_celebrations_from_the_day_index_by_scope(api, aws, org, clock) -> None:
    milestone_rules(api)
    clock.at = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # 30 days: 11-20 .. 12-19
    answer, counting = counted(api, aws, f"{REPORTS}/milestones?department=Engineering")
    upcoming = [(c["day"], c["employee_id"], c["kind"], c["years"]) for c in answer["upcoming"]]
    assert upcoming == [
        ("2026-11-23", BOB, "birthday", None),
        ("2026-11-23", BOB, "work_anniversary", 4),
        ("2026-12-01", DANA, "birthday", None),
    ]  # Hugo's birthday (01-31) is outside the window and his department; Jon's 30 days are not Engineering
    assert {c["rule_name"] for c in answer["upcoming"]} == {"Work anniversary", "Birthday"}
    assert answer["upcoming"][0]["name"] == "Bob Okafor"
    # a Query per scheduled kind and month: 11-20..12-19 for anniversaries and birthdays; the starts of 30
    # days before, 10-21..11-19
    partitions = 3 * 2
    # the caller and settings, the counters (no rule names: nothing awarded yet), then the celebrations
    assert counting.calls == ["batch_get_item"] * 2 + ["query"] * (1 + partitions) + ["batch_get_item"]
    people = report(api, "milestones", "department=People")["upcoming"]
    assert [(c["employee_id"], c["kind"]) for c in people] == [(JON, "days_after_start")]  # 2026-12-02
    assert [c["employee_id"] for c in report(api, "milestones", as_employee=BOB)["upcoming"]] == [BOB, BOB]
    assert report(api, "milestones", as_employee=ALICE)["upcoming"] == []
    csv_rows = report_csv(api, "milestones", f"manager={MAYA}")
    celebrations = [row for row in csv_rows if row["row"] == "celebration"]
    assert [(row["day"], row["employee_id"], row["kind"]) for row in celebrations][-1] == (
        "2026-12-01",
        DANA,
        "birthday",
    )
    assert (csv_rows[0]["row"], csv_rows[0]["day"]) == ("total", "")


def test_upcoming_celebrations_cross_the_year_and_keep_leap_day_birthdays(api, org, clock) -> None:
    milestone_rules(api)

    def upcoming(at: datetime) -> list[tuple[str, str, str]]:
        clock.at = at
        return [(c["day"], c["employee_id"], c["kind"]) for c in report(api, "milestones")["upcoming"]]

    # 2026-12-20 .. 2027-01-18: two month partitions of each kind, December's and January's
    assert ("2027-01-06", HUGO, "work_anniversary") in upcoming(datetime(2026, 12, 20, 12, 0, tzinfo=UTC))
    # 2027 is a common year: Alice (born 02-29) celebrates on 02-28
    assert ("2027-02-28", ALICE, "birthday") in upcoming(datetime(2027, 2, 10, 12, 0, tzinfo=UTC))


def test_an_upgraded_organisation_reindexes_its_people_for_upcoming_celebrations(
    api, org, clock, capsys
) -> None:
    milestone_rules(api)
    clock.at = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    before = report(api, "milestones")["upcoming"]
    assert before
    # day-index entries written before the month partitions existed carry no GSI1 keys
    client = api.client
    for item in client.scan(TableName=os.environ["TABLE_NAME"])["Items"]:
        if item.get("type", {}).get("S") == "milestone_day":
            key = {"PK": item["PK"], "SK": item["SK"]}
            client.update_item(
                TableName=os.environ["TABLE_NAME"], Key=key, UpdateExpression="REMOVE GSI1PK, GSI1SK"
            )
    assert report(api, "milestones")["upcoming"] == []

    assert cli.main(["milestones", "reindex", "--table", os.environ["TABLE_NAME"]]) == 0
    assert "people filed" in capsys.readouterr().out
    assert report(api, "milestones")["upcoming"] == before


def test_a_private_birthday_is_upcoming_only_for_hr_and_its_owner(api, org, clock) -> None:
    milestone_rules(api)
    clock.at = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    dana = api.call("GET", f"/v1/employees/{DANA}").json
    body = {k: v for k, v in dana.items() if k != "id"} | {"public_birthday": False}
    reply = api.call("PUT", f"/v1/employees/{DANA}", body=body)
    assert reply.status == 200, reply.body

    def danas(as_employee: str) -> list[str]:
        upcoming = report(
            api, "milestones", f"manager={MAYA}" if as_employee != DANA else "", as_employee=as_employee
        )
        return [c["kind"] for c in upcoming["upcoming"] if c["employee_id"] == DANA]

    assert danas(HR) == ["birthday"]
    assert danas(DANA) == ["birthday"]
    assert danas(MAYA) == []


def add_teams(count: int) -> None:
    """`count` more teams of one person each (their managers are not in the directory: a team's label is
    then its manager's id), written through the directory's own profile writes."""
    from plaudit.domain.employees import Employee
    from plaudit.store.employees import profile_writes
    from plaudit.store.transact import write_all

    for n in range(count):
        person = Employee(
            id=f"T{n:03d}",
            email=f"t{n:03d}@example.com",
            name=f"Team member {n}",
            manager_id=f"M{n:03d}",
            department="Sales",
            country="IT",
        )
        write_all(profile_writes(person, None, 0))


def test_participation_pages_its_groups_and_reads_a_page_whatever_the_teams(api, aws, org) -> None:
    give(api, ALICE, [BOB], 5)
    before = {row["group"] for row in report(api, "participation", "group_by=team&limit=30")["rows"]}
    add_teams(45)  # more teams than a page may hold
    seen: list[str] = []
    cursor, pages = "", 0
    while True:
        answer, counting = counted(api, aws, f"{REPORTS}/participation?group_by=team&limit=20{cursor}")
        pages += 1
        rows = len(answer["rows"]) + 1
        assert len(answer["rows"]) <= 20
        assert counting.calls == ["batch_get_item", "query", "batch_get_item"]
        assert counting.items <= 4 * rows + 3  # a team: its headcount, two counters, its manager's name
        assert answer["totals"]["current"]["people"] == 12 + 45  # the totals on every page
        shares = [row["current"]["share_neither"] for row in answer["rows"]]
        assert shares == sorted(shares, key=float)  # sorted within the page
        seen += [row["group"] for row in answer["rows"]]
        if answer["next_cursor"] is None:
            break
        cursor = f"&cursor={answer['next_cursor']}"
    assert pages >= 3
    assert len(seen) == len(set(seen)) == len(before) + 45
    assert set(seen) >= before | {"team:M000", "team:M044"}
    first = api.call("GET", f"{REPORTS}/participation?limit=1", as_employee=HR).json  # by department
    assert first["next_cursor"] is not None
    assert len(first["rows"]) == 1
    departments = report(api, "participation")
    assert departments["next_cursor"] is None  # one page: as before
    assert len(departments["rows"]) == 3
    lines = api.call(
        "GET", f"{REPORTS}/participation?limit=1", as_employee=HR, headers={"accept": "text/csv"}
    )
    assert lines.headers["next-cursor"] == first["next_cursor"]
    for path in (
        f"participation?group_by=team&cursor={first['next_cursor']}",  # a page of departments, not teams
        f"recognition?cursor={first['next_cursor']}",  # a report that does not page
        "participation?cursor=garbage",
    ):
        assert_error(api.call("GET", f"{REPORTS}/{path}", as_employee=HR), 400, "invalid_cursor")
    assert_error(api.call("GET", f"{REPORTS}/participation?limit=31", as_employee=HR), 422, "invalid_request")


def test_reports_and_boards_read_no_more_as_history_grows(api, aws, org, clock) -> None:
    """Each read's round trips and items with two months of history, then with five: the same (the
    dashboard's six-period trend reads the periods that have figures: bounded by its rows)."""
    paths = [
        f"{REPORTS}/participation",
        f"{REPORTS}/participation?group_by=team",
        f"{REPORTS}/recognition",
        f"{REPORTS}/allowance?manager={MAYA}",
        f"{REPORTS}/quiet-people?manager={MAYA}",
        "/v1/insights/leaderboard?metric=received&period=month",
    ]

    def a_month() -> None:
        give(api, ALICE, [BOB], 3, values=["teamwork"])
        give(api, DANA, [ALICE, HUGO], 2)
        clock.advance(days=31)

    def measured() -> dict[str, tuple[int, list[str], int]]:
        found = {}
        for path in [*paths, f"{REPORTS}/dashboard"]:
            answer, counting = counted(api, aws, path)
            rows = len(answer["entries"]) if "entries" in answer else len(answer["rows"]) + 1
            assert len(counting.calls) <= 3, (path, counting.calls)
            found[path] = (rows, counting.calls, counting.items)
        return found

    for _ in range(2):
        a_month()
    give(api, ALICE, [BOB], 3, values=["teamwork"])
    give(api, DANA, [ALICE, HUGO], 2)
    short = measured()
    for _ in range(3):
        a_month()
    give(api, ALICE, [BOB], 3, values=["teamwork"])
    give(api, DANA, [ALICE, HUGO], 2)
    long = measured()
    for path in paths:
        assert long[path] == short[path], path
    rows, _, items = long[f"{REPORTS}/dashboard"]
    assert items <= rows + 3
