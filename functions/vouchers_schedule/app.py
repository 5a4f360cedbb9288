"""The daily vouchers run (EventBridge Scheduler): expire vouchers past their last day, and write the
reminders of those expiring in a week."""

import gc

gc.disable()  # cold start: imports only create long-lived objects; collecting now is wasted time

from aws_lambda_powertools import Logger, Metrics, Tracer

from plaudit.api.scheduled import run_jobs
from plaudit.services import vouchers
from plaudit.services.metrics import count
from plaudit.services.runtime import now

logger = Logger()
tracer = Tracer()
metrics = Metrics()
gc.freeze()  # keep them out of every later collection
gc.enable()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict, context: object) -> dict:
    summary = run_jobs(
        (
            ("expire", lambda: {"expired": vouchers.expire_due(now())}),
            ("remind", lambda: {"reminded": vouchers.remind_due(now())}),
        ),
        logger,
    )
    count("VouchersExpired", summary.get("expired", 0))
    return summary
