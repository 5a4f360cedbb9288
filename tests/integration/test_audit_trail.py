"""The administrative trail through the real handlers: each kind of administrative act appends one entry
(actor, time, action, target, diff, correlation id) in the same transaction as the change; personal values
stay out of the chain; `plaudit audit` names the first broken link after an entry is edited or deleted in
moto; two acts at once both land on one chain; GET /v1/audit-log is for HR and admins, filters, pages and
speaks CSV."""

from __future__ import annotations

import csv
import io
import json
import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import pytest
from api_checks import assert_audit_clean, assert_error
from test_api_redemptions import FUNDS, grant

from plaudit.domain.access import SYSTEM, Caller
from plaudit.domain.catalog import CatalogItemSpec, Denominations, FulfilmentMethod, ItemType
from plaudit.domain.ledger import TxnKind
from plaudit.domain.trail import LINK_GRACE
from plaudit.integrations import fulfilment_queue
from plaudit.services import budgets, catalog, settings, trail
from plaudit.store import keys
from plaudit.store import trail as trail_store
from plaudit.store.client import dynamodb, table_name
from plaudit.store.codec import from_item
from plaudit_dev.cli import main

HR, MAYA, ALICE, BOB = "E1001", "E1002", "E1003", "E1004"
MERGE_PATCH = {"content-type": "application/merge-patch+json"}
SHA256_HEX = 64


def entries() -> list[dict[str, Any]]:
    """Every entry in the order written (the stream links them in that order)."""
    return list(trail_store.all_entries())


def entry_key(entry: dict[str, Any]) -> dict[str, Any]:
    return keys.as_attrs(keys.audit_entry(datetime.fromisoformat(entry["at"]), entry["id"]))


def stored(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry's item as DynamoDB holds it (with what rides outside the chain)."""
    return from_item(dynamodb().get_item(TableName=table_name(), Key=entry_key(entry))["Item"])


def newest() -> dict[str, Any]:
    return entries()[-1]


@pytest.fixture(autouse=True)
def queued(monkeypatch) -> list[str]:
    """Redemptions queued for fulfilment stop at the queue here."""
    sent: list[str] = []
    monkeypatch.setattr(fulfilment_queue, "send", sent.append)
    return sent


@pytest.fixture
def shop(org, clock) -> dict[str, str]:
    budgets.create_budget(
        SYSTEM, budgets.CreateBudget(id=FUNDS, name="Trail", kind="company", holders=[MAYA])
    )
    budgets.move_points(SYSTEM, FUNDS, TxnKind.BUDGET_TOP_UP, budgets.MovePoints(points=1_000_000))
    common = {"category": "food", "currency": "USD", "denominations": Denominations(fixed=[Decimal(60)])}
    lunch = CatalogItemSpec(
        name="Team lunch",
        type=ItemType.COMPANY_PERK,
        fulfilment=FulfilmentMethod.INTERNAL,
        requires_approval=True,
        **common,
    )
    stock = CatalogItemSpec(
        name="Hoodie", type=ItemType.MERCHANDISE, fulfilment=FulfilmentMethod.CODE_STOCK, **common
    )
    return {"lunch": catalog.create_item(SYSTEM, lunch).id, "stock": catalog.create_item(SYSTEM, stock).id}


RULE = {
    "name": "Spot bonus",
    "type": "hris_event",
    "event_name": "spot-bonus",
    "points": 100,
    "budget_id": FUNDS,
    "message": "{points} points, {first_name}!",
}
ITEM = {
    "name": "Cinema",
    "category": "experiences",
    "type": "experience",
    "denominations": {"fixed": ["10"]},
    "currency": "USD",
    "fulfilment": "internal",
}


def _rule(api) -> str:
    return api.call("POST", "/v1/milestone-rules", body=RULE).json["id"]


def _item(api) -> str:
    return api.call("POST", "/v1/catalog/items", body=ITEM).json["id"]


# (action, the act through its REST route: returns (reply, target))
Act = Callable[[Any, dict[str, str]], tuple[Any, str]]
ACTS: dict[str, Act] = {
    "settings.patch": lambda api, shop: (
        api.call("PATCH", "/v1/settings", body={"celebration_hour": 10}, headers=MERGE_PATCH),
        "settings",
    ),
    "settings.replace": lambda api, shop: (
        api.call("PUT", "/v1/settings", body=api.call("GET", "/v1/settings").json | {"hr_channel": "CHR1"}),
        "settings",
    ),
    "budget.create": lambda api, shop: (
        api.call("POST", "/v1/budgets", body={"id": "q1", "name": "Q1", "kind": "company"}),
        "budget:q1",
    ),
    "budget.top_up": lambda api, shop: (
        api.call("POST", f"/v1/budgets/{FUNDS}/top-ups", body={"points": 500, "note": "Q1"}),
        f"budget:{FUNDS}",
    ),
    "budget.withdraw": lambda api, shop: (
        api.call("POST", f"/v1/budgets/{FUNDS}/withdrawals", body={"points": 500}),
        f"budget:{FUNDS}",
    ),
    "catalog_item.create": lambda api, shop: (
        (reply := api.call("POST", "/v1/catalog/items", body=ITEM))
        and (
            reply,
            f"catalog_item:{reply.json['id']}",
        )
    ),
    "catalog_item.replace": lambda api, shop: (
        api.call("PUT", f"/v1/catalog/items/{(item := _item(api))}", body=ITEM | {"name": "Cinema for two"}),
        f"catalog_item:{item}",
    ),
    "catalog_item.deactivate": lambda api, shop: (
        api.call("DELETE", f"/v1/catalog/items/{(item := _item(api))}"),
        f"catalog_item:{item}",
    ),
    "catalog_item.codes_upload": lambda api, shop: (
        api.call(
            "POST",
            f"/v1/catalog/items/{shop['stock']}/codes",
            raw_body=b"code\nHOODIE-SECRET-0001\nHOODIE-SECRET-0002\n",
            headers={"content-type": "text/csv"},
        ),
        f"catalog_item:{shop['stock']}",
    ),
    "milestone_rule.create": lambda api, shop: (
        (reply := api.call("POST", "/v1/milestone-rules", body=RULE))
        and (reply, f"milestone_rule:{reply.json['id']}")
    ),
    "milestone_rule.replace": lambda api, shop: (
        api.call("PUT", f"/v1/milestone-rules/{(rule := _rule(api))}", body=RULE | {"points": 200}),
        f"milestone_rule:{rule}",
    ),
    "milestone_rule.delete": lambda api, shop: (
        api.call("DELETE", f"/v1/milestone-rules/{(rule := _rule(api))}"),
        f"milestone_rule:{rule}",
    ),
    "employee.create": lambda api, shop: (
        api.call("PUT", "/v1/employees/E3001", body={"email": "zoe@plaudit.example", "name": "Zoe Park"}),
        "employee:E3001",
    ),
    "employee.update": lambda api, shop: (
        api.call(
            "PUT",
            f"/v1/employees/{BOB}",
            body=api.call("GET", f"/v1/employees/{BOB}").json | {"roles": ["employee", "finance"]},
        ),
        f"employee:{BOB}",
    ),
    "award.give": lambda api, shop: (
        (
            reply := api.call(
                "POST",
                "/v1/awards",
                body={
                    "employee_id": ALICE,
                    "item_id": shop["lunch"],
                    "denomination": "60",
                    "budget_id": FUNDS,
                },
            )
        )
        and (reply, f"redemption:{reply.json['id']}")
    ),
}


@pytest.mark.parametrize("action", sorted(ACTS))
def test_each_administrative_act_appends_one_chained_entry_in_its_transaction(api, shop, action):
    before = entries()
    reply, target = ACTS[action](api, shop)
    assert reply.status < 300, reply.body
    after = entries()
    mine = [
        entry for entry in after[len(before) :] if entry["action"] == action and entry["target"] == target
    ]
    assert len(mine) == 1, [(e["action"], e["target"]) for e in after[len(before) :]]
    entry = mine[0]
    assert (entry["actor"], entry["correlation_id"]) == (HR, "test-request")
    assert entry["at"].endswith("Z")
    assert len(entry["hash"]) == SHA256_HEX
    assert entry["changes"], "a diff of what changed"
    assert_audit_clean()


def test_a_role_change_shows_before_and_after_and_no_personal_value(api, org):
    current = api.call("GET", f"/v1/employees/{BOB}").json
    reply = api.call("PUT", f"/v1/employees/{BOB}", body=current | {"name": "Robert", "roles": ["finance"]})
    assert reply.status == 200, reply.body
    entry = newest()
    assert entry["changes"] == {
        "name": {"personal": True},
        "roles": {"before": ["employee"], "after": ["employee", "finance"]},
    }
    assert "Robert" not in json.dumps(entry)
    assert current["name"] not in json.dumps(entry)
    item = stored(entry)
    assert item["person"] == BOB
    assert item["GSI1PK"] == keys.audit_person_index(BOB)
    assert json.loads(item["personal"]) == {"name": {"before": current["name"], "after": "Robert"}}


def test_erasing_the_personal_values_leaves_the_chain_whole(api, org):
    api.call("PUT", "/v1/employees/E3001", body={"email": "zoe@plaudit.example", "name": "Zoe Park"})
    entry = newest()
    assert entry["changes"]["email"] == {"personal": True}
    assert json.loads(stored(entry)["personal"])["email"]["after"] == "zoe@plaudit.example"
    (found,) = dynamodb().query(
        TableName=table_name(),
        IndexName="GSI1",
        KeyConditionExpression="GSI1PK = :person",
        ExpressionAttributeValues={":person": {"S": keys.audit_person_index("E3001")}},
    )["Items"]
    dynamodb().update_item(
        TableName=table_name(),
        Key={"PK": found["PK"], "SK": found["SK"]},
        UpdateExpression="REMOVE personal, GSI1PK, GSI1SK",
    )
    assert "zoe@plaudit.example" not in json.dumps(stored(entry))
    assert trail.verify_trail().ok
    assert main(["audit", "--table", os.environ["TABLE_NAME"]]) == 0


def test_a_code_upload_records_the_count_and_the_item_never_a_code(api, shop):
    body = b"code\nHOODIE-SECRET-0001\nHOODIE-SECRET-0002\n"
    reply = api.call(
        "POST",
        f"/v1/catalog/items/{shop['stock']}/codes",
        raw_body=body,
        headers={"content-type": "text/csv"},
    )
    assert reply.status == 201, reply.body
    assert newest()["changes"] == {"codes_added": {"before": None, "after": 2}}
    assert "HOODIE-SECRET" not in json.dumps(entries())


def redeem_lunch(api, shop) -> str:
    body = {"item_id": shop["lunch"], "denomination": "60"}
    reply = api.call("POST", "/v1/redemptions", body=body, as_employee=ALICE)
    assert reply.json["status"] == "pending_approval", reply.body
    return reply.json["id"]


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_approvals_and_rejections_are_recorded_with_the_decider(api, shop, decision):
    grant(ALICE, 20_000)
    rid = redeem_lunch(api, shop)
    reply = api.call("POST", f"/v1/redemptions/{rid}/{decision}", body={"reason": "why"}, as_employee=MAYA)
    assert reply.status == 200, reply.body
    entry = newest()
    assert (entry["actor"], entry["action"], entry["target"]) == (
        MAYA,
        f"redemption.{decision}",
        f"redemption:{rid}",
    )
    after = "approved" if decision == "approve" else "rejected"
    assert entry["changes"] == {"status": {"before": "pending_approval", "after": after}}
    assert_audit_clean()


def test_a_kudos_and_a_redemption_request_are_not_chained(api, shop):
    grant(ALICE, 20_000)
    before = len(entries())
    kudos = {"recipient_ids": [BOB], "points": 10, "message": "Thanks!"}
    assert api.call("POST", "/v1/recognitions", body=kudos, as_employee=ALICE).status == 201
    redeem_lunch(api, shop)
    assert len(entries()) == before


# --- the operator's tools and the HRIS ----------------------------------------------------------------------


def test_the_seed_and_a_csv_import_are_recorded_as_the_operator_s_acts(tmp_path, org, clock):
    seeded = entries()
    assert {entry["actor"] for entry in seeded} == {"plaudit-seed"}
    assert {entry["action"] for entry in seeded} == {
        "settings.replace",
        "employee.create",
        "employee.account_link",
    }
    path = tmp_path / "employees.csv"
    path.write_text("id,email,name,department\nE1007,,,Platform\nE2001,lena@plaudit.example,Lena,\n")
    assert main(["import", str(path), "--table", os.environ["TABLE_NAME"]]) == 0
    imported = entries()[len(seeded) :]
    assert [(e["actor"], e["action"], e["target"]) for e in imported] == [
        ("hris:csv", "employee.update", "employee:E1007"),
        ("hris:csv", "employee.create", "employee:E2001"),
    ]
    assert imported[0]["changes"] == {"department": {"before": "Engineering", "after": "Platform"}}
    assert imported[0]["correlation_id"] == imported[1]["correlation_id"]  # one run of the CLI
    assert imported[0]["correlation_id"].startswith("cli_")


def test_an_hris_webhook_change_is_recorded_with_its_delivery(api, org, clock):
    from test_hris_webhooks import deliver

    payload = {"id": "hris-trail-1", "events": [{"type": "employee.manager_changed", "employee_id": ALICE,
                                                  "manager_id": HR}]}  # fmt: skip
    assert deliver(api, clock, payload).status == 202
    entry = newest()
    assert (entry["actor"], entry["action"], entry["target"], entry["correlation_id"]) == (
        "hris:hris_webhook",
        "employee.update",
        f"employee:{ALICE}",
        "hris-trail-1",
    )
    assert entry["changes"] == {"manager_id": {"before": MAYA, "after": HR}}


def test_a_run_hr_asks_for_chains_each_award_the_schedule_s_are_not(api, org, clock):
    from test_api_milestones import ANNIVERSARY, BIRTHDAY, BOBS_DAY, create_rule, fund

    clock.at = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    fund(api, 1000)
    create_rule(api, ANNIVERSARY)
    create_rule(api, BIRTHDAY)
    before = len(entries())
    assert api.call("POST", "/v1/milestones/runs", body={"date": BOBS_DAY, "dry_run": True}).status == 200
    assert len(entries()) == before  # a dry run writes nothing
    reply = api.call("POST", "/v1/milestones/runs", body={"date": BOBS_DAY})
    assert reply.status == 201, reply.body
    chained = entries()[before:]
    assert [(e["actor"], e["action"]) for e in chained] == [(HR, "milestone.award")] * 2
    assert {e["target"] for e in chained} == {f"award:{a['id']}" for a in reply.json["awarded"]}
    assert {e["changes"]["employee_id"]["after"] for e in chained} == {BOB}
    assert "Happy" not in json.dumps(chained)  # the award's message and the person's name stay out
    assert_audit_clean()


# --- tampering --------------------------------------------------------------------------------------------


def audit(capsys) -> tuple[int, str]:
    code = main(["audit", "--table", os.environ["TABLE_NAME"]])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_plaudit_audit_names_an_edited_entry(api, org, capsys):
    assert audit(capsys)[0] == 0
    dynamodb().update_item(
        TableName=table_name(),
        Key=entry_key(entries()[2]),
        UpdateExpression="SET actor = :someone",
        ExpressionAttributeValues={":someone": {"S": "E9999"}},
    )
    code, said = audit(capsys)
    assert code == 1
    assert "trail BROKEN at entry 3: entry 3 was changed after it was written" in said
    assert "(2 entries before it hold)" in said


def test_plaudit_audit_names_a_deleted_entry(api, org, capsys):
    dynamodb().delete_item(TableName=table_name(), Key=entry_key(entries()[3]))
    code, said = audit(capsys)
    assert code == 1
    assert "trail BROKEN at entry 4: entry 4 is missing (next found: 5)" in said


def test_plaudit_audit_sees_the_newest_entry_removed(api, org, capsys):
    dynamodb().delete_item(TableName=table_name(), Key=entry_key(entries()[-1]))
    code, said = audit(capsys)
    assert code == 1
    assert "the newest entries were removed" in said


def test_an_entry_the_stream_never_linked_is_named_once_it_is_late(api, org, clock, capsys):
    settings.patch_settings(Caller(employee_id=HR), {"celebration_hour": 7})  # no stream delivery yet
    code, said = audit(capsys)
    assert code == 0
    assert "1 written in the last minutes, not linked yet" in said
    clock.advance(seconds=LINK_GRACE.total_seconds() + 1)
    code, said = audit(capsys)
    assert code == 1
    assert "was never linked into the chain" in said
    api.drain_streams()
    assert audit(capsys)[0] == 0


# --- linking: every entry once, in the order written ---------------------------------------------------


def test_acts_read_no_chain_head_and_a_redelivered_batch_links_nothing_twice(api, org, monkeypatch):
    head_reads: list[Any] = []
    real_head = trail_store.head
    monkeypatch.setattr(trail_store, "head", lambda: head_reads.append(1) or real_head())
    batches: list[Any] = []
    real_invoke = api.invoke

    def keep(function_id: str, event: Any) -> Any:
        if function_id == "ProjectionsFunction":
            batches.append(event)
        return real_invoke(function_id, event)

    monkeypatch.setattr(api, "invoke", keep)
    hr = Caller(employee_id=HR)
    settings.patch_settings(hr, {"celebration_hour": 7})
    budgets.create_budget(hr, budgets.CreateBudget(id="linked", name="Linked", kind="company"))
    assert head_reads == []  # the acts wrote their entries without reading the chain
    api.drain_streams()
    assert head_reads == [1]  # the stream's batch read the head once
    linked = entries()[-2:]
    assert [entry["action"] for entry in linked] == ["settings.patch", "budget.create"]
    assert linked[1]["seq"] == linked[0]["seq"] + 1
    assert linked[1]["prev_hash"] == linked[0]["hash"]
    for batch in batches:  # Lambda delivers the same batches again
        assert not real_invoke("ProjectionsFunction", batch).get("batchItemFailures")
    assert entries()[-2:] == linked
    assert trail.verify_trail().ok


def test_two_acts_at_once_both_land_and_are_chained_one_after_the_other(api, org, monkeypatch):
    """Both are in flight together: neither waits for the other, and the stream chains both."""
    barrier = threading.Barrier(2, timeout=10)
    real_write_all = trail.write_all

    def together(writes):
        barrier.wait()  # both acts have built their transaction before either writes
        return real_write_all(writes)

    monkeypatch.setattr(trail, "write_all", together)
    lock = threading.Lock()  # moto in process: one request at a time, as DynamoDB is atomic per request
    client = dynamodb()
    real_call = client._make_api_call

    def serialized(*args, **kwargs):
        with lock:
            return real_call(*args, **kwargs)

    monkeypatch.setattr(client, "_make_api_call", serialized)
    hr = Caller(employee_id=HR)
    errors: list[BaseException] = []

    def act(change: Callable[[], Any]) -> None:
        try:
            change()
        except BaseException as error:  # reported below
            errors.append(error)

    new_budget = budgets.CreateBudget(id="race", name="Race", kind="company")
    threads = [
        threading.Thread(target=act, args=(lambda: settings.patch_settings(hr, {"celebration_hour": 7}),)),
        threading.Thread(target=act, args=(lambda: budgets.create_budget(hr, new_budget),)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    monkeypatch.setattr(trail, "write_all", real_write_all)
    before = max(entry["seq"] for entry in entries() if entry.get("seq"))
    api.drain_streams()
    chained = sorted(entries(), key=lambda entry: entry["seq"])[-2:]  # chained in the order committed
    assert [entry["seq"] for entry in chained] == [before + 1, before + 2]
    assert {entry["action"] for entry in chained} == {"settings.patch", "budget.create"}
    assert settings.get_settings(hr).settings.celebration_hour == 7
    assert budgets.get_budget(hr, "race").balance == 0
    assert trail.verify_trail().ok


# --- GET /v1/audit-log ------------------------------------------------------------------------------------


ADMIN_CLAIMS = {"cognito:groups": ["admin"], "iss": "http://127.0.0.1/plaudit-local", "aud": "plaudit-local"}


def log(api, query: str = "", *, who: str = HR, **headers: str):
    return api.call("GET", f"/v1/audit-log{query}", as_employee=who, headers=headers or None)


@pytest.mark.parametrize(("who", "status"), [(HR, 200), (ALICE, 403), (MAYA, 403), ("E9999", 403)])
def test_only_hr_and_admins_read_the_trail(api, org, who, status):
    reply = log(api, who=who)
    assert reply.status == status, reply.body
    if status == 403:
        assert_error(reply, 403, reply.error_code)
        assert reply.error_code in ("forbidden", "not_in_directory")


def test_an_admin_reads_it_too(api, org):
    reply = api.call("GET", "/v1/audit-log", as_employee=None, claims=ADMIN_CLAIMS | {"sub": "ops-admin"})
    assert reply.status == 200, reply.body


def test_newest_first_in_pages_that_follow_each_other(api, org):
    every = entries()
    first = log(api, "?limit=5")
    assert first.status == 200, first.body
    assert [e["seq"] for e in first.json["items"]] == [e["seq"] for e in reversed(every)][:5]
    second = log(api, f"?limit=5&cursor={first.json['next_cursor']}")
    assert [e["seq"] for e in second.json["items"]] == [e["seq"] for e in reversed(every)][5:10]
    item = first.json["items"][0]
    assert set(item) == {
        "id",
        "seq",
        "at",
        "actor",
        "action",
        "target",
        "changes",
        "correlation_id",
        "prev_hash",
        "hash",
    }


def test_filters_by_actor_action_target_and_period(api, org, clock):
    api.call("PATCH", "/v1/settings", body={"celebration_hour": 10}, headers=MERGE_PATCH)
    clock.advance(hours=1)
    api.call("PATCH", "/v1/settings", body={"celebration_hour": 11}, headers=MERGE_PATCH)
    patched = log(api, "?action=settings.patch").json["items"]
    assert [e["changes"]["celebration_hour"]["after"] for e in patched] == [11, 10]
    assert {e["actor"] for e in log(api, f"?actor={HR}").json["items"]} == {HR}
    assert log(api, "?actor=plaudit-seed&limit=100").json["items"][0]["actor"] == "plaudit-seed"
    bob = log(api, "?target=employee:E1004&limit=100").json["items"]
    assert [(e["action"], e["target"]) for e in bob] == [  # newest first: his user pool account, linked
        ("employee.account_link", "employee:E1004"),
        ("employee.create", "employee:E1004"),
    ]
    since = (clock() - timedelta(minutes=30)).isoformat()
    recent = log(api, f"?from={quote(since)}").json["items"]
    assert [e["changes"]["celebration_hour"]["after"] for e in recent] == [11]
    until = log(api, f"?to={quote(since)}&action=settings.patch").json["items"]
    assert [e["changes"]["celebration_hour"]["after"] for e in until] == [10]


def test_csv_with_accept_text_csv(api, org):
    api.call("PATCH", "/v1/settings", body={"celebration_hour": 10}, headers=MERGE_PATCH)
    formula = ADMIN_CLAIMS | {"sub": "=SUM(1)"}  # an integration whose client id reads as a formula
    budget = {"id": "csv", "name": "CSV", "kind": "company"}
    assert api.call("POST", "/v1/budgets", body=budget, as_employee=None, claims=formula).status == 201
    reply = log(api, "?limit=3", accept="text/csv")
    assert reply.status == 200, reply.body
    assert reply.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(reply.body.decode())))
    assert [row["seq"] for row in rows] == [str(e["seq"]) for e in reversed(entries())][:3]
    assert [row["action"] for row in rows[:2]] == ["budget.create", "settings.patch"]
    assert rows[0]["actor"] == "'=SUM(1)"  # a spreadsheet shows it as text, never runs it
    assert json.loads(rows[1]["changes"])["celebration_hour"] == {"before": 9, "after": 10}
    assert reply.headers["next-cursor"]
    following = log(api, f"?limit=3&cursor={reply.headers['next-cursor']}", accept="text/csv")
    assert [row["seq"] for row in csv.DictReader(io.StringIO(following.body.decode()))] == [
        str(e["seq"]) for e in reversed(entries())
    ][3:6]
    assert log(api, accept="application/json, text/csv").headers["content-type"] == "application/json"


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("?action=settings.delete", 422, "unknown_action"),
        ("?from=yesterday", 422, "invalid_request"),
        ("?from=2026-11-16T09:00:00", 422, "invalid_request"),  # no time zone: ambiguous
        ("?from=2026-11-16T10:00:00Z&to=2026-11-16T09:00:00Z", 422, "invalid_period"),
        ("?limit=0", 422, "invalid_request"),
        ("?limit=101", 422, "invalid_request"),
        ("?actor=", 422, "invalid_request"),
        ("?cursor=not-a-cursor", 400, "invalid_cursor"),
    ],
)
def test_bad_filters_are_refused_with_a_reason(api, org, query, status, code):
    details = assert_error(log(api, query), status, code)
    if code == "unknown_action":
        assert "settings.patch" in details["actions"]


def test_a_refused_filter_is_said_in_the_caller_s_language(api, org):
    claims = ADMIN_CLAIMS | {"sub": "ops-admin"}  # outside the directory: Accept-Language decides
    reply = api.call(
        "GET", "/v1/audit-log?action=x", as_employee=None, claims=claims, headers={"Accept-Language": "it"}
    )
    assert_error(reply, 422, "unknown_action")
    assert reply.json["error"]["message"] == "Azione sconosciuta: x."
    period = "?from=2026-11-16T10:00:00Z&to=2026-11-16T09:00:00Z"
    french = api.call("GET", f"/v1/audit-log{period}", as_employee=None, claims=claims,
                      headers={"Accept-Language": "fr"})  # fmt: skip
    assert french.json["error"]["message"] == "`from` doit précéder `to`."
