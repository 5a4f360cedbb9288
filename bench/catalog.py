"""`python -m bench.catalog`: browsing a page of a 1,000-item catalogue, with and without filters.

1,000 items (7 types, 10 categories, 4 currencies, some limited to a few countries, fixed lists and ranges
of denominations) are loaded into moto in process with BatchWriteItem, item for item what
`store.catalog.item_write` writes. Then `services.catalog.browse` (what GET /v1/catalog/items calls)
reads one page of 50 and of 100 items: unfiltered, by category, by type, by country, affordable with a
person's points, and all of these together. Reported: the items the page returned, the DynamoDB items
read (the Query's ScannedCount: a filter drops items after they are read, and DynamoDB bills what is
read), the requests, and the median wall time of 20 runs. The section is written into
docs/performance.md between markers.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from moto import mock_aws

from bench import sections
from bench.machine import describe
from bench.moto_host import REPO_ROOT
from bench.tables import create_tables
from plaudit.domain.access import Caller
from plaudit.domain.catalog import CatalogItem, ItemType
from plaudit.domain.employees import Employee, Role
from plaudit.domain.recognition import WalletChange
from plaudit.services.runtime import runtime
from plaudit.services.settings import replace_settings
from plaudit.store import catalog as store
from plaudit.store import employees as employee_store
from plaudit.store.client import table_name, use_client
from plaudit.store.ledger import wallet_write
from plaudit.store.transact import write_all
from plaudit_dev.local_aws import DUMMY_CREDENTIALS, REGION, environ
from plaudit_dev.seed import DEMO_SETTINGS
from plaudit_dev.template import load_template

DEFAULT_OUTPUT = REPO_ROOT / "docs" / "performance.md"
START_MARK, END_MARK = "<!-- bench.catalog: start -->", "<!-- bench.catalog: end -->"
AT = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
CATEGORIES = (
    "books",
    "experiences",
    "food",
    "giving",
    "gift-cards",
    "merchandise",
    "shopping",
    "tech",
    "travel",
    "wellbeing",
)
CURRENCIES = ("USD", "EUR", "GBP", "USD")  # USD twice: half the items
COUNTRIES = ("US", "GB", "DE", "FR", "IN", "JP", "BR", "CA")
RUNS = 20
BATCH = 25
PERSON = "E2001"
POINTS = 2_500  # $25 in the demo's point values
ADMIN = Caller(employee_id=None, token_roles=frozenset({Role.ADMIN}), subject="plaudit-bench")


def _progress(message: str) -> None:
    print(f"bench.catalog: {message}", file=sys.stderr, flush=True)


def catalogue(count: int, seed: int = 5) -> list[CatalogItem]:
    rng = random.Random(seed)
    types = list(ItemType)
    items = []
    for n in range(count):
        kind = types[n % len(types)]
        if rng.random() < 0.5:
            values = sorted(rng.sample([5, 10, 20, 25, 50, 75, 100, 150, 200, 500], rng.randint(1, 5)))
            denominations: dict[str, Any] = {"fixed": [str(v) for v in values]}
        else:
            low = rng.choice([5, 10, 25, 50, 100])
            denominations = {"min": str(low), "max": str(low * rng.choice([4, 10, 20]))}
        fulfilment = (
            "provider" if kind in (ItemType.GIFT_CARD, ItemType.DONATION, ItemType.TRAVEL) else "internal"
        )
        items.append(
            CatalogItem.model_validate(
                {
                    "id": f"item_B{n:05d}",
                    "name": f"{kind.value.replace('_', ' ').title()} {n:04d}",
                    "category": CATEGORIES[n % len(CATEGORIES)],
                    "type": kind,
                    "denominations": denominations,
                    "currency": rng.choice(CURRENCIES),
                    "countries": rng.sample(COUNTRIES, rng.randint(1, 3)) if rng.random() < 0.4 else [],
                    "inventory": rng.randint(0, 100) if kind == ItemType.MERCHANDISE else None,
                    "fulfilment": fulfilment,
                    "provider_sku": f"SKU-{n}" if fulfilment == "provider" else None,
                    "created_at": AT,
                    "updated_at": AT,
                }
            )
        )
    return items


def load(client: Any, items: list[CatalogItem]) -> None:
    puts = [
        {"PutRequest": {"Item": store.item_write(item, previous_version=None).operation["Put"]["Item"]}}
        for item in items
    ]
    for n in range(0, len(puts), BATCH):
        pending: dict[str, Any] = {table_name(): puts[n : n + BATCH]}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}


@dataclass
class QueryCounter:
    """What the Query requests a browse sends read: ScannedCount (items read) and Count (kept)."""

    requests: int = 0
    read: int = 0
    other_requests: int = 0

    def __call__(self, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name == "Query":
            self.requests += 1
            self.read += parsed.get("ScannedCount", 0)
        else:
            self.other_requests += 1


@dataclass(frozen=True)
class Row:
    what: str
    limit: int
    returned: int
    read: int
    queries: int
    other_requests: int
    median_ms: float
    own_ms: float  # the median run's time outside the DynamoDB client (Plaudit's own work)


CASES: list[tuple[str, dict[str, Any]]] = [
    ("no filter", {}),
    ("category=food", {"category": "food"}),
    ("type=donation", {"type": ItemType.DONATION}),
    ("country=DE", {"country": "DE"}),
    (f"affordable=true ({POINTS:,} points)", {"affordable": True}),
    (
        "category + type + country + affordable",
        {"category": "gift-cards", "type": ItemType.GIFT_CARD, "country": "US", "affordable": True},
    ),
]


def measure(count: int) -> tuple[list[Row], int]:
    from plaudit.services import catalog  # the service under test, imported with the mock in place

    template = load_template()
    table = template.tables["DomainTable"].name
    env = {**DUMMY_CREDENTIALS, "AWS_DEFAULT_REGION": REGION, "TABLE_NAME": table}
    saved_clock = runtime.clock
    rows = []
    with environ(env, ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE")), mock_aws():
        client = boto3.client("dynamodb", region_name=REGION, config=Config(parameter_validation=False))
        create_tables(client, template)
        use_client(client)
        try:
            runtime.clock = lambda: AT
            replace_settings(ADMIN, DEMO_SETTINGS)
            person = Employee(id=PERSON, email="reader@bench.example", name="Reader", country="US")
            employee_store.save_employee(person, None, 0)
            write_all([wallet_write(WalletChange(PERSON, points_delta=POINTS), AT)])  # a balance, no history
            items = catalogue(count)
            load(client, items)
            _progress(f"loaded {len(items):,} items")
            caller = Caller(employee_id=PERSON)
            in_client = [0.0]
            calling = client._make_api_call

            def timed(*args: Any, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    return calling(*args, **kwargs)
                finally:
                    in_client[0] += time.perf_counter() - started

            client._make_api_call = timed
            for limit in (50, 100):
                for what, filters in CASES:
                    counter = QueryCounter()
                    client.meta.events.register("after-call.dynamodb", counter)
                    runs = []
                    for _ in range(RUNS):
                        in_client[0] = 0.0
                        started = time.perf_counter()
                        page, _ = catalog.browse(caller, limit=limit, **filters)
                        runs.append(((time.perf_counter() - started) * 1000, in_client[0] * 1000, len(page)))
                    client.meta.events.unregister("after-call.dynamodb", counter)
                    total, client_ms, returned = sorted(runs)[RUNS // 2]
                    rows.append(
                        Row(
                            what,
                            limit,
                            returned,
                            counter.read // RUNS,
                            counter.requests // RUNS,
                            counter.other_requests // RUNS,
                            total,
                            total - client_ms,
                        )
                    )
        finally:
            runtime.clock = saved_clock
            use_client(None)
    return rows, count


def render(rows: list[Row], count: int) -> str:
    lines = "\n".join(
        f"| {r.limit} | {r.what} | {r.returned} | **{r.read}** | {r.queries} Query + {r.other_requests} "
        f"BatchGetItem | {r.median_ms:.1f} ms | {r.own_ms:.1f} ms |"
        for r in rows
    )
    return f"""{START_MARK}
## Catalogue: browsing a page of a {count:,}-item catalogue

Measured by `.venv/bin/python -m bench.catalog` on {describe().date}. {count:,} items (every type, 10
categories, 3 currencies, 40% limited to a few countries) are loaded into moto in process; then
`services.catalog.browse` (GET /v1/catalog/items) reads one page as a person with {POINTS:,} points.
"items read" is the Query's ScannedCount: the filters (type, country, affordable) run inside the Query
on the items its page reads, so a page never reads more than `limit` items, whatever the filters (it
may return fewer, with a cursor for the next). The category is the index's sort-key prefix: it reads only
that category. Affordability is compared in money (`min_value <= points x point value` per currency), so
it needs no stored points price and stays right when the point values change. Time: median of {RUNS}
runs with moto in process, so mostly moto's own (de)serialisation; "outside DynamoDB" is the part spent
in Plaudit (validating the items, pricing them), what a Lambda adds to DynamoDB's latency.

| limit | filters | items returned | items read | requests | time | outside DynamoDB |
|---|---|---|---|---|---|---|
{lines}

Reading the whole catalogue to filter it would read {count:,} items for every page.
{END_MARK}"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.catalog", description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000, help="items in the catalogue (1,000)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="report (docs/performance.md)")
    parser.add_argument("--no-write", action="store_true", help="print the section only")
    args = parser.parse_args(argv)
    rows, count = measure(args.items)
    section = render(rows, count)
    print(section)
    if not args.no_write:
        sections.write(args.output, section)
        _progress(f"wrote {args.output}")
    too_many = [row for row in rows if row.read > row.limit]
    for row in too_many:
        print(f"bench.catalog: a page of {row.limit} read {row.read} items ({row.what})", file=sys.stderr)
    return 1 if too_many else 0


if __name__ == "__main__":
    sys.exit(main())
