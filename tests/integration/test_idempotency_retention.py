"""How long Idempotency-Key answers are kept (settings.retention.idempotency_days), through the real handlers
for every POST that keeps a first response: the first request writes it with `expires_at` (the table's TTL)
at the setting's distance, a retry within it replays, a retry after it (the first response past its
`expires_at` but not yet deleted, then deleted as the TTL does) is a 409 `idempotency_key_expired` naming
what the first request made and writes nothing, a new key is a new request; the audit stays clean."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from api_checks import assert_audit_clean, assert_error, table_items
from test_api_redemptions import FUNDS, queued, shop  # noqa: F401 - the funded shop; redemptions kept queued

from plaudit.domain.ids import derived_id
from plaudit.store import keys
from plaudit.store.client import dynamodb, table_name
from plaudit.store.reads import get_one

HR, ALICE, BOB, DANA = "E1001", "E1003", "E1004", "E1006"
MERGE = {"content-type": "application/merge-patch+json"}
KEEP_DAYS = 2


@dataclass(frozen=True)
class Call:
    """One POST that honours an Idempotency-Key, and how its result is named."""

    path: str
    body: dict[str, Any]
    who: str
    made: Callable[[dict[str, Any]], dict[str, str]]  # the first answer -> what the 409 names
    derived: Callable[[str], str]  # the key -> the id its first response is kept under
    new_key_status: int = 201  # a new key after expiry: a new request
    new_key_code: str | None = None  # ... refused by a rule of its own (an add-on is once per person)


def kudos_to_bob(api) -> str:
    body = {"recipient_ids": [BOB], "points": 10, "message": "Thanks for the review"}
    reply = api.call("POST", "/v1/recognitions", as_employee=ALICE, body=body)
    assert reply.status == 201, reply.body
    return reply.json["id"]


def kudos(api, goods: dict[str, str]) -> Call:
    return Call(
        "/v1/recognitions",
        {"recipient_ids": [BOB], "points": 5, "message": "Thanks for the demo"},
        ALICE,
        lambda first: {"recognition_id": first["id"]},
        lambda key: derived_id("rec", ALICE, key),
    )


def add_on(api, goods: dict[str, str]) -> Call:
    rid = kudos_to_bob(api)
    return Call(
        f"/v1/recognitions/{rid}/add-ons",
        {"points": 3},
        DANA,
        lambda first: {"recognition_id": rid},
        lambda key: derived_id("addon", rid, DANA, key),
        new_key_status=409,
        new_key_code="already_added_on",
    )


def top_up(api, goods: dict[str, str]) -> Call:
    return Call(
        f"/v1/budgets/{FUNDS}/top-ups",
        {"points": 100, "note": "Q1"},
        HR,
        lambda first: {"budget_id": FUNDS, "txn_id": first["txn_id"]},
        lambda key: derived_id("txn", "budget_top_up", FUNDS, HR, key),
    )


def award(api, goods: dict[str, str]) -> Call:
    return Call(
        "/v1/awards",
        {"employee_id": ALICE, "item_id": goods["coffee"], "denomination": "10", "budget_id": FUNDS},
        HR,
        lambda first: {"redemption_id": first["id"]},
        lambda key: derived_id("red", "award", HR, key),
    )


def redemption(api, goods: dict[str, str]) -> Call:
    return Call(
        "/v1/redemptions",
        {"item_id": goods["coffee"], "denomination": "10"},
        ALICE,
        lambda first: {"redemption_id": first["id"]},
        lambda key: derived_id("red", ALICE, key),
    )


def campaign(api, goods: dict[str, str]) -> Call:
    body = {
        "name": "Launch thanks",
        "budget_id": FUNDS,
        "message": "Thank you for the launch",
        "selector": {"departments": ["Engineering"]},
        "points": 5,
    }
    return Call(
        "/v1/campaigns",
        body,
        HR,
        lambda first: {"campaign_id": first["id"]},
        lambda key: derived_id("cmp", HR, key),
    )


def correction(api, goods: dict[str, str]) -> Call:
    rid = kudos_to_bob(api)
    return Call(
        "/v1/corrections",
        {"recognition_id": rid, "employee_id": BOB, "points": 2, "reason": "Sent to the wrong Bob"},
        HR,
        lambda first: {"correction_id": first["id"]},
        lambda key: derived_id("cor", "replay", HR, key),
    )


def item_correction(api, goods: dict[str, str]) -> Call:
    body = {"employee_id": ALICE, "item_id": goods["coffee"], "denomination": "10", "budget_id": FUNDS}
    given = api.call("POST", "/v1/awards", as_employee=HR, body=body)
    assert given.status == 201, given.body
    return Call(
        "/v1/corrections",
        {"award_id": given.json["id"], "reason": "Given to the wrong Alice"},
        HR,
        lambda first: {"correction_id": first["id"]},
        lambda key: derived_id("cor", "replay", HR, key),
        new_key_status=409,
        new_key_code="already_reversed",
    )


def export(api, goods: dict[str, str]) -> Call:
    return Call(
        "/v1/exports",
        {"kind": "ledger", "from": "2026-01-01", "to": "2026-11-01"},
        HR,
        lambda first: {"export_id": first["id"]},
        lambda key: derived_id("exp", HR, key),
        new_key_status=202,
    )


@pytest.mark.parametrize(
    "make",
    [kudos, add_on, top_up, award, redemption, campaign, correction, item_correction, export],
    ids=lambda f: f.__name__,
)
def test_a_retry_after_the_answer_expired_is_refused_and_does_nothing_twice(
    api, org, aws, clock, request, make
):
    goods = request.getfixturevalue("shop")
    patch = {"retention": {"idempotency_days": KEEP_DAYS}}
    assert api.call("PATCH", "/v1/settings", as_employee=HR, body=patch, headers=MERGE).status == 200
    call = make(api, goods)

    def post(key: str):
        return api.call(
            "POST", call.path, as_employee=call.who, body=call.body, headers={"Idempotency-Key": key}
        )

    written_at = clock.at
    first = post("k-1")
    assert first.status in (201, 202), first.body
    kept = get_one(keys.first_response(call.derived("k-1")))
    assert kept is not None
    assert kept["expires_at"] == int((written_at + timedelta(days=KEEP_DAYS)).timestamp())  # the table's TTL

    clock.advance(days=KEEP_DAYS, seconds=-1)  # the last second of the window: the same answer
    again = post("k-1")
    assert (again.status, again.body) == (first.status, first.body)
    assert again.headers["idempotent-replayed"] == "true"

    api.drain_streams()
    before = table_items(aws)
    clock.advance(seconds=1)  # expired, not yet deleted (DynamoDB's TTL deletes days late)
    stale = post("k-1")
    made = call.made(first.json)
    assert assert_error(stale, 409, "idempotency_key_expired") == made
    assert f"answers are kept {KEEP_DAYS} days" in stale.json["error"]["message"]
    pk, sk = keys.first_response(call.derived("k-1"))
    dynamodb().delete_item(TableName=table_name(), Key={"PK": {"S": pk}, "SK": {"S": sk}})  # as TTL does
    before = [item for item in before if (item["PK"]["S"], item["SK"]["S"]) != (pk, sk)]
    gone = post("k-1")
    assert assert_error(gone, 409, "idempotency_key_expired") == made
    api.drain_streams()
    assert table_items(aws) == before  # nothing moved: no second kudos, payment, job or correction

    other = post("k-2")
    if call.new_key_code:
        assert_error(other, call.new_key_status, call.new_key_code)
    else:
        assert other.status == call.new_key_status, other.body
        assert other.json["id" if "id" in other.json else "txn_id"] != first.json.get(
            "id", first.json.get("txn_id")
        )
    api.drain_streams()
    assert_audit_clean()


def test_the_window_is_a_setting_with_bounds_and_its_changes_are_in_the_trail(api, org, aws, clock):
    current = api.call("GET", "/v1/settings", as_employee=HR).json
    assert current["retention"]["idempotency_days"] == 30  # the default
    for bad in (0, 3651, "ten"):
        body = {"retention": {"idempotency_days": bad}}
        reply = api.call("PATCH", "/v1/settings", as_employee=HR, body=body, headers=MERGE)
        details = assert_error(reply, 422, "invalid_request")
        assert [problem["field"] for problem in details["errors"]] == ["retention.idempotency_days"]

    written_at = clock.at
    body = {"recipient_ids": [BOB], "points": 5, "message": "Thanks"}
    first = api.call(
        "POST", "/v1/recognitions", as_employee=ALICE, body=body, headers={"Idempotency-Key": "d"}
    )
    assert first.status == 201, first.body
    kept = get_one(keys.first_response(derived_id("rec", ALICE, "d")))
    assert kept is not None
    assert kept["expires_at"] == int((written_at + timedelta(days=30)).timestamp())

    patch = {"retention": {"idempotency_days": 7}}
    assert api.call("PATCH", "/v1/settings", as_employee=HR, body=patch, headers=MERGE).status == 200
    api.drain_streams()
    (change,) = api.call("GET", "/v1/audit-log?action=settings.patch", as_employee=HR).json["items"]
    assert change["changes"]["retention.idempotency_days"] == {"before": 30, "after": 7}
    assert_audit_clean()
