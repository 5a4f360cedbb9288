"""Applies queued HRIS changes (SQS, partial batch failures).

Directory changes go to the directory sync, named events to the milestone awards (the same path as the
daily run). A RuleViolation (bad data: unknown manager, incomplete new person, unknown BambooHR id) or a
Conflict over a unique field (an email or Slack user id someone else holds) will not get better by
retrying: it is logged by ids and counted, and the message is done. Anything else (a concurrent update
included) fails the message, which SQS retries and finally parks in the dead-letter queue.
"""

import gc

gc.disable()  # cold start: imports only create long-lived objects; collecting now is wasted time

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from plaudit.domain.errors import Conflict, RuleViolation
from plaudit.domain.hris import NamedEvent
from plaudit.integrations.hris import bamboohr, credentials
from plaudit.integrations.hris.queue import QueuedChange
from plaudit.services import directory_sync, milestones

logger = Logger()
tracer = Tracer()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS)
gc.freeze()  # keep them out of every later collection
gc.enable()

AWARD_SOURCE = "hris"
PERMANENT_CONFLICTS = {"email_taken", "slack_user_taken"}
MAY_BE_OVERTAKEN = {"unknown_manager", "unknown_employee"}


@tracer.capture_method
def apply(record: SQSRecord) -> None:
    queued = QueuedChange.model_validate_json(record.body)
    change = queued.change
    try:
        if isinstance(change, bamboohr.BambooHrRefresh):
            change = bamboohr.refresh(change, credentials.bamboohr_client())
        if isinstance(change, NamedEvent):
            milestones.award_event(change, source=AWARD_SOURCE)
        else:
            directory_sync.apply_change(change, source=queued.source)
    except (RuleViolation, Conflict) as refusal:
        if isinstance(refusal, Conflict) and refusal.code not in PERMANENT_CONFLICTS:
            raise
        if refusal.code in MAY_BE_OVERTAKEN:
            metrics.add_metric(name="HrisChangesWaiting", unit=MetricUnit.Count, value=1)
            raise
        logger.warning(
            "HRIS change refused",
            extra={
                "source": queued.source,
                "delivery_id": queued.delivery_id,
                "employee_id": change.employee_id,
                "kind": change.kind,
                "code": refusal.code,
            },
        )
        metrics.add_metric(name="HrisChangesRefused", unit=MetricUnit.Count, value=1)
        return
    metrics.add_metric(name="HrisChangesApplied", unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict, context: Any) -> dict:
    return process_partial_response(event=event, record_handler=apply, processor=processor, context=context)
