"""plaudit.services.metrics.count: a business metric (METRICS) is a CloudWatch metric, any other count a log
line, so what no widget or alarm reads costs nothing a month (docs/cost.md)."""

from __future__ import annotations

from typing import Any

import pytest
from aws_lambda_powertools import Logger, Metrics

from plaudit.services import metrics


@pytest.fixture
def published(monkeypatch) -> dict[str, list[Any]]:
    seen: dict[str, list[Any]] = {"metrics": [], "logged": []}
    monkeypatch.setattr(Metrics, "add_metric", lambda self, **kwargs: seen["metrics"].append(kwargs))
    monkeypatch.setattr(
        Logger, "info", lambda self, message, **kwargs: seen["logged"].append(kwargs["extra"])
    )
    return seen


def test_a_business_metric_is_published_as_a_metric(published):
    metrics.count("KudosGiven")
    metrics.count("PointsGiven", 30)
    assert [(m["name"], m["value"]) for m in published["metrics"]] == [("KudosGiven", 1), ("PointsGiven", 30)]
    assert published["logged"] == []


def test_any_other_count_is_a_log_line(published):
    metrics.count("StreakNudges", 3)
    metrics.count("FulfilmentsRetried")
    assert published["metrics"] == []
    assert published["logged"] == [
        {"counted": "StreakNudges", "value": 3},
        {"counted": "FulfilmentsRetried", "value": 1},
    ]
