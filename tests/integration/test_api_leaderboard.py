"""GET /v1/insights/leaderboard through the real handlers: boards from the projection's rows, ties, the
caller's own standing, settings, who may see which board, and bad input."""

from __future__ import annotations

from typing import Any

import pytest
from api_checks import assert_audit_clean, assert_error

HR, MAYA, ALICE, BOB, CARLOS, DANA, ETHAN = "E1001", "E1002", "E1003", "E1004", "E1005", "E1006", "E1007"
GRACE, HUGO = "E1009", "E1010"
BOARD = "/v1/insights/leaderboard"


def give(api, giver: str, recipients: list[str], points: int, **fields: Any) -> dict[str, Any]:
    body = {"recipient_ids": recipients, "points": points, "message": "Thanks!"} | fields
    reply = api.call("POST", "/v1/recognitions", as_employee=giver, body=body)
    assert reply.status == 201, reply.body
    return reply.json


def board(api, query: str = "", *, as_employee: str = ALICE) -> dict[str, Any]:
    reply = api.call("GET", f"{BOARD}?{query}", as_employee=as_employee)
    assert reply.status == 200, reply.body
    return reply.json


def rows(answer: dict[str, Any]) -> list[tuple[int, str, int]]:
    return [(entry["rank"], entry["employee_id"], entry["points"]) for entry in answer["entries"]]


def test_received_by_points_ties_share_a_rank_and_private_kudos_never_count(api, org) -> None:
    give(api, ALICE, [BOB], 10)
    give(api, ALICE, [CARLOS], 6)
    give(api, DANA, [CARLOS], 4, values=["teamwork"])
    give(api, ALICE, [GRACE], 6)
    give(api, ALICE, [HUGO], 50, visibility="private")
    answer = board(api)
    assert answer["period"] == "2026-11"
    assert answer["time_zone"] == "UTC"
    assert answer["scope"] == "org"
    assert rows(answer) == [(1, BOB, 10), (1, CARLOS, 10), (3, GRACE, 6)]
    assert answer["me"] == {"rank": None, "points": 0, "kudos": 0}
    assert rows(board(api, "by=kudos"))[0] == (1, CARLOS, 10)
    given = board(api, "metric=given", as_employee=DANA)
    assert rows(given) == [(1, ALICE, 22), (2, DANA, 4)]
    assert given["me"] == {"rank": 2, "points": 4, "kudos": 1}
    assert rows(board(api, "value=%23teamwork")) == [(1, CARLOS, 4)]
    assert rows(board(api, "department=Engineering")) == [(1, BOB, 10), (1, CARLOS, 10)]  # Alice's own
    assert rows(board(api, "department=People", as_employee=GRACE)) == [(1, GRACE, 6)]
    assert rows(board(api, "period=week&at=2026-W47")) == rows(answer)
    assert rows(board(api, "period=month&at=2026-10")) == []
    assert_audit_clean()


def test_a_person_outside_the_top_n_sees_their_own_figures(api, org) -> None:
    api.call(
        "PATCH",
        "/v1/settings",
        body={"leaderboards": {"top_n": 2}},
        headers={"content-type": "application/merge-patch+json"},
    )
    for recipient, points in ((BOB, 9), (CARLOS, 8), (DANA, 7)):
        give(api, ALICE, [recipient], points)
    answer = board(api, "limit=50", as_employee=DANA)
    assert rows(answer) == [(1, BOB, 9), (2, CARLOS, 8)]
    assert answer["me"] == {"rank": None, "points": 7, "kudos": 1}


def test_people_who_leave_or_opt_out_leave_the_board_but_not_the_totals(api, org) -> None:
    give(api, ALICE, [BOB], 9)
    give(api, ALICE, [CARLOS], 8)
    give(api, ALICE, [ETHAN], 7)
    person = api.call("GET", f"/v1/employees/{BOB}").json
    fields = {k: v for k, v in person.items() if k not in ("id", "version")}
    assert api.call("PUT", f"/v1/employees/{BOB}", body=fields | {"leaderboard_opt_out": True}).status == 200
    person = api.call("GET", f"/v1/employees/{CARLOS}").json
    fields = {k: v for k, v in person.items() if k not in ("id", "version")}
    assert api.call("PUT", f"/v1/employees/{CARLOS}", body=fields | {"status": "deactivated"}).status == 200
    assert rows(board(api)) == [(1, ETHAN, 7)]
    from plaudit.store.insights import scan_aggregates

    assert scan_aggregates()[0][("org", "2026-11")]["points_received"] == 24


def test_settings_turn_boards_off_or_to_givers_only(api, org) -> None:
    patch = {"content-type": "application/merge-patch+json"}
    assert (
        api.call("PATCH", "/v1/settings", body={"leaderboards": {"givers_only": True}}, headers=patch).status
        == 200
    )
    assert_error(api.call("GET", BOARD, as_employee=ALICE), 403, "givers_only")
    assert api.call("GET", f"{BOARD}?metric=given", as_employee=ALICE).status == 200
    assert (
        api.call("PATCH", "/v1/settings", body={"leaderboards": {"enabled": False}}, headers=patch).status
        == 200
    )
    assert_error(api.call("GET", f"{BOARD}?metric=given", as_employee=ALICE), 403, "leaderboards_off")


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("value=unknown", 422, "unknown_value"),
        ("period=month&at=2026-12", 422, "period_in_future"),
        ("period=week&at=2027-W01", 422, "period_in_future"),
        ("period=month&at=2026-13", 422, "invalid_period"),
        ("period=week&at=2026-11", 422, "invalid_period"),
        ("period=all&at=2026", 422, "invalid_period"),
        ("period=decade", 422, "invalid_request"),
        ("metric=best", 422, "invalid_request"),
        ("department=People", 403, "department_not_visible"),
        ("department=People&value=teamwork", 422, "invalid_request"),
    ],
)
def test_bad_input_is_a_clear_4xx(api, org, query: str, status: int, code: str) -> None:
    assert_error(api.call("GET", f"{BOARD}?{query}", as_employee=ALICE), status, code)


def test_hr_sees_any_department_and_callers_outside_the_directory_see_nothing(api, org) -> None:
    assert api.call("GET", f"{BOARD}?department=Engineering", as_employee=HR).status == 200
    assert_error(api.call("GET", BOARD, as_employee="E9999"), 403, "not_in_directory")
