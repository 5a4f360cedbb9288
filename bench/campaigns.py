"""`python -m bench.campaigns`: a campaign from a CSV to 10,000 people, end to end in process.

The directory is loaded straight into moto (as bench.milestones does), a budget funded, and the CSV (one
row a person: employee id, points, a message) goes through `services.campaigns`: create (the CSV checked
whole, the people read 100 a round trip, the chunks stored), start (one SQS message per chunk of 100, on
moto's CampaignQueue), then each message is received and handed to the worker's service
(`process_chunk`), as the CampaignWorkerFunction does. Counted on the DynamoDB client: every round trip of
each phase; the figure the issue asks for is the worker's round trips per person (goal <= 2). Then the
same campaign is resubmitted (the same Idempotency-Key: the same campaign) and every chunk's message
delivered again: zero new awards, and what that costs. Memory: `tracemalloc`'s peak of the create call
and of one chunk, measured on a second run (tracemalloc slows what it watches). Wall times are this
machine's, moto in process (plaudit_dev.moto_patches as in the local stack).

`python -m bench --quick` runs it with a few hundred people and fails if a person costs more than 2 round
trips. The section is written into docs/performance.md between markers.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from moto import mock_aws

from bench import sections
from bench.machine import describe
from bench.milestones import ADMIN, SETUP_AT, people
from bench.moto_host import REPO_ROOT
from bench.tables import create_tables
from plaudit_dev import moto_patches
from plaudit_dev.local_aws import DUMMY_CREDENTIALS, REGION, environ
from plaudit_dev.queues import create_queues
from plaudit_dev.template import load_template

DEFAULT_OUTPUT = REPO_ROOT / "docs" / "performance.md"
START_MARK, END_MARK = "<!-- bench.campaigns: start -->", "<!-- bench.campaigns: end -->"
PEOPLE, QUICK_PEOPLE = 10_000, 200
GOAL = 2  # the worker's DynamoDB round trips per person
BUDGET = "bench-campaign"
POINTS = 25


@dataclass
class Calls:
    """DynamoDB round trips the client sends, by operation."""

    by_operation: dict[str, int]

    def __call__(self, model: Any, **_: Any) -> None:
        self.by_operation[model.name] = self.by_operation.get(model.name, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.by_operation.values())


@dataclass(frozen=True)
class Result:
    people: int
    create_calls: int
    create_s: float
    start_calls: int
    messages: int
    worker_calls: int
    worker_by_operation: dict[str, int]
    worker_s: float
    paid: int
    awards_before_resubmit: int
    awards_after_resubmit: int
    resubmit_calls: int
    create_peak: int
    chunk_peak: int

    @property
    def per_person(self) -> float:
        return self.worker_calls / self.people


def load_people(client: Any, count: int) -> None:
    """The people's profiles and aliases (what a new person's save puts), 25 a BatchWriteItem."""
    from plaudit.store.client import table_name
    from plaudit.store.employees import profile_writes

    batch: list[dict[str, Any]] = []
    for person in people(count):
        puts = [w.operation["Put"]["Item"] for w in profile_writes(person, None, 0) if "Put" in w.operation]
        batch += [{"PutRequest": {"Item": item}} for item in puts]
        while len(batch) >= 25 or (batch and person.id == f"B{count - 1:06d}"):
            pending: dict[str, Any] = {table_name(): batch[:25]}
            while pending:
                pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
            batch = batch[25:]


def _counted(client: Any, work: Any) -> tuple[Any, int, dict[str, int], float]:
    calls = Calls({})
    client.meta.events.register("before-call.dynamodb", calls)
    started = time.perf_counter()
    try:
        value = work()
    finally:
        client.meta.events.unregister("before-call.dynamodb", calls)
    return value, calls.total, calls.by_operation, time.perf_counter() - started


def _drain(sqs: Any, url: str, process: Any) -> int:
    """Receive every message on the queue and process it (as the worker's event source does)."""
    handled = 0
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not got:
            return handled
        for message in got:
            body = json.loads(message["Body"])
            process(body["campaign_id"], body["chunk"])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            handled += 1


def measure(count: int, *, memory: bool = True) -> Result:
    from plaudit.domain.access import Caller
    from plaudit.domain.campaigns import CampaignRequest, award_id
    from plaudit.domain.employees import Role
    from plaudit.domain.ledger import TxnKind
    from plaudit.services import budgets, campaigns
    from plaudit.services.runtime import runtime
    from plaudit.services.settings import replace_settings
    from plaudit.store import keys
    from plaudit.store.client import use_client
    from plaudit.store.reads import get_many
    from plaudit_dev.seed import DEMO_SETTINGS

    template = load_template()
    table = template.tables["DomainTable"].name
    env = {**DUMMY_CREDENTIALS, "AWS_DEFAULT_REGION": REGION, "TABLE_NAME": table}
    env |= {"POWERTOOLS_METRICS_NAMESPACE": "PlauditBench", "POWERTOOLS_TRACE_DISABLED": "true"}
    hr = Caller(employee_id=None, token_roles=frozenset({Role.HR_ADMIN}), subject="bench-hr")
    saved_clock = runtime.clock
    moto_patches.apply()
    with environ(env, ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE")), mock_aws():
        client = boto3.client("dynamodb", region_name=REGION, config=Config(parameter_validation=False))
        create_tables(client, template)
        sqs = boto3.client("sqs", region_name=REGION)
        create_queues(sqs, [spec for spec in template.queues.values() if "Campaign" in spec.logical_id])
        url = sqs.get_queue_url(QueueName=template.queues["CampaignQueue"].name)["QueueUrl"]
        use_client(client)
        from plaudit.environment import environment

        try:
            with environ({"CAMPAIGN_QUEUE_URL": url}, ()):
                environment.cache_clear()
                runtime.clock = lambda: SETUP_AT
                replace_settings(ADMIN, DEMO_SETTINGS)
                budgets.create_budget(
                    ADMIN, budgets.CreateBudget(id=BUDGET, name="Bench campaign", kind="company")
                )
                funding = budgets.MovePoints(points=POINTS * count * 2)
                budgets.move_points(ADMIN, BUDGET, TxnKind.BUDGET_TOP_UP, funding)
                print(f"bench.campaigns: loading {count:,} people", file=sys.stderr, flush=True)
                load_people(client, count)
                rows = "".join(f'B{n:06d},{POINTS},"Thank you, person {n}"\n' for n in range(count))
                body = CampaignRequest(
                    name="Bench thanks", budget_id=BUDGET, csv=f"employee_id,points,message\n{rows}"
                )

                def create(key: str) -> Any:
                    return campaigns.create(hr, body, idempotency_key=key)[0]

                view, create_calls, _, create_s = _counted(client, lambda: create("bench-1"))
                _, start_calls, _, _ = _counted(client, lambda: campaigns.start(hr, view.id))
                print("bench.campaigns: paying", file=sys.stderr, flush=True)
                messages, worker_calls, worker_ops, worker_s = _counted(
                    client, lambda: _drain(sqs, url, campaigns.process_chunk)
                )
                done = campaigns.view(hr, view.id)
                ids = [keys.award(award_id(view.id, f"B{n:06d}")) for n in range(count)]

                def awards() -> int:
                    return sum(len(get_many(ids[s : s + 100])) for s in range(0, len(ids), 100))

                before = awards()

                def resubmit() -> None:
                    again = create("bench-1")  # the same campaign: a replay
                    assert again.id == view.id
                    campaigns._enqueue(view.id, (count + 99) // 100)  # every chunk's message again
                    _drain(sqs, url, campaigns.process_chunk)

                _, resubmit_calls, _, _ = _counted(client, resubmit)
                after = awards()
                create_peak = chunk_peak = 0
                if memory:
                    tracemalloc.start()
                    second = create("bench-2")
                    create_peak = tracemalloc.get_traced_memory()[1]
                    tracemalloc.reset_peak()
                    campaigns.start(hr, second.id)
                    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)["Messages"][0]
                    tracemalloc.reset_peak()
                    campaigns.process_chunk(second.id, json.loads(got["Body"])["chunk"])
                    chunk_peak = tracemalloc.get_traced_memory()[1]
                    tracemalloc.stop()
        finally:
            runtime.clock = saved_clock
            use_client(None)
            environment.cache_clear()
    return Result(
        people=count,
        create_calls=create_calls,
        create_s=create_s,
        start_calls=start_calls,
        messages=messages,
        worker_calls=worker_calls,
        worker_by_operation=worker_ops,
        worker_s=worker_s,
        paid=done.paid,
        awards_before_resubmit=before,
        awards_after_resubmit=after,
        resubmit_calls=resubmit_calls,
        create_peak=create_peak,
        chunk_peak=chunk_peak,
    )


def failures(result: Result) -> list[str]:
    found = []
    if result.per_person > GOAL:
        found.append(f"campaign: {result.per_person:.2f} DynamoDB round trips per person (goal <= {GOAL})")
    if result.paid != result.people:
        found.append(f"campaign: {result.paid} of {result.people} people paid")
    if result.awards_after_resubmit != result.awards_before_resubmit:
        found.append("campaign: the resubmitted campaign made new awards")
    return found


def render(result: Result) -> str:
    ops = ", ".join(f"{name} {n:,}" for name, n in sorted(result.worker_by_operation.items()))
    mib = 2**20
    per_chunk = result.worker_s / max(result.messages, 1)
    new_awards = result.awards_after_resubmit - result.awards_before_resubmit
    smaller = (
        f" (`--people {result.people}`: the default, {PEOPLE:,}, takes moto about half an hour on a"
        " machine as loaded as this one was; every figure per person is per chunk of 100, the same at any"
        " size.)"
        if result.people != PEOPLE
        else ""
    )
    return f"""{START_MARK}
## Campaigns

A campaign to {result.people:,} people from one CSV.{smaller}

`python -m bench.campaigns`: one CSV row a person ({POINTS} points and a message each) through
`services.campaigns` against moto in process: create, start (one SQS message per chunk of 100), then every
message handed to the worker's service as CampaignWorkerFunction does. Round trips are counted on the
DynamoDB client. Each person is one award transaction (award, ledger, budget balance); a chunk adds a
read of the campaign and chunk, of its people, of the settings, of its earlier awards, of the budget, and
one transaction for its outcomes and the campaign's counters.

| | figure |
|---|---:|
| people paid | {result.paid:,} |
| worker: DynamoDB round trips | {result.worker_calls:,} ({ops}) |
| **worker: round trips per person** (goal <= {GOAL}) | **{result.per_person:.2f}** |
| SQS messages (chunks) | {result.messages:,} |
| worker: wall time, chunks one after another | {result.worker_s:,.1f} s ({per_chunk:.2f} s a chunk) |
| create (CSV checked, chunks stored) | {result.create_calls:,} round trips, {result.create_s:,.1f} s |
| start: round trips | {result.start_calls} |
| create: peak Python memory | {result.create_peak / mib:,.1f} MiB |
| worker, one chunk: peak Python memory | {result.chunk_peak / mib:,.1f} MiB |
| resubmitted (same Idempotency-Key, each chunk delivered again): new awards | {new_awards} |
| resubmitted: round trips | {result.resubmit_calls:,} |

Wall times are moto's in process on this shared machine (every transaction a Python call, no network):
against DynamoDB a transaction takes milliseconds, so a chunk of 100 stays far inside the worker's 120 s
timeout, and chunks run side by side up to the event source's MaximumConcurrency (5; the budget's balance
item is the one item every award writes, so more would mostly contend).

Measured by `.venv/bin/python -m bench.campaigns` on {(m := describe()).date}: {m.cpus} CPUs ({m.cpu_model}),
load {m.load_at_start} at the start; {m.python}.
{END_MARK}"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.campaigns", description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=PEOPLE)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="report (docs/performance.md)")
    parser.add_argument("--no-write", action="store_true", help="print the section only")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_PEOPLE} people, no file written")
    args = parser.parse_args(argv)
    result = measure(QUICK_PEOPLE if args.quick else args.people)
    section = render(result)
    print(section)
    if not (args.no_write or args.quick):
        sections.write(args.output, section)
        print(f"bench.campaigns: wrote {args.output}", file=sys.stderr)
    found = failures(result)
    for failure in found:
        print(f"bench.campaigns: {failure}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
