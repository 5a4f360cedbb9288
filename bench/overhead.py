"""Warm handler overhead: CPU per request above the DynamoDB calls themselves.

One warm "container" (bench/overhead_worker.py, a process of its own in the recognition function's Lambda
sandbox, tracing off) serves the cases round-robin against the moto host, so moto's CPU is in another
process. Per request: total CPU, CPU inside the DynamoDB client's calls, and the difference (Plaudit,
Powertools and pydantic: event parsing, validation, routing, the rules, building the writes, the response).
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.sandbox import Sandbox
from bench.stats import median

WORKER_SOURCE = (Path(__file__).parent / "overhead_worker.py").read_text(encoding="utf-8")


@dataclass(frozen=True)
class OverheadCase:
    name: str
    function_id: str
    event: dict[str, Any]


@dataclass(frozen=True)
class OverheadResult:
    name: str
    samples: list[dict[str, float]]

    def median_of(self, key: str) -> float:
        return median([sample[key] for sample in self.samples])

    @property
    def overhead(self) -> float:
        return median([sample["cpu"] - sample["sdk"] for sample in self.samples])

    @property
    def calls(self) -> int:
        return int(self.median_of("calls"))


def measure_overhead(
    sandbox: Sandbox, cases: list[OverheadCase], warmup: int, requests: int
) -> list[OverheadResult]:
    (function_id,) = {case.function_id for case in cases}
    spec = sandbox.template.functions[function_id]
    config = {
        "handler": spec.handler,
        "warmup": warmup,
        "requests": requests,
        "cases": [{"name": case.name, "event": case.event} for case in cases],
    }
    config_path, results_path = sandbox.root / "overhead.json", sandbox.root / "overhead-results.json"
    config_path.write_text(json.dumps(config), encoding="utf-8")
    process = subprocess.run(
        sandbox.command(WORKER_SOURCE, [str(config_path), str(results_path)]),
        cwd=spec.code_dir,
        env=sandbox.environment(spec),
        stdout=subprocess.DEVNULL,  # Powertools Metrics' EMF lines: written, as in Lambda, unread
        stderr=subprocess.PIPE,
        text=True,
        timeout=900,
        check=False,
    )
    if process.returncode != 0:
        raise RuntimeError(f"the overhead worker failed:\n{process.stderr[-3000:]}")
    found = json.loads(results_path.read_text(encoding="utf-8"))
    return [OverheadResult(case.name, found[case.name]) for case in cases]
