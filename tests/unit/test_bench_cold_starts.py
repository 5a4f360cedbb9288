"""`python -m bench --cold-starts` rewrites only what the cold starts measured in docs/performance.md:
their budget rows, section 2 with the recognition handler's import profile, the Slack handler's import
profile and the Slack ack's cold rows; every other line stays as the last full run wrote it."""

from __future__ import annotations

import pytest

from bench.coldstart import ColdStartResult, ImportEntry, ImportProfile, Sample, Variant
from bench.floors import BASELINE
from bench.machine import Machine
from bench.report import ColdStartReport, splice_cold_starts

PREVIOUS = """# Performance

## Budgets

| budget | measured | result |
|---|---|---|
| give kudos: ≤ 3 round trips | cold 2 | met |
| cold start of recognition: give kudos ≤ 1.3\u00d7 baseline | 9.99\u00d7 | **missed** |
| cold start of slack: ack ≤ 1.3\u00d7 baseline | 9.99\u00d7 | **missed** |
| Slack /kudos ack (cold): 0 DynamoDB calls | 0 over 10 acks | met |

## 1. DynamoDB round trips per operation

kept

## 2. Cold start

STALE table

## Where the recognition handler's import time goes

STALE profile

## 3. Warm handler overhead (CPU per request)

kept too

## 4. Slack: the `/kudos` ack

| ack | median | min | p90 | CPU (median) | budget |
|---|---|---|---|---|---|
| cold: spawn → ack | 999 ms | STALE |
| cold: of which imports | 999 ms | STALE |
| warm: handler call | 1.6 ms | kept |

## Where the Slack handler's import time goes

STALE slack profile

## 5. Local stack memory

kept as well
"""


def _result(name: str, function_id: str, seconds: float, *, baseline: bool = False) -> ColdStartResult:
    variant = Variant(name, function_id, None if baseline else {}, statements=BASELINE if baseline else None)
    sample = Sample(
        total=seconds, startup=0.007, imports=seconds / 2, first_call=0.01, cpu=seconds, answer="200"
    )
    return ColdStartResult(variant, [sample])


def _profile(module: str) -> ImportProfile:
    return ImportProfile([ImportEntry(module, 1000.0, 5000.0, 0)], module, 5000.0, 0.0)


REPORT = ColdStartReport(
    machine=Machine("2026-12-05 10:00 UTC", 2, "cpu", "CPython", "Linux", "0.50 0.40 0.30", {}),
    cold_starts=[
        _result(
            "baseline: import boto3, create a DynamoDB client", "RecognitionFunction", 0.100, baseline=True
        ),
        _result("recognition: give kudos", "RecognitionFunction", 0.120),
        _result("slack: ack a signed /kudos", "SlackFunction", 0.140),
    ],
    cold_runs=1,
    layer_distributions=["boto3 1"],
    import_profile=_profile("app"),
    slack_import_profile=_profile("app"),
)


def test_the_cold_start_rows_and_sections_are_replaced_and_nothing_else():
    text = splice_cold_starts(PREVIOUS, REPORT)

    assert "9.99" not in text
    assert "STALE" not in text
    recognition = "| cold start of recognition: give kudos ≤ 1.3\u00d7 baseline (goal, on medians) "
    assert f"{recognition}| 1.20\u00d7 (min: 1.20\u00d7) | met |" in text
    assert (
        "| cold start of slack: ack a signed /kudos ≤ 1.3\u00d7 baseline (goal, on medians) | 1.40\u00d7"
        in text
    )
    assert "| cold: spawn → ack | 140 ms |" in text
    assert "Measured alone by `python -m bench --cold-starts` on 2026-12-05 10:00 UTC" in text
    for kept in ("kept", "kept too", "kept as well", "| give kudos: ≤ 3 round trips | cold 2 | met |"):
        assert kept in text
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == [line for line in PREVIOUS.splitlines() if line.startswith("## ")]
    lines = text.splitlines()  # the budget rows stay in their table, before the Slack ack's DynamoDB row
    assert (
        lines.index("| give kudos: ≤ 3 round trips | cold 2 | met |")
        < next(i for i, line in enumerate(lines) if line.startswith("| cold start of recognition"))
        < next(i for i, line in enumerate(lines) if line.startswith("| Slack /kudos ack (cold)"))
    )
    assert splice_cold_starts(text, REPORT) == text  # rerunning it replaces its own output


def test_a_report_without_the_sections_says_to_run_the_whole_benchmark_first():
    with pytest.raises(ValueError, match="run the whole benchmark first"):
        splice_cold_starts("# Performance\n", REPORT)
