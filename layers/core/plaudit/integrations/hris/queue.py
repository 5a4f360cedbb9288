"""The queue between the HRIS webhooks (which verify, parse and acknowledge) and the worker (which applies
changes): one SQS message per change, its body a QueuedChange as JSON."""

from typing import Annotated, Any, Literal

import boto3
from botocore.config import Config
from pydantic import Field

from plaudit.domain.hris import EmployeeUpsert, ManagerChange, NamedEvent, Termination
from plaudit.domain.model import Model
from plaudit.environment import environment
from plaudit.integrations.hris.bamboohr import BambooHrRefresh

SQS_BATCH = 10
_CONFIG = Config(retries={"mode": "standard", "max_attempts": 4}, connect_timeout=2, read_timeout=5)
_client: Any = None

Work = Annotated[
    EmployeeUpsert | Termination | ManagerChange | NamedEvent | BambooHrRefresh, Field(discriminator="kind")
]


class QueuedChange(Model):
    source: Literal["hris_webhook", "bamboohr"]
    delivery_id: str
    change: Work


def sqs() -> Any:
    global _client
    if _client is None:
        _client = boto3.client("sqs", config=_CONFIG)
    return _client


def use_client(client: Any) -> None:
    """Swap the client (tests). None resets to lazy creation."""
    global _client
    _client = client


def send(changes: list[QueuedChange]) -> None:
    """Queue every change (SendMessageBatch, ten at a time); raise if SQS refuses any."""
    queue_url = environment().hris_queue_url
    for start in range(0, len(changes), SQS_BATCH):
        entries = [
            {"Id": str(index), "MessageBody": change.model_dump_json()}
            for index, change in enumerate(changes[start : start + SQS_BATCH])
        ]
        failed = sqs().send_message_batch(QueueUrl=queue_url, Entries=entries).get("Failed") or []
        if failed:
            codes = sorted({entry.get("Code", "?") for entry in failed})
            raise RuntimeError(f"SQS refused {len(failed)} HRIS change(s): {', '.join(codes)}")
