"""The clock, randomness and waiting services use, swappable so tests are deterministic (and never wait)."""

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from plaudit.domain.ids import sortable_id


@dataclass
class Runtime:
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    entropy: Callable[[int], bytes] = os.urandom
    sleep: Callable[[float], None] = time.sleep


runtime = Runtime()


def now() -> datetime:
    return runtime.clock()


def stored_now() -> datetime:
    """Now, at the millisecond precision the store keeps instants in: what is written reads back equal
    (a replay answers the same)."""
    at = now()
    return at.replace(microsecond=at.microsecond // 1000 * 1000)


def new_id(prefix: str) -> str:
    return sortable_id(prefix, int(now().timestamp() * 1000), runtime.entropy(10))
