"""GET /v1/awards through the real handler against moto: the direct item awards, newest first, paged behind
the shared cursor, with what became of each (delivered voucher, cancelled before delivery, taken back by a
correction); HR admins see every one, a budget's holders their budget's only; four round trips a page."""

from __future__ import annotations

import os

import pytest
from api_checks import assert_error
from test_api_awards import ALICE, BOB, HR, MAYA, TEAM, CountingClient, fund, give
from test_item_corrections import correct, perk, undelivered

from plaudit.store.client import use_client
from plaudit_dev import cli

__all__ = ["perk"]  # the fixture, imported
OTHER = "other-awards"


def listed(api, query: str = "", *, by: str = HR):
    reply = api.call("GET", f"/v1/awards{query}", as_employee=by)
    assert reply.status == 200, reply.body
    return reply.json


def test_hr_pages_through_every_direct_award_and_sees_what_became_of_it(api, perk, clock, monkeypatch):
    delivered = give(api, perk, key="one").json
    clock.advance(minutes=1)
    held = undelivered(api, perk, monkeypatch, key="two")
    clock.advance(minutes=1)
    to_bob = give(api, perk, to=BOB, key="three").json

    first = listed(api, "?limit=2")
    assert [award["id"] for award in first["items"]] == [to_bob["id"], held["id"]]  # newest first
    assert first["next_cursor"]
    rest = listed(api, f"?limit=2&cursor={first['next_cursor']}")
    assert [award["id"] for award in rest["items"]] == [delivered["id"]]
    assert rest["next_cursor"] is None
    newest = first["items"][0]
    assert (newest["employee_id"], newest["employee_name"], newest["item_name"]) == (
        BOB,
        "Bob Okafor",
        "Day off",
    )
    assert (newest["budget_id"], newest["awarded_by"], newest["points"]) == (TEAM, MAYA, to_bob["points"])
    assert (newest["status"], newest["voucher_status"], newest["correction_id"]) == (
        "fulfilled",
        "delivered",
        None,
    )
    assert (first["items"][1]["status"], first["items"][1]["voucher_status"]) == ("approved", None)

    taken_back = correct(api, delivered["id"]).json
    cancelled = correct(api, held["id"]).json
    after = {award["id"]: award for award in listed(api)["items"]}
    assert (after[delivered["id"]]["voucher_status"], after[delivered["id"]]["correction_id"]) == (
        "cancelled",
        taken_back["id"],
    )
    assert after[delivered["id"]]["corrected_at"] is not None
    assert (after[held["id"]]["status"], after[held["id"]]["correction_id"]) == ("cancelled", cancelled["id"])
    assert after[to_bob["id"]]["correction_id"] is None


def test_holders_see_their_budgets_awards_and_nobody_else_sees_any(api, perk):
    fund(OTHER, 1_000, [ALICE])
    award = give(api, perk, to=BOB).json
    assert [a["id"] for a in listed(api, f"?budget_id={TEAM}", by=MAYA)["items"]] == [award["id"]]
    assert [a["id"] for a in listed(api, f"?budget_id={TEAM}")["items"]] == [award["id"]]
    assert listed(api, f"?budget_id={OTHER}", by=ALICE)["items"] == []
    for by, query in ((MAYA, ""), (MAYA, f"?budget_id={OTHER}"), (ALICE, f"?budget_id={TEAM}"), (BOB, "")):
        assert_error(api.call("GET", f"/v1/awards{query}", as_employee=by), 403, "forbidden")
    assert_error(api.call("GET", "/v1/awards?budget_id=nope-budget", as_employee=MAYA), 403, "forbidden")


def test_a_bad_cursor_or_limit_is_a_clear_refusal(api, perk):
    give(api, perk)
    page = listed(api, "?limit=1")
    assert page["next_cursor"] is None
    assert_error(api.call("GET", "/v1/awards?cursor=bm90LWEtY3Vyc29y", as_employee=HR), 400, "invalid_cursor")
    other = listed(api, f"?budget_id={TEAM}&limit=1")
    assert other["next_cursor"] is None
    assert_error(api.call("GET", "/v1/awards?limit=51", as_employee=HR), 422, "invalid_request")


@pytest.mark.parametrize("count", [1, 3])
def test_a_page_takes_four_round_trips_whatever_its_size(api, aws, perk, count):
    for n in range(count):
        give(api, perk, key=f"k{n}")
    api.drain_streams()  # the projections' work, not the listing's
    counting = CountingClient(aws)
    use_client(counting)
    try:
        page = listed(api)
    finally:
        use_client(aws)
    assert len(page["items"]) == count
    assert counting.calls == ["batch_get_item", "query", "batch_get_item", "batch_get_item"]


def test_an_upgraded_organisation_files_the_awards_given_before_the_list_once(api, perk, aws, capsys):
    given = [give(api, perk, key="one").json["id"], give(api, perk, to=BOB, key="two").json["id"]]
    before = [award["id"] for award in listed(api)["items"]]
    assert sorted(before) == sorted(given)
    table = os.environ["TABLE_NAME"]
    entries = aws.query(
        TableName=table,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": "DIRECT_AWARDS"}},
    )["Items"]
    for entry in entries:  # given before the list existed
        aws.delete_item(TableName=table, Key={"PK": entry["PK"], "SK": entry["SK"]})
    assert listed(api)["items"] == []

    assert cli.main(["awards", "reindex", "--table", table]) == 0
    assert "2 filed" in capsys.readouterr().out
    assert [award["id"] for award in listed(api)["items"]] == before
    assert [a["id"] for a in listed(api, f"?budget_id={TEAM}")["items"]] == before
    assert cli.main(["awards", "reindex", "--table", table]) == 0  # again: the same entries, nothing more
    assert [award["id"] for award in listed(api)["items"]] == before
