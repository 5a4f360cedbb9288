"""Cold start: a fresh Python process that imports a handler and serves one request, against a baseline
fresh process that only imports boto3 and creates a DynamoDB client, and against the stack floors
(bench.floors: what the libraries cost before any Plaudit code runs).

Every sample is a new interpreter (`bench/coldstart_child.py`) in a Lambda-like sandbox (bench.sandbox:
the function's environment, the layer's import path, a shared bytecode cache) talking to the moto host.
Variants run interleaved, one process at a time, in a rotating order, after one discarded warm-up round
(so every sample finds the page cache warm). Reported: time from spawn to response ready (wall, median and
min), its split (interpreter start, imports, first request) and the process CPU time.

`import_profile` runs a handler's imports under `python -X importtime`.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.sandbox import Sandbox
from bench.stats import median

CHILD_SOURCE = (Path(__file__).parent / "coldstart_child.py").read_text(encoding="utf-8")
STATEMENTS = "statements"


@dataclass(frozen=True)
class Statements:
    """What a process without a handler runs: its imports, then what it does once they are done."""

    imports: str
    first: str


@dataclass(frozen=True)
class Variant:
    name: str
    function_id: str  # whose environment (and handler) the process gets
    event: dict[str, Any] | None  # None: no handler; the process runs `statements`
    tracing: bool = False
    sam_build: bool = False  # no .pyc for the layer and the function's code, as `sam build` ships them
    env: dict[str, str] = field(default_factory=dict)  # on top of the function's sandbox environment
    fresh_event: Callable[[], dict[str, Any]] | None = None  # a new event per process (signed requests)
    goal: float | None = None  # cold start budget, times the baseline (None: the report's default)
    any_answer: bool = (
        False  # a 4xx, batch item failures or an error raised count as served (bench.functions)
    )
    statements: Statements | None = None  # the baseline's or a floor's (bench.floors), when event is None
    floor: Statements | None = None  # a function's stack floor (bench.floors), measured in the same run


@dataclass(frozen=True)
class Sample:
    total: float  # spawn -> response ready
    startup: float  # spawn -> first line of the script (interpreter and site start-up)
    imports: float  # the handler module (or boto3) imported
    first_call: float  # the request served (or the client created)
    cpu: float  # process CPU time up to the response
    answer: str  # the status code, "batch item failures", "batch" or the error the handler raised


@dataclass
class ColdStartResult:
    variant: Variant
    samples: list[Sample] = field(default_factory=list)

    def median_of(self, attribute: str) -> float:
        return median([getattr(sample, attribute) for sample in self.samples])

    def min_total(self) -> float:
        return min(sample.total for sample in self.samples)

    def answers(self) -> str:
        return ", ".join(sorted({sample.answer for sample in self.samples}))


@dataclass(frozen=True)
class ImportEntry:
    module: str
    self_us: float
    cumulative_us: float
    depth: int


@dataclass(frozen=True)
class ImportProfile:
    entries: list[ImportEntry]  # per module, medians over the runs
    handler_module: str
    total_us: float  # the handler module, cumulative
    xray_core_us_local: float  # aws_xray_sdk.core outside Lambda (no LAMBDA_TASK_ROOT)


class ColdStarts:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self._sam_cache: Path | None = None
        self.processes: Counter[str] = Counter()  # per variant name, warm-up and profiling included

    def environment(self, variant: Variant) -> dict[str, str]:
        spec = self.sandbox.template.functions[variant.function_id]
        if variant.sam_build and self._sam_cache is None:
            self._sam_cache = self.sandbox.without_layer_pyc()
        pycache = self._sam_cache if variant.sam_build else None
        return self.sandbox.environment(spec, tracing=variant.tracing, pycache=pycache) | variant.env

    def run_once(
        self, variant: Variant, flags: tuple[str, ...] = (), env: dict[str, str] | None = None
    ) -> tuple[Sample, str]:
        spec = self.sandbox.template.functions[variant.function_id]
        event_path = self.sandbox.root / "event.json"
        result_path = self.sandbox.root / "result.json"
        event = variant.fresh_event() if variant.fresh_event else variant.event
        event_path.write_text(json.dumps(event or {}), encoding="utf-8")
        result_path.unlink(missing_ok=True)
        if variant.statements is not None:
            mode, what = STATEMENTS, json.dumps([variant.statements.imports, variant.statements.first])
        else:
            mode, what = ("any" if variant.any_answer else "handler"), spec.handler
        command = self.sandbox.command(CHILD_SOURCE, [mode, what, str(event_path), str(result_path)], flags)
        env = env or self.environment(variant)
        self.processes[variant.name] += 1
        spawned = time.perf_counter()
        process = subprocess.run(
            command,
            cwd=spec.code_dir,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
        if process.returncode != 0 or not result_path.exists():
            raise RuntimeError(f"{variant.name}: the process failed:\n{process.stderr[-2000:]}")
        found = json.loads(result_path.read_text(encoding="utf-8"))
        if found["outcome"] != "ok":
            raise RuntimeError(f"{variant.name}: the request failed: {found['outcome']}")
        sample = Sample(
            total=found["served"] - spawned,
            startup=found["started"] - spawned,
            imports=found["imported"] - found["started"],
            first_call=found["served"] - found["imported"],
            cpu=found["cpu"],
            answer=found["answer"],
        )
        return sample, process.stderr

    def measure(self, variants: list[Variant], runs: int) -> list[ColdStartResult]:
        results = [ColdStartResult(variant) for variant in variants]
        # Warm-up round, discarded: fills the bytecode cache first, then the SAM-build copy is made of it.
        for variant in sorted(variants, key=lambda v: v.sam_build):
            self.run_once(variant)
        for round_number in range(runs):
            shift = round_number % len(results)
            for result in results[shift:] + results[:shift]:
                result.samples.append(self.run_once(result.variant)[0])
        return results

    def import_profile(self, variant: Variant, runs: int = 3) -> ImportProfile:
        """`-X importtime` of the handler's process; per-module medians over `runs` runs."""
        flags = ("-X", "importtime")
        tables = [_parse_importtime(self.run_once(variant, flags)[1]) for _ in range(runs)]
        entries = []
        for name in tables[0]:
            rows = [table[name] for table in tables if name in table]
            entries.append(
                ImportEntry(
                    module=name.strip(),
                    self_us=median([row[0] for row in rows]),
                    cumulative_us=median([row[1] for row in rows]),
                    depth=(len(name) - len(name.lstrip())) // 2,
                )
            )
        handler_module = self.sandbox.template.functions[variant.function_id].handler.partition(".")[0]
        total = next((e.cumulative_us for e in entries if e.module == handler_module), 0.0)
        outside_lambda = self.environment(variant)
        del outside_lambda["LAMBDA_TASK_ROOT"]
        local = _parse_importtime(self.run_once(variant, flags, outside_lambda)[1])
        xray_local = next((row[1] for name, row in local.items() if name.strip() == "aws_xray_sdk.core"), 0.0)
        return ImportProfile(entries, handler_module, total, xray_local)


def _parse_importtime(stderr: str) -> dict[str, tuple[float, float]]:
    """`import time: self | cumulative | name` lines -> {indented name: (self us, cumulative us)}; the first
    occurrence of a name wins (a module is imported once)."""
    table: dict[str, tuple[float, float]] = {}
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = line.removeprefix("import time:").split("|", 2)
        name = name.rstrip()[1:]  # one space separates the bar from the indented name
        table.setdefault(name, (float(own), float(cumulative)))
    return table
