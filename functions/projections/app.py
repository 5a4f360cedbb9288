"""Stream consumer: links the administrative trail's new entries into its chain, counts the batch into the
insights counters and leaderboards (exactly once, one update per counter per batch), then projects new kudos
into the feed index record by record."""

import gc

gc.disable()  # cold start: imports only create long-lived objects; collecting now is wasted time

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from plaudit.integrations import correlation
from plaudit.services.projections import project_aggregates, project_record
from plaudit.services.trail import link_written

logger = Logger()
tracer = Tracer()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
gc.freeze()  # keep them out of every later collection
gc.enable()


@tracer.capture_method
def record_handler(record: DynamoDBRecord) -> None:
    correlation.adopt(correlation.of_image(record.raw_event["dynamodb"].get("NewImage")))  # who wrote it
    project_record(
        record.event_name.name if record.event_name else "", record.raw_event["dynamodb"].get("NewImage")
    )


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context: object) -> dict:
    correlation.adopt(None)  # the batch's own work is no request's; each record adopts its writer's
    link_written(record["dynamodb"].get("NewImage") for record in event["Records"])
    # The whole batch first: should it fail, Lambda delivers the batch again and what was counted counts
    # nothing twice (the sources' markers and the journal's applied chunks say so).
    project_aggregates(
        (record["eventName"], record["dynamodb"].get("OldImage"), record["dynamodb"].get("NewImage"))
        for record in event["Records"]
    )
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
