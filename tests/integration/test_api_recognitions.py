"""REST v1 kudos: giving (each / split), values, visibility, add-ons, one kudos, and the feed.

Every scenario goes through the real handlers with HTTP API events, then checks the state the API
exposes afterwards (wallets, ledgers, the kudos itself) and that the ledger still audits clean.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import datetime
from typing import Any

import pytest
from api_checks import assert_audit_clean, assert_error

HR = "E1001"  # Hana: hr_admin, manages People (E1009-E1012)
MAYA = "E1002"  # manager of Engineering (E1003-E1008)
ALICE, BOB, CARLOS, DANA, ETHAN, FATIMA = "E1003", "E1004", "E1005", "E1006", "E1007", "E1008"
GRACE = "E1009"  # finance
REC_ID = re.compile(r"^rec_[0-9A-Z]{26}$")


# --------------------------------------------------------------------------- helpers


def give(api, giver: str, recipients: list[str], points: int, **fields: Any):
    body = {"recipient_ids": recipients, "points": points, "message": fields.pop("message", "Thank you!")}
    return api.call("POST", "/v1/recognitions", as_employee=giver, body=body | fields)


def given(api, giver: str, recipients: list[str], points: int, **fields: Any) -> dict[str, Any]:
    reply = give(api, giver, recipients, points, **fields)
    assert reply.status == 201, reply.body
    return reply.json


def add_on(api, adder: str, recognition_id: str, points: int, **fields: Any):
    return api.call(
        "POST",
        f"/v1/recognitions/{recognition_id}/add-ons",
        as_employee=adder,
        body={"points": points, **fields},
    )


def wallet(api, employee_id: str) -> dict[str, Any]:
    reply = api.call("GET", f"/v1/employees/{employee_id}/wallet", as_employee=HR)
    assert reply.status == 200, reply.body
    return reply.json


def balances(api, *employee_ids: str) -> dict[str, tuple[int, int]]:
    """(points, allowance remaining) per person."""
    return {
        eid: (view["points"], view["allowance"]["remaining"])
        for eid in employee_ids
        for view in [wallet(api, eid)]
    }


def ledger(api, employee_id: str) -> list[dict[str, Any]]:
    reply = api.call("GET", f"/v1/employees/{employee_id}/ledger?limit=100", as_employee=HR)
    assert reply.status == 200, reply.body
    assert reply.json["next_cursor"] is None
    return reply.json["items"]


def feed(api, viewer: str, query: str = "") -> list[str]:
    reply = api.call("GET", f"/v1/recognitions{query}", as_employee=viewer)
    assert reply.status == 200, reply.body
    return [item["id"] for item in reply.json["items"]]


def cursor_for(start_key: dict[str, Any]) -> str:
    raw = json.dumps(start_key, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# --------------------------------------------------------------------------- giving


def test_kudos_to_one_recipient_moves_allowance_to_points_then_the_allowance_rolls_over(api, org, clock):
    reply = give(
        api,
        ALICE,
        [BOB],
        30,
        message="  Thanks for pairing on the outage fix  ",
        values=["teamwork", "#Craft", "teamwork"],
    )

    assert reply.status == 201, reply.body
    assert reply.headers["content-type"] == "application/json"
    assert "idempotent-replayed" not in reply.headers
    kudos = reply.json
    assert REC_ID.match(kudos["id"])
    assert kudos == {
        "id": kudos["id"],
        "giver_id": ALICE,
        "recipient_ids": [BOB],
        "shares": {BOB: 30},
        "message": "Thanks for pairing on the outage fix",
        "values": ["teamwork", "craft"],
        "visibility": "public",
        "created_at": "2026-11-16T09:30:00Z",
        "points": 30,
        "reaction": None,  # given through the API, not by an emoji reaction in Slack
    }

    giver = wallet(api, ALICE)
    assert giver["employee_id"] == ALICE
    assert giver["allowance"] == {
        "period": "2026-11",
        "total": 100,
        "remaining": 70,
        "resets_at": "2026-12-01T00:00:00Z",
    }
    assert giver["points"] == 0
    receiver = wallet(api, BOB)
    assert receiver["points"] == 30
    assert receiver["points_value"] == {"amount": "0.30", "currency": "USD"}
    assert receiver["allowance"]["remaining"] == 100  # receiving never touches the allowance

    giver_lines = ledger(api, ALICE)
    assert [(line["kind"], line["balance"], line["amount"], line["memo"]) for line in giver_lines] == [
        ("kudos", "allowance", -30, "kudos given"),
        ("allowance_rollover", "allowance", 100, "allowance for 2026-11"),
    ]
    assert giver_lines[0]["ref"] == {"recognition_id": kudos["id"]}
    assert giver_lines[0]["at"] == "2026-11-16T09:30:00Z"
    assert giver_lines[1]["at"] == "2026-11-01T00:00:00Z"
    assert giver_lines[1]["ref"] == {"employee_id": ALICE, "period": "2026-11"}
    receiver_lines = ledger(api, BOB)
    assert [(line["kind"], line["balance"], line["amount"]) for line in receiver_lines] == [
        ("kudos", "points", 30)
    ]
    assert receiver_lines[0]["txn_id"] == giver_lines[0]["txn_id"]
    assert receiver_lines[0]["memo"] == "kudos received"
    assert_audit_clean()

    # next month: the allowance rolls over (what was left expires) and points stay
    clock.advance(days=16)  # 2026-12-02: a new monthly period
    december = given(api, ALICE, [BOB], 10)

    view = wallet(api, ALICE)
    assert view["allowance"] == {
        "period": "2026-12",
        "total": 100,
        "remaining": 90,
        "resets_at": "2027-01-01T00:00:00Z",
    }
    assert wallet(api, BOB)["points"] == 40  # points received never expire with the allowance

    lines = ledger(api, ALICE)
    summary = [(line["kind"], line["amount"], line["memo"], line["at"]) for line in lines]
    assert summary[0] == ("kudos", -10, "kudos given", "2026-12-02T09:30:00Z")
    assert sorted(summary[1:3]) == sorted(
        [
            ("allowance_rollover", -70, "allowance of 2026-11 expired", "2026-12-01T00:00:00Z"),
            ("allowance_rollover", 100, "allowance for 2026-12", "2026-12-01T00:00:00Z"),
        ]
    )
    assert lines[1]["txn_id"] == lines[2]["txn_id"]
    assert summary[3:] == [
        ("kudos", -30, "kudos given", "2026-11-16T09:30:00Z"),
        ("allowance_rollover", 100, "allowance for 2026-11", "2026-11-01T00:00:00Z"),
    ]
    assert lines[0]["ref"] == {"recognition_id": december["id"]}
    assert sum(line["amount"] for line in lines if line["balance"] == "allowance") == 90

    # the ledger pages newest first, with a cursor
    paged, cursor = [], None
    for _ in range(5):
        query = "?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = api.call("GET", f"/v1/employees/{ALICE}/ledger{query}", as_employee=ALICE).json
        paged += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert paged == lines
    assert_audit_clean()


def test_kudos_to_several_recipients_each_or_split_and_private(api, org, clock):
    each = given(api, MAYA, [ALICE, BOB, CARLOS], 20, values=["ownership"])
    assert each["shares"] == {ALICE: 20, BOB: 20, CARLOS: 20}
    assert each["points"] == 60

    # split: the remainder goes out one point each, in the order the recipients were given
    clock.advance(minutes=1)
    split = given(api, ALICE, [DANA, BOB, CARLOS], 10, split="split")
    assert split["shares"] == {DANA: 4, BOB: 3, CARLOS: 3}
    assert list(split["shares"]) == [DANA, BOB, CARLOS]
    assert split["points"] == 10
    clock.advance(minutes=1)
    split = given(api, ALICE, [CARLOS, BOB], 9, split="split", message="Great demo")
    assert split["shares"] == {CARLOS: 5, BOB: 4}
    clock.advance(minutes=1)
    even = given(api, ALICE, [ETHAN, FATIMA], 8, split="split", visibility="private")
    assert even["shares"] == {ETHAN: 4, FATIMA: 4}
    assert even["visibility"] == "private"  # private kudos move points like public ones

    assert balances(api, MAYA, ALICE, BOB, CARLOS, DANA, ETHAN, FATIMA) == {
        MAYA: (0, 200 - 60),  # managers get 200 a month
        ALICE: (20, 100 - 10 - 9 - 8),
        BOB: (20 + 3 + 4, 100),
        CARLOS: (20 + 3 + 5, 100),
        DANA: (4, 100),
        ETHAN: (4, 100),
        FATIMA: (4, 100),
    }
    maya_lines = ledger(api, MAYA)
    assert [(line["kind"], line["amount"]) for line in maya_lines] == [
        ("kudos", -60),
        ("allowance_rollover", 200),
    ]
    alice_lines = ledger(api, ALICE)
    assert [(line["kind"], line["balance"], line["amount"]) for line in alice_lines] == [
        ("kudos", "allowance", -8),
        ("kudos", "allowance", -9),
        ("kudos", "allowance", -10),
        ("kudos", "points", 20),
        ("allowance_rollover", "allowance", 100),
    ]
    bob_lines = ledger(api, BOB)
    assert [(line["kind"], line["amount"]) for line in bob_lines] == [
        ("kudos", 4),
        ("kudos", 3),
        ("kudos", 20),
    ]
    assert bob_lines[2]["txn_id"] == maya_lines[0]["txn_id"]
    assert_audit_clean()


def test_get_one_kudos_with_its_add_ons_one_per_person(api, org, clock):
    kudos = given(api, ALICE, [BOB, CARLOS], 10, values=["customer-first"])
    clock.advance(minutes=5)
    first = add_on(api, DANA, kudos["id"], 5, message="+1, that migration was heroic")
    assert first.status == 201, first.body
    assert "idempotent-replayed" not in first.headers
    assert first.json == {
        "recognition_id": kudos["id"],
        "adder_id": DANA,
        "shares": {BOB: 5, CARLOS: 5},  # points go to every recipient
        "message": "+1, that migration was heroic",
        "created_at": "2026-11-16T09:35:00Z",
        "points": 10,
    }
    clock.advance(minutes=5)
    second = add_on(api, ETHAN, kudos["id"], 3)
    assert second.status == 201, second.body
    assert second.json["message"] is None
    assert second.json["points"] == 6

    # once per person
    assert_error(add_on(api, DANA, kudos["id"], 7, message="one more"), 409, "already_added_on")

    reply = api.call("GET", f"/v1/recognitions/{kudos['id']}", as_employee=FATIMA)
    assert reply.status == 200, reply.body
    detail = reply.json
    assert {k: detail[k] for k in kudos} == kudos  # the kudos as given never changes
    assert (detail["add_on_points"], detail["add_on_count"]) == (16, 2)
    assert sorted(detail["add_ons"], key=lambda a: a["adder_id"]) == [first.json, second.json]

    assert balances(api, ALICE, BOB, CARLOS, DANA, ETHAN) == {
        ALICE: (0, 80),
        BOB: (10 + 5 + 3, 100),
        CARLOS: (10 + 5 + 3, 100),
        DANA: (0, 90),
        ETHAN: (0, 94),
    }
    dana_lines = ledger(api, DANA)
    assert [(line["kind"], line["amount"], line["memo"]) for line in dana_lines] == [
        ("add_on", -10, "add_on given"),
        ("allowance_rollover", 100, "allowance for 2026-11"),
    ]
    assert dana_lines[0]["ref"] == {"recognition_id": kudos["id"]}
    bob_lines = ledger(api, BOB)
    assert [(line["kind"], line["amount"]) for line in bob_lines] == [
        ("add_on", 3),
        ("add_on", 5),
        ("kudos", 10),
    ]
    assert bob_lines[1]["txn_id"] == dana_lines[0]["txn_id"]
    # the feed carries the add-on totals too
    assert api.call("GET", "/v1/recognitions", as_employee=FATIMA).json["items"][0]["add_on_points"] == 16
    assert_audit_clean()


def test_add_on_refusals_move_nothing_and_only_active_recipients_are_paid(api, org, clock):
    kudos = given(api, MAYA, [ALICE, BOB], 10)
    before = balances(api, MAYA, ALICE, BOB, DANA)

    assert_error(add_on(api, MAYA, kudos["id"], 5), 422, "add_on_by_giver")
    assert_error(add_on(api, ALICE, kudos["id"], 5), 422, "self_recognition")
    assert_error(add_on(api, BOB, kudos["id"], 5), 422, "self_recognition")
    details = assert_error(add_on(api, DANA, kudos["id"], 101), 422, "points_out_of_range")
    assert details["max"] == 100
    details = assert_error(add_on(api, DANA, kudos["id"], 60), 422, "insufficient_allowance")
    assert (details["needed"], details["remaining"]) == (120, 100)  # 60 to each of two recipients
    assert_error(add_on(api, DANA, "rec_00000000000000000000000000", 5), 404, "recognition_not_found")

    assert balances(api, MAYA, ALICE, BOB, DANA) == before
    detail = api.call("GET", f"/v1/recognitions/{kudos['id']}", as_employee=DANA).json
    assert (detail["add_ons"], detail["add_on_count"], detail["add_on_points"]) == ([], 0, 0)

    # Bob leaves: an add-on now pays Alice only, and all of Dana's allowance can go to her
    bob = api.call("GET", f"/v1/employees/{BOB}", as_employee=HR).json
    left = api.call("PUT", f"/v1/employees/{BOB}", as_employee=HR, body=bob | {"status": "deactivated"})
    assert left.status == 200, left.body
    reply = add_on(api, DANA, kudos["id"], 100)
    assert reply.status == 201, reply.body
    assert (reply.json["shares"], reply.json["points"]) == ({ALICE: 100}, 100)
    assert balances(api, ALICE, BOB, DANA) == {ALICE: (110, 100), BOB: (10, 0), DANA: (0, 0)}
    assert_audit_clean()


def test_private_kudos_is_invisible_to_outsiders(api, org, clock):
    kudos = given(api, ALICE, [BOB], 20, visibility="private", message="Thanks for covering for me")
    path = f"/v1/recognitions/{kudos['id']}"

    for outsider in (CARLOS, MAYA, GRACE):  # a colleague, the giver's manager, finance
        assert_error(api.call("GET", path, as_employee=outsider), 404, "recognition_not_found")
    before = balances(api, ALICE, BOB, CARLOS)
    assert_error(add_on(api, CARLOS, kudos["id"], 5), 404, "recognition_not_found")
    assert balances(api, ALICE, BOB, CARLOS) == before

    for insider in (ALICE, BOB, HR):
        reply = api.call("GET", path, as_employee=insider)
        assert reply.status == 200, (insider, reply.body)
        assert (reply.json["id"], reply.json["message"]) == (kudos["id"], "Thanks for covering for me")
        assert reply.json["add_ons"] == []
    assert_error(
        api.call("GET", "/v1/recognitions/rec_00000000000000000000000000", as_employee=HR),
        404,
        "recognition_not_found",
    )
    assert_audit_clean()


# --------------------------------------------------------------------------- the feed


@pytest.fixture
def kudos_feed(api, org, clock) -> dict[str, str]:
    """Five kudos a minute apart (k1 oldest); k4 is private from Dana to Alice."""
    plan = [
        ("k1", ALICE, [BOB], {"values": ["teamwork"]}),
        ("k2", BOB, [CARLOS], {"values": ["craft"]}),
        ("k3", ALICE, [CARLOS], {"values": ["teamwork", "craft"]}),
        ("k4", DANA, [ALICE], {"values": ["kindness"], "visibility": "private"}),
        ("k5", ALICE, [BOB], {"values": ["ownership"]}),
    ]
    ids = {}
    for name, giver, recipients, fields in plan:
        clock.advance(minutes=1)
        ids[name] = given(api, giver, recipients, 5, message=f"kudos {name}", **fields)["id"]
    return ids


def names(ids: dict[str, str], found: list[str]) -> list[str]:
    by_id = {rid: name for name, rid in ids.items()}
    return [by_id[rid] for rid in found]


FILTERS = [
    ("?giver=E1003", ["k5", "k3", "k1"]),
    ("?recipient=E1005", ["k3", "k2"]),
    ("?recipient=E1004", ["k5", "k1"]),
    ("?value=teamwork", ["k3", "k1"]),
    ("?value=craft", ["k3", "k2"]),
    ("?giver=E1003&recipient=E1004", ["k5", "k1"]),
    ("?giver=E1003&value=craft", ["k3"]),
    ("?recipient=E1005&value=craft", ["k3", "k2"]),
    ("?recipient=E1004&value=ownership", ["k5"]),
    ("?giver=E1004&recipient=E1005&value=craft", ["k2"]),
    ("?giver=E1004&value=teamwork", []),
    ("?giver=E1012", []),
]
PRIVATE_ONLY = [  # the private kudos k4 (Dana to Alice), for an outsider and for one who may see it
    ("?value=kindness", HR),
    ("?giver=E1006", DANA),
    ("?recipient=E1003", ALICE),
    ("?giver=E1006&recipient=E1003", HR),
]


def test_feed_newest_first_filters_private_kudos_and_cursors(api, kudos_feed):
    reply = api.call("GET", "/v1/recognitions", as_employee=ETHAN)
    assert reply.status == 200, reply.body
    assert reply.json["next_cursor"] is None
    items = reply.json["items"]
    assert names(kudos_feed, [item["id"] for item in items]) == ["k5", "k3", "k2", "k1"]
    stamps = [datetime.fromisoformat(item["created_at"]) for item in items]
    assert stamps == sorted(stamps, reverse=True)
    assert all(item["visibility"] == "public" for item in items)

    # participants (giver, recipient) and HR see the private one; finance and managers do not
    for viewer in (ALICE, DANA, HR):
        assert names(kudos_feed, feed(api, viewer)) == ["k5", "k4", "k3", "k2", "k1"], viewer
    for viewer in (GRACE, MAYA):
        assert names(kudos_feed, feed(api, viewer)) == ["k5", "k3", "k2", "k1"], viewer

    for query, expected in FILTERS:
        assert names(kudos_feed, feed(api, ETHAN, query)) == expected, query
    for query, insider in PRIVATE_ONLY:
        assert feed(api, ETHAN, query) == [], query
        assert names(kudos_feed, feed(api, insider, query)) == ["k4"], (insider, query)
    assert feed(api, BOB, "?giver=E1006") == []

    # cursor pagination, limit=2
    def page_through(viewer: str, query: str) -> tuple[list[str], int]:
        seen: list[str] = []
        cursor, pages = None, 0
        while pages < 10:
            suffix = f"&cursor={cursor}" if cursor else ""
            reply = api.call("GET", f"/v1/recognitions?limit=2{query}{suffix}", as_employee=viewer)
            assert reply.status == 200, reply.body
            assert len(reply.json["items"]) <= 2
            seen += [item["id"] for item in reply.json["items"]]
            pages += 1
            cursor = reply.json["next_cursor"]
            if cursor is None:
                break
        return names(kudos_feed, seen), pages

    assert page_through(HR, "") == (["k5", "k4", "k3", "k2", "k1"], 3)
    assert page_through(ETHAN, "")[0] == ["k5", "k3", "k2", "k1"]  # never the private one
    assert page_through(ETHAN, "&giver=E1003") == (["k5", "k3", "k1"], 2)

    by_giver = api.call("GET", "/v1/recognitions?giver=E1003&limit=1", as_employee=ETHAN).json
    cursor = by_giver["next_cursor"]
    assert cursor
    forged = [
        "/v1/recognitions?recipient=E1004&cursor=" + cursor,  # bound to the giver feed
        "/v1/recognitions?cursor=" + cursor,
        "/v1/recognitions?giver=E1004&cursor=" + cursor,
        "/v1/employees/E1003/ledger?cursor=" + cursor,  # a feed cursor on a ledger
        "/v1/recognitions?cursor=not-a-cursor",
        "/v1/recognitions?cursor=%25%25%25",
        "/v1/recognitions?cursor=" + base64.urlsafe_b64encode(b"\xff\xfe\x00garbage").decode(),
        "/v1/recognitions?cursor=" + base64.urlsafe_b64encode(b"[1, 2, 3]").decode(),
        "/v1/recognitions?cursor=" + cursor_for({"PK": {"S": "FEED#all"}, "SK": {"N": "1"}}),
        "/v1/recognitions?cursor=" + cursor_for({"PK": {"S": "EMP#E1003"}, "SK": {"S": "WALLET"}}),
    ]
    for path in forged:
        assert_error(api.call("GET", path, as_employee=HR), 400, "invalid_cursor")
    too_long = "A" * 2049
    assert_error(
        api.call("GET", f"/v1/recognitions?cursor={too_long}", as_employee=HR), 422, "invalid_request"
    )
    assert_audit_clean()


def test_a_forged_cursor_without_the_sort_key_is_invalid(api, org, clock):
    given(api, ALICE, [BOB], 5)
    forged = cursor_for({"PK": {"S": "FEED#all"}})
    reply = api.call("GET", f"/v1/recognitions?cursor={forged}", as_employee=ALICE)
    assert_error(reply, 400, "invalid_cursor")


def test_a_time_zone_change_that_moves_the_period_back_does_not_lock_givers_out(api, org, clock):
    """Alice gives in November and in December (UTC); HR then moves the organisation to Los Angeles,
    where it is still November: her next kudos rolls her allowance back to November, once."""
    assert give(api, ALICE, [BOB], 10).status == 201  # November 16
    clock.at = datetime.fromisoformat("2026-12-01T05:00:00+00:00")
    assert give(api, ALICE, [BOB], 10).status == 201  # December (UTC), a fresh allowance
    settings = api.call("GET", "/v1/settings", as_employee=HR).json
    moved = api.call(
        "PUT", "/v1/settings", as_employee=HR, body=settings | {"time_zone": "America/Los_Angeles"}
    )
    assert moved.status == 200, moved.body

    again = give(api, ALICE, [BOB], 10)
    assert again.status == 201, again.body
    assert wallet(api, ALICE)["allowance"] == {
        "period": "2026-11",
        "total": 100,
        "remaining": 90,
        "resets_at": "2026-12-01T08:00:00Z",
    }
    assert_audit_clean()


def test_feed_pages_hold_at_most_fifty_kudos(api, org, clock):
    """A page's kudos and the reader's profile are read in one BatchGetItem (at most 100 keys)."""
    assert api.call("GET", "/v1/recognitions?limit=50", as_employee=ALICE).status == 200
    assert_error(api.call("GET", "/v1/recognitions?limit=51", as_employee=ALICE), 422, "invalid_request")
