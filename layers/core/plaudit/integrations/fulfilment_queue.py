"""The queue from approval to fulfilment: one SQS message {"redemption_id": ...} per redemption to fulfil."""

import json
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from botocore.config import Config

from plaudit.environment import environment

logger = Logger(child=True)
_CONFIG = Config(retries={"mode": "standard", "max_attempts": 4}, connect_timeout=2, read_timeout=5)
_client: Any = None


def sqs() -> Any:
    global _client
    if _client is None:
        _client = boto3.client("sqs", config=_CONFIG)
    return _client


def use_client(client: Any) -> None:
    """Swap the client (tests). None resets to lazy creation."""
    global _client
    _client = client


def send(redemption_id: str) -> bool:
    """Queue a redemption for fulfilment; False (and a warning) when no queue is configured."""
    queue_url = environment().fulfilment_queue_url
    if not queue_url:
        logger.warning("FULFILMENT_QUEUE_URL is not set: redemption not queued", extra={"rid": redemption_id})
        return False
    sqs().send_message(QueueUrl=queue_url, MessageBody=json.dumps({"redemption_id": redemption_id}))
    return True
