"""Campaign worker (SQS): pays one chunk of a campaign's people per message, {"campaign_id", "chunk"},
through services.campaigns.process_chunk. A redelivered message, or one after a crash, pays nobody twice
(each award's id derives from the campaign and the person; a chunk's counts move once). A failure fails
the message only (ReportBatchItemFailures): SQS delivers it again, then to the dead-letter queue."""

import gc

gc.disable()  # cold start: imports only create long-lived objects; collecting now is wasted time

import json
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from plaudit.integrations import correlation
from plaudit.services import campaigns
from plaudit.services.metrics import count

logger = Logger()
tracer = Tracer()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS)
gc.freeze()  # keep them out of every later collection
gc.enable()


@tracer.capture_method
def chunk_record(record: SQSRecord) -> None:
    correlation.adopt(correlation.of_message(record.raw_event))  # the request that ran the campaign
    try:
        message = json.loads(record.body)
        campaign_id, chunk = message["campaign_id"], message["chunk"]
        if not isinstance(campaign_id, str) or not isinstance(chunk, int):
            raise TypeError("campaign_id is not a string or chunk not a number")
    except (ValueError, KeyError, TypeError) as error:  # will never get better: drop it, loudly
        logger.error(
            "Malformed campaign message", extra={"message_id": record.message_id, "error": str(error)}
        )
        count("CampaignMessagesMalformed")
        return
    counts = campaigns.process_chunk(campaign_id, chunk)
    logger.info("Campaign chunk", extra={"campaign_id": campaign_id, "chunk": chunk, **counts})


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict, context: Any) -> dict:
    return process_partial_response(
        event=event, record_handler=chunk_record, processor=processor, context=context
    )
