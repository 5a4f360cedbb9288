"""`python -m bench`: run the benchmarks, print the report, write docs/performance.md.

Exit status 1 when a round-trip budget is exceeded, a Slack ack touches DynamoDB (counts are
deterministic) or the local stack answers a 5xx; wall-clock and memory figures are never a reason to fail.
`--quick` (in `make test`) runs everything a few times only and writes no file: it keeps the benchmark from
rotting and asserts the counts. `--cold-starts` measures the cold starts alone (a few minutes) and
rewrites only their rows and sections of the file. The cost model (bench.cost, docs/cost.md) is
computed from the same counts. The sections other benchmarks write between `<!-- bench.X -->` markers
(`python -m bench.milestones`, `bench.catalog`, `bench.redemptions`,
`bench.campaigns`) are carried over from the file as they were; a campaign of a few hundred people is run
here too, and fails the run if a person costs more than 2 DynamoDB round trips.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench import campaigns, cost, floors, org
from bench.coldstart import ColdStarts, Variant
from bench.events import EventFactory, claims_for
from bench.floors import BASELINE
from bench.functions import RECOGNITION, function_variants
from bench.machine import describe, load_average
from bench.memory import measure_memory
from bench.moto_host import REPO_ROOT, MotoHost
from bench.overhead import OverheadCase, measure_overhead
from bench.report import (
    SLACK_ACK_GOAL,
    ColdStartReport,
    Report,
    budget_failures,
    render,
    render_cold_starts,
    splice_cold_starts,
)
from bench.roundtrips import measure_round_trips
from bench.sandbox import open_sandbox
from bench.sections import carry_over
from bench.slack_ack import (
    FUNCTION_ID,
    AckCalls,
    AwsSink,
    KudosRequests,
    aws_sink,
    measure_warm_acks,
    slack_env,
)
from plaudit_dev.template import Template, load_template

DEFAULT_OUTPUT = REPO_ROOT / "docs" / "performance.md"


def _progress(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def _cold_variants(
    template: Template,
    projection_event: dict[str, Any],
    kudos_requests: KudosRequests,
    host: MotoHost,
    sink: AwsSink,
) -> tuple[list[Variant], Variant, Variant]:
    """(every cold-start variant: the baseline, the floors, each function, recognition traced and without
    .pyc; recognition's; the Slack ack's)."""
    slack = Variant(
        "slack: ack a signed /kudos",
        FUNCTION_ID,
        kudos_requests.fresh(),
        env=slack_env(sink),
        fresh_event=kudos_requests.fresh,
        goal=SLACK_ACK_GOAL,
    )
    functions = function_variants(template, projection_event, slack, host.hris_secret_arn)
    recognition = next(v for v in functions if v.function_id == RECOGNITION)
    variants = [
        Variant("baseline: import boto3, create a DynamoDB client", RECOGNITION, None, statements=BASELINE),
        Variant("floor, HTTP API functions", RECOGNITION, None, statements=floors.HTTP),
        Variant("floor, event functions", RECOGNITION, None, statements=floors.EVENTS),
        Variant("floor, Slack ack", FUNCTION_ID, None, env=slack_env(sink), statements=floors.SLACK),
        *functions,
        replace(recognition, name="recognition, tracing on", tracing=True),
        replace(recognition, name="recognition, without .pyc", sam_build=True),
    ]
    return variants, recognition, slack


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="cold-start processes per variant (7)")
    parser.add_argument("--requests", type=int, default=50, help="warm requests per kind (50)")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up requests per kind (5)")
    parser.add_argument("--acks", type=int, default=50, help="warm Slack /kudos acks (50)")
    parser.add_argument(
        "--output", type=Path, default=DEFAULT_OUTPUT, help="report file (docs/performance.md)"
    )
    parser.add_argument(
        "--memory-requests", type=int, default=10_000, help="mixed requests to the local stack (10,000)"
    )
    parser.add_argument("--no-write", action="store_true", help="print the report only")
    parser.add_argument(
        "--quick", action="store_true", help="a few runs of everything, no file written (make test)"
    )
    parser.add_argument(
        "--cold-starts",
        action="store_true",
        help="the cold starts alone: rewrites their rows and sections of the report, keeps the rest",
    )
    args = parser.parse_args(argv)
    if args.cold_starts:
        return _cold_starts_alone(args.runs, args.output, write=not args.no_write)
    if args.quick:
        args.runs, args.requests, args.warmup, args.acks, args.memory_requests = 1, 3, 1, 3, 200
        args.no_write = True

    started = time.perf_counter()
    machine = describe()
    template = load_template()

    _progress("1/5 DynamoDB round trips (in-process moto)")
    counts, projection_event = measure_round_trips(template)
    # the cost model from these counts (docs/cost.md): computed in --quick too, so it cannot rot
    work, measured, declared = cost.Workload(), cost.measured_from(counts), cost.declared_in_repo()
    cost_page = cost.render(work, measured, declared)
    _progress(f"cost per seat: ${cost.per_seat(work, measured, declared):.4f} a month ({cost.OUTPUT.name})")

    events = EventFactory(template)
    giver = claims_for("sub", org.GIVER, org.EMAILS[org.GIVER])
    kudos_1 = events.http("POST", "/v1/recognitions", giver, org.kudos_body([org.RECIPIENT]))
    kudos_20 = events.http("POST", "/v1/recognitions", giver, org.kudos_body(org.RECIPIENTS_20))
    wallet = events.http("GET", f"/v1/employees/{org.GIVER}/wallet", giver)
    cases = [
        OverheadCase("give kudos, 1 recipient", kudos_1.function_id, kudos_1.event),
        OverheadCase("give kudos, 20 recipients", kudos_20.function_id, kudos_20.event),
        OverheadCase("read a wallet", wallet.function_id, wallet.event),
    ]

    kudos_requests = KudosRequests(template)

    with MotoHost() as host, open_sandbox(template, host.endpoint_url) as sandbox, aws_sink() as sink:
        variants, recognition, slack = _cold_variants(template, projection_event, kudos_requests, host, sink)
        _progress(
            f"2/5 cold starts ({args.runs} runs of {len(variants)} processes, moto at {host.endpoint_url})"
        )
        cold = ColdStarts(sandbox)
        cold_starts = cold.measure(variants, args.runs)
        import_profile = cold.import_profile(recognition)
        slack_import_profile = cold.import_profile(slack)
        cold_calls = sink.take()
        _progress(f"3/5 warm handler overhead ({args.requests} requests of {len(cases)} kinds)")
        overhead = measure_overhead(sandbox, cases, args.warmup, args.requests)
        _progress(f"4/5 warm Slack acks ({args.acks} signed /kudos)")
        warm_acks = measure_warm_acks(sandbox, kudos_requests, sink, args.warmup, args.acks)
        distributions = sandbox.layer_distributions
    ack_calls = AckCalls(cold_calls, cold.processes[slack.name], warm_acks.calls, warm_acks.acks)
    _progress(f"5/5 local stack memory ({args.memory_requests} mixed requests over HTTP)")
    memory = measure_memory(args.memory_requests, _progress)

    report = Report(
        machine=machine,
        load_at_end=load_average(),
        duration_s=time.perf_counter() - started,
        counts=counts,
        cold_starts=cold_starts,
        cold_runs=args.runs,
        import_profile=import_profile,
        overhead=overhead,
        overhead_requests=args.requests,
        layer_distributions=distributions,
        slack_import_profile=slack_import_profile,
        warm_acks=warm_acks,
        ack_calls=ack_calls,
        memory=memory,
    )
    text = render(report)
    print(text)
    if not args.no_write:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        # the marked sections come from their own benchmarks (bench.milestones takes minutes): keep them
        args.output.write_text(carry_over(args.output, text), encoding="utf-8")
        cost.OUTPUT.write_text(cost_page, encoding="utf-8")
        _progress(f"wrote {args.output} and {cost.OUTPUT}")

    _progress(f"campaign of {campaigns.QUICK_PEOPLE} people (python -m bench.campaigns: 10,000)")
    campaign = campaigns.measure(campaigns.QUICK_PEOPLE, memory=False)
    _progress(
        f"campaign: {campaign.per_person:.2f} DynamoDB round trips per person (goal <= {campaigns.GOAL})"
    )

    failures = (
        budget_failures(counts) + ack_calls.failures() + memory.failures() + campaigns.failures(campaign)
    )
    for failure in failures:
        print(f"bench: BUDGET EXCEEDED: {failure}", file=sys.stderr)
    return 1 if failures else 0


def _cold_starts_alone(runs: int, output: Path, *, write: bool) -> int:
    """Section 2 (and the import profiles, the cold rows of the budgets and of the Slack ack) measured
    alone, spliced into the report the last full run wrote. The round trips run first: the projection's
    cold start replays their stream batch."""
    machine = describe()
    template = load_template()
    _progress("DynamoDB round trips (for the projection's stream batch)")
    _, projection_event = measure_round_trips(template)
    kudos_requests = KudosRequests(template)
    with MotoHost() as host, open_sandbox(template, host.endpoint_url) as sandbox, aws_sink() as sink:
        variants, recognition, slack = _cold_variants(template, projection_event, kudos_requests, host, sink)
        _progress(f"cold starts ({runs} runs of {len(variants)} processes, moto at {host.endpoint_url})")
        cold = ColdStarts(sandbox)
        report = ColdStartReport(
            machine=machine,
            cold_starts=cold.measure(variants, runs),
            cold_runs=runs,
            layer_distributions=sandbox.layer_distributions,
            import_profile=cold.import_profile(recognition),
            slack_import_profile=cold.import_profile(slack),
        )
        cold_calls = sink.take()
    print(render_cold_starts(report))
    if write:
        output.write_text(splice_cold_starts(output.read_text(encoding="utf-8"), report), encoding="utf-8")
        _progress(f"rewrote the cold starts in {output}")
    acks = cold.processes[slack.name]
    failures = AckCalls(cold_calls, acks, Counter(), 0).failures()
    for failure in failures:
        print(f"bench: BUDGET EXCEEDED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
