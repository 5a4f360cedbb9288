"""The queue from approval to fulfilment: one SQS message {"redemption_id": ...} per redemption to fulfil."""

import json
from typing import Any

from aws_lambda_powertools import Logger

from plaudit.environment import environment
from plaudit.integrations import aws, correlation

logger = Logger(child=True)


def sqs() -> Any:
    return aws.client("sqs")


def send(redemption_id: str) -> bool:
    """Queue a redemption for fulfilment; False (and a warning) when no queue is configured."""
    queue_url = environment().fulfilment_queue_url
    if not queue_url:
        logger.warning("FULFILMENT_QUEUE_URL is not set: redemption not queued", extra={"rid": redemption_id})
        return False
    message = {"QueueUrl": queue_url, "MessageBody": json.dumps({"redemption_id": redemption_id})}
    sqs().send_message(**correlation.on_message(message))
    return True
