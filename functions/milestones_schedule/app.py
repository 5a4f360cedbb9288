"""The hourly milestone run (EventBridge Scheduler): awards what fell due since the last run, in each
person's own time zone, applies the terminations that took effect, pays (or forfeits) the later parts of
referral bonuses that fell due, expires the points of people deactivated longer than the grace period and,
once a day, points older than settings.points_expiry_months, erases the leavers due (settings.erasure),
blanks the kudos messages older than settings.retention, deletes the export files whose download ended
(settings.retention.export_days), writes managers' weekly digests (Mondays), and closes the seasons that
ended (standings frozen, winners announced, prizes paid, each once)."""

import gc

gc.disable()  # cold start: imports only create long-lived objects; collecting now is wasted time

from aws_lambda_powertools import Logger, Metrics, Tracer

from plaudit.api.scheduled import run_jobs
from plaudit.services import (
    deactivation,
    digests,
    directory_sync,
    erasure,
    exports,
    milestones,
    points_expiry,
    referrals,
    retention,
    seasons,
)
from plaudit.services.metrics import count
from plaudit.services.runtime import now

logger = Logger()
tracer = Tracer()
metrics = Metrics()
gc.freeze()  # keep them out of every later collection
gc.enable()


def _award_due() -> dict[str, int]:
    report = milestones.run_due(now())
    count("MilestoneReminders", report.reminders)
    if report.skipped_before is not None:
        logger.warning(
            "The schedule was too far behind: milestones due before the window were not caught up",
            extra={"not_caught_up_before": report.skipped_before.isoformat()},
        )
    return {
        "days": len(report.days),
        "awarded": len(report.awarded),
        "pending": len(report.pending),
        "already_awarded": report.already_awarded,
        "skipped": len(report.skipped),
        "reminders": report.reminders,
        "items_read": report.items_read,
    }


def _pay_referrals() -> dict[str, int]:
    due = referrals.pay_due(now())
    return {f"referral_parts_{name}": value for name, value in due.model_dump().items()}


def _apply_terminations() -> dict[str, int]:
    applied = directory_sync.apply_due_terminations(now())
    return {"terminations_applied": len(applied.deactivated), "terminations_items_read": applied.items_read}


def _expire_leavers() -> dict[str, int]:
    expiry = deactivation.expire_due(now())
    points = sum(expired.points for expired in expiry.expired)
    count("PointsExpired", points)
    return {
        "leavers_expired": len(expiry.expired),
        "points_expired": points,
        "leavers_kept": expiry.kept,
        "expiry_items_read": expiry.items_read,
    }


def _expire_aged_points() -> dict[str, int]:
    run = points_expiry.run_due(now())
    if run.day is None:
        return {}
    count("PointsExpired", run.points_expired)
    return {f"aged_{name}": value for name, value in run.model_dump(exclude={"day"}).items()}


def _erase_leavers() -> dict[str, int]:
    run = erasure.erase_due(now())
    return {f"erasures_{name}": value for name, value in run.model_dump().items()}


def _retention() -> dict[str, int]:
    run = retention.run_due(now())
    return {f"retention_{name}": int(value) for name, value in run.model_dump().items()}


def _delete_export_files() -> dict[str, int]:
    run = exports.delete_expired_files(now())
    return {f"export_{name}": int(value) for name, value in run.model_dump().items()}


def _close_seasons() -> dict[str, int]:
    closed = seasons.close_ended(now())
    count("SeasonsFrozen", closed["seasons_frozen"])
    return closed


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict, context: object) -> dict:
    """Today's milestones (caught up since the last run), the terminations that took effect, leavers'
    points, aged points (once a day), leavers' erasures and retention, expired export files, managers'
    weekly digests when due, and the seasons that ended."""
    jobs = (
        ("milestones", _award_due),
        ("terminations", _apply_terminations),
        ("referrals", _pay_referrals),  # after the terminations: a hire who left today forfeits
        ("leavers", _expire_leavers),
        ("aged points", _expire_aged_points),
        ("erasures", _erase_leavers),
        ("retention", _retention),
        ("export files", _delete_export_files),
        ("digests", lambda: {"manager_digests": digests.write_due(now())}),
        ("seasons", _close_seasons),
    )
    return run_jobs(jobs, logger)
