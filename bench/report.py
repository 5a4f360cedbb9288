"""The report: printed by `python -m bench` and written to docs/performance.md (Markdown either way)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from bench.coldstart import ColdStartResult, ImportEntry, ImportProfile
from bench.floors import BASELINE
from bench.machine import Machine
from bench.memory import MIB, SAMPLE_EVERY, MemoryResult
from bench.overhead import OverheadResult
from bench.roundtrips import BUDGETS, PHASES, Budget, Count
from bench.slack_ack import DYNAMODB, INVOKE, KUDOS_TEXT, SLACK_API, AckCalls, WarmAcks
from bench.stats import ratio

COLD_START_GOAL = 1.3  # times the baseline process, median: every function (issue 9)
SLACK_ACK_GOAL = 1.3  # the Slack issue's budget for the cold ack of a slash command
TIMES, DASH, MINUS = "\u00d7", "\u2013", "\u2212"  # the multiplication sign, en dash, minus sign
ARROW = "\u2192"  # the rightwards arrow
IMPORT_TOP = 10


@dataclass(frozen=True)
class Report:
    machine: Machine
    load_at_end: str
    duration_s: float
    counts: list[Count]
    cold_starts: list[ColdStartResult]
    cold_runs: int
    import_profile: ImportProfile
    overhead: list[OverheadResult]
    overhead_requests: int
    layer_distributions: list[str]
    slack_import_profile: ImportProfile
    warm_acks: WarmAcks
    ack_calls: AckCalls
    memory: MemoryResult


def budget_failures(counts: list[Count]) -> list[str]:
    return [
        f"{c.operation} ({c.claim} token, {c.phase}): {c.round_trips} round trips "
        f"({' → '.join(c.calls)}), budget {budget.limit}"
        for budget in BUDGETS
        for c in budget.exceeded(counts)
    ]


def render(report: Report) -> str:
    parts = [
        _intro(report),
        _budgets(report),
        _round_trips(report),
        _cold_starts(report.cold_starts, report.cold_runs, report.layer_distributions),
        _import_profile(report.import_profile, "recognition handler", notes=True),
        _overhead(report),
        _slack_ack(report),
        _import_profile(report.slack_import_profile, "Slack handler", notes=False),
        _memory(report.memory),
        _machine(report),
    ]
    return "\n\n".join(part.strip() for part in parts) + "\n"


# -- sections


def _intro(report: Report) -> str:
    m = report.machine
    return f"""
# Performance

Measured by `make bench` (`.venv/bin/python -m bench`, the `bench/` package) on {m.date}: {m.cpus} CPUs
({m.cpu_model}), {m.python}, load average {m.load_at_start} at the start. This file is generated: run the
benchmark again rather than editing it.

What is measured, and how:

1. **DynamoDB round trips per operation**: the real handlers (`functions/*/app.py`) called with real
   API Gateway HTTP API (payload 2.0) events and JWT claims, against moto in process with the template's
   tables and the demo organisation (plus ten engineers, so a kudos can name 20 people). A handler on the
   DynamoDB client's `before-send` event counts every HTTP request the SDK sends. Each operation runs in a
   fresh container (handler module imported anew, email->id cache empty): the first call is *cold*, the
   second *warm*; once with a token whose `sub` is the employee id, once with an `email` claim (the usual
   OIDC token). Counts are deterministic: a budget exceeded makes the run exit with status 1. (moto is
   patched in the benchmark's own processes as in the local stack, `plaudit_dev/moto_patches.py`: a
   transaction backs up the items it names rather than whole tables; that changes run time only, no figure.)
2. **Cold start** of every function in template.yaml: a fresh Python process that imports the handler and
   serves one request, against a moto server in another process, next to a baseline process that only
   imports boto3 and creates a DynamoDB client. Recognition, directory, projections and Slack do their main
   work (a kudos, a person, a kudos' stream batch, a signed /kudos) and must succeed; every other function
   gets what its first trigger sends (its first GET route as the HR admin, an SQS message, its schedule's
   event) and whatever it answers counts: the *answer* column says what that was (`bench/functions.py`).
   Three *stack floors* run beside them (`bench/floors.py`): the baseline plus what every function of a
   kind loads from the libraries before any Plaudit code (HTTP API functions: Powertools' Logger, Metrics,
   Tracer and validating HTTP API resolver; event functions: Logger, Metrics, Tracer and pydantic; the
   Slack ack: Logger and Bolt's Lambda adapter). A function over its floor is Plaudit's own share.
   {report.cold_runs} runs of each, interleaved, after one discarded warm-up round. Each
   process runs like a Lambda execution environment: the function's environment from template.yaml,
   `POWERTOOLS_TRACE_DISABLED=true` unless said otherwise, `python -S` with only the function's code and
   the layer on the path (`plaudit` and the dependency closure of layers/core/requirements.txt, linked
   from .venv: nothing else of the dev venv is importable), and a warm bytecode cache outside the repo.
3. **Warm handler overhead**: one warm process of the recognition function serves requests against the
   moto server (its CPU is not ours), {report.overhead_requests} of each kind after a warm-up; per request
   `time.process_time()` in total and inside the DynamoDB client's calls (`_make_api_call`), medians.
4. **Slack `/kudos` ack**: a signed slash command (v0 signature, form body as Slack posts it) on
   POST /slack/events through `functions/slack/app.py`, cold (a row of the cold-start table) and warm
   ({_warm_ack_counts(report.warm_acks)}, one process). Every AWS call of the Slack processes goes to a
   local recorder (`AWS_ENDPOINT_URL`) that answers Bolt's `lambda.invoke` of the lazy listener with 202,
   so the figures end at the ack; `SLACK_API_URL` points there too. DynamoDB calls during acks are
   counted: any makes the run exit with status 1.
5. **Local stack memory**: `plaudit dev --fresh` started as a developer starts it, then
   {report.memory.requests:,} mixed requests over HTTP, one at a time (give kudos, a wallet, the feed,
   update a person, top up a budget, a person, the catalogue, a signed Slack /kudos, a ledger page, an
   unknown route); resident memory (`VmRSS`) of the stack process and of all its descendants (the
   forkserver and the Lambda-like workers) every {SAMPLE_EVERY} requests, once background work is idle.
   A 5xx makes the run exit with status 1.

Wall-clock figures come from a shared, noisy machine: they are reported, never asserted. Compare figures
measured side by side in the same run (the ratios), not across runs.
"""


def _budgets(report: Report) -> str:
    lines = ["## Budgets", "", "| budget | measured | result |", "|---|---|---|"]
    for budget in BUDGETS:
        measured = []
        for phase in PHASES:
            found = sorted(
                {c.round_trips for c in report.counts if c.operation == budget.operation and c.phase == phase}
            )
            if found:
                spread = str(found[0]) if found[0] == found[-1] else f"{found[0]}{DASH}{found[-1]}"
                measured.append(f"{phase} {spread}")
        exceeded = budget.exceeded(report.counts)
        verdict = "**exceeded**" if exceeded else "met"
        if budget.goal is not None and budget.goal != budget.limit:
            missed = budget.goal_missed(report.counts)
            verdict += f"; goal {budget.goal} (warm): " + ("**missed**" if missed else "met")
        lines.append(f"| {_budget_text(budget)} | {', '.join(measured)} | {verdict} |")
    lines += _cold_start_budgets(report.cold_starts)
    for phase, seen, acks in report.ack_calls.phases():
        verdict = "**exceeded**" if seen[DYNAMODB] else "met"
        lines.append(
            f"| Slack /kudos ack ({phase}): 0 DynamoDB calls | {seen[DYNAMODB]} over {acks} acks "
            f"| {verdict} |"
        )
    return "\n".join(lines)


def _cold_start_budgets(cold_starts: list[ColdStartResult]) -> list[str]:
    """The budget rows of the cold starts: each function against the goal, times the baseline."""
    lines = []
    base = _baseline(cold_starts)
    for result in _function_results(cold_starts):
        factor = ratio(result.median_of("total"), base.median_of("total")) if base else float("nan")
        factor_min = ratio(result.min_total(), base.min_total()) if base else float("nan")
        goal = result.variant.goal or COLD_START_GOAL
        verdict = "met" if factor <= goal else "**missed**"
        floor = _floor(cold_starts, result)
        stack = (
            f"; its floor {ratio(floor.median_of('total'), base.median_of('total')):.2f}{TIMES}, "
            f"it {ratio(result.median_of('total'), floor.median_of('total')):.2f}{TIMES} its floor"
            if floor and base
            else ""
        )
        lines.append(
            f"| cold start of {result.variant.name} ≤ {goal}{TIMES} baseline (goal, on medians) "
            f"| {factor:.2f}{TIMES} (min: {factor_min:.2f}{TIMES}){stack} | {verdict} |"
        )
    return lines


def _warm_ack_counts(warm: WarmAcks) -> str:
    timed = len(warm.samples)
    return f"{warm.acks - timed} warm-up acks, then {timed} timed"


def _budget_text(budget: Budget) -> str:
    which = "warm calls" if budget.phases == ("warm",) else "cold and warm calls"
    unit = "round trip" if budget.limit == 1 else "round trips"
    return f"{budget.operation}: ≤ {budget.limit} {unit} ({which}, both tokens)"


def _round_trips(report: Report) -> str:
    lines = [
        "## 1. DynamoDB round trips per operation",
        "",
        "| operation | sub token, cold | sub token, warm | email token, cold | email token, warm "
        "| calls (warm) |",
        "|---|---|---|---|---|---|",
    ]
    by_key = {(c.operation, c.claim, c.phase): c for c in report.counts}
    operations = list(dict.fromkeys(c.operation for c in report.counts))
    for operation in operations:
        cells = []
        for claim in ("sub", "email"):
            for phase in PHASES:
                count = by_key.get((operation, claim, phase))
                if count is None and claim == "sub":  # a stream event: no token
                    count = by_key.get((operation, "-", phase))
                cells.append(str(count.round_trips) if count else DASH)
        warm = by_key.get((operation, "sub", "warm")) or by_key.get((operation, "-", "warm"))
        calls = " → ".join(warm.calls) if warm else ""
        lines.append(f"| {operation} | {' | '.join(cells)} | {calls} |")
    lines += [
        "",
        "Projections are stream events (no token): their cold and warm counts are in the sub columns.",
    ]
    extra = sorted(
        {
            c.calls[0]
            for c in report.counts
            if c.claim == "email" and c.phase == "cold" and len(c.calls) > _fewest(report, c.operation, "sub")
        }
    )
    if extra:
        warm_differs = [
            op
            for op in operations
            if _fewest(report, op, "email", "warm") > _fewest(report, op, "sub", "warm")
        ]
        lines.append(
            f"A token identified by its email claim costs one more call ({', '.join(extra)} of the email "
            "alias) in a cold container. "
            + (
                f"Warm, it still costs more for: {', '.join(warm_differs)}."
                if warm_differs
                else "Warm, it costs the same as a `sub` token (the email->id mapping is cached)."
            )
        )
    return "\n".join(lines)


def _fewest(report: Report, operation: str, claim: str, phase: str | None = None) -> int:
    found = [
        c.round_trips
        for c in report.counts
        if c.operation == operation and c.claim == claim and (phase is None or c.phase == phase)
    ]
    return min(found, default=0)


def _baseline(cold_starts: list[ColdStartResult]) -> ColdStartResult | None:
    return next((r for r in cold_starts if r.variant.statements == BASELINE), None)


def _floor(cold_starts: list[ColdStartResult], result: ColdStartResult) -> ColdStartResult | None:
    """The row of the stack floor `result`'s function is measured against (bench.floors)."""
    if result.variant.floor is None:
        return None
    return next((r for r in cold_starts if r.variant.statements == result.variant.floor), None)


def _function_results(cold_starts: list[ColdStartResult]) -> list[ColdStartResult]:
    return [
        r
        for r in cold_starts
        if r.variant.event is not None and not (r.variant.tracing or r.variant.sam_build)
    ]


def _cold_starts(
    cold_starts: list[ColdStartResult], runs: int, layer: list[str], remeasured: str = ""
) -> str:
    """`remeasured`: says when `python -m bench --cold-starts` measured this section alone."""
    base = _baseline(cold_starts)
    base_total = base.median_of("total") if base else float("nan")
    base_min = base.min_total() if base else float("nan")
    lines = [
        "## 2. Cold start",
        "",
        *([remeasured, ""] if remeasured else []),
        f"Medians of {runs} runs (min for the total too). *Start* is spawn to the first line of "
        "the script (interpreter start-up), *imports* the handler module (baseline: boto3), *first request* "
        "the request served (baseline: the client created); CPU is the process's, up to the response.",
        "",
        f"| process | spawn → response | min | start | imports | first request | CPU | {TIMES} baseline "
        f"| {TIMES} baseline (min) | {TIMES} its floor | answer |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for result in cold_starts:
        total = result.median_of("total")
        floor = _floor(cold_starts, result)
        over_floor = f"{ratio(total, floor.median_of('total')):.2f}{TIMES}" if floor else DASH
        lines.append(
            f"| {result.variant.name} | {_ms(total)} | {_ms(result.min_total())} "
            f"| {_ms(result.median_of('startup'))} | {_ms(result.median_of('imports'))} "
            f"| {_ms(result.median_of('first_call'))} | {_ms(result.median_of('cpu'))} "
            f"| {ratio(total, base_total):.2f}{TIMES} | {ratio(result.min_total(), base_min):.2f}{TIMES} "
            f"| {over_floor} | {result.answers()} |"
        )
    plain = {r.variant.function_id: r for r in _function_results(cold_starts)}
    lines.append("")
    for result in cold_starts:
        reference = plain.get(result.variant.function_id)
        if reference is None or result is reference or result.variant.event is None:
            continue
        delta = result.median_of("total") - reference.median_of("total")
        delta_min = result.min_total() - reference.min_total()
        what = "Tracing on" if result.variant.tracing else "Without .pyc for the layer and the function"
        lines.append(
            f"- {what}: {_signed_ms(delta)} median, {_signed_ms(delta_min)} min, against "
            f"{reference.variant.name} in the same run."
        )
    lines.append(
        "- A difference smaller than the gap between a row's median and min is within this machine's noise."
    )
    lines += [
        "",
        "Tracing on means `POWERTOOLS_TRACE_DISABLED` unset in a Lambda environment (LAMBDA_TASK_ROOT set) "
        "with a sampled `_X_AMZN_TRACE_ID`: Powertools patches botocore and streams subsegments over UDP to "
        "a local sink standing in for the X-Ray daemon.",
        "",
        "*Without .pyc* is how `sam build` ships the function and layer (it unzips wheels and copies "
        "sources, and writes no bytecode); /opt and /var/task are read-only in Lambda, so every cold start "
        "compiles them. The other rows have every module's bytecode cached.",
        "",
        f"Layer on the path: {', '.join(layer)}.",
    ]
    return "\n".join(lines)


def _import_profile(profile: ImportProfile, title: str, *, notes: bool) -> str:
    """`notes`: add what is known about the recognition handler's imports (pydantic, X-Ray)."""
    entries = profile.entries
    parents = _parents(entries)
    handler = next((e for e in entries if e.module == profile.handler_module), None)
    ranked = sorted((e for e in entries if e is not handler), key=lambda e: -e.cumulative_us)[:IMPORT_TOP]
    lines = [
        f"## Where the {title}'s import time goes",
        "",
        f"`python -X importtime`, medians of 3 runs in the same sandbox: importing the handler module takes "
        f"{_us(profile.total_us)} in all (importtime's own bookkeeping included). "
        f"The {IMPORT_TOP} biggest cumulative imports (nested: a module's "
        "figure includes what it imports):",
        "",
        "| module | cumulative | self | imported by |",
        "|---|---|---|---|",
    ]
    for entry in ranked:
        lines.append(
            f"| `{entry.module}` | {_us(entry.cumulative_us)} | {_us(entry.self_us)} "
            f"| {parents.get(entry.module, '') and '`' + parents[entry.module] + '`'} |"
        )
    totals: dict[str, float] = defaultdict(float)
    for entry in entries:
        if entry is not handler:
            totals[entry.module.split(".")[0]] += entry.self_us
    top = sorted(totals.items(), key=lambda item: -item[1])[:8]
    lines += [
        "",
        "By top-level package (self times summed, so nothing is counted twice): "
        + ", ".join(f"`{name}` {_us(us)}" for name, us in top)
        + ".",
    ]
    own = sorted((e for e in entries if e is not handler), key=lambda e: -e.self_us)[:8]
    lines += [
        "",
        "Largest self times (the module's own code"
        + (": for Plaudit's modules mostly pydantic building model classes" if notes else "")
        + "): "
        + ", ".join(f"`{e.module}` {_us(e.self_us)}" for e in own)
        + ".",
    ]
    xray = next((e for e in entries if e.module == "aws_xray_sdk.core"), None)
    if xray is not None and notes:
        lines += [
            "",
            f"`aws_xray_sdk.core` is imported although tracing is disabled ({_us(xray.cumulative_us)} "
            "cumulative): Powertools' `Tracer()` imports the X-Ray recorder whether or not tracing is on; "
            "`POWERTOOLS_TRACE_DISABLED` only skips patching and segments.",
        ]
        if profile.xray_core_us_local:
            lines.append(
                f"Outside Lambda (no LAMBDA_TASK_ROOT: tests, `plaudit dev`) the same import takes "
                f"{_us(profile.xray_core_us_local)}: the recorder then sets up centralized sampling, which "
                "creates two botocore X-Ray clients at import time."
            )
    return "\n".join(lines)


def _slack_ack(report: Report) -> str:
    warm, calls = report.warm_acks, report.ack_calls
    lines = [
        "## 4. Slack: the `/kudos` ack",
        "",
        f"`/kudos {KUDOS_TEXT}` as Slack signs and posts it. Bolt is configured with "
        "`process_before_response`: the handler returns (and API Gateway answers Slack) only after Bolt has "
        "started the lazy listener with `lambda.invoke`, so the figures include that call (and, cold, "
        "creating the Lambda client). The recorder answers that Invoke from this machine; in AWS it is a "
        "round trip to the Lambda API, so the warm wall time here is a lower bound. On a loaded machine "
        "the wall-clock ratio swings from run to run; the CPU ratio (process CPU time up to the ack, "
        "against the baseline's) is steadier.",
        "",
        "| ack | median | min | p90 | CPU (median) | budget |",
        "|---|---|---|---|---|---|",
    ]
    lines += _cold_ack_rows(report.cold_starts)
    ordered = sorted(sample["wall"] for sample in warm.samples)
    lines.append(
        f"| warm: handler call | {_ms(warm.median_of('wall'))} | {_ms(ordered[0])} "
        f"| {_ms(warm.percentile('wall', 0.9))} | {_ms(warm.median_of('cpu'))} | {DASH} |"
    )
    lines += [
        "",
        "Calls the Slack processes made while acking (the ack path's budget is 0 DynamoDB calls; one "
        "`lambda.invoke` per ack starts the lazy listener; no Slack Web API call is needed to ack):",
        "",
        f"| phase | acks | DynamoDB | {INVOKE} | {SLACK_API} | other |",
        "|---|---|---|---|---|---|",
    ]
    known = (DYNAMODB, INVOKE, SLACK_API)
    for phase, seen, acks in calls.phases():
        other = sum(count for service, count in seen.items() if service not in known)
        lines.append(
            f"| {phase} | {acks} | {seen[DYNAMODB]} | {seen[INVOKE]} | {seen[SLACK_API]} | {other} |"
        )
    lines += [
        "",
        "Cold acks are one per process: the cold-start runs, their warm-up round and the import-time "
        "profile's runs.",
    ]
    return "\n".join(lines)


def _cold_ack_rows(cold_starts: list[ColdStartResult]) -> list[str]:
    """The Slack ack table's cold rows (they start with `| cold: `)."""
    base = _baseline(cold_starts)
    cold = next((r for r in cold_starts if r.variant.function_id == "SlackFunction"), None)
    lines: list[str] = []
    if cold is not None and base is not None:
        factor = ratio(cold.median_of("total"), base.median_of("total"))
        verdict = "met" if factor <= SLACK_ACK_GOAL else "**missed**"
        cpu_factor = ratio(cold.median_of("cpu"), base.median_of("cpu"))
        lines.append(
            f"| cold: spawn → ack | {_ms(cold.median_of('total'))} | {_ms(cold.min_total())} | {DASH} "
            f"| {_ms(cold.median_of('cpu'))} | {factor:.2f}{TIMES} baseline "
            f"({_ms(base.median_of('total'))}), goal ≤ {SLACK_ACK_GOAL}{TIMES}: {verdict}; "
            f"min {ratio(cold.min_total(), base.min_total()):.2f}{TIMES}, CPU {cpu_factor:.2f}{TIMES} |"
        )
        rest = f" | {DASH}" * 4
        lines.append(f"| cold: of which start-up | {_ms(cold.median_of('startup'))}{rest} |")
        lines.append(f"| cold: of which imports | {_ms(cold.median_of('imports'))}{rest} |")
        lines.append(f"| cold: of which the first request | {_ms(cold.median_of('first_call'))}{rest} |")
    return lines


def _parents(entries: list[ImportEntry]) -> dict[str, str]:
    """-X importtime lists a module after what it imports: the parent is the next entry one level up."""
    parents: dict[str, str] = {}
    for index, entry in enumerate(entries):
        for later in entries[index + 1 :]:
            if later.depth == entry.depth - 1:
                parents[entry.module] = later.module
                break
            if later.depth < entry.depth - 1:
                break
    return parents


def _overhead(report: Report) -> str:
    lines = [
        "## 3. Warm handler overhead (CPU per request)",
        "",
        f"Medians of {report.overhead_requests} requests each, served round-robin by one warm process "
        "(tracing off). *In DynamoDB calls* is the whole SDK call (validation, serialisation, signing, "
        "HTTP, parsing); *sign, send, parse* is the part of it between botocore's `before-call` and "
        "`after-call` events. *Overhead* is total minus in-calls: Powertools' resolver and validation, "
        "Plaudit's rules, building the writes, the response, metrics. Wall time is for information (it "
        "includes moto's own work).",
        "",
        "| request | total CPU | in DynamoDB calls | sign, send, parse | overhead | overhead share | calls "
        "| wall |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for result in report.overhead:
        total = result.median_of("cpu")
        lines.append(
            f"| {result.name} | {_ms(total)} | {_ms(result.median_of('sdk'))} "
            f"| {_ms(result.median_of('wire'))} | {_ms(result.overhead)} "
            f"| {ratio(result.overhead, total):.0%} | {result.calls} | {_ms(result.median_of('wall'))} |"
        )
    return "\n".join(lines)


def _memory(memory: MemoryResult) -> str:
    warmed, end = memory.warmed, memory.end
    lines = [
        "## 5. Local stack memory",
        "",
        f"{memory.requests:,} mixed requests in {memory.duration_s:.0f} s "
        f"({', '.join(f'{count:,} {status}' for status, count in sorted(memory.statuses.items()))}).",
        "",
        f"| | start | after {warmed.requests:,} requests | end | peak | end {MINUS} start "
        f"| end {MINUS} after {warmed.requests:,} |",
        "|---|---|---|---|---|---|---|",
        _memory_row("stack process (moto, HTTP server, pumps)", memory, "stack_rss", memory.stack_peak),
        _memory_row(f"its {end.workers} workers, together", memory, "workers_rss", memory.workers_peak),
        "",
        "The stack process's peak is the kernel's (`VmHWM`); the workers' is the largest sum sampled. "
        "Workers share their parent's pages (they fork from one forkserver), so their sum overstates what "
        "they take together. The workers grow during the first requests (each worker's first invocations, "
        "workers started for concurrent work), then stay flat.",
    ]
    start, stored = memory.stored_start, memory.stored_end
    if start is not None and stored is not None:
        items = stored.items - start.items
        growth = end.stack_rss - memory.start.stack_rss
        per_item = f"{growth / items / 1024:.1f} KiB" if items > 0 else DASH
        lines += [
            "",
            f"What the requests left in moto's tables (a scan of every table at the start and the end): "
            f"{start.items:,} {ARROW} {stored.items:,} items, "
            f"{_mib(start.bytes)} {ARROW} {_mib(stored.bytes)} as DynamoDB JSON: {items:+,} items. "
            f"The stack process grew {_signed_mib(growth)} over the run, {per_item} per item stored "
            "(moto keeps each item as Python objects, several times its JSON "
            "size, with its stream records and the table's index entries).",
        ]
    return "\n".join(lines)


def _memory_row(what: str, memory: MemoryResult, attribute: str, peak: int) -> str:
    start, warmed, end = (getattr(s, attribute) for s in (memory.start, memory.warmed, memory.end))
    return (
        f"| {what} | {_mib(start)} | {_mib(warmed)} | {_mib(end)} | {_mib(peak)} "
        f"| {_signed_mib(end - start)} | {_signed_mib(end - warmed)} |"
    )


def _mib(size: int) -> str:
    return f"{size / MIB:.0f} MiB"


def _signed_mib(size: int) -> str:
    return ("+" if size >= 0 else MINUS) + _mib(abs(size))


def _machine(report: Report) -> str:
    m = report.machine
    packages = ", ".join(f"{name} {version}" for name, version in m.packages.items())
    return f"""
## Machine

- Date: {m.date}; the whole benchmark took {report.duration_s:.0f} s
- CPUs: {m.cpus} ({m.cpu_model}); {m.platform}
- Python: {m.python} (Lambda runs python3.13 on arm64: absolute figures differ there, ratios less so)
- Load average: {m.load_at_start} at the start, {report.load_at_end} at the end
- Packages: {packages}
"""


def _ms(seconds: float) -> str:
    value = seconds * 1000
    return f"{value:.0f} ms" if value >= 100 else f"{value:.1f} ms"


def _signed_ms(seconds: float) -> str:
    return ("+" if seconds >= 0 else MINUS) + _ms(abs(seconds))


def _us(microseconds: float) -> str:
    return _ms(microseconds / 1_000_000)


# -- the cold starts alone (python -m bench --cold-starts)


@dataclass(frozen=True)
class ColdStartReport:
    machine: Machine
    cold_starts: list[ColdStartResult]
    cold_runs: int
    layer_distributions: list[str]
    import_profile: ImportProfile
    slack_import_profile: ImportProfile


RECOGNITION_PROFILE = "## Where the recognition handler's import time goes"
SLACK_PROFILE = "## Where the Slack handler's import time goes"


def render_cold_starts(cold: ColdStartReport) -> str:
    """What `python -m bench --cold-starts` prints: its budget rows and its sections."""
    return "\n\n".join(
        [
            "\n".join(_cold_start_budgets(cold.cold_starts)),
            _cold_section(cold),
            _import_profile(cold.slack_import_profile, "Slack handler", notes=False),
            "\n".join(_cold_ack_rows(cold.cold_starts)),
        ]
    )


def splice_cold_starts(previous: str, cold: ColdStartReport) -> str:
    """`previous` (a whole report) with what the cold starts measured replaced by `cold`'s figures: their
    budget rows, section 2 and the recognition handler's import profile, the Slack handler's import
    profile and the Slack ack's cold rows. Everything else stays as the last full run wrote it."""
    text = _replace_rows(previous, "| cold start of ", _cold_start_budgets(cold.cold_starts))
    text = _replace_rows(text, "| cold: ", _cold_ack_rows(cold.cold_starts))
    text = _replace_section(text, "## 2. Cold start", _cold_section(cold))
    slack = _import_profile(cold.slack_import_profile, "Slack handler", notes=False)
    return _replace_section(text, SLACK_PROFILE, slack)


def _cold_section(cold: ColdStartReport) -> str:
    m = cold.machine
    remeasured = (
        f"Measured alone by `python -m bench --cold-starts` on {m.date} (load average {m.load_at_start} "
        "at the start); the other sections are from the last full run."
    )
    return "\n\n".join(
        [
            _cold_starts(cold.cold_starts, cold.cold_runs, cold.layer_distributions, remeasured).strip(),
            _import_profile(cold.import_profile, "recognition handler", notes=True).strip(),
        ]
    )


def _replace_rows(text: str, prefix: str, rows: list[str]) -> str:
    """The lines of `text` starting with `prefix` replaced by `rows`, where the first of them was."""
    lines = text.split("\n")
    at = [index for index, line in enumerate(lines) if line.startswith(prefix)]
    if not at:
        raise ValueError(f"no line starts with {prefix!r}: run the whole benchmark first")
    kept = [line for index, line in enumerate(lines) if index not in set(at)]
    return "\n".join(kept[: at[0]] + rows + kept[at[0] :])


def _replace_section(text: str, heading: str, section: str) -> str:
    """The section of `text` from `heading` up to the next `## ` heading replaced by `section` (which may
    hold several sections of its own)."""
    start = text.find(f"\n{heading}\n")
    if start < 0:
        raise ValueError(f"no {heading!r} section: run the whole benchmark first")
    end = text.find("\n## ", start + 1)
    if heading == "## 2. Cold start":  # the recognition handler's import profile follows it: both go
        end = text.find("\n## ", text.index(f"\n{RECOGNITION_PROFILE}\n") + 1)
    tail = text[end:] if end >= 0 else "\n"
    return f"{text[: start + 1]}{section.strip()}\n{tail}"
