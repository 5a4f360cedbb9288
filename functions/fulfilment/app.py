"""Fulfilment worker (SQS, partial batch failures); HR's code stock uploads are functions/code_stock.

Each message {"redemption_id"} is fulfilled by services.fulfilment: fulfilled or refunded, the message is
done. A pending provider order or a transient failure fails the message, and its visibility is stretched
exponentially with its receive count (30 s, 60 s, ... 15 min), so SQS delivers it again later. After the
queue's maxReceiveCount it is parked in the dead-letter queue and the redemption stays `fulfilling` (its
points held): redriving the message re-runs it, idempotently (one provider order, one voucher).
"""

import gc

gc.disable()  # cold start: imports only create long-lived objects; collecting now is wasted time

import json
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from botocore.exceptions import ClientError

from plaudit.environment import environment
from plaudit.integrations import aws, correlation
from plaudit.services import fulfilment
from plaudit.services.metrics import count

logger = Logger()
tracer = Tracer()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS)
gc.freeze()  # keep them out of every later collection
gc.enable()

BASE_DELAY_S = 30
MAX_DELAY_S = 900


def retry_delay(receive_count: int) -> int:
    """Seconds until the next delivery: doubling from BASE_DELAY_S, at most MAX_DELAY_S."""
    return min(MAX_DELAY_S, BASE_DELAY_S * 2 ** max(0, min(receive_count - 1, 10)))


@tracer.capture_method
def fulfil_record(record: SQSRecord) -> None:
    correlation.adopt(correlation.of_message(record.raw_event))  # the request that queued it
    try:
        rid = json.loads(record.body)["redemption_id"]
        if not isinstance(rid, str):
            raise TypeError("redemption_id is not a string")
    except (ValueError, KeyError, TypeError) as error:  # will never get better: drop it, loudly
        logger.error(
            "Malformed fulfilment message", extra={"message_id": record.message_id, "error": str(error)}
        )
        count("FulfilmentMessagesMalformed")
        return
    try:
        result = fulfilment.fulfil(rid)
    except fulfilment.RetryLater as later:
        logger.info(
            "Fulfilment retried later",
            extra={"rid": rid, "reason": str(later), "external_order_id": later.external_order_id},
        )
        count("FulfilmentsRetried")
        _delay_redelivery(record)
        raise
    except Exception:
        _delay_redelivery(record)
        raise
    logger.info("Fulfilment done", extra={"rid": rid, "result": result.value})
    count(f"Fulfilments{result.value.capitalize()}")


def _delay_redelivery(record: SQSRecord) -> None:
    """Best effort: without it the message comes back after the queue's visibility timeout."""
    queue_url = environment().fulfilment_queue_url
    if not queue_url:
        return
    delay = retry_delay(int(record.attributes.approximate_receive_count or 1))
    try:
        aws.client("sqs").change_message_visibility(
            QueueUrl=queue_url, ReceiptHandle=record.receipt_handle, VisibilityTimeout=delay
        )
    except ClientError as error:
        logger.warning("Could not delay the retry", extra={"aws_error": error.response["Error"]["Code"]})


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict, context: Any) -> dict:
    return process_partial_response(
        event=event, record_handler=fulfil_record, processor=processor, context=context
    )
