"""Scheduled functions: running a tick's jobs so that one failing job neither stops the others nor goes
unnoticed."""

from collections.abc import Callable, Sequence

from aws_lambda_powertools import Logger

Job = tuple[str, Callable[[], dict[str, int]]]


def run_jobs(jobs: Sequence[Job], logger: Logger) -> dict[str, int]:
    """Run every job (each idempotent) and merge their counts; a job's failure is logged, the others still
    run, and the first failure is re-raised at the end so the tick is retried (and finally dead-lettered).
    Only counts are logged: no names, no ids."""
    summary: dict[str, int] = {}
    failed: Exception | None = None
    for name, job in jobs:
        try:
            summary |= job()
        except Exception as error:  # logged; the other jobs still run; re-raised below
            logger.exception("Scheduled job failed", extra={"job": name})
            failed = failed or error
    logger.info("Scheduled run", extra={"summary": summary})
    if failed is not None:
        raise failed
    return summary
