"""The hourly redemptions run (EventBridge Scheduler): escalate approvals left unanswered to HR, and queue
again the redemptions whose fulfilment stalled."""

import gc

gc.disable()  # cold start: imports only create long-lived objects; collecting now is wasted time

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

from plaudit.api.scheduled import run_jobs
from plaudit.services import redemptions
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
            ("escalate", lambda: {"escalated": redemptions.escalate_due(now())}),
            ("requeue", lambda: {"requeued": redemptions.requeue_stalled(now())}),
        ),
        logger,
    )
    metrics.add_metric(name="RedemptionsRequeued", unit=MetricUnit.Count, value=summary.get("requeued", 0))
    return summary
