"""REST v1 bad input: every refusal is a 4xx with the error shape, and nothing is written.

`{"error": {"code", "message", "details"}}`; 400 for what cannot be parsed, 422 for what does not validate
or breaks a rule, 401/403 for who is calling. After each refusal the whole domain table is unchanged.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from api_checks import assert_audit_clean, assert_error, table_items

from plaudit.domain.settings import OrgSettings

HR = "E1001"
MAYA = "E1002"
ALICE, BOB, CARLOS, DANA = "E1003", "E1004", "E1005", "E1006"
BOT = "B0001"
A_KUDOS_ID = "rec_00000000000000000000000000"

VALID = {"recipient_ids": [BOB], "points": 10, "message": "Thanks for the review", "values": ["craft"]}


# --------------------------------------------------------------------------- helpers


def give(api, body: Any, giver: str = ALICE):
    return api.call("POST", "/v1/recognitions", as_employee=giver, body=body)


def wallets(api, *employee_ids: str) -> dict[str, dict[str, Any]]:
    found = {}
    for eid in employee_ids:
        reply = api.call("GET", f"/v1/employees/{eid}/wallet", as_employee=HR)
        assert reply.status == 200, reply.body
        found[eid] = reply.json
    return found


# --------------------------------------------------------------------------- unparseable bodies

MALFORMED = [
    b'{"recipient_ids": ["E1004"], "points": 10,',
    b"{'recipient_ids': ['E1004']}",
    b'{"recipient_ids": ["E1004"], "points": 10, "message": "hi",}',
    b"recipient_ids=E1004&points=10",
    b'{"points": 10} trailing',
    b"\x00",
]


def test_malformed_json_is_400_and_a_non_object_body_422_and_nothing_is_written(api, aws, org, clock):
    before = table_items(aws)
    routes = [
        ("POST", "/v1/recognitions", ALICE),
        ("POST", f"/v1/recognitions/{A_KUDOS_ID}/add-ons", ALICE),
        ("PUT", "/v1/employees/E1013", HR),
        ("PUT", "/v1/settings", HR),
    ]
    for method, path, caller in routes:
        for raw in MALFORMED:
            reply = api.call(method, path, as_employee=caller, raw_body=raw)
            assert_error(reply, 400, "malformed_json", (path, raw))
    # JSON that is not an object, or no body at all, does not validate
    for raw in (b"[]", b'"thanks"', b"42", b"null", b"true", b""):
        reply = api.call("POST", "/v1/recognitions", as_employee=ALICE, raw_body=raw)
        assert_error(reply, 422, "invalid_request", raw)
    assert table_items(aws) == before
    assert_audit_clean()


def test_a_body_that_is_not_utf8_is_malformed_json(api, aws):
    before = table_items(aws)
    reply = api.call("POST", "/v1/recognitions", as_employee=ALICE, raw_body=b'{"message": "\xff\xfe"}')
    assert_error(reply, 400, "malformed_json")
    assert table_items(aws) == before
    assert_audit_clean()


def test_an_unsupported_content_type_gets_the_error_shape(api, aws):
    before = table_items(aws)
    body = b'{"recipient_ids": ["E1004"], "points": 5, "message": "thanks"}'
    reply = api.call(
        "POST", "/v1/recognitions", as_employee=ALICE, raw_body=body, headers={"Content-Type": "text/plain"}
    )
    assert reply.status == 415, reply.body
    error = reply.json
    assert set(error) == {"error"}, error
    assert error["error"]["code"] == "unsupported_media_type"
    assert table_items(aws) == before
    assert_audit_clean()


# --------------------------------------------------------------------------- invalid kudos bodies

INVALID_KUDOS = {
    # wrong types
    "points as words": VALID | {"points": "ten"},
    "points fractional": VALID | {"points": 10.5},
    "points null": VALID | {"points": None},
    "recipients as a string": VALID | {"recipient_ids": "E1004"},
    "recipient as a number": VALID | {"recipient_ids": [1004]},
    "message as a number": VALID | {"message": 42},
    "message as a list": VALID | {"message": ["hi"]},
    "values as a string": VALID | {"values": "teamwork"},
    "unknown visibility": VALID | {"visibility": "secret"},
    "unknown split": VALID | {"split": "half"},
    # missing fields
    "no recipients": {k: v for k, v in VALID.items() if k != "recipient_ids"},
    "no points": {k: v for k, v in VALID.items() if k != "points"},
    "no message": {k: v for k, v in VALID.items() if k != "message"},
    "empty recipients": VALID | {"recipient_ids": []},
    # extra fields (a giver cannot be chosen, a kudos id cannot be forced)
    "giver_id": VALID | {"giver_id": MAYA},
    "id": VALID | {"id": A_KUDOS_ID},
    "shares": VALID | {"shares": {BOB: 100}},
    # sizes and ranges
    "21 recipients": VALID | {"recipient_ids": [f"E{2000 + n}" for n in range(21)]},
    "duplicate recipients": VALID | {"recipient_ids": [BOB, CARLOS, BOB]},
    "message over 1000": VALID | {"message": "x" * 1001},
    "empty message": VALID | {"message": ""},
    "blank message": VALID | {"message": "   \n\t "},
    "zero points": VALID | {"points": 0},
    "negative points": VALID | {"points": -5},
    "absurd points": VALID | {"points": 10**12},
    "six values": VALID | {"values": ["teamwork", "craft", "ownership", "kindness", "customer-first", "x"]},
    "value not a slug": VALID | {"values": ["team work!"]},
    "recipient id not an id": VALID | {"recipient_ids": ["../E1004"]},
}


def test_invalid_kudos_bodies_are_422_and_write_nothing_but_valid_edges_pass(api, aws, org, clock):
    before = table_items(aws)
    for name, body in INVALID_KUDOS.items():
        details = assert_error(give(api, body), 422, "invalid_request", name)
        assert details["errors"], name
        assert all(error["field"].startswith("body") for error in details["errors"]), (name, details)
    assert table_items(aws) == before
    assert_audit_clean()

    # the edges that are valid are accepted
    # the longest message and the most values; values are normalised (#, case) and de-duplicated
    body = VALID | {
        "message": "x" * 1000,
        "values": ["teamwork", "craft", "ownership", "kindness", "#Customer-First"],
    }
    reply = give(api, body)
    assert reply.status == 201, reply.body
    assert reply.json["values"] == ["teamwork", "craft", "ownership", "kindness", "customer-first"]
    # a JSON body with a charset
    raw = b'{"recipient_ids": ["E1004"], "points": 5, "message": "Merci \xc3\xa0 toi"}'
    charset = {"Content-Type": "application/json; charset=utf-8"}
    reply = api.call("POST", "/v1/recognitions", as_employee=ALICE, raw_body=raw, headers=charset)
    assert reply.status == 201, reply.body
    assert reply.json["message"] == "Merci \u00e0 toi"
    # people are found by their email, whatever its case
    token = {"sub": "c0ffee00-1111-4222-8333-444455556666", "email": "Alice@Plaudit.Example"}
    reply = api.call("POST", "/v1/recognitions", claims=token, body=VALID | {"points": 1})
    assert reply.status == 201, reply.body
    assert reply.json["giver_id"] == ALICE
    assert wallets(api, ALICE)[ALICE]["allowance"]["remaining"] == 100 - 10 - 5 - 1
    assert_audit_clean()


# --------------------------------------------------------------------------- rules


def test_kudos_breaking_a_rule_are_422_and_write_nothing(api, aws, org, clock):
    carlos = api.call("GET", f"/v1/employees/{CARLOS}", as_employee=HR).json
    left = api.call("PUT", f"/v1/employees/{CARLOS}", as_employee=HR, body=carlos | {"status": "deactivated"})
    assert left.status == 200, left.body
    before = table_items(aws)

    details = assert_error(give(api, VALID | {"values": ["craft", "synergy"]}), 422, "unknown_value")
    assert details["unknown"] == ["synergy"]
    assert details["allowed"] == ["craft", "customer-first", "kindness", "ownership", "teamwork"]
    details = assert_error(give(api, VALID | {"recipient_ids": [BOB, "E9999"]}), 422, "unknown_recipient")
    assert details["ids"] == ["E9999"]
    assert_error(give(api, VALID | {"recipient_ids": [ALICE]}), 422, "self_recognition")
    assert_error(give(api, VALID | {"recipient_ids": [BOB, ALICE]}), 422, "self_recognition")
    details = assert_error(give(api, VALID | {"recipient_ids": [BOT]}), 422, "recipient_is_bot")
    assert details["id"] == BOT
    details = assert_error(give(api, VALID | {"recipient_ids": [BOB, CARLOS]}), 422, "recipient_inactive")
    assert details["id"] == CARLOS
    details = assert_error(give(api, VALID | {"points": 101}), 422, "points_out_of_range")
    assert (details["min"], details["max"]) == (1, 100)
    details = assert_error(
        give(api, VALID | {"recipient_ids": [BOB, DANA, "E1007"], "points": 2, "split": "split"}),
        422,
        "points_out_of_range",
    )
    assert details["shares"] == {BOB: 1, DANA: 1, "E1007": 0}  # a split may not leave anyone with 0
    # a deactivated giver
    assert_error(give(api, VALID | {"recipient_ids": [BOB]}, giver=CARLOS), 403, "giver_deactivated")

    assert table_items(aws) == before
    assert_audit_clean()


def test_allowance_exceeded_is_422_with_what_is_left_and_when_it_resets(api, aws, org, clock):
    assert give(api, VALID | {"recipient_ids": [BOB], "points": 60}).status == 201
    assert give(api, VALID | {"recipient_ids": [CARLOS], "points": 30}).status == 201
    before = table_items(aws)
    wallets_before = wallets(api, ALICE, BOB, CARLOS, DANA)

    details = assert_error(
        give(api, VALID | {"recipient_ids": [DANA], "points": 11}), 422, "insufficient_allowance"
    )
    assert datetime.fromisoformat(details.pop("resets_at")) == datetime(2026, 12, 1, tzinfo=UTC)
    assert details == {"needed": 11, "remaining": 10, "period": "2026-11"}
    details = assert_error(
        give(api, VALID | {"recipient_ids": [DANA, "E1007"], "points": 6}), 422, "insufficient_allowance"
    )
    assert (details["needed"], details["remaining"]) == (12, 10)

    assert table_items(aws) == before
    assert wallets(api, ALICE, BOB, CARLOS, DANA) == wallets_before
    assert wallets_before[ALICE]["allowance"]["remaining"] == 10
    # what is left can still be given
    assert give(api, VALID | {"recipient_ids": [DANA], "points": 10}).status == 201
    assert wallets(api, ALICE)[ALICE]["allowance"]["remaining"] == 0
    assert_audit_clean()


def test_recipient_cap_exceeded_is_422_and_writes_nothing(api, aws, org, clock):
    assert give(api, VALID | {"recipient_ids": [ALICE], "points": 60}, giver=MAYA).status == 201
    before = table_items(aws)

    details = assert_error(
        give(api, VALID | {"recipient_ids": [BOB, ALICE], "points": 50}, giver=MAYA),
        422,
        "recipient_cap_exceeded",
    )
    assert details == {"recipient": ALICE, "cap": 100, "given": 60, "period": "2026-11"}
    assert table_items(aws) == before
    assert_audit_clean()

    # up to the cap is fine; the cap counts per period
    assert give(api, VALID | {"recipient_ids": [ALICE], "points": 40}, giver=MAYA).status == 201
    assert_error(
        give(api, VALID | {"recipient_ids": [ALICE], "points": 1}, giver=MAYA), 422, "recipient_cap_exceeded"
    )
    clock.advance(days=15)  # December
    assert give(api, VALID | {"recipient_ids": [ALICE], "points": 100}, giver=MAYA).status == 201
    assert wallets(api, ALICE)[ALICE]["points"] == 200
    assert_audit_clean()


# --------------------------------------------------------------------------- paths and queries

INVALID_EMPLOYEES = {
    "bad email": {"email": "not-an-email", "name": "Kim Park"},
    "no name": {"email": "kim@plaudit.example"},
    "empty name": {"email": "kim@plaudit.example", "name": " "},
    "unknown time zone": {"email": "kim@plaudit.example", "name": "Kim Park", "time_zone": "Mars/Olympus"},
    "impossible birthday": {"email": "kim@plaudit.example", "name": "Kim Park", "birthday": "02-30"},
    "birthday with year": {"email": "kim@plaudit.example", "name": "Kim Park", "birthday": "1990-02-01"},
    "country not ISO": {"email": "kim@plaudit.example", "name": "Kim Park", "country": "Korea"},
    "unknown role": {"email": "kim@plaudit.example", "name": "Kim Park", "roles": ["superuser"]},
    "unknown status": {"email": "kim@plaudit.example", "name": "Kim Park", "status": "fired"},
    "extra field": {"email": "kim@plaudit.example", "name": "Kim Park", "salary": 1},
    "bad start date": {"email": "kim@plaudit.example", "name": "Kim Park", "start_date": "yesterday"},
}


def test_bad_path_query_and_directory_parameters_are_422_and_write_nothing(api, aws, org, clock):
    before = table_items(aws)
    bad = [
        ("GET", "/v1/recognitions/rec_123"),
        ("GET", "/v1/recognitions/rec_0000000000000000000000000a"),
        ("GET", "/v1/recognitions/E1003"),
        ("POST", "/v1/recognitions/not-a-kudos/add-ons"),
        ("GET", "/v1/employees/-E1003/wallet"),
        ("GET", "/v1/employees/E1003$/ledger"),
        ("GET", f"/v1/employees/{'E' * 65}/wallet"),
        ("GET", "/v1/employees/E 1003"),
        ("PUT", "/v1/employees/.hidden"),
        ("GET", "/v1/employees/E1003/ledger?limit=0"),
        ("GET", "/v1/employees/E1003/ledger?limit=101"),
        ("GET", "/v1/employees/E1003/ledger?limit=ten"),
        ("GET", "/v1/recognitions?limit=-1"),
        ("GET", "/v1/recognitions?giver=bad%20id"),
        ("GET", "/v1/recognitions?recipient=%2FE1004"),
        ("GET", f"/v1/recognitions?value={'v' * 33}"),
        ("GET", "/v1/employees?limit=1000"),
    ]
    for method, path in bad:
        body = {"points": 5} if "add-ons" in path else ({"name": "X"} if method == "PUT" else None)
        details = assert_error(
            api.call(method, path, as_employee=HR, body=body), 422, "invalid_request", path
        )
        assert details["errors"], path
    # and invalid directory entries
    for name, body in INVALID_EMPLOYEES.items():
        reply = api.call("PUT", "/v1/employees/E1013", as_employee=HR, body=body)
        assert_error(reply, 422, "invalid_request", name)
    mismatch = {"id": "E1014", "email": "kim@plaudit.example", "name": "Kim Park"}
    details = assert_error(api.call("PUT", "/v1/employees/E1013", body=mismatch), 422, "id_mismatch")
    assert details == {}
    assert table_items(aws) == before
    assert_error(api.call("GET", "/v1/employees/E1013", as_employee=HR), 404, "employee_not_found")


# --------------------------------------------------------------------------- who is calling

STRANGER = {
    "sub": "0f8e2b7c-5d4a-4e1f-9c3b-2a1d0e9f8c7b",
    "email": "mallory@elsewhere.example",
    "iss": "http://127.0.0.1/plaudit-local",
    "aud": "plaudit-local",
}


def test_no_claims_is_401_and_an_unknown_email_is_403_not_in_directory(api, aws, org, clock):
    before = table_items(aws)
    routes = [
        ("POST", "/v1/recognitions", VALID),
        ("GET", "/v1/recognitions", None),
        ("GET", f"/v1/recognitions/{A_KUDOS_ID}", None),
        ("POST", f"/v1/recognitions/{A_KUDOS_ID}/add-ons", {"points": 5}),
        ("GET", "/v1/employees/E1003/wallet", None),
        ("GET", "/v1/employees/E1003/ledger", None),
        ("GET", "/v1/employees", None),
        ("GET", "/v1/employees/E1003", None),
        ("PUT", "/v1/employees/E1003", {"email": "a@plaudit.example", "name": "A"}),
        ("GET", "/v1/settings", None),
        ("PUT", "/v1/settings", OrgSettings().model_dump(mode="json")),
        ("PATCH", "/v1/settings", {}),
    ]
    for method, path, body in routes:
        assert_error(api.call(method, path, as_employee=None, body=body), 401, "unauthenticated", path)
        # claims without a subject are no better
        no_sub = {"iss": "http://127.0.0.1/plaudit-local", "email": "alice@plaudit.example"}
        assert_error(api.call(method, path, claims=no_sub, body=body), 401, "unauthenticated", path)
    assert table_items(aws) == before
    assert_audit_clean()

    # a valid token, but its email is nobody in the directory
    kudos = give(api, VALID)
    assert kudos.status == 201
    before = table_items(aws)
    routes = [
        ("POST", "/v1/recognitions", VALID),
        ("GET", "/v1/recognitions", None),
        ("GET", f"/v1/recognitions/{kudos.json['id']}", None),
        ("POST", f"/v1/recognitions/{kudos.json['id']}/add-ons", {"points": 5}),
        ("GET", f"/v1/employees/{BOB}", None),
    ]
    for method, path, body in routes:
        assert_error(api.call(method, path, claims=STRANGER, body=body), 403, "not_in_directory", path)
    # a sub that looks like an employee id does not help when the email is unknown
    spoof = STRANGER | {"sub": ALICE}
    assert_error(api.call("POST", "/v1/recognitions", claims=spoof, body=VALID), 403, "not_in_directory")
    # neither do roles: this still is nobody who can give kudos
    assert_error(
        api.call("POST", "/v1/recognitions", claims=STRANGER | {"cognito:groups": ["hr_admin"]}, body=VALID),
        403,
        "not_in_directory",
    )
    for method, path in (
        ("GET", f"/v1/employees/{BOB}/wallet"),
        ("GET", f"/v1/employees/{BOB}/ledger"),
        ("GET", "/v1/employees"),
        ("GET", "/v1/settings"),
    ):
        reply = api.call(method, path, claims=STRANGER)
        assert reply.status == 403, (path, reply.body)
    assert table_items(aws) == before
    assert_audit_clean()


def test_a_stranger_reading_a_wallet_is_told_they_are_not_in_the_directory(api, org, clock):
    for path in (f"/v1/employees/{BOB}/wallet", f"/v1/employees/{BOB}/ledger"):
        assert_error(api.call("GET", path, claims=STRANGER), 403, "not_in_directory", path)


def test_a_path_or_method_no_route_matches_gets_the_plaudit_404_from_the_default_route(api, aws):
    before = table_items(aws)
    for method, path in (
        ("GET", "/v1/nowhere"),
        ("DELETE", "/v1/recognitions"),  # a known path, but no DELETE route
        ("TRACE", "/v1/settings"),
        ("POST", "/"),
    ):
        for caller in (ALICE, None):
            reply = api.call(method, path, as_employee=caller, raw_body=b"{}")
            assert_error(reply, 404, "route_not_found", (method, path, caller))
    assert table_items(aws) == before
