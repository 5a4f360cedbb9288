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


def new_id(prefix: str) -> str:
    return sortable_id(prefix, int(now().timestamp() * 1000), runtime.entropy(10))
