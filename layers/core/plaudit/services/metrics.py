"""Business metrics, counted by the use cases whatever front end called them (REST, Slack, HRIS, schedules),
so kudos given in Slack count as those given through the API. Powertools' Metrics share one metric set per
process: the handler's `@metrics.log_metrics` publishes what the use cases counted (EMF, in the stack's
namespace, with the function's `service` dimension; the alarms and the dashboard sum every service)."""

import warnings

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit

# An invocation that counted nothing (a read, Slack's 3-second ack) publishes nothing: Powertools would warn.
warnings.filterwarnings("ignore", message="No application metrics to publish")


def count(name: str, value: int = 1) -> None:
    # Made at each count, not at import: every Metrics shares the process's one metric set, and one that
    # reaches Powertools' 100 values flushes in the namespace read when it was made (a module imported
    # before its environment, as by a test run or the local stack, would have none).
    Metrics().add_metric(name=name, unit=MetricUnit.Count, value=value)


def publisher() -> Metrics:
    """A handler's Metrics, made at its import (the namespace and service are read from its environment then):
    `@publisher().log_metrics` publishes what was counted during the invocation."""
    return Metrics()
