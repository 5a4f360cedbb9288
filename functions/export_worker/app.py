"""Export worker (SQS, one job per message): writes each {"export_id"} job's file through
services.exports.run. A failure that retrying cannot cure fails the job with a reason; any other failure
fails the message, which SQS delivers again (the job starts over) until the queue's maxReceiveCount, whose
last delivery fails the job instead (so nobody polls a job that will never finish)."""

import gc

gc.disable()  # cold start: imports only create long-lived objects; collecting now is wasted time

import json
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from plaudit.integrations import correlation
from plaudit.services import exports
from plaudit.services.metrics import count

logger = Logger()
tracer = Tracer()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS)
gc.freeze()  # keep them out of every later collection
gc.enable()

MAX_RECEIVES = 3  # the queue's maxReceiveCount (template.yaml, ExportQueue)


@tracer.capture_method
def export_record(record: SQSRecord) -> None:
    correlation.adopt(correlation.of_message(record.raw_event))  # the request that asked for the export
    try:
        job_id = json.loads(record.body)["export_id"]
        if not isinstance(job_id, str):
            raise TypeError("export_id is not a string")
    except (ValueError, KeyError, TypeError) as error:  # will never get better: drop it, loudly
        logger.error("Malformed export message", extra={"message_id": record.message_id, "error": str(error)})
        count("ExportMessagesMalformed")
        return
    receives = int(record.attributes.approximate_receive_count or 1)
    status = exports.run(job_id, last_attempt=receives >= MAX_RECEIVES)
    if status is not None:
        count(f"Exports{status.value.capitalize()}")


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict, context: Any) -> dict:
    return process_partial_response(
        event=event, record_handler=export_record, processor=processor, context=context
    )
