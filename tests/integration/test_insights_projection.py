"""Insights counters and leaderboard rows, kept by the real projection handler from the table's stream:
exactly once per causing record (a redelivered record, a retried batch after a crash part way), one update
per counter per batch, proven by the audit and rebuilt from the records."""

from __future__ import annotations

from typing import Any

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
    assert len(records) == 2
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
