"""`python -m bench.history`: what each leaderboard and report reads, at two sizes of history.

Issue 11 asks that a board or report read no more as history grows, only with the rows it shows (goal: at
most rows shown + 3 items, at most 3 round trips). For each size (people, a year of activity each), moto
runs in process with the template's table, the demo organisation is seeded, and `fill` writes the
synthetic people and their year straight through the store (no HTTP, no stream): their directory records
(the store's own profile writes, puts straight into moto's table and the headcounts' ADDs summed), then
the insights counters and leaderboard rows that year of kudos makes, built by the projection's own
`counter_update` / `board_update` and written whole. Then every probe runs once with the DynamoDB client
counting each request and the items it returns.

What `fill` writes for N people (person i in department `Dept<i mod 10>`, team of 10 under its first
member, one of five countries): each month of the year before NOW, each person gives one public kudos
(1 to 10 points, one company value) to someone else. Counted as the projection would:

- counters of the organisation, departments, countries and values in every period (ISO week, month,
  quarter, year, all; kudos and points given and received: no unique givers and receivers, whose
  memberships would be millions of items and change no read's count); of teams in month, quarter, year
  and all;
- each person's own counters (given and received) in every month, year and all time (not weeks and
  quarters: 20 more items per person that no probe below reads);
- the organisation's leaderboard rows (received and given) in every month, year and all time.

To add a report or board: append a Probe to PROBES (what it is, the call, how many rows its answer shows);
each report in the registry (plaudit.services.reports.REPORTS) is measured already, for the organisation
and each of its groupings. If it reads something `fill` does not write, write it in `fill` (cheaply,
through the store) and say so above. See /work/prompts/notes/bench_for_reports.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
from moto import mock_aws

from bench import sections
from bench.insights import CountingClient
from bench.machine import describe
from bench.moto_host import REPO_ROOT
from plaudit_dev.local_aws import DUMMY_CREDENTIALS, REGION, environ
from plaudit_dev.template import load_template

DEFAULT_OUTPUT = REPO_ROOT / "docs" / "performance.md"
START_MARK, END_MARK = "<!-- bench.history: start -->", "<!-- bench.history: end -->"
NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
SIZES = (1_000, 10_000)  # people, each with a year of activity
MONTHS = 12
DEPARTMENTS, TEAM, COUNTRIES = 10, 10, ("US", "IT", "FR", "EG", "GB")
HR_ADMIN = "E1001"  # the demo organisation's
GOAL_EXTRA_ITEMS, GOAL_ROUND_TRIPS = 3, 3
# Filters a report needs beyond the organisation-wide default (report name -> run()'s keyword arguments)
REPORT_FILTERS: dict[str, dict[str, str]] = {
    "quiet-people": {"manager": "P00000"},
    "allowance": {"manager": "P00000"},
}


@dataclass(frozen=True)
class Probe:
    """One read to measure: `call()` runs it (as the services do, clock at NOW); `rows(answer)` counts
    the rows its answer shows."""

    what: str
    call: Callable[[], Any]
    rows: Callable[[Any], int]


@dataclass(frozen=True)
class Measure:
    what: str
    people: int
    rows: int
    round_trips: int
    read: int
    calls: list[str]
    failure: str | None = None  # the read failed (the figures are what it read until then)

    @property
    def within_goal(self) -> bool:
        ok = self.read <= self.rows + GOAL_EXTRA_ITEMS and self.round_trips <= GOAL_ROUND_TRIPS
        return ok and self.failure is None


def probes() -> list[Probe]:
    from plaudit.domain.access import Caller
    from plaudit.domain.insights import Side, Span
    from plaudit.domain.reports import GROUPS_PER_PAGE
    from plaudit.services import reports
    from plaudit.services.insights import leaderboard

    hr = Caller(employee_id=HR_ADMIN)
    found = [
        Probe(
            "leaderboard: organisation, received, month, top 10, own standing",
            lambda: leaderboard(hr, metric=Side.RECEIVED, by="points", period=Span.MONTH),
            lambda board: len(board.entries),
        ),
        Probe(
            "leaderboard: organisation, given, year, top 10, own standing",
            lambda: leaderboard(hr, metric=Side.GIVEN, by="points", period=Span.YEAR),
            lambda board: len(board.entries),
        ),
    ]
    for name, spec in sorted(reports.REPORTS.items()):
        filters = REPORT_FILTERS.get(name, {})
        scope = ", ".join(f"{key} {value}" for key, value in filters.items()) or "organisation"
        for grouping in spec.groupings or (None,):
            label = f"report {name}: {scope}, month" + (f", by {grouping}" if grouping else "")
            label += f", first page ({GROUPS_PER_PAGE} groups at most)" if spec.paged else ""
            found.append(
                Probe(
                    label,
                    lambda name=name, grouping=grouping, filters=filters: reports.run(
                        hr, name, period=Span.MONTH, group_by=grouping, **filters
                    ),
                    _report_rows,
                )
            )
    return found


def _report_rows(report: Any) -> int:
    """The totals and each row (a row shows its figures and the period before's)."""
    return 1 + len(getattr(report, "rows", ()) or ())


# -- filling moto with a year ------------------------------------------------------------------------


def person_id(n: int) -> str:
    return f"P{n:05d}"


def fill(people: int) -> int:
    """The synthetic people and a year of their kudos, counted (see the module's docstring). Returns the
    items written."""
    from plaudit.domain.employees import Employee
    from plaudit.domain.insights import Stamp, board_scopes, period_ids, person_scopes
    from plaudit.store import insights as store
    from plaudit.store.employees import profile_writes

    written = 0
    stamps = {}
    directory = _Directory(_moto_table())
    for n in range(people):
        manager = person_id(n - n % TEAM) if n % TEAM else None
        employee = Employee(
            id=person_id(n),
            email=f"{person_id(n).lower()}@bench.example",
            name=f"Person {n:05d}",
            manager_id=manager,
            department=f"Dept{n % DEPARTMENTS}",
            country=COUNTRIES[n % len(COUNTRIES)],
        )
        for write in profile_writes(employee, None, 0):
            directory.add(write.operation)
            written += 1
        stamps[employee.id] = Stamp(
            department=employee.department, manager_id=employee.manager_id, country=employee.country
        )

    directory.flush()
    values = ("teamwork", "customer-first", "ownership", "craft", "kindness")
    counters: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    boards: dict[tuple[str, str, str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for month_back in range(MONTHS):
        first = _month_start(NOW.date(), month_back)
        for n in range(people):
            giver, recipient = person_id(n), person_id((n * 7 + month_back * 13 + 1) % people or 1)
            if recipient == giver:
                recipient = person_id((n + 1) % people)
            points, value = 1 + (n + month_back) % 10, values[(n + month_back) % len(values)]
            at = datetime(first.year, first.month, 1 + n % 28, 12, tzinfo=UTC)
            if at > NOW:
                at = NOW - timedelta(hours=1 + n % 24)
            periods = period_ids(at, "UTC")  # week, month, quarter, year, all
            for side, person in (("given", giver), ("received", recipient)):
                for scope in [*person_scopes(person, stamps[person]), f"value:{value}"]:
                    kept = _periods_kept(scope, periods)
                    for period in kept:
                        figures = counters[(scope, period)]
                        figures[f"kudos_{side}"] += 1
                        figures[f"points_{side}"] += points
                for scope in board_scopes(None, ()):  # the organisation's board
                    for period in (periods[1], periods[3], periods[4]):  # month, year, all
                        row = boards[(side, scope, period, person)]
                        row["points"] += points
                        row["kudos"] += 1
    updates = [store.counter_update(counter, dict(deltas)) for counter, deltas in counters.items()]
    updates += [store.board_update(row, dict(deltas)) for row, deltas in boards.items()]
    table = _moto_table()
    for update in updates:  # straight into moto's table: a BatchWriteItem's parsing costs 3 times more
        table.put_item(store.put_whole(update)["PutRequest"]["Item"])
    return written + len(updates)


def _moto_table() -> Any:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    from plaudit.store.client import table_name

    return dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].get_table(table_name())


class _Directory:
    """The directory's writes, applied as their transactions would leave the table but cheaply: puts
    straight into moto's table, the headcounts' ADDs summed per item and applied once each at the end."""

    def __init__(self, table: Any) -> None:
        self.table = table
        self.updates: dict[str, tuple[dict[str, Any], int]] = {}

    def add(self, operation: dict[str, Any]) -> None:
        ((kind, params),) = operation.items()
        if kind == "Put":
            self.table.put_item(params["Item"])
        elif kind == "Update" and ":change" in params["ExpressionAttributeValues"]:
            key = repr(sorted(params["Key"].items()))
            change = int(params["ExpressionAttributeValues"][":change"]["N"])
            _, total = self.updates.get(key, (params, 0))
            self.updates[key] = (params, total + change)
        else:
            raise ValueError(f"the bench's directory fill does not apply {kind} {params.get('Key')}")

    def flush(self) -> None:
        from plaudit.store.client import dynamodb

        for params, total in self.updates.values():
            values = params["ExpressionAttributeValues"] | {":change": {"N": str(total)}}
            dynamodb().update_item(**(params | {"ExpressionAttributeValues": values}))


def _month_start(today: date, back: int) -> date:
    year, month = today.year, today.month - back
    while month < 1:
        year, month = year - 1, month + 12
    return date(year, month, 1)


def _periods_kept(scope: str, periods: list[str]) -> list[str]:
    _, month, quarter, year, all_time = periods
    if scope.startswith("person:"):
        return [month, year, all_time]
    if scope.startswith("team:"):
        return [month, quarter, year, all_time]
    return periods


# -- measuring ---------------------------------------------------------------------------------------


def measure(sizes: tuple[int, ...] = SIZES, progress: Callable[[str], None] = print) -> list[Measure]:
    template = load_template()
    env = {
        **DUMMY_CREDENTIALS,
        "AWS_DEFAULT_REGION": REGION,
        "TABLE_NAME": template.tables["DomainTable"].name,
        "POWERTOOLS_TRACE_DISABLED": "true",
    }
    out: list[Measure] = []
    for people in sizes:
        with environ(env, ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE")), mock_aws():
            from plaudit_dev import moto_patches

            moto_patches.apply()
            client = boto3.client("dynamodb", region_name=REGION)
            client.create_table(**template.tables["DomainTable"].create_kwargs)
            out += _measure_size(client, people, progress)
    return out


def _measure_size(client: Any, people: int, progress: Callable[[str], None]) -> list[Measure]:
    from plaudit.services.runtime import runtime
    from plaudit.store.client import use_client
    from plaudit_dev.seed import seed_demo

    saved_clock = runtime.clock
    use_client(client)
    try:
        runtime.clock = lambda: NOW
        seed_demo()
        started = time.perf_counter()
        items = fill(people)
        progress(f"{people:,} people: {items:,} items written in {time.perf_counter() - started:.0f} s")
        counting = CountingClient(client)
        use_client(counting)
        out = []
        for probe in probes():
            try:
                rows, failure = probe.rows(probe.call()), None
            except Exception as error:  # a read that fails at this size is a finding, not a crash
                rows, failure = 0, f"{type(error).__name__}: {error}"
                progress(f"{people:,} people: {probe.what} FAILED: {failure}")
            taken = counting.take(probe.what)
            out.append(Measure(probe.what, people, rows, taken.round_trips, taken.read, taken.calls, failure))
        return out
    finally:
        use_client(None)
        runtime.clock = saved_clock


def render(measures: list[Measure], sizes: tuple[int, ...]) -> str:
    by_what: dict[str, dict[int, Measure]] = defaultdict(dict)
    for m in measures:
        by_what[m.what][m.people] = m
    head = " | ".join(f"{size:,} people: rows / round trips / items read" for size in sizes)
    lines = []
    for what, found in by_what.items():
        cells = " | ".join(_cell(found.get(size)) for size in sizes)
        flat = _flat(list(found.values()))
        goal = all(m.within_goal for m in found.values())
        said = {True: "yes", False: "**no**", None: "rows differ"}[flat]
        lines.append(f"| {what} | {cells} | {said} | {'yes' if goal else '**no**'} |")
    table = "\n".join(lines)
    return f"""{START_MARK}
## Boards and reports at two sizes of history

Measured by `.venv/bin/python -m bench.history` on {describe().date}: moto in process, the demo
organisation plus N synthetic people with a year of activity each (one kudos a month per person, counted
into the insights counters and leaderboard rows as the projection counts them, written straight through
the store: see the module's docstring for exactly what), then each board and report read once as the HR
admin, every DynamoDB request counted with the items it returns. The issue's goal: at most rows shown + 3
items and 3 round trips, the same at both sizes.

Every read is one round trip for the caller and the settings, at most one query (a board's rows, a
page of groups, a team) and one BatchGetItem (figures, headcounts, names). Participation answers a page
of groups (`limit`, 25 by default, at most 30, and `cursor`), so a page's keys always fit one
BatchGetItem: by team at 10,000 people it read 1,003 rows in 34 round trips before it paged.

Items per row, and why not one: a report row is a counter in the period and one in the period before
(the issue wants the period before beside every row), plus, for a group or a person, who is in it now
(the directory's headcount or team listing) and a team's or person's name. A counter carrying the
period before would make the projection write every counter update twice (a stream batch of 100 kudos
writes 1,630 items, bench.insights; each in a transaction costs 2 write units, ten times a consistent
read of the same small item) to save one read per row of a report HR opens now and then; and a
headcount or name copied onto counters cannot stay exact (counters count where people were, the
directory says where they are and what they are called now). So the figures below are 2 to 4 items
per row, the same at both sizes: they grow with the rows shown, never with history. Where they go
(counters never written are not read, hence a few less): recognition 2 + 2 per row (its counters);
participation 2 + per group its headcount, 2 counters and, by team, the manager's name, + the scope's
headcount and 2 counters; allowance 2 + per person the team listing and 2 counters + the manager's name;
quiet people 2 + per team member the listing and the all-time counter + the manager's name (it must
look at the whole team to show who is quiet). The money side's reports show their totals only here
(`fill` writes no redemptions, vouchers or budgets); they read the scope's counters, the budgets (one
query of up to 100) or one page of at most 100 spend rows and their people's names (taxable rewards,
`complete` false beyond), so they too are bounded by rows shown.

A leaderboard reads the caller and the settings, exactly the rows shown from the board's sorted index,
and the people shown with the caller's own row: 2 x rows + 3 items. A board row is written by the
projection from the records, which carry where people were (department, manager, country) but not their
names, and who may be shown (active, not opted out) and their name (changed, or erased: "former
employee") live on the person's record alone. A copy of either on the rows would have to be rewritten
on every rename, leave, opt-out or erasure in every board row the person ever had (every period, scope
and side: no index finds them). So a board reads each row and its person's record, and only those.

| read | {head} | same at both sizes (rows shown alike) | within the goal |
|---|{"---|" * len(sizes)}---|---|
{table}
{END_MARK}"""


def _cell(m: Measure | None) -> str:
    if m is None:
        return "-"
    if m.failure is not None:
        return f"fails after {m.round_trips} round trips: {m.failure[:80]}"
    return f"{m.rows} / {m.round_trips} / {m.read}"


def _flat(found: list[Measure]) -> bool | None:
    """Whether the read cost the same at every size; None when its answers showed different rows (a
    report by team has more teams to show in a larger organisation: compare its items per row)."""
    if any(m.failure for m in found):
        return False
    if len({m.rows for m in found}) > 1:
        return None
    return len({(m.round_trips, m.read) for m in found}) == 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.history", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="people (1000 10000)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="report (docs/performance.md)")
    parser.add_argument("--no-write", action="store_true", help="print the section only")
    args = parser.parse_args(argv)
    sizes = tuple(args.sizes)
    measures = measure(sizes, lambda text: print(f"bench.history: {text}", file=sys.stderr, flush=True))
    section = render(measures, sizes)
    print(section)
    if not args.no_write:
        sections.write(args.output, section)
        print(f"bench.history: wrote {args.output}", file=sys.stderr)
    by_what: dict[str, list[Measure]] = defaultdict(list)
    for m in measures:
        by_what[m.what].append(m)
    return 1 if any(_flat(found) is False for found in by_what.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
