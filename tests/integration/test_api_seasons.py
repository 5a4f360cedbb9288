"""Seasons through the real handlers: definitions (HR only, the trail, If-Match, overlaps and bad input),
the season as one more period of the projection's counters and boards (the audit and the rebuild included),
standings live and frozen, and the end of a season run twice: frozen, announced and paid once, a prize the
budget cannot cover waiting for a top-up."""

from __future__ import annotations

from typing import Any

import pytest
import test_slack_kudos
from api_checks import assert_audit_clean, assert_error, newest_trail_entry
from test_slack_kudos import FakeSlack

from plaudit.services import insights
from plaudit.store import insights as insight_store
from plaudit.store import seasons as season_store

HR, ALICE, BOB, CARLOS, DANA, GRACE = "E1001", "E1003", "E1004", "E1005", "E1006", "E1009"
SCHEDULE = "MilestonesScheduleFunction"

slack = test_slack_kudos.slack  # the fixture


def give(api, giver: str, recipients: list[str], points: int, **fields: Any) -> dict[str, Any]:
    body = {"recipient_ids": recipients, "points": points, "message": "Thanks!"} | fields
    reply = api.call("POST", "/v1/recognitions", as_employee=giver, body=body)
    assert reply.status == 201, reply.body
    return reply.json


def define(api, *, as_employee: str = HR, **fields: Any):
    body = {"name": "Thanksgiving week", "starts_on": "2026-11-17", "ends_on": "2026-11-22"} | fields
    return api.call("POST", "/v1/seasons", body=body, as_employee=as_employee)


def created(api, **fields: Any) -> dict[str, Any]:
    reply = define(api, **fields)
    assert reply.status == 201, reply.body
    return reply.json


def spec(season: dict[str, Any], **changes: Any) -> dict[str, Any]:
    fields = ("name", "starts_on", "ends_on", "metric", "by", "prizes")
    return {name: season[name] for name in fields} | changes


def test_hr_defines_a_season_everyone_reads_it_and_each_change_is_in_the_trail(api, org) -> None:
    reply = define(api)
    assert reply.status == 201, reply.body
    assert reply.headers["etag"] == '"1"'
    season = reply.json
    assert season["status"] == "scheduled"
    assert season["time_zone"] == "UTC"
    assert season["starts_at"].startswith("2026-11-17T00:00:00")
    assert season["ends_at"].startswith("2026-11-23T00:00:00")  # the last day is included
    entry = newest_trail_entry()
    assert (entry["action"], entry["target"], entry["actor"]) == (
        "season.create",
        f"season:{season['id']}",
        HR,
    )

    listed = api.call("GET", "/v1/seasons", as_employee=ALICE)
    assert [s["id"] for s in listed.json["items"]] == [season["id"]]
    one = api.call("GET", f"/v1/seasons/{season['id']}", as_employee=ALICE)
    assert one.status == 200
    assert one.json["name"] == "Thanksgiving week"

    path = f"/v1/seasons/{season['id']}"
    renamed = api.call("PUT", path, body=spec(season, name="Gratitude week"), headers={"if-match": '"1"'})
    assert renamed.status == 200, renamed.body
    assert renamed.headers["etag"] == '"2"'
    assert newest_trail_entry()["action"] == "season.replace"
    stale = api.call("PUT", path, body=spec(season, name="Again"), headers={"if-match": '"1"'})
    assert_error(stale, 412, "version_mismatch")
    assert api.call("DELETE", path, headers={"if-match": '"2"'}).status == 204
    assert newest_trail_entry()["action"] == "season.delete"
    assert_error(api.call("GET", path, as_employee=ALICE), 404, "season_not_found")
    assert_audit_clean()


def test_only_hr_writes_seasons(api, org) -> None:
    assert_error(define(api, as_employee=ALICE), 403, "forbidden")
    season = created(api)
    path = f"/v1/seasons/{season['id']}"
    assert_error(api.call("PUT", path, body=spec(season), as_employee=ALICE), 403, "forbidden")
    assert_error(api.call("DELETE", path, as_employee=ALICE), 403, "forbidden")


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"starts_on": "2026-11-22", "ends_on": "2026-11-21"}, 422, "invalid_request"),
        ({"starts_on": "2026-11-15"}, 422, "season_starts_in_past"),
        ({"prizes": [{"rank": 1, "points": 10, "budget_id": "no-such-budget"}]}, 422, "unknown_budget"),
        ({"prizes": [{"rank": 1, "budget_id": "milestones"}]}, 422, "invalid_request"),
        ({"prizes": [{"rank": 0, "points": 5, "budget_id": "milestones"}]}, 422, "invalid_request"),
        ({"metric": "sideways"}, 422, "invalid_request"),
        ({"colour": "blue"}, 422, "invalid_request"),
    ],
)
def test_bad_definitions_are_refused(api, org, fields, status, code) -> None:
    assert_error(define(api, **fields), status, code, fields)


def test_seasons_never_overlap(api, org) -> None:
    first = created(api)
    details = assert_error(define(api, starts_on="2026-11-22", ends_on="2026-11-30"), 409, "season_overlaps")
    assert details["season_id"] == first["id"]
    assert define(api, starts_on="2026-11-23", ends_on="2026-11-30").status == 201  # the day after


def test_a_running_season_keeps_its_dates_and_an_ended_one_changes_no_more(api, org, clock) -> None:
    season = created(api, starts_on="2026-11-16")  # today: it counts from now on
    clock.advance(seconds=2)
    path = f"/v1/seasons/{season['id']}"
    assert api.call("GET", path).json["status"] == "running"
    assert_error(api.call("PUT", path, body=spec(season, ends_on="2026-11-29")), 409, "season_started")
    assert_error(api.call("DELETE", path), 409, "season_started")
    assert api.call("PUT", path, body=spec(season, name="Renamed")).status == 200
    clock.advance(days=7)
    assert api.call("GET", path).json["status"] == "ended"
    assert_error(api.call("PUT", path, body=spec(season, name="Late")), 409, "season_ended")


def test_a_season_counts_from_its_start_on_its_own_board_and_the_audit_and_rebuild_agree(
    api, org, clock
) -> None:
    give(api, ALICE, [DANA], 7)  # before the season: never in it
    season = created(api, starts_on="2026-11-16")
    period = f"season:{season['id']}"
    board = f"/v1/insights/leaderboard?period={period}"
    clock.advance(seconds=2)
    assert api.call("GET", board, as_employee=ALICE).json["entries"] == []
    give(api, ALICE, [BOB], 10)
    give(api, DANA, [CARLOS], 4, values=["teamwork"])
    give(api, ALICE, [GRACE], 50, visibility="private")  # counts in the figures, never on a board
    counters = insight_store.scan_aggregates()[0]
    assert counters[("org", period)] == {
        "kudos_given": 3,
        "points_given": 64,
        "kudos_received": 3,
        "points_received": 64,
        "unique_givers": 2,
        "unique_receivers": 3,
    }
    assert counters[("org", "all")]["points_received"] == 71
    answer = api.call("GET", board, as_employee=ALICE).json
    assert answer["period"] == period
    assert [(e["rank"], e["employee_id"], e["points"]) for e in answer["entries"]] == [
        (1, BOB, 10),
        (2, CARLOS, 4),
    ]
    given = api.call("GET", f"{board}&metric=given&value=teamwork", as_employee=DANA).json
    assert given["me"] == {"rank": 1, "points": 4, "kudos": 1}
    standings = api.call("GET", f"/v1/seasons/{season['id']}/standings", as_employee=CARLOS).json
    assert standings["status"] == "running"
    assert standings["frozen_at"] is None
    assert [(e["rank"], e["employee_id"]) for e in standings["entries"]] == [(1, BOB), (2, CARLOS)]

    assert insights.audit_aggregates() == []
    insights.rebuild()
    assert insights.audit_aggregates() == []
    assert insight_store.scan_aggregates()[0][("org", period)]["points_received"] == 64


def test_a_tampered_season_counter_fails_the_audit(api, org, clock) -> None:
    season = created(api, starts_on="2026-11-16")
    clock.advance(seconds=2)
    give(api, ALICE, [BOB], 10)
    period = f"season:{season['id']}"
    insight_store.write_requests(
        [{"PutRequest": {"Item": _counter_item(("org", period), points_received=11)}}]
    )
    breaches = insights.audit_aggregates()
    assert breaches
    assert period in breaches[0]


def _counter_item(counter: tuple[str, str], **figures: int) -> dict[str, Any]:
    from plaudit.store.codec import to_item
    from plaudit.store.insights import counter_update

    update = counter_update(counter, figures)
    pk, sk = update.key
    return to_item({"PK": pk, "SK": sk, "type": update.kind, **update.attrs, **update.deltas})


def test_a_season_board_names_a_real_season_that_has_begun(api, org) -> None:
    board = "/v1/insights/leaderboard?period="
    assert_error(api.call("GET", f"{board}season:season_nope", as_employee=ALICE), 404, "season_not_found")
    season = created(api)  # tomorrow
    later = api.call("GET", f"{board}season:{season['id']}", as_employee=ALICE)
    assert_error(later, 422, "period_in_future")
    assert_error(
        api.call("GET", f"{board}season:{season['id']}&at=2026-11", as_employee=ALICE), 422, "invalid_period"
    )
    assert_error(api.call("GET", f"{board}fortnight", as_employee=ALICE), 422, "invalid_request")
    assert api.call("GET", f"/v1/seasons/{season['id']}/standings", as_employee=ALICE).json["entries"] == []


def test_the_end_of_a_season_freezes_announces_and_pays_once_a_short_budget_leaves_a_prize_pending(
    api, org, clock, slack: FakeSlack
) -> None:
    assert (
        api.call("POST", "/v1/budgets", body={"id": "seasons", "name": "Prizes", "kind": "company"}).status
        == 201
    )
    top_up = api.call("POST", "/v1/budgets/seasons/top-ups", body={"points": 170})
    assert top_up.status == 201, top_up.body
    prizes = [
        {"rank": 1, "points": 100, "budget_id": "seasons"},
        {"rank": 2, "points": 50, "budget_id": "seasons"},
    ]
    season = created(api, starts_on="2026-11-16", prizes=prizes)
    clock.advance(seconds=2)
    give(api, ALICE, [BOB], 10)
    give(api, ALICE, [CARLOS], 6)
    give(api, DANA, [GRACE], 6)  # Carlos and Grace tie at 2: both win its prize

    clock.advance(days=6, hours=14, minutes=30)  # 23 November 00:00:02, the season over: not yet frozen
    assert api.invoke(SCHEDULE, {})["seasons_frozen"] == 0
    clock.advance(minutes=15)
    first = api.invoke(SCHEDULE, {})
    assert (first["seasons_frozen"], first["prizes_awarded"], first["prizes_pending"]) == (1, 2, 1)
    api.drain_streams()
    again = api.invoke(SCHEDULE, {})  # a rerun (or a catch-up) finds the season settled
    assert (again["seasons_frozen"], again["prizes_awarded"], again["prizes_pending"]) == (0, 0, 0)
    api.drain_streams()

    frozen = season_store.frozen_standings(season["id"])
    assert frozen is not None
    assert [(row.rank, row.employee_id) for row in frozen.rows] == [(1, BOB), (2, CARLOS), (2, GRACE)]
    awards = api.call("GET", "/v1/milestones/awards?limit=50").json["items"]
    prizes_paid = sorted(
        (a["employee_id"], a["points"], a["status"]) for a in awards if a["rule_id"].startswith("season:")
    )
    assert prizes_paid == [(BOB, 100, "paid"), (CARLOS, 50, "paid"), (GRACE, 50, "pending")]
    posts = [post for post in slack.called("chat.postMessage") if "Thanksgiving week" in post["text"]]
    announced = [post for post in posts if post["channel"] == "CKUDOS01"]  # the announcement channel
    assert len(announced) == 1
    assert "congratulations" in announced[0]["text"]
    assert "<@UBOB0>" in str(announced[0]["blocks"])
    dms = [post["channel"] for post in posts if post is not announced[0]]
    assert dms == ["UBOB0", "UCARLOS"]  # the paid prizes DMed; Grace's waits for its budget

    more = api.call("POST", "/v1/budgets/seasons/top-ups", body={"points": 100})
    assert more.status == 201
    awards = api.call("GET", f"/v1/milestones/awards?employee={GRACE}").json["items"]
    assert [(a["points"], a["status"]) for a in awards] == [(50, "paid")]

    standings = api.call("GET", f"/v1/seasons/{season['id']}/standings", as_employee=GRACE).json
    assert standings["status"] == "frozen"
    assert [
        (e["rank"], e["employee_id"], (e["prize"] or {}).get("points")) for e in standings["entries"]
    ] == [
        (1, BOB, 100),
        (2, CARLOS, 50),
        (2, GRACE, 50),
    ]
    assert insights.audit_aggregates() == []
    assert_audit_clean()
