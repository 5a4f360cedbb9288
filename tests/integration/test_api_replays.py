"""REST v1 retries: an Idempotency-Key makes a retried kudos or add-on move points exactly once.

A replay answers with the first response (same status, byte-identical body, `Idempotent-Replayed: true`);
the same key with a different body is refused and writes nothing.
"""

from __future__ import annotations

from typing import Any

from api_checks import assert_audit_clean, assert_error, table_items

HR = "E1001"
MAYA = "E1002"
ALICE, BOB, CARLOS, DANA, ETHAN = "E1003", "E1004", "E1005", "E1006", "E1007"

KUDOS = {
    "recipient_ids": [BOB, CARLOS],
    "points": 15,
    "message": "Thanks for shipping the release on a Friday without drama",
    "values": ["teamwork", "ownership"],
}


# --------------------------------------------------------------------------- helpers


def give(api, giver: str, body: dict[str, Any], key: str | None = None):
    headers = {"Idempotency-Key": key} if key is not None else None
    return api.call("POST", "/v1/recognitions", as_employee=giver, body=body, headers=headers)


def add_on(api, adder: str, recognition_id: str, body: dict[str, Any], key: str | None = None):
    headers = {"Idempotency-Key": key} if key is not None else None
    return api.call(
        "POST", f"/v1/recognitions/{recognition_id}/add-ons", as_employee=adder, body=body, headers=headers
    )


def balances(api, *employee_ids: str) -> dict[str, tuple[int, int]]:
    """(points, allowance remaining) per person, read through the API."""
    found = {}
    for eid in employee_ids:
        reply = api.call("GET", f"/v1/employees/{eid}/wallet", as_employee=HR)
        assert reply.status == 200, reply.body
        found[eid] = (reply.json["points"], reply.json["allowance"]["remaining"])
    return found


def ledger_kinds(api, employee_id: str) -> list[tuple[str, int]]:
    reply = api.call("GET", f"/v1/employees/{employee_id}/ledger", as_employee=HR)
    assert reply.status == 200, reply.body
    return [(line["kind"], line["amount"]) for line in reply.json["items"]]


# --------------------------------------------------------------------------- kudos


def test_same_key_and_body_replays_the_first_response_and_moves_points_once(api, org, clock):
    first = give(api, ALICE, KUDOS, key="slack-cmd-7f1d2c")
    assert first.status == 201, first.body
    assert "idempotent-replayed" not in first.headers
    after_first = balances(api, ALICE, BOB, CARLOS)
    assert after_first == {ALICE: (0, 70), BOB: (15, 100), CARLOS: (15, 100)}

    clock.advance(minutes=2)  # a client retrying a little later
    for _ in range(2):
        again = give(api, ALICE, KUDOS, key="slack-cmd-7f1d2c")
        assert again.status == 201, again.body
        assert again.body == first.body  # byte for byte, created_at included
        assert again.headers["idempotent-replayed"] == "true"
        assert again.headers["content-type"] == "application/json"

    assert balances(api, ALICE, BOB, CARLOS) == after_first
    assert ledger_kinds(api, ALICE) == [("kudos", -30), ("allowance_rollover", 100)]
    assert ledger_kinds(api, BOB) == [("kudos", 15)]
    feed = api.call("GET", f"/v1/recognitions?giver={ALICE}", as_employee=DANA)
    assert [item["id"] for item in feed.json["items"]] == [first.json["id"]]

    # without a key, the same body is a new kudos
    assert give(api, ALICE, KUDOS).json["id"] != first.json["id"]
    assert balances(api, ALICE) == {ALICE: (0, 40)}
    assert_audit_clean()


def test_same_key_with_a_different_body_is_refused_and_writes_nothing(api, aws, org, clock):
    first = give(api, ALICE, KUDOS, key="retry-42")
    assert first.status == 201, first.body
    before = table_items(aws)

    variants = [
        KUDOS | {"points": 16},
        KUDOS | {"recipient_ids": [CARLOS, BOB]},
        KUDOS | {"recipient_ids": [BOB]},
        KUDOS | {"message": "Something else"},
        KUDOS | {"visibility": "private"},
        KUDOS | {"split": "split"},
    ]
    for body in variants:
        reply = give(api, ALICE, body, key="retry-42")
        assert_error(reply, 409, "idempotency_key_reused")
        assert "idempotent-replayed" not in reply.headers

    assert table_items(aws) == before
    assert balances(api, ALICE, BOB, CARLOS) == {ALICE: (0, 70), BOB: (15, 100), CARLOS: (15, 100)}
    # the original request still replays
    assert give(api, ALICE, KUDOS, key="retry-42").body == first.body
    assert_audit_clean()


def test_the_same_key_from_two_givers_is_independent(api, org, clock):
    alice = give(api, ALICE, KUDOS, key="kudos-1")
    maya = give(api, MAYA, KUDOS | {"points": 40}, key="kudos-1")
    assert alice.status == 201, alice.body
    assert maya.status == 201, maya.body
    assert "idempotent-replayed" not in maya.headers
    assert alice.json["id"] != maya.json["id"]
    assert (alice.json["giver_id"], maya.json["giver_id"]) == (ALICE, MAYA)

    assert balances(api, ALICE, MAYA, BOB, CARLOS) == {
        ALICE: (0, 70),
        MAYA: (0, 120),
        BOB: (55, 100),
        CARLOS: (55, 100),
    }
    # each replays their own
    assert give(api, MAYA, KUDOS | {"points": 40}, key="kudos-1").body == maya.body
    assert give(api, ALICE, KUDOS, key="kudos-1").body == alice.body
    assert balances(api, BOB) == {BOB: (55, 100)}
    assert_audit_clean()


def test_a_replay_after_the_allowance_ran_out_still_returns_the_first_response(api, org, clock):
    body = {"recipient_ids": [BOB], "points": 100, "message": "For carrying the on-call week"}
    first = give(api, ALICE, body, key="all-in")
    assert first.status == 201, first.body
    details = assert_error(
        give(api, ALICE, {"recipient_ids": [CARLOS], "points": 1, "message": "hi"}),
        422,
        "insufficient_allowance",
    )
    assert details["remaining"] == 0

    replay = give(api, ALICE, body, key="all-in")
    assert (replay.status, replay.body) == (201, first.body)
    assert replay.headers["idempotent-replayed"] == "true"

    # even in the next period, with a fresh allowance, the replay moves nothing
    clock.advance(days=20)
    replay = give(api, ALICE, body, key="all-in")
    assert (replay.status, replay.body) == (201, first.body)
    assert balances(api, ALICE, BOB) == {ALICE: (0, 100), BOB: (100, 100)}
    assert ledger_kinds(api, ALICE) == [("kudos", -100), ("allowance_rollover", 100)]
    assert_audit_clean()


def test_a_refused_request_does_not_use_up_its_key_and_the_longest_key_works(api, org, clock):
    key = "~" + "A" * 126 + "!"  # 128 visible ASCII characters: the longest valid key
    wrong = give(api, ALICE, KUDOS | {"values": ["synergy"]}, key=key)
    assert_error(wrong, 422, "unknown_value")
    fixed = give(api, ALICE, KUDOS, key=key)
    assert fixed.status == 201, fixed.body
    assert "idempotent-replayed" not in fixed.headers
    replay = give(api, ALICE, KUDOS, key=key)
    assert (replay.status, replay.body) == (201, fixed.body)
    assert balances(api, ALICE) == {ALICE: (0, 70)}
    assert_audit_clean()


# --------------------------------------------------------------------------- add-ons


def test_add_on_replay_with_the_same_key_returns_the_same_add_on(api, aws, org, clock):
    kudos = give(api, ALICE, KUDOS).json
    body = {"points": 10, "message": "Seconded!"}
    first = add_on(api, DANA, kudos["id"], body, key="addon-abc")
    assert first.status == 201, first.body
    assert "idempotent-replayed" not in first.headers
    after = balances(api, DANA, BOB, CARLOS)
    assert after == {DANA: (0, 80), BOB: (25, 100), CARLOS: (25, 100)}

    clock.advance(minutes=1)
    replay = add_on(api, DANA, kudos["id"], body, key="addon-abc")
    assert (replay.status, replay.body) == (201, first.body)
    assert replay.headers["idempotent-replayed"] == "true"

    before = table_items(aws)
    # a different body under the same key, or the same body without it, is a second add-on: refused
    assert_error(
        add_on(api, DANA, kudos["id"], {"points": 11}, key="addon-abc"), 409, "idempotency_key_reused"
    )
    assert_error(add_on(api, DANA, kudos["id"], body), 409, "already_added_on")
    assert_error(add_on(api, DANA, kudos["id"], body, key="addon-other"), 409, "already_added_on")
    assert table_items(aws) == before

    # the same key from someone else is their own add-on
    other = add_on(api, ETHAN, kudos["id"], body, key="addon-abc")
    assert other.status == 201, other.body
    assert "idempotent-replayed" not in other.headers
    assert other.json["adder_id"] == ETHAN

    detail = api.call("GET", f"/v1/recognitions/{kudos['id']}", as_employee=DANA).json
    assert (detail["add_on_count"], detail["add_on_points"]) == (2, 40)
    assert balances(api, DANA, ETHAN, BOB, CARLOS) == {
        DANA: (0, 80),
        ETHAN: (0, 80),
        BOB: (35, 100),
        CARLOS: (35, 100),
    }
    assert ledger_kinds(api, DANA) == [("add_on", -20), ("allowance_rollover", 100)]
    assert_audit_clean()


# --------------------------------------------------------------------------- invalid keys


INVALID_KEYS = {
    "129 characters": "k" * 129,
    "empty": "",
    "space": "two words",
    "tab": "tab\there",
    "control character": "bell\x07",
    "DEL": "del\x7f",
    "non-ASCII": "caf\u00e9",
}


def test_an_invalid_idempotency_key_is_400_and_writes_nothing(api, aws, org, clock):
    before = table_items(aws)
    for name, key in INVALID_KEYS.items():
        reply = give(api, ALICE, KUDOS, key=key)
        assert reply.status == 400, (name, reply.body)
        assert_error(reply, 400, "invalid_idempotency_key")
        # checked before the kudos is even looked up
        reply = add_on(api, DANA, "rec_00000000000000000000000000", {"points": 5}, key=key)
        assert reply.status == 400, (name, reply.body)
        assert_error(reply, 400, "invalid_idempotency_key")
    assert table_items(aws) == before


def test_a_key_with_a_trailing_newline_is_invalid(api, aws, org, clock):
    before = table_items(aws)
    assert_error(give(api, ALICE, KUDOS, key="abc\n"), 400, "invalid_idempotency_key")
    assert table_items(aws) == before
