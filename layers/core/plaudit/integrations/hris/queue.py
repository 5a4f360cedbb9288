"""The queue between the HRIS webhooks (which verify, parse and acknowledge) and the worker (which applies
changes): one SQS message per change, its body a QueuedChange as JSON."""

from typing import Annotated, Any, Literal

from pydantic import Field

from plaudit.domain.hris import EmployeeUpsert, ManagerChange, NamedEvent, ReferralHired, Termination
from plaudit.domain.model import Model
from plaudit.environment import environment
from plaudit.integrations import aws, correlation
from plaudit.integrations.hris.bamboohr import BambooHrRefresh

SQS_BATCH = 10

Work = Annotated[
    EmployeeUpsert | Termination | ManagerChange | NamedEvent | ReferralHired | BambooHrRefresh,
    Field(discriminator="kind"),
]


class QueuedChange(Model):
    source: Literal["hris_webhook", "bamboohr"]
    delivery_id: str
    change: Work


def sqs() -> Any:
    return aws.client("sqs")


def send(changes: list[QueuedChange]) -> None:
    """Queue every change (SendMessageBatch, ten at a time); raise if SQS refuses any."""
    queue_url = environment().hris_queue_url
    for start in range(0, len(changes), SQS_BATCH):
        entries = [
            correlation.on_message({"Id": str(index), "MessageBody": change.model_dump_json()})
            for index, change in enumerate(changes[start : start + SQS_BATCH])
        ]
        failed = sqs().send_message_batch(QueueUrl=queue_url, Entries=entries).get("Failed") or []
        if failed:
            codes = sorted({entry.get("Code", "?") for entry in failed})
            raise RuntimeError(f"SQS refused {len(failed)} HRIS change(s): {', '.join(codes)}")
