"""Counts, made by the use cases and handlers whatever front end called them (REST, Slack, HRIS, schedules),
so kudos given in Slack count as those given through the API.

A count is one of two things, by its name, and `count` is the one way to make either:
- a business metric (`METRICS`: the dashboard's figures and what an alarm watches): a CloudWatch metric,
  published by the handler's `@metrics.log_metrics` (EMF, in the stack's namespace, with the function's
  `service` dimension; the alarms and the dashboard sum every service). CloudWatch bills each one a month
  whether or not anything happened (docs/cost.md), so a name joins `METRICS` only for a widget or an alarm;
- every other count (what a schedule, a worker or a webhook did): one structured log line
  `{"counted": <name>, "value": <n>}` in the function's log, free beyond the log's ingestion, summed by the
  dashboard's "Counts in the logs" widget (a Logs Insights query) or by any Logs Insights query.
Gauges with a dimension of their own (a provider's balance, which secret is empty) are published where
they are read (single_metric), not counted."""

import warnings

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

# An invocation that counted nothing (a read, Slack's 3-second ack) publishes nothing: Powertools would warn.
warnings.filterwarnings("ignore", message="No application metrics to publish")

METRICS = frozenset(
    {
        "KudosGiven",
        "AddOnsGiven",
        "PointsGiven",
        "Redemptions",
        "FulfilmentsFulfilled",
        "FulfilmentsFailed",
        "MilestonesAwarded",
        "MilestonesPending",
    }
)
LOG_FIELD = "counted"


def count(name: str, value: int = 1) -> None:
    # Logger and Metrics are made at each count, not at import: a module imported before its environment (as
    # by a test run or the local stack) would have no service (the child logger would reach no handler's
    # log) and no namespace; every Metrics shares the process's one metric set, flushed by the handler.
    if name not in METRICS:
        Logger(child=True).info(f"counted {name}", extra={LOG_FIELD: name, "value": value})
        return
    Metrics().add_metric(name=name, unit=MetricUnit.Count, value=value)


def publisher() -> Metrics:
    """A handler's Metrics, made at its import (the namespace and service are read from its environment then):
    `@publisher().log_metrics` publishes what was counted during the invocation."""
    return Metrics()
