"""A request's correlation id reaches the work it causes (docs/operations.md, "Logs and correlation ids"):
the messages it queues carry it as a message attribute, the items its transactions write as an attribute the
stream hands on, and the queue and stream workers log their lines under it."""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from plaudit.integrations import correlation, fulfilment_queue
from plaudit.store import keys
from plaudit.store.client import dynamodb, table_name
from plaudit.store.codec import from_item
from plaudit.store.transact import Write, put_new, write_all

ALICE, BOB = "E1003", "E1004"


@contextlib.contextmanager
def logged(logger: Any) -> Iterator[list[dict[str, Any]]]:
    """The JSON lines a function's Powertools Logger writes inside the block."""
    buffer, lines = io.StringIO(), []
    previous = logger.registered_handler.setStream(buffer)
    try:
        yield lines
    finally:
        logger.registered_handler.setStream(previous)
        lines += [json.loads(line) for line in buffer.getvalue().splitlines()]


def _get(pk: str, sk: str) -> dict[str, Any] | None:
    item = dynamodb().get_item(TableName=table_name(), Key={"PK": {"S": pk}, "SK": {"S": sk}}).get("Item")
    return from_item(item) if item else None


def test_items_a_transaction_writes_carry_the_correlation_id(aws: Any) -> None:
    update = Write(
        "counter",
        {
            "Update": {
                "TableName": table_name(),
                "Key": {"PK": {"S": "T#1"}, "SK": {"S": "COUNTER"}},
                "UpdateExpression": "ADD #n :one",
                "ExpressionAttributeNames": {"#n": "n"},
                "ExpressionAttributeValues": {":one": {"N": "1"}},
            }
        },
    )
    correlation.adopt(None)
    write_all([put_new("a", {"PK": "T#0", "SK": "X"})])
    assert _get("T#0", "X") == {"PK": "T#0", "SK": "X"}  # outside a request: nothing to stamp

    correlation.adopt("req-write-1")
    write_all([put_new("b", {"PK": "T#1", "SK": "X"}), update])
    write_all([put_new("c", {"PK": "T#2", "SK": "X", "correlation_id": "req-own"})])  # a trail entry's own
    assert _get("T#1", "X") == {"PK": "T#1", "SK": "X", "correlation_id": "req-write-1"}
    assert _get("T#1", "COUNTER") == {"PK": "T#1", "SK": "COUNTER", "n": 1, "correlation_id": "req-write-1"}
    assert _get("T#2", "X")["correlation_id"] == "req-own"  # type: ignore[index]

    correlation.adopt("req-write-2")  # a later update keeps the creator's id (a trail entry's is hashed)
    write_all([update])
    assert _get("T#1", "COUNTER") == {"PK": "T#1", "SK": "COUNTER", "n": 2, "correlation_id": "req-write-1"}


def test_the_fulfilment_worker_logs_under_the_request_that_queued_the_work(api: Any) -> None:
    correlation.adopt("req-approve-1")  # the request approving a redemption queues it
    assert fulfilment_queue.send("red_01JZZZZZZZZZZZZZZZZZZZZZZZ")
    url = api.template.queues["FulfilmentQueue"].url
    (message,) = boto3.client("sqs").receive_message(QueueUrl=url, MessageAttributeNames=["All"])["Messages"]
    assert message["MessageAttributes"]["correlation_id"]["StringValue"] == "req-approve-1"
    boto3.client("sqs").change_message_visibility(
        QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
    )

    correlation.adopt("req-something-else")  # the worker's container served other work before
    worker = api._module(api.template.functions["FulfilmentFunction"])
    with logged(worker.logger) as lines:
        assert api.drain_queues() == []
    (done,) = [line for line in lines if line["message"] == "Fulfilment done"]
    assert done["correlation_id"] == "req-approve-1"


def test_stream_consumers_log_under_the_request_that_wrote_the_record(
    api: Any, org: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    reply = api.call(
        "POST",
        "/v1/recognitions",
        body={"recipient_ids": [BOB], "points": 10, "message": "Thanks!"},
        as_employee=ALICE,
        headers={"Idempotency-Key": "corr-1"},
    )
    assert reply.status == 201, reply.body
    pk, sk = keys.recognition(reply.json["id"])
    raw = dynamodb().get_item(TableName=table_name(), Key={"PK": {"S": pk}, "SK": {"S": sk}})["Item"]
    assert raw["correlation_id"] == {"S": "test-request"}  # the API request's id, in the stream's image

    module = api._module(api.template.functions["NotificationsFunction"])
    monkeypatch.setattr(module.notifier, "handle", lambda *args: module.logger.info("Notice considered"))
    correlation.adopt("req-something-else")
    record = {
        "eventID": "1",
        "eventName": "INSERT",
        "eventSource": "aws:dynamodb",
        "dynamodb": {"Keys": {"PK": raw["PK"], "SK": raw["SK"]}, "NewImage": raw, "SequenceNumber": "1"},
    }
    with logged(module.logger) as lines:
        api.invoke("NotificationsFunction", {"Records": [record]})
    (line,) = [line for line in lines if line["message"] == "Notice considered"]
    assert line["correlation_id"] == "test-request"
