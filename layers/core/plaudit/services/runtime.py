"""The clock and randomness services use, swappable so tests are deterministic."""

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from plaudit.domain.ids import sortable_id


@dataclass
class Runtime:
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    entropy: Callable[[int], bytes] = os.urandom


runtime = Runtime()


def now() -> datetime:
    return runtime.clock()


def new_id(prefix: str) -> str:
    return sortable_id(prefix, int(now().timestamp() * 1000), runtime.entropy(10))
