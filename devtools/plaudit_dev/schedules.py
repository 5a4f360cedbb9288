"""Schedules, locally: a ticker thread fires each enabled `Schedule`/`ScheduleV2` event of the template on its
rate, with the event EventBridge would send; `plaudit schedule fire` fires one now.

PLAUDIT_SCHEDULE_SECONDS=N ticks every schedule every N seconds instead (cron(...) and at(...) schedules tick
only then); PLAUDIT_SCHEDULES=off stops the ticker (firing by hand still works). A rate schedule first fires
one period after the stack starts. A fire that fails is logged, not retried: the next tick comes anyway.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from plaudit_dev.local_aws import ACCOUNT_ID, REGION
from plaudit_dev.template import SCHEDULER_EVENT, ScheduleSource, Template

log = logging.getLogger(__name__)

SCHEDULE_SECONDS_ENV = "PLAUDIT_SCHEDULE_SECONDS"
SCHEDULES_ENV = "PLAUDIT_SCHEDULES"


def schedule_event(schedule: ScheduleSource, at: datetime) -> Any:
    """What the function receives: the target's Input when the template sets one, else the default event
    (EventBridge Scheduler's `aws.scheduler` notification, or an EventBridge rule's `aws.events` one)."""
    if schedule.input is not None:
        return json.loads(schedule.input)
    scheduler = schedule.kind == SCHEDULER_EVENT
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.scheduler" if scheduler else "aws.events",
        "account": ACCOUNT_ID,
        "time": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [schedule.arn],
        "detail": "{}" if scheduler else {},
    }


class UnknownSchedule(LookupError):
    """No (single) schedule matches what was asked for."""


def find_schedule(template: Template, function_id: str, event_id: str | None = None) -> ScheduleSource:
    """The function's schedule (the one named `event_id` when it has several)."""
    found = [
        schedule
        for schedule in template.schedules
        if schedule.function_id == function_id and event_id in (None, schedule.event_id)
    ]
    if len(found) == 1:
        return found[0]
    if not found:
        known = ", ".join(f"{s.function_id} ({s.event_id})" for s in template.schedules) or "none"
        wanted = function_id + (f" event {event_id}" if event_id else "")
        raise UnknownSchedule(f"no schedule for {wanted}; the template's schedules: {known}")
    names = ", ".join(schedule.event_id for schedule in found)
    raise UnknownSchedule(f"{function_id} has several schedules ({names}): name one")


def tick_seconds(schedule: ScheduleSource, environ: Mapping[str, str] = os.environ) -> float | None:
    """How often the ticker fires `schedule`, or None when it does not."""
    if not schedule.enabled:
        return None
    override = environ.get(SCHEDULE_SECONDS_ENV)
    if override:
        seconds = float(override)
        if seconds <= 0:
            raise ValueError(f"{SCHEDULE_SECONDS_ENV} must be a positive number of seconds, not {override}")
        return seconds
    return schedule.rate_seconds


class ScheduleTicker:
    """Fires schedules on their period from a daemon thread, one at a time; `fire(schedule)` does the work
    (the stack invokes the function and delivers what it wrote)."""

    def __init__(
        self,
        schedules: tuple[ScheduleSource, ...],
        fire: Callable[[ScheduleSource], object],
        environ: Mapping[str, str] = os.environ,
    ) -> None:
        self._fire = fire
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        off = environ.get(SCHEDULES_ENV, "").lower() in ("off", "0", "false", "no")
        self.periods = {} if off else {s: p for s in schedules if (p := tick_seconds(s, environ)) is not None}

    def start(self) -> ScheduleTicker:
        if self.periods:
            self._thread = threading.Thread(target=self._run, name="schedules", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop ticking; a schedule still running after `timeout` s ends when the stack stops its workers."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        started = time.monotonic()
        due = {schedule: started + period for schedule, period in self.periods.items()}
        while True:
            schedule = min(due, key=due.__getitem__)
            if self._stopping.wait(max(0.0, due[schedule] - time.monotonic())):
                return
            try:
                self._fire(schedule)
            except Exception:  # the next tick comes anyway, as with a real schedule
                log.exception("schedule %s (%s) failed", schedule.name, schedule.function_id)
            due[schedule] = max(due[schedule] + self.periods[schedule], time.monotonic())
