"""REST v1 authorization: who may read whose wallet, ledger and record, and who may change the directory
and the settings.

People are identified by the authorizer's claims: a Cognito access token's `sub` linked to them (the
seed links the demo people's), or, from an external issuer, a verified email or a `sub` that is their
employee id. Roles come from the directory and from the token's `cognito:groups` (passed by HTTP API as
the string "[hr_admin]"); integration clients (client credentials) hold scopes (`plaudit/hris`).
Linking a subject on the first sign-in: test_sign_in.py.
"""

from __future__ import annotations

import os
from typing import Any

from api_checks import assert_audit_clean, assert_error, table_items

from plaudit.store.client import use_client
from plaudit_dev import cli
from plaudit_dev.jwt_local import access_claims, client_claims, dev_subject

HANA = "E1001"  # hr_admin, manager of E1009-E1012
MAYA = "E1002"  # manager of E1003-E1008
ALICE, BOB = "E1003", "E1004"
GRACE = "E1009"  # finance, reports to Hana
HUGO, IRIS = "E1010", "E1011"  # report to Hana
BOT = "B0001"

ISS = {"iss": "https://idp.plaudit.example/", "aud": "plaudit-api"}  # an external issuer's ID token
HRIS = client_claims("5mtl0ef6l1q9c0hris7client", scopes=["plaudit/hris"])
HRIS_SCOPES = ["plaudit/hris"]
CARD_FIELDS = {"id", "name", "department", "slack_user_id", "status"}
NEW_HIRE = {
    "email": "kim@plaudit.example",
    "name": "Kim Park",
    "manager_id": MAYA,
    "department": "Engineering",
    "country": "KR",
    "time_zone": "Asia/Seoul",
    "start_date": "2026-11-16",
    "birthday": "03-03",
}


# --------------------------------------------------------------------------- helpers


def as_person(employee_id: str, **claims: Any) -> dict[str, Any]:
    """The claims of a seeded person's Cognito access token (their subject is linked), `claims` added."""
    return access_claims(dev_subject(employee_id)) | claims


def hris(api, method: str, path: str, body: Any = None, scopes: list[str] | None = HRIS_SCOPES):
    """A call from the HRIS integration: a client-credentials token (no email, sub = client id)."""
    return api.call(method, path, claims=HRIS, scopes=scopes, body=body)


def record(api, employee_id: str, by: str = HANA) -> dict[str, Any]:
    reply = api.call("GET", f"/v1/employees/{employee_id}", as_employee=by)
    assert reply.status == 200, reply.body
    return reply.json


def put(api, employee_id: str, body: dict[str, Any], as_employee: str | None = HANA, **kwargs: Any):
    return api.call("PUT", f"/v1/employees/{employee_id}", as_employee=as_employee, body=body, **kwargs)


def editable(employee: dict[str, Any]) -> dict[str, Any]:
    """A full record as PUT takes it back."""
    return {k: v for k, v in employee.items() if k != "id"}


# --------------------------------------------------------------------------- wallets and ledgers


WALLET_ACCESS = [
    # caller, whose, allowed
    (ALICE, ALICE, True),
    (ALICE, BOB, False),  # a colleague
    (ALICE, MAYA, False),  # one's own manager
    (MAYA, ALICE, True),  # a direct report
    (MAYA, BOB, True),
    (MAYA, GRACE, False),  # not her report
    (MAYA, HANA, False),
    (HANA, ALICE, True),  # HR reads everyone
    (HANA, BOT, True),
    (GRACE, ALICE, True),  # finance reads everyone
    (GRACE, MAYA, True),
    (HUGO, GRACE, False),  # a peer in HR's own team is just a colleague
]


def test_wallets_and_ledgers_are_for_oneself_one_s_manager_hr_and_finance(api, org, clock):
    kudos = api.call(
        "POST",
        "/v1/recognitions",
        as_employee=MAYA,
        body={"recipient_ids": [ALICE, GRACE], "points": 25, "message": "Great quarter-end close"},
    )
    assert kudos.status == 201, kudos.body

    for caller, whose, allowed in WALLET_ACCESS:
        for what in ("wallet", "ledger"):
            reply = api.call("GET", f"/v1/employees/{whose}/{what}", as_employee=caller)
            if allowed:
                assert reply.status == 200, (caller, whose, what, reply.body)
            else:
                assert_error(reply, 403, "forbidden", (caller, whose, what))
                assert b"points" not in reply.body
                assert b"amount" not in reply.body

    assert api.call("GET", f"/v1/employees/{ALICE}/wallet", as_employee=MAYA).json["points"] == 25
    assert [
        line["amount"]
        for line in api.call("GET", f"/v1/employees/{GRACE}/ledger", as_employee=GRACE).json["items"]
    ] == [25]

    # integration clients hold no person's wallet
    for what in ("wallet", "ledger"):
        assert_error(hris(api, "GET", f"/v1/employees/{ALICE}/{what}"), 403, "forbidden", what)
    # roles asserted by the identity provider count: a finance role in the token
    bob_finance = as_person(BOB, **{"cognito:groups": ["finance"]})
    assert api.call("GET", f"/v1/employees/{ALICE}/wallet", claims=bob_finance).status == 200
    assert api.call("GET", f"/v1/employees/{ALICE}/ledger", claims=bob_finance).status == 200
    # someone who does not exist
    assert_error(api.call("GET", "/v1/employees/E9999/wallet", as_employee=HANA), 404, "employee_not_found")
    assert_error(api.call("GET", "/v1/employees/E9999/ledger", as_employee=GRACE), 404, "employee_not_found")
    assert_audit_clean()


# --------------------------------------------------------------------------- the directory


def test_listing_the_directory_is_for_hr_admins_and_hris_clients(api, org, clock):
    reply = api.call("GET", "/v1/employees", as_employee=HANA)
    assert reply.status == 200, reply.body
    people = reply.json["items"]
    assert len(people) == 13
    assert [p["name"] for p in people] == sorted((p["name"] for p in people), key=str.casefold)
    assert {"email", "birthday", "roles"} <= set(people[0])

    for scopes in (["plaudit/hris"], ["openid", "https://api.plaudit.example/hris"]):
        reply = hris(api, "GET", "/v1/employees", scopes=scopes)
        assert reply.status == 200, (scopes, reply.body)
        assert len(reply.json["items"]) == 13

    # people without the role, and clients without the scope
    for caller in (ALICE, MAYA, GRACE):
        assert_error(api.call("GET", "/v1/employees", as_employee=caller), 403, "forbidden", caller)
    for scopes in (None, [], ["plaudit/read"], ["plaudit/hris.read"]):
        assert_error(hris(api, "GET", "/v1/employees", scopes=scopes), 403, "forbidden", scopes)

    # HR roles of the token's Cognito groups are honoured, in the forms HTTP API passes them
    for groups in (["hr_admin"], ["employee", "hr_admin"], '["hr_admin"]', "hr_admin"):
        claims = as_person(ALICE, **{"cognito:groups": groups})  # a list becomes "[employee hr_admin]"
        reply = api.call("GET", "/v1/employees", claims=claims)
        assert reply.status == 200, (claims, reply.body)
    # ... but not unknown ones
    groups = {"cognito:groups": ["hr"]}
    assert_error(api.call("GET", "/v1/employees", claims=as_person(ALICE, **groups)), 403, "forbidden")
    # ... and never roles from a claim a user can write (a Cognito user sets their own custom:roles)
    for claim in ("roles", "custom:roles"):
        for value in (["hr_admin"], "hr_admin", '["hr_admin", "admin"]'):
            claims = as_person(ALICE, **{claim: value})
            assert_error(api.call("GET", "/v1/employees", claims=claims), 403, "forbidden", claims)
            assert_error(api.call("GET", "/v1/settings", claims=claims), 403, "forbidden", claims)

    # paging
    seen, cursor = [], None
    for _ in range(5):
        query = "?limit=5" + (f"&cursor={cursor}" if cursor else "")
        page = api.call("GET", f"/v1/employees{query}", as_employee=HANA).json
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [p["id"] for p in people]


def test_anyone_in_the_directory_reads_colleagues_names_and_departments_only(api, org):
    reply = api.call("GET", f"/v1/people?ids={BOB},{HANA},NOBODY,{BOB}", as_employee=ALICE)
    assert reply.status == 200, reply.body
    items = reply.json["items"]
    assert [person["id"] for person in items] == [BOB, HANA]  # in the order asked, unknown left out, once
    assert all(set(person) == {"id", "name", "department"} for person in items)
    assert items[0]["name"] == record(api, BOB)["name"]
    assert b"@" not in reply.body

    assert api.call("GET", f"/v1/people?ids={ALICE}", claims=HRIS, scopes=HRIS_SCOPES).status == 403
    assert_error(api.call("GET", "/v1/people", as_employee=ALICE), 400, "invalid_request")  # ids or q
    too_many = ",".join(f"E{n}" for n in range(51))
    assert_error(api.call("GET", f"/v1/people?ids={too_many}", as_employee=ALICE), 422, "invalid_request")
    assert_error(api.call("GET", "/v1/people?ids=E1,<b>", as_employee=ALICE), 422, "invalid_request")


class RecordingClient:
    """The DynamoDB client, recording each call's name and the most items it may read (Limit)."""

    def __init__(self, client: Any) -> None:
        self.client, self.calls = client, []

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.client, name)

        def recorded(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((name, kwargs.get("Limit")))
            return method(*args, **kwargs)

        return recorded


def test_the_kudos_picker_finds_active_colleagues_by_any_word_of_their_name(api, aws, org):
    def found(query: str, as_employee: str = ALICE) -> list[str]:
        reply = api.call("GET", f"/v1/people?{query}", as_employee=as_employee)
        assert reply.status == 200, reply.body
        assert all(set(person) == {"id", "name", "department"} for person in reply.json["items"])
        return [person["name"] for person in reply.json["items"]]

    carla = editable(record(api, BOB)) | {"name": "Carla Rossi", "email": "carla@example.com"}
    carla.pop("slack_user_id", None)
    assert put(api, "E2001", carla).status == 201
    assert found("q=ca") == ["Carla Rossi", "Carlos Ruiz"]  # any case, in name order
    assert found("q=CARLOS%20R") == ["Carlos Ruiz"]
    assert found("q=ca&limit=1") == ["Carla Rossi"]
    assert found("q=ros") == ["Carla Rossi"]  # a last name
    assert found("q=ruiz%20car") == ["Carlos Ruiz"]  # words in any order
    assert found("q=rossi%20ruiz") == []  # every word typed must start a word of the name
    assert found("q=zz") == []
    assert found("q=ca", as_employee=HANA) == ["Carla Rossi", "Carlos Ruiz"]

    zoe = carla | {"name": "Zoë Jean-Luc O'Brien", "email": "zoe@example.com", "department": "Design"}
    assert put(api, "E2002", zoe).status == 201
    for typed in ("zoe", "ZOË", "luc", "jean-l", "brien", "o'b"):
        assert found(f"q={typed}") == ["Zoë Jean-Luc O'Brien"], typed
    renamed = editable(record(api, "E2002")) | {"name": "Zoë Martin", "department": "Platform"}
    assert put(api, "E2002", renamed).status == 200
    assert found("q=brien") == []  # a new name moves the entries, and the card with them
    assert api.call("GET", "/v1/people?q=zoe%20mar", as_employee=ALICE).json["items"] == [
        {"id": "E2002", "name": "Zoë Martin", "department": "Platform"}
    ]

    bob = editable(record(api, BOB)) | {"status": "deactivated"}
    assert hris(api, "PUT", f"/v1/employees/{BOB}", bob).status == 200
    assert found("q=bo") == []  # people who left are not offered
    assert BOB not in {whose for _, _, whose in word_entries(aws)}

    recording = RecordingClient(aws)  # the caller, then one query reading at most a page of the word entries
    use_client(recording)
    try:
        assert found("q=ca&limit=20") == ["Carla Rossi", "Carlos Ruiz"]
    finally:
        use_client(aws)
    assert [name for name, _ in recording.calls] == ["batch_get_item", "query"]
    assert recording.calls[1][1] == 100

    assert api.call("GET", "/v1/people?q=ca", claims=HRIS, scopes=HRIS_SCOPES).status == 403
    for bad in ("q=c", "q=%20%20", f"q={'a' * 61}", "q=ca&limit=0", "q=ca&limit=21"):
        assert_error(api.call("GET", f"/v1/people?{bad}", as_employee=ALICE), 422, "invalid_request")
    both = api.call("GET", f"/v1/people?ids={BOB}&q=bo", as_employee=ALICE)
    assert_error(both, 400, "invalid_request")
    assert "not both" in both.json["error"]["message"]


def test_an_upgraded_organisation_files_its_people_for_the_picker_once(api, aws, org, capsys):
    words = word_entries(aws)
    assert words
    for pk, sk, _ in words:  # saved before the picker found people by any word of their name
        aws.delete_item(TableName=os.environ["TABLE_NAME"], Key={"PK": {"S": pk}, "SK": {"S": sk}})
    assert api.call("GET", "/v1/people?q=ruiz", as_employee=ALICE).json["items"] == []

    assert cli.main(["directory", "reindex", "--table", os.environ["TABLE_NAME"]]) == 0
    assert "people filed" in capsys.readouterr().out
    assert [p["name"] for p in api.call("GET", "/v1/people?q=ruiz", as_employee=ALICE).json["items"]] == [
        "Carlos Ruiz"
    ]
    assert word_entries(aws) == words


def word_entries(aws) -> list[tuple[str, str, str]]:
    """The people picker's entries: (PK, SK, whose)."""
    return [
        (item["PK"]["S"], item["SK"]["S"], item["employee_id"]["S"])
        for item in table_items(aws)
        if item.get("type", {}).get("S") == "name_word"
    ]


def test_an_employee_record_is_a_card_for_colleagues_and_full_for_self_manager_and_hr(api, org, clock):
    cases = [
        (ALICE, BOB, False),
        (ALICE, MAYA, False),  # one's manager is a colleague here
        (ALICE, ALICE, True),
        (MAYA, ALICE, True),  # a direct report
        (MAYA, GRACE, False),
        (GRACE, ALICE, False),  # finance sees money, not people's private data
        (HANA, ALICE, True),
        (HANA, MAYA, True),
        (HUGO, HANA, False),
    ]
    for caller, whose, full in cases:
        reply = api.call("GET", f"/v1/employees/{whose}", as_employee=caller)
        assert reply.status == 200, (caller, whose, reply.body)
        if full:
            assert reply.json["email"].endswith("@plaudit.example"), (caller, whose)
            assert "birthday" in reply.json
            assert "roles" in reply.json
        else:
            assert set(reply.json) == CARD_FIELDS, (caller, whose, reply.json)
            assert b"@" not in reply.body

    alice = api.call("GET", f"/v1/employees/{ALICE}", as_employee=ALICE).json
    assert (alice["email"], alice["birthday"], alice["manager_id"]) == (
        "alice@plaudit.example",
        "02-29",
        MAYA,
    )
    assert api.call("GET", f"/v1/employees/{BOB}", as_employee=ALICE).json == {
        "id": BOB,
        "name": "Bob Okafor",
        "department": "Engineering",
        "slack_user_id": "UBOB0",
        "status": "active",
    }
    assert hris(api, "GET", f"/v1/employees/{ALICE}").json == alice
    assert_error(hris(api, "GET", f"/v1/employees/{ALICE}", scopes=["plaudit/read"]), 403, "not_in_directory")
    assert_error(api.call("GET", "/v1/employees/E9999", as_employee=ALICE), 404, "employee_not_found")


def test_hr_admins_create_and_replace_employees(api, aws, org, clock):
    created = put(api, "E1013", NEW_HIRE)
    assert created.status == 201, created.body
    assert created.json == {
        "id": "E1013",
        **NEW_HIRE,
        "slack_user_id": None,
        "public_birthday": True,
        "reward_delivery": "slack",
        "leaderboard_opt_out": False,
        "locale": None,
        "status": "active",
        "is_bot": False,
        "roles": ["employee"],
    }
    assert record(api, "E1013") == created.json
    # the new hire exists for everyone at once: their manager sees the full record, they can log in
    assert api.call("GET", "/v1/employees/E1013", as_employee=MAYA).json == created.json
    kim = {"sub": "6d1f5e2a-aaaa-4bbb-8ccc-0123456789ab", "email": "kim@plaudit.example", **ISS}
    assert api.call("GET", "/v1/employees/E1013/wallet", claims=kim).status == 200

    replaced = put(api, "E1013", NEW_HIRE | {"department": "Platform", "slack_user_id": "UKIM0001"})
    assert replaced.status == 200, replaced.body
    assert (replaced.json["department"], replaced.json["slack_user_id"]) == ("Platform", "UKIM0001")
    assert record(api, "E1013") == replaced.json
    promoted = put(api, "E1013", NEW_HIRE | {"roles": ["manager"]})
    assert promoted.status == 200, promoted.body
    assert promoted.json["roles"] == ["employee", "manager"]
    # roles left out keep what the person has
    assert put(api, "E1013", NEW_HIRE).json["roles"] == ["employee", "manager"]

    # emails are unique, whatever their case
    before = table_items(aws)
    details = assert_error(put(api, "E1014", NEW_HIRE | {"email": "BOB@plaudit.example"}), 409, "email_taken")
    assert details == {}
    assert_error(put(api, "E1013", NEW_HIRE | {"email": "bob@plaudit.example"}), 409, "email_taken")
    details = assert_error(put(api, "E1014", NEW_HIRE | {"manager_id": "E9999"}), 422, "unknown_manager")
    assert details == {"manager_id": "E9999"}
    assert_error(put(api, "E1013", NEW_HIRE | {"manager_id": "E1013"}), 422, "invalid_manager")
    assert table_items(aws) == before
    assert_error(api.call("GET", "/v1/employees/E1014", as_employee=HANA), 404, "employee_not_found")

    # a changed email frees the old one
    assert put(api, "E1013", NEW_HIRE | {"email": "kim.park@plaudit.example"}).status == 200
    assert put(api, "E1014", NEW_HIRE | {"name": "Kim Lee"}).status == 201

    # people without the role cannot write the directory, not even their manager or themselves
    before = table_items(aws)
    for caller in (ALICE, MAYA, GRACE):
        assert_error(
            put(api, ALICE, editable(record(api, ALICE)) | {"name": "Al"}, as_employee=caller),
            403,
            "forbidden",
        )
    assert_error(
        put(api, "E1015", NEW_HIRE | {"email": "x@plaudit.example"}, as_employee=MAYA), 403, "forbidden"
    )
    assert table_items(aws) == before


def test_hris_clients_update_fields_but_never_roles(api, aws, org, clock):
    bob = editable(record(api, BOB))
    moved = hris(api, "PUT", f"/v1/employees/{BOB}", bob | {"department": "Platform", "roles": None})
    assert moved.status == 200, moved.body
    assert (moved.json["department"], moved.json["roles"]) == ("Platform", ["employee"])
    same_roles = hris(api, "PUT", f"/v1/employees/{HANA}", editable(record(api, HANA)) | {"country": "IE"})
    assert same_roles.status == 200, same_roles.body  # roles restated unchanged are fine
    assert same_roles.json["roles"] == ["employee", "hr_admin", "manager"]

    before = table_items(aws)
    for roles in (["employee", "manager"], ["hr_admin"], ["admin"]):
        reply = hris(api, "PUT", f"/v1/employees/{BOB}", bob | {"roles": roles})
        assert_error(reply, 403, "forbidden", roles)
    # nor take them away
    assert_error(
        hris(api, "PUT", f"/v1/employees/{HANA}", editable(record(api, HANA)) | {"roles": ["employee"]}),
        403,
        "forbidden",
    )
    assert_error(
        hris(api, "PUT", "/v1/employees/E1013", NEW_HIRE | {"roles": ["hr_admin"]}), 403, "forbidden"
    )
    assert table_items(aws) == before

    # a new hire pushed by the HRIS is an employee and nothing more
    created = hris(api, "PUT", "/v1/employees/E1013", NEW_HIRE)
    assert created.status == 201, created.body
    assert created.json["roles"] == ["employee"]
    explicit = hris(
        api, "PUT", "/v1/employees/E1014", NEW_HIRE | {"email": "lee@plaudit.example", "roles": ["employee"]}
    )
    assert explicit.status == 201, explicit.body
    assert explicit.json["roles"] == ["employee"]
    # and it can deactivate a leaver
    left = hris(api, "PUT", f"/v1/employees/{BOB}", bob | {"status": "deactivated"})
    assert (left.status, left.json["status"]) == (200, "deactivated")
    # a client without the scope cannot write at all
    reply = hris(
        api, "PUT", "/v1/employees/E1015", NEW_HIRE | {"email": "z@plaudit.example"}, scopes=["plaudit/read"]
    )
    assert_error(reply, 403, "forbidden")


def test_only_admins_grant_or_remove_the_admin_role(api, aws, org, clock):
    iris = editable(record(api, IRIS))
    before = table_items(aws)
    assert_error(put(api, IRIS, iris | {"roles": ["admin"]}), 403, "forbidden")
    assert_error(
        put(api, HANA, editable(record(api, HANA)) | {"roles": ["hr_admin", "manager", "admin"]}),
        403,
        "forbidden",
    )
    assert table_items(aws) == before

    admin = as_person(MAYA, **{"cognito:groups": ["admin"]})
    granted = put(api, IRIS, iris | {"roles": ["admin"]}, as_employee=None, claims=admin)
    assert granted.status == 200, granted.body
    assert granted.json["roles"] == ["admin", "employee"]
    # an admin may do what HR does
    assert api.call("GET", "/v1/employees", as_employee=IRIS).status == 200
    assert api.call("GET", "/v1/settings", as_employee=IRIS).status == 200

    # HR may edit an admin's other fields, but not take the role away
    assert_error(put(api, IRIS, iris | {"roles": ["employee"]}), 403, "forbidden")
    kept = put(api, IRIS, {k: v for k, v in iris.items() if k != "roles"} | {"department": "Operations"})
    assert (kept.status, kept.json["roles"]) == (200, ["admin", "employee"])
    # HR grants the other roles
    made_hr = put(api, HUGO, editable(record(api, HUGO)) | {"roles": ["hr_admin"]})
    assert (made_hr.status, made_hr.json["roles"]) == (200, ["employee", "hr_admin"])
    assert api.call("GET", "/v1/employees", as_employee=HUGO).status == 200


# --------------------------------------------------------------------------- settings


INVALID_SETTINGS = {
    "min above max": {"min_points_per_kudos": 50, "max_points_per_kudos": 10},
    "no employee allowance": {"allowances": {"manager": 200}},
    "negative allowance": {"allowances": {"employee": -1}},
    "unknown role": {"allowances": {"employee": 100, "intern": 10}},
    "unknown time zone": {"time_zone": "Europe/Atlantis"},
    "unknown period": {"allowance_period": "daily"},
    "currency without a value": {"currency": "EUR", "point_values": {"USD": "0.01"}},
    "zero point value": {"point_values": {"USD": "0"}},
    "lowercase currency": {"currency": "usd", "point_values": {"usd": "0.01"}},
    "duplicate values": {
        "company_values": [{"slug": "craft", "name": "Craft"}, {"slug": "craft", "name": "C"}]
    },
    "value not a slug": {"company_values": [{"slug": "Team Work", "name": "Teamwork"}]},
    "zero max points": {"max_points_per_kudos": 0},
    "zero cap": {"recipient_cap_per_period": 0},
    "extra field": {"max_kudos_per_day": 5},
    "wrong type": {"max_points_per_kudos": "lots"},
}


def test_settings_are_for_hr_admins_are_validated_and_apply_to_the_next_kudos(api, aws, org, clock):
    reply = api.call("GET", "/v1/settings", as_employee=HANA)
    assert reply.status == 200, reply.body
    current = reply.json
    assert (current["max_points_per_kudos"], current["recipient_cap_per_period"]) == (100, 100)
    assert [v["slug"] for v in current["company_values"]] == [
        "teamwork",
        "customer-first",
        "ownership",
        "craft",
        "kindness",
    ]

    before = table_items(aws)
    for caller in (ALICE, MAYA, GRACE):
        assert_error(api.call("GET", "/v1/settings", as_employee=caller), 403, "forbidden", caller)
        reply = api.call(
            "PUT", "/v1/settings", as_employee=caller, body=current | {"max_points_per_kudos": 5}
        )
        assert_error(reply, 403, "forbidden", caller)
    assert_error(hris(api, "GET", "/v1/settings"), 403, "forbidden")
    assert_error(hris(api, "PUT", "/v1/settings", current), 403, "forbidden")

    for name, change in INVALID_SETTINGS.items():
        reply = api.call("PUT", "/v1/settings", as_employee=HANA, body=current | change)
        details = assert_error(reply, 422, "invalid_request", name)
        assert details["errors"], name
    assert table_items(aws) == before
    assert api.call("GET", "/v1/settings", as_employee=HANA).json == current

    # a valid change takes effect on the next kudos
    stricter = current | {
        "max_points_per_kudos": 20,
        "company_values": [v for v in current["company_values"] if v["slug"] != "craft"],
    }
    reply = api.call("PUT", "/v1/settings", as_employee=HANA, body=stricter)
    assert reply.status == 200, reply.body
    assert reply.json == stricter
    assert api.call("GET", "/v1/settings", as_employee=HANA).json == stricter

    def give(points: int, values: list[str], giver: str = ALICE):
        body = {"recipient_ids": [BOB], "points": points, "message": "Nice work", "values": values}
        return api.call("POST", "/v1/recognitions", as_employee=giver, body=body)

    details = assert_error(give(30, []), 422, "points_out_of_range")
    assert details["max"] == 20
    assert_error(give(10, ["craft"]), 422, "unknown_value")
    assert give(20, ["teamwork"]).status == 201

    looser = current | {"max_points_per_kudos": 150, "recipient_cap_per_period": 300}
    assert api.call("PUT", "/v1/settings", as_employee=HANA, body=looser).status == 200
    assert give(150, ["craft"], giver=MAYA).status == 201
    assert api.call("GET", f"/v1/employees/{BOB}/wallet", as_employee=HANA).json["points"] == 170
    assert_audit_clean()


def test_an_allowance_change_applies_from_the_next_period(api, org, clock):
    carlos = "E1005"
    body = {"recipient_ids": [BOB], "points": 30, "message": "Thanks for the review"}
    assert api.call("POST", "/v1/recognitions", as_employee=ALICE, body=body).status == 201
    current = api.call("GET", "/v1/settings", as_employee=HANA).json
    lower = current | {"allowances": current["allowances"] | {"employee": 50}}
    assert api.call("PUT", "/v1/settings", as_employee=HANA, body=lower).status == 200

    def allowance(employee_id: str) -> dict[str, Any]:
        return api.call("GET", f"/v1/employees/{employee_id}/wallet", as_employee=HANA).json["allowance"]

    assert allowance(ALICE)["remaining"] == 70  # what Alice had left stays
    assert allowance(carlos)["remaining"] == 100  # and so does what Carlos had left
    body = {"recipient_ids": [BOB], "points": 60, "message": "Thanks for the review"}
    assert api.call("POST", "/v1/recognitions", as_employee=carlos, body=body).status == 201
    clock.advance(days=15)  # December: the new allowance
    assert (allowance(carlos)["total"], allowance(carlos)["remaining"]) == (50, 50)


# --------------------------------------------------------------------------- deactivation


def deactivate_hana(api) -> None:
    """Iris is made HR admin, then deactivates Hana, who has left."""
    assert put(api, IRIS, editable(record(api, IRIS)) | {"roles": ["hr_admin"]}).status == 200
    hana = editable(record(api, HANA)) | {"status": "deactivated"}
    reply = put(api, HANA, hana, as_employee=IRIS)
    assert reply.status == 200, reply.body
    assert reply.json["status"] == "deactivated"


def test_a_deactivated_hr_admin_loses_their_rights(api, aws, org, clock):
    deactivate_hana(api)
    before = table_items(aws)

    for claims in (
        as_person(HANA),
        as_person(HANA, **{"cognito:groups": ["hr_admin"]}),
    ):  # even if the token says so
        assert_error(api.call("GET", "/v1/employees", claims=claims), 403, "forbidden")
        assert_error(api.call("GET", "/v1/settings", claims=claims), 403, "forbidden")
        current = api.call("GET", "/v1/settings", as_employee=IRIS).json
        assert_error(api.call("PUT", "/v1/settings", claims=claims, body=current), 403, "forbidden")
        alice = editable(record(api, ALICE, by=IRIS))
        reply = api.call("PUT", f"/v1/employees/{ALICE}", claims=claims, body=alice)
        assert_error(reply, 403, "forbidden")
        for what in ("wallet", "ledger"):
            assert_error(api.call("GET", f"/v1/employees/{ALICE}/{what}", claims=claims), 403, "forbidden")
        assert set(api.call("GET", f"/v1/employees/{ALICE}", claims=claims).json) == CARD_FIELDS
        reply = api.call(
            "POST",
            "/v1/recognitions",
            claims=claims,
            body={"recipient_ids": [ALICE], "points": 5, "message": "bye"},
        )
        assert_error(reply, 403, "giver_deactivated")
    assert table_items(aws) == before
    # the new HR admin has the rights
    assert api.call("GET", "/v1/employees", as_employee=IRIS).status == 200


def test_a_deactivated_manager_no_longer_reads_her_reports(api, org, clock):
    deactivate_hana(api)
    for path in (f"/v1/employees/{HUGO}/wallet", f"/v1/employees/{HUGO}/ledger"):
        assert_error(api.call("GET", path, as_employee=HANA), 403, "forbidden", path)
    assert set(api.call("GET", f"/v1/employees/{HUGO}", as_employee=HANA).json) == CARD_FIELDS


# --------------------------------------------------------------------------- identity from the token


def test_an_unverified_email_does_not_identify_anyone(api, org, clock):
    claims = {"sub": "9a8b7c6d-0000-4000-8000-00000000beef", "email": "hana@plaudit.example", **ISS}
    claims["email_verified"] = False  # HTTP API passes "false"
    assert_error(api.call("GET", "/v1/employees", claims=claims), 403, "forbidden")


def test_an_email_given_to_someone_else_identifies_the_new_owner(api, org, clock):
    alice_token = {"sub": "11111111-aaaa-4aaa-8aaa-aaaaaaaaaaaa", "email": "alice@plaudit.example", **ISS}
    assert api.call("GET", f"/v1/employees/{ALICE}/wallet", claims=alice_token).status == 200

    alice = editable(record(api, ALICE)) | {"email": "alice.martin@plaudit.example"}
    assert put(api, ALICE, alice).status == 200
    assert (
        put(api, "E1013", NEW_HIRE | {"email": "alice@plaudit.example", "name": "Alice Nguyen"}).status == 201
    )

    new_alice = {"sub": "22222222-bbbb-4bbb-8bbb-bbbbbbbbbbbb", "email": "alice@plaudit.example", **ISS}
    # this container still maps the address to Alice: the profile no longer matches, so nobody is let in
    stale = api.call("GET", f"/v1/employees/{ALICE}/wallet", claims=new_alice)
    assert_error(stale, 403, "not_in_directory")
    # and the stale entry is gone: the new owner is recognised as herself, not as Alice
    assert_error(api.call("GET", f"/v1/employees/{ALICE}/wallet", claims=new_alice), 403, "forbidden")
    assert api.call("GET", "/v1/employees/E1013/wallet", claims=new_alice).status == 200


def test_a_slack_user_id_belongs_to_one_person_and_leads_to_them(api, org, clock):
    from plaudit.services.directory import employee_for_slack_user

    alice = editable(record(api, ALICE))
    bob = editable(record(api, BOB))
    assert_error(put(api, BOB, bob | {"slack_user_id": alice["slack_user_id"]}), 409, "slack_user_taken")
    assert employee_for_slack_user(alice["slack_user_id"], lambda: None).id == ALICE
    # a new Slack id for Alice frees the old one; unknown ids fall back to the email Slack has
    assert put(api, ALICE, alice | {"slack_user_id": "UALICE2"}).status == 200
    assert employee_for_slack_user(alice["slack_user_id"], lambda: None) is None
    assert employee_for_slack_user("UNEW0001", lambda: "Bob@Plaudit.example").id == BOB
    assert put(api, BOB, bob | {"slack_user_id": alice["slack_user_id"]}).status == 200
