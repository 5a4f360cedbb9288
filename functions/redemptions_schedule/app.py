"""The hourly redemptions run (EventBridge Scheduler): escalate approvals left unanswered to HR, queue
again the redemptions whose fulfilment stalled, and report each configured rewards provider's funding
balance as the metric ProviderBalance (dimension `provider`; an alarm watches it)."""

import gc

gc.disable()  # cold start: imports only create long-lived objects; collecting now is wasted time

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit, single_metric

from plaudit.api.scheduled import run_jobs
from plaudit.services import fulfilment, redemptions
from plaudit.services.metrics import count
from plaudit.services.runtime import now

logger = Logger()
tracer = Tracer()
metrics = Metrics()
gc.freeze()  # keep them out of every later collection
gc.enable()


def report_balances() -> dict[str, int]:
    """One ProviderBalance data point per provider whose balance could be read; the others are counted
    (an alarm on missing data catches a provider that stays unreadable)."""
    balances = fulfilment.provider_balances()
    for provider, balance in balances.items():
        if balance is None:
            logger.warning("Provider balance unreadable", extra={"provider": provider})
            continue
        with single_metric(
            name="ProviderBalance",
            unit=MetricUnit.NoUnit,
            value=float(balance.amount),
            default_dimensions={"provider": provider},
        ):
            pass
    if not balances:  # no provider configured (a dev stack on the sandbox)
        return {}
    return {"balances_read": sum(balance is not None for balance in balances.values())}


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict, context: object) -> dict:
    summary = run_jobs(
        (
            ("escalate", lambda: {"escalated": redemptions.escalate_due(now())}),
            ("requeue", lambda: {"requeued": redemptions.requeue_stalled(now())}),
            ("balances", report_balances),
        ),
        logger,
    )
    count("RedemptionsRequeued", summary.get("requeued", 0))
    return summary
