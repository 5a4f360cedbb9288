"""Small summaries: medians, never means (one noisy sample must not move a figure)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def ratio(value: float, base: float) -> float:
    return value / base if base else float("nan")
