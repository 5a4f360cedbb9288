"""`plaudit dlq list` and `plaudit dlq redrive QUEUE`: the stack's dead-letter queues, and putting their
messages back where they came from.

The dead-letter queues are the template's (plaudit_dev.alarms.dead_letter_queues: a redrive policy's target,
an on-failure destination, a schedule's dead-letter queue), found by logical id among a deployed stack's
resources (`--stack NAME`) or the running local stack's queues. Redriving starts SQS's message move task
(StartMessageMoveTask) back to the source queue and waits for it; the local stack answers the same call
(plaudit_dev.moto_patches, moto has none). SQS moves messages back only to an SQS source queue: the others
(stream consumers', asynchronous invocations', schedules') are refused with what to do instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from plaudit_dev.alarms import dead_letter_queues, redrive_sources

DONE = {"COMPLETED", "CANCELLED", "FAILED"}
POLL_S = 2.0
MAX_POLLS = 900  # half an hour: a move task moves up to 500 messages a second
RUNBOOK = "docs/operations.md, Dead-letter queues"


class NotRedrivable(ValueError):
    """The queue is not one SQS can move messages back from (or not a dead-letter queue of the stack)."""


@dataclass(frozen=True)
class DeadLetterQueue:
    logical_id: str
    url: str
    source_id: str | None  # the queue whose redrive policy targets it; None: nothing SQS can move back to


@dataclass(frozen=True)
class Count:
    queue: DeadLetterQueue
    visible: int
    in_flight: int


def find(template: dict[str, Any], queue_urls: dict[str, str]) -> list[DeadLetterQueue]:
    """The template's dead-letter queues that `queue_urls` (logical id -> URL) has, in template order."""
    sources = redrive_sources(template)
    return [
        DeadLetterQueue(logical_id=name, url=queue_urls[name], source_id=sources.get(name))
        for name in dead_letter_queues(template)
        if name in queue_urls
    ]


def stack_queue_urls(cloudformation: Any, stack_name: str) -> dict[str, str]:
    """Logical id -> URL of a deployed stack's queues (an SQS queue's physical id is its URL)."""
    urls = {}
    for page in cloudformation.get_paginator("list_stack_resources").paginate(StackName=stack_name):
        for resource in page["StackResourceSummaries"]:
            if resource["ResourceType"] == "AWS::SQS::Queue" and resource.get("PhysicalResourceId"):
                urls[resource["LogicalResourceId"]] = resource["PhysicalResourceId"]
    return urls


def counts(sqs: Any, queues: list[DeadLetterQueue]) -> list[Count]:
    found = []
    for queue in queues:
        attributes = sqs.get_queue_attributes(
            QueueUrl=queue.url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        found.append(
            Count(
                queue=queue,
                visible=int(attributes["ApproximateNumberOfMessages"]),
                in_flight=int(attributes["ApproximateNumberOfMessagesNotVisible"]),
            )
        )
    return found


def redrive(
    sqs: Any, queues: list[DeadLetterQueue], name: str, *, sleep: Callable[[float], None]
) -> dict[str, Any]:
    """Move the messages of the dead-letter queue `name` back to its source queue; returns the finished
    task (ListMessageMoveTasks' result: Status, ApproximateNumberOfMessagesMoved, FailureReason...)."""
    by_id = {queue.logical_id: queue for queue in queues}
    queue = by_id.get(name)
    if queue is None:
        raise NotRedrivable(f"{name} is not a dead-letter queue of the stack: one of {', '.join(by_id)}")
    if queue.source_id is None:
        raise NotRedrivable(
            f"{name} holds failures of a stream consumer, an asynchronous invocation or a schedule, which "
            f"SQS cannot move back: see {RUNBOOK}"
        )
    arn = sqs.get_queue_attributes(QueueUrl=queue.url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    handle = sqs.start_message_move_task(SourceArn=arn)["TaskHandle"]
    for _ in range(MAX_POLLS):
        # the most recent task is this one: SQS runs one move task per queue at a time
        (task,) = sqs.list_message_move_tasks(SourceArn=arn, MaxResults=1)["Results"]
        if task.get("Status") in DONE:
            return task  # type: ignore[no-any-return]
        sleep(POLL_S)
    raise TimeoutError(
        f"{name}: the move task {handle} has not finished; `plaudit dlq list` shows its progress"
    )
