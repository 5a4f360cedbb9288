"""REST v1 budgets: created by HR or finance, funded and drained through the ledger, never negative,
and a retried top-up (same Idempotency-Key) moves points once."""

from __future__ import annotations

import os
from typing import Any

from api_checks import assert_audit_clean, assert_error, table_items

from plaudit.services.audit import audit_ledger
from plaudit.store import snapshots

HR, MAYA, ALICE, GRACE = "E1001", "E1002", "E1003", "E1009"  # Grace has the finance role

PROGRAM = {"id": "spot-awards-2026", "name": "Spot awards 2026", "kind": "program", "holders": [MAYA]}


def create(api, body: dict[str, Any] = PROGRAM, as_employee: str = HR):
    return api.call("POST", "/v1/budgets", body=body, as_employee=as_employee)


def move(api, what: str, points: int, key: str | None = None, note: str | None = None, as_employee=GRACE):
    headers = {"Idempotency-Key": key} if key is not None else None
    body: dict[str, Any] = {"points": points} | ({"note": note} if note else {})
    return api.call(
        "POST", f"/v1/budgets/{PROGRAM['id']}/{what}", body=body, as_employee=as_employee, headers=headers
    )


def balance(api) -> int:
    reply = api.call("GET", f"/v1/budgets/{PROGRAM['id']}", as_employee=GRACE)
    assert reply.status == 200, reply.body
    return reply.json["balance"]


def test_create_top_up_withdraw_and_read_the_ledger(api, org, clock):
    created = create(api)
    assert created.status == 201, created.body
    assert created.json | {"created_at": None} == PROGRAM | {
        "department": None,
        "departments": [],
        "manager_id": None,
        "balance": 0,
        "created_at": None,
    }
    assert_error(create(api), 409, "budget_exists")

    topped = move(api, "top-ups", 5000, key="fin-2026-q4", note="Q4 funding")
    assert topped.status == 201, topped.body
    assert topped.json["kind"] == "budget_top_up"
    assert (topped.json["points"], topped.json["note"]) == (5000, "Q4 funding")
    clock.advance(minutes=1)
    assert move(api, "withdrawals", 1200).status == 201
    assert balance(api) == 3800
    assert_audit_clean()

    ledger = api.call("GET", f"/v1/budgets/{PROGRAM['id']}/ledger?limit=1", as_employee=HR)
    assert ledger.status == 200, ledger.body
    assert [(line["kind"], line["amount"]) for line in ledger.json["items"]] == [("budget_withdrawal", -1200)]
    rest = api.call(
        "GET", f"/v1/budgets/{PROGRAM['id']}/ledger?cursor={ledger.json['next_cursor']}", as_employee=HR
    )
    assert [(line["kind"], line["amount"], line["memo"]) for line in rest.json["items"]] == [
        ("budget_top_up", 5000, "Q4 funding")
    ]


def test_a_replayed_top_up_answers_the_first_response_and_moves_points_once(api, org, clock):
    create(api)
    first = move(api, "top-ups", 700, key="retry-me")
    assert first.status == 201, first.body
    assert "idempotent-replayed" not in first.headers
    before = table_items(api.client)
    clock.advance(minutes=3)
    again = move(api, "top-ups", 700, key="retry-me")
    assert again.status == 201, again.body
    assert again.body == first.body
    assert again.headers["idempotent-replayed"] == "true"
    assert table_items(api.client) == before
    assert_error(move(api, "top-ups", 701, key="retry-me"), 409, "idempotency_key_reused")
    assert table_items(api.client) == before
    assert balance(api) == 700
    assert_audit_clean()


def test_a_racing_retry_with_the_same_key_lands_on_the_first_top_up(api, org, clock, monkeypatch):
    """The second request read before the first wrote: its first-response put is refused, it reads again,
    and answers as a replay."""
    create(api)
    first = move(api, "top-ups", 300, key="race")
    real_load = snapshots.load
    stale = [True]

    def load_missing_the_first(**wanted):
        snap = real_load(**wanted)
        if stale and wanted.get("first_responses"):
            stale.pop()
            snap._found = {key: item for key, item in snap._found.items() if not key[0].startswith("REPLAY#")}
            snap._found[("BUDGET#" + PROGRAM["id"], "BUDGET")]["balance"] = 0
        return snap

    monkeypatch.setattr(snapshots, "load", load_missing_the_first)
    second = move(api, "top-ups", 300, key="race")
    assert not stale  # the stale read happened
    assert second.status == 201, second.body
    assert second.body == first.body
    assert second.headers["idempotent-replayed"] == "true"
    assert balance(api) == 300
    assert_audit_clean()


def test_a_withdrawal_past_zero_is_refused_and_writes_nothing(api, org, clock):
    create(api)
    move(api, "top-ups", 100)
    before = table_items(api.client)
    details = assert_error(move(api, "withdrawals", 101), 422, "insufficient_budget")
    assert details == {"balance": 100, "requested": 101}
    assert table_items(api.client) == before
    assert move(api, "withdrawals", 100).status == 201
    assert balance(api) == 0
    assert_audit_clean()


def test_who_may_create_move_and_read(api, org, clock):
    assert_error(create(api, as_employee=ALICE), 403, "forbidden")
    assert create(api, as_employee=GRACE).status == 201
    other = {"id": "eng", "name": "Engineering", "kind": "department", "department": "Engineering"}
    assert create(api, other).status == 201
    assert_error(move(api, "top-ups", 10, as_employee=ALICE), 403, "forbidden")
    assert_error(move(api, "top-ups", 10, as_employee=MAYA), 403, "forbidden")
    assert move(api, "top-ups", 10, as_employee=HR).status == 201

    # the holder reads the budget they hold, and only that one
    assert api.call("GET", f"/v1/budgets/{PROGRAM['id']}", as_employee=MAYA).json["balance"] == 10
    assert api.call("GET", f"/v1/budgets/{PROGRAM['id']}/ledger", as_employee=MAYA).status == 200
    assert_error(api.call("GET", "/v1/budgets/eng", as_employee=MAYA), 403, "forbidden")
    assert_error(api.call("GET", f"/v1/budgets/{PROGRAM['id']}", as_employee=ALICE), 403, "forbidden")
    listed = api.call("GET", "/v1/budgets", as_employee=MAYA)
    assert [b["id"] for b in listed.json["items"]] == [PROGRAM["id"]]
    assert api.call("GET", "/v1/budgets", as_employee=ALICE).json["items"] == []
    everything = api.call("GET", "/v1/budgets", as_employee=GRACE)
    assert [b["id"] for b in everything.json["items"]] == ["eng", PROGRAM["id"]]
    assert_audit_clean()


def test_bad_budgets_and_unknown_ones(api, org, clock):
    assert_error(create(api, PROGRAM | {"id": "Not A Slug"}), 422, "invalid_request")
    assert_error(create(api, PROGRAM | {"kind": "department"}), 422, "invalid_request")
    scoped_twice = PROGRAM | {"departments": ["Engineering"], "manager_id": "E1002"}
    assert_error(create(api, scoped_twice), 422, "invalid_request")
    department_and_list = PROGRAM | {"kind": "department", "department": "Sales", "departments": ["Sales"]}
    assert_error(create(api, department_and_list), 422, "invalid_request")
    assert_error(create(api, PROGRAM | {"manager_id": "E9999"}), 422, "unknown_manager")
    assert_error(create(api, PROGRAM | {"holders": ["E9999"]}), 422, "unknown_holder")
    assert_error(api.call("GET", "/v1/budgets/nope", as_employee=HR), 404, "budget_not_found")
    assert_error(move(api, "top-ups", 5), 404, "budget_not_found")
    create(api)
    assert_error(move(api, "top-ups", 0), 422, "invalid_request")
    assert_error(move(api, "top-ups", 5, note="x" * 501), 422, "invalid_request")


def test_the_audit_catches_a_tampered_budget_balance(api, org, clock):
    create(api)
    move(api, "top-ups", 250)
    assert_audit_clean()
    api.client.update_item(
        TableName=os.environ["TABLE_NAME"],
        Key={"PK": {"S": f"BUDGET#{PROGRAM['id']}"}, "SK": {"S": "BUDGET"}},
        UpdateExpression="SET balance = :b",
        ExpressionAttributeValues={":b": {"N": "9999"}},
    )
    assert audit_ledger().breaches == [f"budget:{PROGRAM['id']}: stored balance 9999 but postings sum to 250"]
