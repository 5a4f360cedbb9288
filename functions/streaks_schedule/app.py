"""The hourly streaks run (EventBridge Scheduler): on Friday afternoon in the organisation's zone, nudge
the people whose weekly giving streak of 3 or more breaks unless they give this week (once a week each)."""

import gc

gc.disable()  # cold start: imports only create long-lived objects; collecting now is wasted time

from aws_lambda_powertools import Logger, Metrics, Tracer

from plaudit.api.scheduled import run_jobs
from plaudit.services import badges
from plaudit.services.metrics import count

logger = Logger()
tracer = Tracer()
metrics = Metrics()
gc.freeze()  # keep them out of every later collection
gc.enable()


def _nudge() -> dict[str, int]:
    report = badges.nudge_streaks()
    return {"nudged": len(report.nudged), "already": report.already, "skipped": report.skipped}


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict, context: object) -> dict:
    summary = run_jobs((("nudge", _nudge),), logger)
    count("StreakNudges", summary.get("nudged", 0))
    return summary
