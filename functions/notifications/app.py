"""Stream consumer: celebrates milestone awards in Slack, announces a season's winners, tells HR of awards
waiting for a budget and reminds managers ahead; asks approvers, tells people of their redemptions and HR of
failures and low stock; delivers issued vouchers by Slack DM, email or the API (plaudit.slack.notices).
Records are reported one by one (partial failures)."""

import gc

gc.disable()  # cold start: imports only create long-lived objects; collecting now is wasted time

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from plaudit.integrations import correlation
from plaudit.slack.notices.notifier import Notifier

logger = Logger()
tracer = Tracer()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
notifier = Notifier()
gc.freeze()  # keep them out of every later collection
gc.enable()


@tracer.capture_method
def record_handler(record: DynamoDBRecord) -> None:
    change = record.raw_event["dynamodb"]
    correlation.adopt(correlation.of_image(change.get("NewImage")))  # the request that wrote the record
    notifier.handle(
        record.event_id or change.get("SequenceNumber", ""),
        record.event_name.name if record.event_name else "",
        change.get("OldImage"),
        change.get("NewImage"),
    )


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context: object) -> dict:
    correlation.adopt(None)  # each record adopts the id of the request that wrote it
    notifier.begin_batch()
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
