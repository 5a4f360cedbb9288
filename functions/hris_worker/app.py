"""Applies queued HRIS changes (SQS, partial batch failures).

Directory changes go to the directory sync, named events to the milestone awards (the same path as the
daily run), referral hires to the referral rules (a hire reported again is refused and dropped).
Deliveries arrive in no guaranteed order, so a change naming someone not in the directory yet (an unknown
manager or referrer, or a person an earlier change of the delivery creates) is put back on the queue, one
log line each time, for ORDERING_RECEIVES receives in all; then it is logged and dropped. A termination of
someone who is not in the directory has nothing to deactivate: logged and dropped at once. Other bad data
(an incomplete new person, an unknown BambooHR id) or a Conflict over a unique field (an email or Slack user
id someone else holds) will not get better by retrying: logged by ids, counted, dropped. Anything else (a
concurrent update included) fails the message, logged by message id and error type; SQS retries it and
finally parks it in the dead-letter queue. Log lines carry ids and codes only.
"""

import gc

gc.disable()  # cold start: imports only create long-lived objects; collecting now is wasted time

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from plaudit.domain.errors import Conflict, RuleViolation
from plaudit.domain.hris import NamedEvent, ReferralHired, Termination
from plaudit.integrations import correlation
from plaudit.integrations.hris import bamboohr, credentials
from plaudit.integrations.hris.queue import QueuedChange
from plaudit.services import directory_sync, milestones
from plaudit.services.metrics import count

logger = Logger()
tracer = Tracer()
metrics = Metrics()
# A batch whose every message waits for ordering is no error: report the failures without raising.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
gc.freeze()  # keep them out of every later collection
gc.enable()

AWARD_SOURCE = "hris"
PERMANENT_CONFLICTS = {"email_taken", "slack_user_taken", "referral_already_recorded"}
MAY_BE_OVERTAKEN = {"unknown_manager", "unknown_employee", "unknown_referrer"}
ORDERING_RECEIVES = 4  # below the queue's maxReceiveCount (5): a change never waits its way into the DLQ


class WaitingForOrder(Exception):
    """The change names someone an earlier change may still create: SQS delivers it again."""


def apply(record: SQSRecord) -> None:
    if _apply(record):
        raise WaitingForOrder()  # outside the traced call: an expected wait logs no traceback


@tracer.capture_method
def _apply(record: SQSRecord) -> bool:
    """Apply the change, or log and drop what the directory refuses. True: it waits for an earlier one."""
    try:
        queued = QueuedChange.model_validate_json(record.body)
        logger.set_correlation_id(queued.delivery_id)  # the trail's correlation id: the HRIS's delivery
        logger.append_keys(request_id=correlation.of_message(record.raw_event))  # the webhook's request
        change = queued.change
        if isinstance(change, bamboohr.BambooHrRefresh):
            change = bamboohr.refresh(change, credentials.bamboohr_client())
        if isinstance(change, NamedEvent):
            milestones.award_event(change, source=AWARD_SOURCE)
        elif isinstance(change, ReferralHired):
            from plaudit.services import referrals  # only referral hires load the referral path

            referrals.record_event(change, source=queued.source)
        else:
            directory_sync.apply_change(change, source=queued.source)
    except (RuleViolation, Conflict) as refusal:
        if isinstance(refusal, Conflict) and refusal.code not in PERMANENT_CONFLICTS:
            _log_failure(record, refusal)
            raise
        return _refused(record, queued, change, refusal)
    except Exception as error:
        _log_failure(record, error)
        raise
    count("HrisChangesApplied")
    return False


def _refused(record: SQSRecord, queued: QueuedChange, change: Any, refusal: RuleViolation | Conflict) -> bool:
    """Drop a change the directory refuses (False), or keep it waiting (True) while an earlier change may
    still create the person it names."""
    ids = {
        "source": queued.source,
        "delivery_id": queued.delivery_id,
        "employee_id": change.employee_id,
        "kind": change.kind,
        "code": refusal.code,
    }
    receives = int(record.attributes.get("ApproximateReceiveCount", "1"))
    waits = refusal.code in MAY_BE_OVERTAKEN and not isinstance(change, Termination)
    if waits and receives < ORDERING_RECEIVES:
        logger.info("HRIS change waits for an earlier one", extra=ids | {"receives": receives})
        count("HrisChangesWaiting")
        return True
    logger.warning("HRIS change refused and dropped", extra=ids)
    count("HrisChangesRefused")
    return False


def _log_failure(record: SQSRecord, error: Exception) -> None:
    """An unexpected failure, which SQS retries: the message id and the error's type, never its text (it may
    quote personal data from the message)."""
    logger.error(
        "HRIS change failed; SQS retries it",
        extra={"message_id": record.message_id, "error": type(error).__name__},
    )


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict, context: Any) -> dict:
    return process_partial_response(event=event, record_handler=apply, processor=processor, context=context)
