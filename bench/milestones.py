"""`python -m bench.milestones`: the daily milestone run against a directory of 100,000 people.

The directory is loaded straight into moto (in process) with BatchWriteItem, item for item what
`store.employees.save_employee` writes (profile, email and Slack aliases, milestone day-index entries:
its transaction is captured, not sent). Start dates and birthdays are spread over the years and the
calendar, time zones around the world. Then the demo milestone rules (plaudit_dev.seed) run for one day
through `services.milestones.run_day`, as `plaudit milestones run` and POST /v1/milestones/runs do.

Reported side by side: the people with a milestone that day, the DynamoDB items the run read (counted on
the client from every response, and as the run itself reports them), what a Scan of the table would
read, and the run's wall time. The section is written into docs/performance.md between markers, which
`python -m bench` keeps when it rewrites the rest. Not part of `make test`: it takes minutes.

moto is patched as in the local stack (plaudit_dev.moto_patches): a transaction backs up only the items it
names, not the whole table (400,000 items: that copy, not Plaudit, would be the run time), and a Query
starts from the partition it names instead of sorting the whole table. Neither changes what is read or
written, only moto's own CPU. Nothing is refused (the budget covers every award; the report says so, and
the benchmark fails if not).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from moto import mock_aws

from bench import sections
from bench.machine import describe
from bench.moto_host import REPO_ROOT
from bench.tables import create_tables
from plaudit.domain.access import SYSTEM, Caller
from plaudit.domain.employees import Employee, Role
from plaudit.domain.ledger import TxnKind
from plaudit.services import budgets
from plaudit.services.runtime import runtime
from plaudit.services.settings import replace_settings
from plaudit.store import employees as employee_store
from plaudit.store.client import table_name, use_client
from plaudit.store.transact import Write
from plaudit_dev import moto_patches
from plaudit_dev.local_aws import DUMMY_CREDENTIALS, REGION, environ
from plaudit_dev.seed import DEMO_SETTINGS, MILESTONES_BUDGET, seed_milestones
from plaudit_dev.template import load_template

DEFAULT_OUTPUT = REPO_ROOT / "docs" / "performance.md"
TIMES, MINUS = "\u00d7", "\u2212"  # the multiplication sign, the minus sign
START_MARK, END_MARK = "<!-- bench.milestones: start -->", "<!-- bench.milestones: end -->"
RUN_DAY = date(2027, 3, 15)
SETUP_AT = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)  # rules exist well before the day
RUN_AT = datetime(2027, 3, 16, 12, 0, tzinfo=UTC)  # the day is over everywhere
FUNDING = 100_000_000
BATCH = 25
ZONES = (
    "Pacific/Kiritimati",
    "Pacific/Auckland",
    "Australia/Sydney",
    "Asia/Tokyo",
    "Asia/Shanghai",
    "Asia/Kolkata",
    "Asia/Dubai",
    "Europe/Moscow",
    "Africa/Lagos",
    "Europe/Berlin",
    "Europe/London",
    "UTC",
    "America/Sao_Paulo",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Pacific/Honolulu",
    "Pacific/Pago_Pago",
)
COUNTRIES = ("US", "GB", "DE", "IN", "JP", "BR", "NG", "AU", "FR", "CA")
DEPARTMENTS = ("Engineering", "Sales", "Support", "People", "Finance", "Marketing", "Operations")
ADMIN = Caller(employee_id=None, token_roles=frozenset({Role.ADMIN}), subject="plaudit-bench")


def _progress(message: str) -> None:
    print(f"bench.milestones: {message}", file=sys.stderr, flush=True)


# -- the directory


def people(count: int, seed: int = 4) -> Iterator[Employee]:
    """`count` people, the same ones every time: started 2005..the run day, born any day of the year."""
    rng = random.Random(seed)
    first_start = date(2005, 1, 1)
    span = (RUN_DAY - first_start).days
    for n in range(count):
        birthday = date(2024, 1, 1) + timedelta(days=rng.randrange(366))  # 2024: Feb 29 included
        yield Employee(
            id=f"B{n:06d}",
            email=f"person{n}@bench.example",
            name=f"Person {n:06d}",
            slack_user_id=f"UB{n:06d}",
            department=rng.choice(DEPARTMENTS),
            country=rng.choice(COUNTRIES),
            time_zone=rng.choice(ZONES),
            start_date=first_start + timedelta(days=rng.randrange(span + 1)),
            birthday=birthday.strftime("%m-%d"),
            public_birthday=rng.random() > 0.1,
        )


def items_of(employee: Employee) -> list[dict[str, Any]]:
    """The items `save_employee` writes for a new person: its transaction, captured instead of sent."""
    captured: list[Write] = []
    saved = employee_store.write_all
    employee_store.write_all = captured.extend  # type: ignore[assignment]
    try:
        employee_store.save_employee(employee, None, 0)
    finally:
        employee_store.write_all = saved
    return [write.operation["Put"]["Item"] for write in captured]


def load_directory(client: Any, count: int) -> tuple[int, float]:
    """BatchWriteItem every item of `count` people; returns the items written and the seconds taken."""
    started = time.perf_counter()
    written = 0
    batch: list[dict[str, Any]] = []
    for n, person in enumerate(people(count), 1):
        batch += [{"PutRequest": {"Item": item}} for item in items_of(person)]
        while len(batch) >= BATCH:
            written += _write_batch(client, batch[:BATCH])
            batch = batch[BATCH:]
        if n % 10_000 == 0:
            _progress(f"  {n:,} people loaded ({time.perf_counter() - started:.0f} s)")
    if batch:
        written += _write_batch(client, batch)
    return written, time.perf_counter() - started


def _write_batch(client: Any, requests: list[dict[str, Any]]) -> int:
    pending: dict[str, Any] = {table_name(): requests}
    while pending:
        pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
    return len(requests)


# -- counting what the run reads


@dataclass
class ReadCounter:
    """Items in every read response the DynamoDB client receives, by operation."""

    items: int = 0
    calls: int = 0
    by_operation: dict[str, int] | None = None

    def __call__(self, http_response: Any, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        got = 0
        if model.name in ("Query", "Scan"):
            got = len(parsed.get("Items", []))
        elif model.name == "GetItem":
            got = 1 if parsed.get("Item") else 0
        elif model.name == "BatchGetItem":
            got = sum(len(found) for found in parsed.get("Responses", {}).values())
        else:
            return
        self.items += got
        self.calls += 1
        self.by_operation = self.by_operation or {}
        self.by_operation[model.name] = self.by_operation.get(model.name, 0) + got


@contextmanager
def counted_cancellations() -> Iterator[list[int]]:
    """Yields [transactions cancelled meanwhile]."""
    from moto.dynamodb import models
    from moto.dynamodb.exceptions import TransactionCanceledException

    backend = models.DynamoDBBackend
    original = backend.transact_write_items
    cancelled = [0]

    def transact(self: Any, items: list[dict[str, Any]]) -> None:
        try:
            return original(self, items)
        except TransactionCanceledException:
            cancelled[0] += 1
            raise

    backend.transact_write_items = transact  # type: ignore[method-assign]
    try:
        yield cancelled
    finally:
        backend.transact_write_items = original  # type: ignore[method-assign]


# -- the run


@dataclass(frozen=True)
class Result:
    employees: int
    items_loaded: int
    load_s: float
    table_items: int
    day: date
    due: int  # people with a milestone that day (any rule)
    awarded: int
    pending: int
    skipped: int
    reported_items_read: int
    counted_items_read: int
    read_calls: int
    by_operation: dict[str, int]
    run_s: float
    cancelled: int


def measure(count: int) -> Result:
    from plaudit.services import milestones  # the service under test, imported with the mock in place

    template = load_template()
    table = template.tables["DomainTable"].name
    env = {**DUMMY_CREDENTIALS, "AWS_DEFAULT_REGION": REGION, "TABLE_NAME": table}
    saved_clock = runtime.clock
    moto_patches.apply()
    with environ(env, ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE")), mock_aws():
        # moto re-validates every request itself: botocore's client-side validation would be done twice
        client = boto3.client("dynamodb", region_name=REGION, config=Config(parameter_validation=False))
        create_tables(client, template)
        use_client(client)
        try:
            runtime.clock = lambda: SETUP_AT
            replace_settings(ADMIN, DEMO_SETTINGS)
            seed_milestones()
            budgets.move_points(
                ADMIN,
                MILESTONES_BUDGET,
                TxnKind.BUDGET_TOP_UP,
                budgets.MovePoints(points=FUNDING),
                idempotency_key="bench-funding",
            )
            _progress(f"loading {count:,} people with BatchWriteItem")
            loaded, load_s = load_directory(client, count)
            table_items = client.describe_table(TableName=table)["Table"]["ItemCount"]
            _progress(f"loaded {loaded:,} items in {load_s:.0f} s; the table holds {table_items:,}")

            runtime.clock = lambda: RUN_AT
            counter = ReadCounter()
            client.meta.events.register("after-call.dynamodb", counter)
            with counted_cancellations() as cancelled:
                started = time.perf_counter()
                report = milestones.run_day(SYSTEM, RUN_DAY)
                run_s = time.perf_counter() - started
            client.meta.events.unregister("after-call.dynamodb", counter)
        finally:
            runtime.clock = saved_clock
            use_client(None)
    due = {award.employee_id for award in [*report.awarded, *report.pending]}
    due |= {skip.employee_id for skip in report.skipped}
    return Result(
        employees=count,
        items_loaded=loaded,
        load_s=load_s,
        table_items=table_items,
        day=RUN_DAY,
        due=len(due),
        awarded=len(report.awarded),
        pending=len(report.pending),
        skipped=len(report.skipped),
        reported_items_read=report.items_read,
        counted_items_read=counter.items,
        read_calls=counter.calls,
        by_operation=counter.by_operation or {},
        run_s=run_s,
        cancelled=cancelled[0],
    )


# -- the report


def render(result: Result) -> str:
    r = result
    per_person = f"{r.counted_items_read / r.due:.2f}" if r.due else "n/a"
    operations = ", ".join(f"{name} {items:,}" for name, items in sorted(r.by_operation.items()))
    rows = [
        ("people in the directory", f"{r.employees:,}"),
        (
            f"people with a milestone on {r.day.isoformat()}",
            f"{r.due:,} (awarded {r.awarded:,}, pending {r.pending:,}, skipped {r.skipped:,})",
        ),
        (
            "**DynamoDB items read by the run**",
            f"**{r.counted_items_read:,}** in {r.read_calls:,} requests ({operations}); "
            f"the run reports {r.reported_items_read:,}",
        ),
        ("items read per person with a milestone", per_person),
        ("what a table Scan would read", f"{r.table_items:,} items (every item of the table)"),
        ("run time (wall, moto in process)", f"{r.run_s:.1f} s (Lambda's limit: 900 s)"),
        ("loading the directory (BatchWriteItem into moto)", f"{r.items_loaded:,} items in {r.load_s:.0f} s"),
    ]
    table = "\n".join(f"| {what} | {figure} |" for what, figure in rows)
    ratio = r.table_items / max(r.counted_items_read, 1)
    return f"""{START_MARK}
## Milestones: the daily run with {r.employees:,} people

Measured by `.venv/bin/python -m bench.milestones` on {describe().date} (not part of `make bench` or
`make test`: it takes minutes). {r.employees:,} people are loaded into moto in process with BatchWriteItem,
item for item what `save_employee` writes (profile, email and Slack aliases, milestone day-index entries):
start dates from 2005 to the run day, birthdays on every day of the year (Feb 29 included), {len(ZONES)} time
zones from UTC+14 to UTC{MINUS}11. The demo rules (`plaudit_dev.seed`: work anniversaries by a points
table, birthdays, 30 days after start, funded from one budget) then run for {r.day.isoformat()} through
`services.milestones.run_day`, as `plaudit milestones run --date` and `POST /v1/milestones/runs` do. Items
read are counted on the DynamoDB client from every response (items in Query, GetItem and BatchGetItem
answers); the run reports its own count too.

| | figure |
|---|---|
{table}

The run reads the day's entries of the month-day index (anniversaries and birthdays filed under their
month-day, starts under their date), those people's profiles and their awards (absent unless already
made: the exactly-once check) in batches of 100, the same index and profiles 3 days ahead for the manager
reminders, and the rules, settings and budget: a small constant per person with a milestone,
{ratio:,.0f}{TIMES} less than a scan. Its time is mostly moto's writes (one transaction per award); they ran
without moto's whole-table rollback copy, and none was refused ({r.cancelled} cancelled).
{END_MARK}"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.milestones", description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=100_000, help="people in the directory (100,000)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="report (docs/performance.md)")
    parser.add_argument("--no-write", action="store_true", help="print the section only")
    args = parser.parse_args(argv)
    result = measure(args.employees)
    section = render(result)
    print(section)
    if not args.no_write:
        sections.write(args.output, section)
        _progress(f"wrote {args.output}")
    if result.cancelled:
        print(f"bench.milestones: {result.cancelled} transactions were refused", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
