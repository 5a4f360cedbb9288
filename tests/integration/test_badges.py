"""Badges and streaks through the real handlers: definitions over REST (HR writes, everyone reads, ETag and
If-Match, each change in the chained trail, bad input refused), badges earned by the real projection from
the table's stream (once per person and badge, or per window; a redelivered batch earns nothing again),
announced and DM'd once by the notifications function, shown on the profile and in App Home; weekly giving
streaks and Friday's nudge, sent once however often the run repeats."""

from __future__ import annotations

import json
from typing import Any

import pytest
import test_slack_kudos
from test_slack_kudos import FakeSlack

from plaudit.domain.access import SYSTEM, Caller
from plaudit.i18n import messages
from plaudit.services import badges, recognition
from plaudit.services.settings import patch_settings
from plaudit.services.trail import verify_trail
from plaudit.slack.work.badges import badges_for_home
from plaudit.slack.work.home import Viewer
from plaudit.store.client import use_client

slack = test_slack_kudos.slack  # the fake Slack fixture

HR, ALICE, BOB, CARLOS, GRACE = "E1001", "E1003", "E1004", "E1005", "E1009"
FIRST_GIVEN = {"kind": "first", "side": "given"}
TEAMWORK = {
    "kind": "count",
    "metric": "kudos_received",
    "value": "teamwork",
    "window": "month",
    "at_least": 2,
    "per_window": True,
}


def define(api, criteria: dict[str, Any], name: str = "First thanks", **fields: Any) -> dict[str, Any]:
    body = {"name": name, "emoji": "wave", "description": "Said thank you", "criteria": criteria} | fields
    reply = api.call("POST", "/v1/badges", as_employee=HR, body=body)
    assert reply.status == 201, reply.body
    assert reply.headers["etag"] == '"1"'
    return reply.json


def give(api, giver: str, recipients: list[str], points: int = 5, **fields: Any) -> None:
    body = {"recipient_ids": recipients, "points": points, "message": "Thanks!"} | fields
    reply = api.call("POST", "/v1/recognitions", as_employee=giver, body=body)
    assert reply.status == 201, reply.body


def badges_of(api, person: str, viewer: str | None = None) -> dict[str, Any]:
    reply = api.call("GET", f"/v1/employees/{person}/badges", as_employee=viewer or person)
    assert reply.status == 200, reply.body
    return reply.json


# --------------------------------------------------------------------------- definitions


def test_hr_defines_badges_everyone_reads_them_and_each_change_is_in_the_trail(api, org) -> None:
    created = define(api, FIRST_GIVEN)
    path = f"/v1/badges/{created['id']}"
    assert api.call("GET", "/v1/badges", as_employee=ALICE).json["items"] == [created]
    read = api.call("GET", path, as_employee=ALICE)
    assert read.json == created
    assert read.headers["etag"] == '"1"'

    replaced_body = {"name": "First kudos", "emoji": "wave", "public": False, "criteria": FIRST_GIVEN}
    stale = api.call("PUT", path, as_employee=HR, body=replaced_body, headers={"If-Match": '"7"'})
    assert (stale.status, stale.error_code) == (412, "version_mismatch")
    replaced = api.call("PUT", path, as_employee=HR, body=replaced_body, headers={"If-Match": '"1"'})
    assert replaced.status == 200
    assert replaced.headers["etag"] == '"2"'
    assert (replaced.json["name"], replaced.json["public"], replaced.json["description"]) == (
        "First kudos",
        False,
        "",
    )

    assert api.call("DELETE", path, as_employee=HR, headers={"If-Match": '"1"'}).status == 412
    assert api.call("DELETE", path, as_employee=HR).status == 204
    assert api.call("GET", path, as_employee=ALICE).error_code == "badge_not_found"

    trail = api.call("GET", "/v1/audit-log?target=badge:" + created["id"], as_employee=HR).json["items"]
    assert [entry["action"] for entry in trail] == ["badge.delete", "badge.replace", "badge.create"]
    assert verify_trail().ok


def test_only_hr_writes_badges_and_bad_ones_are_refused(api, org) -> None:
    body = {"name": "X", "emoji": "star", "criteria": FIRST_GIVEN}
    assert api.call("POST", "/v1/badges", as_employee=ALICE, body=body).status == 403
    unknown_value = {**TEAMWORK, "value": "bravery"}
    refused = api.call("POST", "/v1/badges", as_employee=HR, body=body | {"criteria": unknown_value})
    assert (refused.status, refused.error_code) == (422, "unknown_value")
    assert refused.json["error"]["details"]["unknown"] == ["bravery"]
    refused = api.call("POST", "/v1/badges", as_employee=HR, body=body | {"criteria": {"kind": "luck"}})
    assert (refused.status, refused.error_code) == (422, "invalid_request")
    refused = api.call(
        "POST", "/v1/badges", as_employee=HR, body=body | {"criteria": {**TEAMWORK, "window": "decade"}}
    )
    assert refused.status == 422
    assert api.call("PUT", "/v1/badges/badge_nope", as_employee=HR, body=body).error_code == "badge_not_found"
    assert api.call("GET", "/v1/badges/badge_nope", as_employee=ALICE).status == 404
    assert api.call("GET", "/v1/badges/not-a-badge", as_employee=ALICE).status == 422
    assert api.call("GET", "/v1/employees/E9999/badges", as_employee=ALICE).error_code == "employee_not_found"


# --------------------------------------------------------------------------- earned from the stream


def capture_stream(api) -> list[dict[str, Any]]:
    """The projection's stream records from now on, kept as well as delivered (to deliver them again)."""
    kept: list[dict[str, Any]] = []
    original = api.invoke

    def keep(function_id: str, event: Any) -> Any:
        if function_id == "ProjectionsFunction":
            kept.extend(event["Records"])
        return original(function_id, event)

    api.invoke = keep
    return kept


def test_badges_are_earned_once_from_the_stream_announced_and_dmd_once(api, org, slack: FakeSlack) -> None:
    first = define(api, FIRST_GIVEN)
    teamwork = define(api, TEAMWORK, name="Team player", public=False)
    kept = capture_stream(api)
    give(api, ALICE, [BOB], values=["teamwork"])
    give(api, ALICE, [BOB], values=["teamwork"])
    give(api, CARLOS, [BOB])  # no value: counts nowhere for the teamwork badge
    api.drain_streams()  # the earned badges' own records reach the notifications function

    alice = badges_of(api, ALICE)
    assert [(b["badge_id"], b["window"]) for b in alice["items"]] == [(first["id"], "once")]
    assert alice["streak"] == {"current": 1, "longest": 1, "last_week": "2026-W47"}
    assert [(b["badge_id"], b["window"]) for b in badges_of(api, BOB)["items"]] == [
        (teamwork["id"], "2026-11")
    ]
    assert badges_of(api, CARLOS)["items"][0]["badge_id"] == first["id"]

    posts = slack.called("chat.postMessage")
    announced = [p for p in posts if p["channel"] == "CKUDOS01" and "badge" in p["text"]]
    assert sorted(p["text"] for p in announced) == [
        ":wave: <@UALICE> earned the *First thanks* badge!",
        ":wave: <@UCARLOS> earned the *First thanks* badge!",
    ]  # the private badge is not announced
    dms = [p for p in posts if p["channel"] == "UBOB0" and "badge" in p["text"]]
    assert [p["text"] for p in dms] == [":wave: You earned the *Team player* badge!"]

    slack.calls.clear()
    assert api.invoke("ProjectionsFunction", {"Records": kept}) == {"batchItemFailures": []}
    api.drain_streams()
    assert len(badges_of(api, ALICE)["items"]) == 1
    assert len(badges_of(api, BOB)["items"]) == 1
    assert slack.called("chat.postMessage") == []  # redelivered: nothing earned, nothing told again


def test_a_badge_per_window_is_earned_again_in_the_next_window(api, org, clock) -> None:
    define(api, TEAMWORK, name="Team player")
    give(api, ALICE, [BOB], values=["teamwork"])
    give(api, CARLOS, [BOB], values=["teamwork"])
    clock.advance(days=20)  # December
    give(api, ALICE, [BOB], values=["teamwork"])
    assert [b["window"] for b in badges_of(api, BOB)["items"]] == ["2026-11"]
    give(api, GRACE, [BOB], values=["teamwork"])
    assert [b["window"] for b in badges_of(api, BOB)["items"]] == ["2026-12", "2026-11"]


def test_private_badges_are_for_their_holder_and_hr(api, org) -> None:
    define(api, FIRST_GIVEN, name="Quiet thanks", public=False)
    define(api, {"kind": "first", "side": "received"}, name="First received")
    give(api, ALICE, [BOB])
    assert [b["name"] for b in badges_of(api, ALICE)["items"]] == ["Quiet thanks"]
    assert badges_of(api, ALICE, viewer=CARLOS)["items"] == []
    assert [b["name"] for b in badges_of(api, ALICE, viewer=HR)["items"]] == ["Quiet thanks"]
    assert [b["name"] for b in badges_of(api, BOB, viewer=CARLOS)["items"]] == ["First received"]


def test_a_badge_changed_later_stays_as_it_was_earned(api, org) -> None:
    created = define(api, FIRST_GIVEN)
    give(api, ALICE, [BOB])
    body = {"name": "Renamed", "emoji": "star", "criteria": FIRST_GIVEN}
    assert api.call("PUT", f"/v1/badges/{created['id']}", as_employee=HR, body=body).status == 200
    assert badges_of(api, ALICE)["items"][0]["name"] == "First thanks"


# --------------------------------------------------------------------------- streaks and nudges


def test_a_weekly_streak_earns_its_badge_shows_in_app_home_and_is_nudged_once(
    api, org, clock, slack: FakeSlack
) -> None:
    streak_badge = define(api, {"kind": "streak", "weeks": 3}, name="On a roll")
    for _week in range(3):  # Mondays of weeks 47, 48, 49
        give(api, ALICE, [BOB], points=2)
        give(api, ALICE, [CARLOS], points=2)  # twice in a week: one week
        clock.advance(days=7)
    alice = badges_of(api, ALICE)
    assert alice["streak"] == {"current": 3, "longest": 3, "last_week": "2026-W49"}
    assert streak_badge["id"] in [b["badge_id"] for b in alice["items"]]

    viewer = Viewer(employee_id=ALICE, slack_user_id="UALICE", m=messages("fr"))
    shown = json.dumps([block.to_dict() for block in badges_for_home(viewer)], ensure_ascii=False)
    assert "*3 semaines* d'affilée" in shown
    assert "On a roll" in shown

    thursday = badges.nudge_streaks()
    assert thursday.week is None  # Monday of week 50: not Friday yet
    clock.advance(days=4, hours=5)  # Friday 14:30 (the organisation's UTC)
    slack.calls.clear()
    first = api.invoke("StreaksScheduleFunction", {"source": "plaudit.schedule", "job": "streaks"})
    again = api.invoke("StreaksScheduleFunction", {"source": "plaudit.schedule", "job": "streaks"})
    assert (first["nudged"], again["nudged"], again["already"]) == (1, 0, 1)
    api.drain_streams()
    nudges = [p for p in slack.called("chat.postMessage") if "streak" in p["text"]]
    assert [p["channel"] for p in nudges] == ["UALICE"]
    assert "3 weeks in a row" in nudges[0]["text"]

    clock.advance(days=7)  # a week without giving: broken, nobody to nudge
    assert badges_of(api, ALICE)["streak"]["current"] == 0
    assert badges.nudge_streaks().nudged == []


@pytest.mark.parametrize("why", ["setting", "opt_out"])
def test_nobody_is_nudged_when_nudges_are_off_or_they_opted_out(api, org, clock, why: str) -> None:
    for _ in range(3):
        give(api, ALICE, [BOB], points=2)
        clock.advance(days=7)
    if why == "setting":
        patch_settings(SYSTEM, {"nudges": {"streaks": False}})
    else:
        person = api.call("GET", f"/v1/employees/{ALICE}").json
        fields = {k: v for k, v in person.items() if k not in ("id", "version")}
        reply = api.call("PUT", f"/v1/employees/{ALICE}", body=fields | {"leaderboard_opt_out": True})
        assert reply.status == 200, reply.body
    clock.advance(days=4, hours=5)
    report = badges.nudge_streaks()
    assert report.nudged == []


# --------------------------------------------------------------------------- cost per batch


class CountingClient:
    """The DynamoDB client, recording each request's operation."""

    def __init__(self, client: Any):
        self.client, self.calls = client, []

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.client, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            return method(*args, **kwargs)

        return counted


def test_a_batchs_badges_cost_a_few_round_trips_whatever_its_size(api, aws, org, monkeypatch) -> None:
    define(api, FIRST_GIVEN)
    define(api, TEAMWORK, name="Team player")
    define(api, {"kind": "streak", "weeks": 4}, name="On a roll")
    counting = CountingClient(aws)
    batches: list[tuple[badges.EarnReport, list[str]]] = []
    real = badges.earn_from_batch

    def counted(*args: Any) -> badges.EarnReport:
        use_client(counting)
        try:
            batches.append((real(*args), counting.calls))
        finally:
            use_client(aws)
            counting.calls = []
        return batches[-1][0]

    monkeypatch.setattr(badges, "earn_from_batch", counted)
    kept = capture_stream(api)
    people = ["E1003", "E1004", "E1005", "E1006", "E1007", "E1008", "E1009", "E1010", "E1011", "E1012"]
    for n in range(100):  # 100 kudos between ten people, delivered at once (with their transactions)
        command = recognition.GiveKudos(
            recipient_ids=[people[(n + 1 + (n // 10) % 9) % 10]], points=1, message="Hi", values=["teamwork"]
        )
        recognition.give_kudos(Caller(employee_id=people[n % 10]), command)
    api.drain_streams()
    assert [len(report.earned) for report, _ in batches] == [20]
    # the definitions; streaks and counters together; the ten givers' streaks in one batch write; which
    # badges reached are held already; one put per badge earned (first thanks and team player, ten each)
    reads = ["query", "batch_get_item", "batch_get_item"]
    assert batches[0][1] == [*reads[:2], "batch_write_item", reads[2]] + ["put_item"] * 20
    assert api.invoke("ProjectionsFunction", {"Records": kept}) == {"batchItemFailures": []}
    report, calls = batches[-1]
    assert (report.earned, report.streaks, calls) == ([], {}, reads)  # all seen again: reads only


def test_a_place_in_a_seasons_frozen_standings_earns_its_badge_once(api, org, clock) -> None:
    podium = define(api, {"kind": "season_placement", "top": 2}, name="Podium")
    season = {"name": "Autumn sprint", "starts_on": "2026-11-16", "ends_on": "2026-11-22"}
    created = api.call("POST", "/v1/seasons", as_employee=HR, body=season)
    assert created.status == 201, created.body
    clock.advance(seconds=2)
    give(api, ALICE, [BOB], 10)
    give(api, ALICE, [CARLOS], 6)
    give(api, HR, [GRACE], 6)  # Carlos and Grace tie second
    give(api, CARLOS, [ALICE], 1)
    kept = capture_stream(api)
    clock.advance(days=6, hours=14, minutes=45)  # 23 November: the season is frozen by the hourly run
    assert api.invoke("MilestonesScheduleFunction", {})["seasons_frozen"] == 1
    api.drain_streams()
    placed = {person: badges_of(api, person, viewer=HR)["items"] for person in (BOB, CARLOS, GRACE, ALICE)}
    window = f"season:{created.json['id']}"
    assert [(b["badge_id"], b["window"]) for b in placed[BOB]] == [(podium["id"], window)]
    assert [b["name"] for b in placed[CARLOS]] == [b["name"] for b in placed[GRACE]] == ["Podium"]
    assert placed[ALICE] == []  # fourth
    assert api.invoke("ProjectionsFunction", {"Records": kept}) == {"batchItemFailures": []}
    assert len(badges_of(api, BOB)["items"]) == 1  # the standings seen again earn nothing twice
