"""`python -m bench.insights`: what the insights projection writes.

The demo organisation is seeded into moto in process (the tables from template.yaml); kudos are given
through the recognition service with an injected clock, and their records are handed to the projection as
the stream delivers them (INSERT images, in batches). A client counts every DynamoDB request, the items
each writes (a transaction's items, a batch write's requests) and the items each returns. Measured:

- the projection of one kudos (one recipient, one company value) and of a stream batch of 100 kudos.

What boards and reports read, at two sizes of history, is bench.history's.

The counts are deterministic; the section is written into docs/performance.md between markers.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
from moto import mock_aws

from bench import sections
from bench.machine import describe
from bench.moto_host import REPO_ROOT
from plaudit_dev.local_aws import DUMMY_CREDENTIALS, REGION, environ
from plaudit_dev.template import load_template

DEFAULT_OUTPUT = REPO_ROOT / "docs" / "performance.md"
START_MARK, END_MARK = "<!-- bench.insights: start -->", "<!-- bench.insights: end -->"
NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
PEOPLE = ["E1003", "E1004", "E1005", "E1006", "E1007", "E1008", "E1009", "E1010", "E1011", "E1012"]


@dataclass(frozen=True)
class Measure:
    what: str
    calls: list[str]
    written: int
    read: int

    @property
    def round_trips(self) -> int:
        return len(self.calls)


class CountingClient:
    """The DynamoDB client, recording each request's operation, the items it writes and returns."""

    def __init__(self, client: Any):
        self.client, self.calls, self.written, self.read = client, [], 0, 0

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.client, name)
        if not callable(method) or name.startswith("_") or name in ("meta", "get_paginator"):
            return method

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            self.written += _items_written(name, kwargs)
            response = method(*args, **kwargs)
            self.read += _items_read(name, response)
            return response

        return counted

    def take(self, what: str) -> Measure:
        measure = Measure(what, self.calls, self.written, self.read)
        self.calls, self.written, self.read = [], 0, 0
        return measure


def _items_written(name: str, kwargs: dict[str, Any]) -> int:
    if name == "transact_write_items":
        return len(kwargs["TransactItems"])
    if name == "batch_write_item":
        return sum(len(requests) for requests in kwargs["RequestItems"].values())
    return 1 if name in ("put_item", "update_item", "delete_item") else 0


def _items_read(name: str, response: dict[str, Any]) -> int:
    if name == "batch_get_item":
        return sum(len(items) for items in response.get("Responses", {}).values())
    if name in ("query", "scan"):
        return len(response.get("Items", []))
    return 1 if name == "get_item" and "Item" in response else 0


def measure() -> list[Measure]:
    template = load_template()
    env = {
        **DUMMY_CREDENTIALS,
        "AWS_DEFAULT_REGION": REGION,
        "TABLE_NAME": template.tables["DomainTable"].name,
        "POWERTOOLS_TRACE_DISABLED": "true",
    }
    with environ(env, ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE")), mock_aws():
        from plaudit_dev import moto_patches

        moto_patches.apply()
        client = boto3.client("dynamodb", region_name=REGION)
        client.create_table(**template.tables["DomainTable"].create_kwargs)
        return _measures(client)


def _measures(client: Any) -> list[Measure]:
    from plaudit.services.runtime import runtime
    from plaudit.store.client import use_client
    from plaudit_dev.seed import seed_badges, seed_demo

    saved_clock = runtime.clock
    use_client(client)
    counting = CountingClient(client)
    try:
        runtime.clock = lambda: NOW
        seed_demo()
        out = []
        records = _give(client, 1, start=NOW)
        use_client(counting)
        _project(records)
        out.append(counting.take("project one kudos (1 recipient, 1 value): a batch of 1"))
        use_client(client)
        records = _give(client, 100, start=NOW)
        use_client(counting)
        _project(records)
        out.append(counting.take("project a stream batch of 100 kudos (10 givers, 10 recipients)"))
        use_client(client)
        seed_badges()  # one badge of every kind (first kudos, a value's count per quarter, streak, ...)
        records = _give(client, 100, start=NOW + timedelta(days=11))  # all in the next ISO week
        use_client(counting)
        _project(records)
        out.append(counting.take("the same, the next week, with the 6 demo badges defined (20 earned)"))
        _project(records)
        out.append(counting.take("that batch delivered again (badges defined): nothing counted or earned"))
        use_client(client)
        _season(start=NOW + timedelta(days=20))
        records = _give(client, 100, start=NOW + timedelta(days=25))  # the same week's kind of batch, in it
        use_client(counting)
        _project(records)
        out.append(counting.take("a batch of 100 kudos, weeks later, while a season runs (badges defined)"))
        return out
    finally:
        use_client(None)
        runtime.clock = saved_clock


def _season(*, start: datetime) -> None:
    """A season of 30 days from `start`, defined by HR that day."""
    from plaudit.domain.access import Caller
    from plaudit.domain.seasons import SeasonSpec
    from plaudit.services import seasons
    from plaudit.services.runtime import runtime

    runtime.clock = lambda: start - timedelta(hours=12)
    spec = SeasonSpec(
        name="Bench season", starts_on=start.date(), ends_on=(start + timedelta(days=29)).date()
    )
    seasons.create_season(Caller(employee_id="E1001"), spec)
    runtime.clock = lambda: NOW


def _give(client: Any, count: int, *, start: datetime) -> list[tuple[str, None, dict[str, Any]]]:
    """`count` kudos of 1 point between the ten people, an hour apart ending at `start`; their items as the
    stream's INSERT records carry them."""
    from plaudit.domain.access import Caller
    from plaudit.services import recognition
    from plaudit.services.runtime import runtime
    from plaudit.store import keys
    from plaudit.store.client import table_name

    records = []
    for n in range(count):
        giver = PEOPLE[n % 10]
        recipient = PEOPLE[(n + 1 + (n // 10) % 9) % 10]
        runtime.clock = lambda n=n: start - timedelta(hours=count - n)
        command = recognition.GiveKudos(
            recipient_ids=[recipient], points=1, message="Thanks for the help!", values=["teamwork"]
        )
        kudos, _ = recognition.give_kudos(Caller(employee_id=giver), command)
        key = keys.as_attrs(keys.recognition(kudos.id))
        item = client.get_item(TableName=table_name(), Key=key)["Item"]
        records.append(("INSERT", None, item))
    runtime.clock = lambda: NOW
    return records


def _project(records: list[tuple[str, None, dict[str, Any]]]) -> None:
    from plaudit.services.projections import project_aggregates

    project_aggregates(records)


def render(measures: list[Measure]) -> str:
    lines = "\n".join(
        f"| {m.what} | {m.round_trips} | {m.written:,} | {m.read:,} | {_calls(m.calls)} |" for m in measures
    )
    return f"""{START_MARK}
## Insights: projection writes

Measured by `.venv/bin/python -m bench.insights` on {describe().date}: kudos given through the
recognition service (moto in process, the demo organisation), their records handed to the projection as
the stream delivers them, every DynamoDB request counted with the items it writes and returns.

The projection counts a batch through a journal: one write of the journal, one marker per source (a
BatchWriteItem), one conditional put per membership new to a period (unique givers and receivers: a
person's first act in a scope and period), then one update per counter and per leaderboard row for the
whole batch, in transactions of 99 with the journal's mark of the chunk. A kudos counts in 5 periods (ISO
week, month, quarter, year, all time; a sixth, its season, while one runs) and in each side's scopes
(organisation, person, department, country, manager's team, each company value), and on each side's
boards (organisation, department, value, and a person's own per value, which badges count), so one kudos
alone is about a hundred writes; a batch of 100 writes each busy counter (the organisation's month, say)
once, not 100 times. The seasons (one item) are read with the sources' markers, in the batch's first
BatchGetItem: no round trip of their own, but a batch of 100 sources asks for 101 keys there, so two
BatchGetItems instead of one. After counting,
badges and streaks: the badge definitions (one Query), the givers' streaks with the counters the badges
need (one BatchGetItem), which of the badges reached are held already (one BatchGetItem, only when some
are reached), then writes only for what is new (the streaks that moved a week on, one BatchWriteItem per
25; one conditional put per badge earned). Writes are items written (a transaction's items count
once each; DynamoDB bills a transactional write twice).

After the counters, the projection recomputes the tiers of the people whose received points the batch
changed: one BatchGetItem of the settings and, per person, their window's monthly counters and tier
record (7 people per round trip), and a write only for a tier that changes (none here: the bench
organisation has no tiers). What boards and reports read, at two sizes of history: bench.history.

| what | round trips | items written | items read | requests |
|---|---|---|---|---|
{lines}
{END_MARK}"""


def _calls(calls: list[str]) -> str:
    counted = Counter(calls)
    return ", ".join(f"{name} x{n}" if n > 1 else name for name, n in counted.items()) or "none"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.insights", description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="report (docs/performance.md)")
    parser.add_argument("--no-write", action="store_true", help="print the section only")
    args = parser.parse_args(argv)
    measures = measure()
    section = render(measures)
    print(section)
    if not args.no_write:
        sections.write(args.output, section)
        print(f"bench.insights: wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
