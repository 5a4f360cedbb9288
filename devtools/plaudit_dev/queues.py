"""SQS consumers, run inline: `QueuePump.drain()` receives what the template's queues hold and delivers it to
their consumer functions in batches, as SQS records shaped the way Lambda's event source mapping sends them.

A batch that succeeds is deleted; a function error fails the whole batch, and with ReportBatchItemFailures
the function's `batchItemFailures` fail only those messages (an unknown or empty itemIdentifier fails the
batch, as in Lambda). Failed messages are not retried within the drain that failed them: they become
visible again at its end (not after the visibility timeout, so a local retry takes one drain, not minutes),
and the queue's RedrivePolicy (moto's, counted on receive) moves them to the dead-letter queue after
maxReceiveCount receives. Messages the FilterCriteria reject are deleted undelivered, as Lambda does.

`invoke(function_id, event)` runs the consumer: the stack's workers, or the test harness's handlers.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from plaudit_dev.event_filter import matches
from plaudit_dev.invoker import FunctionError
from plaudit_dev.local_aws import REGION
from plaudit_dev.template import QueueSource, QueueSpec, Template

log = logging.getLogger(__name__)

RECEIVE_LIMIT = 10  # SQS's most messages per ReceiveMessage
MAX_BATCHES = 100  # per source and drain: a consumer feeding its own queue cannot loop forever


def create_queues(sqs: Any, queues: Iterable[QueueSpec]) -> None:
    """Create the queues that do not exist yet, dead-letter queues before the queues that redrive to them
    (moto checks a RedrivePolicy's target exists)."""
    pending = {queue.logical_id: queue for queue in queues}
    existing = {url.rsplit("/", 1)[-1] for url in sqs.list_queues().get("QueueUrls", [])}
    while pending:
        ready = [
            queue
            for queue in pending.values()
            if queue.redrive is None or queue.redrive.dead_letter_queue_id not in pending
        ]
        if not ready:
            raise ValueError(f"queues redrive to each other in a cycle: {', '.join(sorted(pending))}")
        for queue in ready:
            if queue.name not in existing:
                sqs.create_queue(QueueName=queue.name, Attributes=queue.attributes)
            del pending[queue.logical_id]


@dataclass(frozen=True)
class QueueFailure:
    """One message a consumer failed: `error` is the function's error when the whole batch failed, None
    when the function reported the message in `batchItemFailures`."""

    function_id: str
    queue_id: str
    message_id: str
    body: str
    receive_count: int
    error: str | None


@dataclass
class DrainReport:
    delivered: int = 0  # messages handed to a consumer
    succeeded: int = 0  # ... and deleted after it succeeded
    filtered: int = 0  # messages the FilterCriteria rejected (deleted undelivered)
    failures: list[QueueFailure] = field(default_factory=list)


class QueuePump:
    """Delivers queue messages to the template's SQS consumers; thread-safe (one drain per source at a
    time, so a message is never delivered twice at once)."""

    def __init__(self, template: Template, invoke: Callable[[str, Any], Any], sqs: Any) -> None:
        self._invoke = invoke
        self._sqs = sqs
        self._sources = [
            (source, template.queues[source.queue_id], threading.Lock()) for source in template.queue_sources
        ]

    def drain(self) -> DrainReport:
        """Deliver every message visible now, each source once; returns what happened."""
        report = DrainReport()
        for source, queue, lock in self._sources:
            with lock:
                self._drain(source, queue, report)
        return report

    def _drain(self, source: QueueSource, queue: QueueSpec, report: DrainReport) -> None:
        failed: list[dict[str, Any]] = []
        try:
            for _ in range(MAX_BATCHES):
                messages = self._receive(queue, source.batch_size)
                if not messages:
                    return
                records = [sqs_record(message, queue) for message in messages]
                accepted = [record for record in records if self._accepts(source, record)]
                self._delete(queue, [r for r in records if r not in accepted])
                report.filtered += len(records) - len(accepted)
                if accepted:
                    failed += self._deliver(source, queue, accepted, report)
            log.warning("%s: still had messages after %d batches", source.queue_id, MAX_BATCHES)
        finally:
            self._make_visible(queue, failed)

    def _deliver(
        self, source: QueueSource, queue: QueueSpec, batch: list[dict[str, Any]], report: DrainReport
    ) -> list[dict[str, Any]]:
        """Invoke the consumer with `batch`; delete what succeeded, return the records that failed."""
        report.delivered += len(batch)
        error = None
        try:
            result = self._invoke(source.function_id, {"Records": batch})
        except Exception as exc:  # the stack's FunctionError, or whatever a handler raised in tests
            error = str(exc) if isinstance(exc, FunctionError) else f"{type(exc).__name__}: {exc}"
            log.error("%s failed on a batch of %d message(s): %s", source.function_id, len(batch), error)
            failed = batch
        else:
            failed = _reported_failures(source, batch, result)
            if failed:
                log.warning("%s: %d of %d message(s) failed", source.function_id, len(failed), len(batch))
        self._delete(queue, [record for record in batch if record not in failed])
        report.succeeded += len(batch) - len(failed)
        report.failures += [
            QueueFailure(
                function_id=source.function_id,
                queue_id=source.queue_id,
                message_id=record["messageId"],
                body=record["body"],
                receive_count=int(record["attributes"]["ApproximateReceiveCount"]),
                error=error,
            )
            for record in failed
        ]
        return failed

    def _receive(self, queue: QueueSpec, batch_size: int) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        while len(messages) < batch_size:
            page = self._sqs.receive_message(
                QueueUrl=queue.url,
                MaxNumberOfMessages=min(RECEIVE_LIMIT, batch_size - len(messages)),
                VisibilityTimeout=queue.visibility_timeout_s,
                WaitTimeSeconds=0,
                MessageSystemAttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            if not page:
                break
            messages += page
        return messages

    def _delete(self, queue: QueueSpec, records: list[dict[str, Any]]) -> None:
        for start in range(0, len(records), RECEIVE_LIMIT):
            entries = [
                {"Id": str(index), "ReceiptHandle": record["receiptHandle"]}
                for index, record in enumerate(records[start : start + RECEIVE_LIMIT])
            ]
            self._sqs.delete_message_batch(QueueUrl=queue.url, Entries=entries)

    def _make_visible(self, queue: QueueSpec, records: list[dict[str, Any]]) -> None:
        for start in range(0, len(records), RECEIVE_LIMIT):
            entries = [
                {"Id": str(index), "ReceiptHandle": record["receiptHandle"], "VisibilityTimeout": 0}
                for index, record in enumerate(records[start : start + RECEIVE_LIMIT])
            ]
            self._sqs.change_message_visibility_batch(QueueUrl=queue.url, Entries=entries)

    @staticmethod
    def _accepts(source: QueueSource, record: dict[str, Any]) -> bool:
        """FilterCriteria see the body as JSON when it is JSON (as Lambda's filtering does)."""
        if not source.filter_patterns:
            return True
        try:
            body = json.loads(record["body"])
        except ValueError:
            body = record["body"]
        event = {**record, "body": body}
        return any(matches(pattern, event) for pattern in source.filter_patterns)


def _reported_failures(source: QueueSource, batch: list[dict[str, Any]], result: Any) -> list[dict[str, Any]]:
    failures = result.get("batchItemFailures") if isinstance(result, dict) else None
    if not (source.report_batch_item_failures and failures):
        return []
    by_id = {record["messageId"]: record for record in batch}
    identifiers = [
        failure.get("itemIdentifier") if isinstance(failure, dict) else None for failure in failures
    ]
    if any(identifier not in by_id for identifier in identifiers):
        return batch  # Lambda treats a missing or unknown itemIdentifier as a failure of the whole batch
    return [record for record in batch if record["messageId"] in identifiers]


def sqs_record(message: dict[str, Any], queue: QueueSpec) -> dict[str, Any]:
    """A message as ReceiveMessage returns it, shaped as Lambda delivers it to an SQS consumer."""
    record = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": {
            name: _message_attribute(value) for name, value in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": queue.arn,
        "awsRegion": REGION,
    }
    if "MD5OfMessageAttributes" in message:
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return record


def _message_attribute(value: dict[str, Any]) -> dict[str, Any]:
    """ReceiveMessage's `{"StringValue", "DataType"}` as Lambda's `{"stringValue", ..., "dataType"}`."""
    shaped: dict[str, Any] = {"stringListValues": [], "binaryListValues": [], "dataType": value["DataType"]}
    if "StringValue" in value:
        shaped["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        shaped["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode()
    return shaped
