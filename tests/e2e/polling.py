"""Waiting over HTTP for what the local stack does after answering (queues, streams, schedules)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
POLL_SECONDS = 60.0  # the stack drains its queues after each request and every second: ample on a busy CI


def eventually(probe: Callable[[], T | None], what: str, timeout: float = POLL_SECONDS) -> T:
    """The first truthy result of `probe`, polled every 0.1 s until the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        if result := probe():
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)
