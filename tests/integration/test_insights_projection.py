"""Insights counters and leaderboard rows, kept by the real projection handler from the table's stream:
exactly once per causing record (a redelivered record, a retried batch after a crash part way), one update
per counter per batch, proven by the audit and rebuilt from the records."""

from __future__ import annotations

from typing import Any

import pytest

from plaudit.services import insights
from plaudit.store import insights as insight_store
from plaudit.store.client import dynamodb, table_name
from plaudit.store.codec import to_attr

ALICE, BOB, CARLOS, GRACE, HUGO = "E1003", "E1004", "E1005", "E1009", "E1010"
WEEK, MONTH, QUARTER, YEAR = "2026-W47", "2026-11", "2026-Q4", "2026"


def give(api, giver: str, recipients: list[str], points: int, **fields: Any) -> dict[str, Any]:
    body = {"recipient_ids": recipients, "points": points, "message": "Thanks!"} | fields
    reply = api.call("POST", "/v1/recognitions", as_employee=giver, body=body)
    assert reply.status == 201, reply.body
    return reply.json


def counters() -> dict:
    return insight_store.scan_aggregates()[0]


def test_a_kudos_counts_on_each_side_in_every_period_and_scope(api, org) -> None:
    give(api, ALICE, [BOB, GRACE], 5, values=["teamwork"])
    found = counters()
    for period in (WEEK, MONTH, QUARTER, YEAR, "all"):
        assert found[("org", period)] == {
            "kudos_given": 1,
            "points_given": 10,
            "kudos_received": 2,
            "points_received": 10,
            "unique_givers": 1,
            "unique_receivers": 2,
        }
    assert found[("person:E1003", MONTH)] == {"kudos_given": 1, "points_given": 10}
    assert found[("person:E1009", MONTH)] == {"kudos_received": 1, "points_received": 5}
    assert found[("dept:People", MONTH)] == {"kudos_received": 1, "points_received": 5, "unique_receivers": 1}
    assert found[("dept:Engineering", MONTH)]["unique_givers"] == 1
    assert found[("team:E1002", MONTH)]["points_received"] == 5  # Bob reports to Maya
    assert found[("country:KR", MONTH)]["points_received"] == 5
    assert found[("value:teamwork", MONTH)]["points_received"] == 10
    assert insights.audit_aggregates() == []


def test_a_redelivered_batch_counts_once(api, org) -> None:
    records = []
    original = api.invoke

    def keep(function_id: str, event: Any) -> Any:
        if function_id == "ProjectionsFunction":
            records.extend(event["Records"])
        return original(function_id, event)

    api.invoke = keep
    give(api, ALICE, [BOB], 7)
    give(api, CARLOS, [BOB], 3)
    assert len(records) == 4  # each kudos and its ledger transaction (the liability's change)
    before = counters()
    api.invoke = original
    assert api.invoke("ProjectionsFunction", {"Records": records}) == {"batchItemFailures": []}
    assert api.invoke("ProjectionsFunction", {"Records": records[1:]}) == {"batchItemFailures": []}
    assert counters() == before
    assert before[("person:E1004", "all")] == {"kudos_received": 2, "points_received": 10}
    assert insights.audit_aggregates() == []


def test_the_audit_names_a_tampered_counter_and_the_rebuild_mends_it(api, org) -> None:
    give(api, ALICE, [BOB], 7, values=["craft"])
    dynamodb().update_item(
        TableName=table_name(),
        Key={"PK": {"S": "AGG#dept:Engineering#2026-11"}, "SK": {"S": "COUNTER"}},
        UpdateExpression="ADD points_received :more",
        ExpressionAttributeValues={":more": to_attr(1)},
    )
    breaches = insights.audit_aggregates()
    assert breaches[0] == "counter dept:Engineering / 2026-11: points_received 8 (records say 7)"
    written = insights.rebuild()
    assert insights.audit_aggregates() == []
    assert insights.rebuild() == written  # idempotent: the same items, the same figures
    assert insights.audit_aggregates() == []


def capture_stream(api) -> list[dict[str, Any]]:
    """The projection's stream records from now on are kept (and not delivered) for the test to deliver."""
    kept: list[dict[str, Any]] = []
    original = api.invoke

    def keep(function_id: str, event: Any) -> Any:
        if function_id == "ProjectionsFunction":
            kept.extend(event["Records"])
            return {"batchItemFailures": []}
        return original(function_id, event)

    api.invoke = keep
    api.deliver = original
    return kept


def recognition_ids(records: list[dict[str, Any]]) -> list[str]:
    images = [record["dynamodb"]["NewImage"] for record in records]
    return [image["id"]["S"] for image in images if image["type"]["S"] == "recognition"]


def test_a_batch_that_crashed_part_way_counts_once_when_retried(api, org, monkeypatch) -> None:
    kept = capture_stream(api)
    give(api, ALICE, [BOB, CARLOS], 5, values=["teamwork", "craft"])
    give(api, GRACE, [HUGO], 4)
    add_on = api.call(
        "POST",
        f"/v1/recognitions/{recognition_ids(kept)[0]}/add-ons",
        as_employee=HUGO,
        body={"points": 2},
    )
    assert add_on.status == 201, add_on.body
    monkeypatch.setattr(insight_store, "CHUNK", 7)  # many chunks, so the crash falls between two
    real = insight_store.write_all
    calls = {"n": 0}

    def crash_on_third(writes):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("Lambda timed out")
        return real(writes)

    monkeypatch.setattr(insight_store, "write_all", crash_on_third)
    with pytest.raises(RuntimeError):
        api.deliver("ProjectionsFunction", {"Records": kept})
    monkeypatch.setattr(insight_store, "write_all", real)
    assert insights.audit_aggregates() != []  # part of the batch landed
    # Lambda retries from the failed batch; bisected, the tail alone first, then the whole again
    assert api.deliver("ProjectionsFunction", {"Records": kept[1:]}) == {"batchItemFailures": []}
    assert api.deliver("ProjectionsFunction", {"Records": kept}) == {"batchItemFailures": []}
    assert insights.audit_aggregates() == []
    found = counters()
    assert found[("org", "all")]["points_received"] == 10 + 4 + 4  # two add-on shares of 2
    assert found[("org", "all")]["add_ons_given"] == 1


def test_a_batch_of_100_updates_each_counter_once(api, org, monkeypatch) -> None:
    kept = capture_stream(api)
    givers = ["E1003", "E1004", "E1005", "E1006", "E1007", "E1008", "E1009", "E1010", "E1011", "E1012"]
    for n in range(100):
        giver = givers[n % 10]
        give(
            api,
            giver,
            [givers[(n + 1 + n // 10) % 10] if givers[(n + 1 + n // 10) % 10] != giver else "E1002"],
            1,
        )
    assert len(kept) == 200  # each kudos and its ledger transaction
    updated: list[tuple[str, str]] = []
    real = insight_store.write_all

    def record(writes):
        updated.extend(
            (w.operation["Update"]["Key"]["PK"]["S"], w.operation["Update"]["Key"]["SK"]["S"])
            for w in writes
            if w.label.startswith("update:")
        )
        return real(writes)

    monkeypatch.setattr(insight_store, "write_all", record)
    assert api.deliver("ProjectionsFunction", {"Records": kept}) == {"batchItemFailures": []}
    assert len(updated) == len(set(updated))  # one update per counter and per board row
    org_month = [key for key in updated if key[0] == "AGG#org#2026-11"]
    assert org_month == [("AGG#org#2026-11", "COUNTER")]
    assert counters()[("org", "2026-11")]["kudos_given"] == 100
    assert insights.audit_aggregates() == []


def test_the_rebuild_restores_headcounts_and_team_listings_written_before_the_directory_kept_them(
    api, org
) -> None:
    """An organisation whose profiles predate the directory's counts: a headcount and a listing missing,
    a listing of someone who no longer reports there. The audit names them; the rebuild mends them."""
    before = insight_store.scan_directory_counts()
    assert insights.audit_directory() == []
    manager_id, employee_id = sorted(before.teams)[0]
    client, table = dynamodb(), table_name()
    client.delete_item(TableName=table, Key={"PK": {"S": "HEADCOUNT"}, "SK": {"S": "dept:Engineering"}})
    client.delete_item(TableName=table, Key={"PK": {"S": f"TEAM#{manager_id}"}, "SK": {"S": employee_id}})
    stale = {"PK": {"S": f"TEAM#{manager_id}"}, "SK": {"S": "E9999"}, "type": {"S": "team_member"}}
    client.put_item(TableName=table, Item=stale | {"employee_id": {"S": "E9999"}, "name": {"S": "Gone"}})
    breaches = insights.audit_directory()
    engineering = before.headcounts["dept:Engineering"]
    assert breaches[0] == f"headcount dept:Engineering: 0 (directory says {engineering})"
    assert f"team {manager_id}: {employee_id} not listed (directory says they report there)" in breaches
    assert f"team {manager_id}: E9999 listed (directory says they do not report there)" in breaches

    written = insights.rebuild()
    assert insights.audit_directory() == []
    assert insight_store.scan_directory_counts() == before
    assert insights.rebuild() == written - 1  # the stale listing's delete, once; the rest written the same
    assert insight_store.scan_directory_counts() == before
    assert insights.audit_aggregates() == []
