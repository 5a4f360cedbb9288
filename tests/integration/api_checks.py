"""Checks the API integration tests share: the error shape, the table as a whole, the ledger audit."""

from __future__ import annotations

import os
from typing import Any

from plaudit.services.audit import audit_ledger
from plaudit.services.trail import link_written, verify_trail
from plaudit.store import keys
from plaudit.store import trail as trail_store
from plaudit.store.client import dynamodb, table_name


def assert_error(reply, status: int, code: str, context: Any = None) -> dict[str, Any]:
    """A 4xx in Plaudit's error shape with this code; returns the details."""
    assert reply.status == status, (context, reply.status, reply.body)
    assert reply.headers.get("content-type") == "application/json", (context, reply.headers)
    body = reply.json
    assert set(body) == {"error"}, (context, body)
    assert set(body["error"]) == {"code", "message", "details"}, (context, body)
    assert body["error"]["code"] == code, (context, body)
    assert isinstance(body["error"]["message"], str), (context, body)
    assert body["error"]["message"], (context, body)
    assert isinstance(body["error"]["details"], dict), (context, body)
    return body["error"]["details"]


def table_items(aws) -> list[dict[str, Any]]:
    """Every item of the domain table, in key order: equal before and after means nothing was written."""
    items: list[dict[str, Any]] = []
    for page in aws.get_paginator("scan").paginate(TableName=os.environ["TABLE_NAME"]):
        items += page["Items"]
    return sorted(items, key=lambda item: (item["PK"]["S"], item["SK"]["S"]))


def assert_audit_clean() -> None:
    """The ledger proves, and so does the administrative trail's chain once the stream has linked what
    the test wrote (tests that call services directly have no stream consumer: it is done here)."""
    report = audit_ledger()
    assert report.ok, report.breaches
    link_unlinked_entries()
    chain = verify_trail()
    assert chain.ok, chain.broken


def link_unlinked_entries() -> None:
    """Deliver the trail's entries not linked yet to the linker, in the order written, as the table's
    stream would (their images as written)."""
    pages = (
        dynamodb()
        .get_paginator("query")
        .paginate(
            TableName=table_name(),
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": keys.AUDIT_PARTITION}},
            ConsistentRead=True,
        )
    )
    link_written(item for page in pages for item in page["Items"] if "hash" not in item)


def newest_trail_entry() -> dict[str, Any]:
    *_, newest = trail_store.all_entries()
    return newest
