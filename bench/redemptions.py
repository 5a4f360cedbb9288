"""`python -m bench.redemptions`: DynamoDB round trips of a redemption's steps (goal: at most 3 each).

The demo organisation is seeded into moto in process (tables, queues and the voucher KMS key from
template.yaml); then each step runs through its service, as its handler calls it, with a client that
counts the DynamoDB requests: a request approved at once, a request that waits for the manager, the
approval, a direct award from a budget, and the fulfilment of an approved redemption (move it on, deliver,
issue the voucher, settle). SQS and KMS requests are not counted. The counts are deterministic; the
section is written into docs/performance.md between markers.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
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
START_MARK, END_MARK = "<!-- bench.redemptions: start -->", "<!-- bench.redemptions: end -->"
GOAL = 3
AT = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
MANAGER, PERSON, BUDGET = "E1002", "E1003", "bench-awards"  # Maya manages Alice and holds the budget


@dataclass(frozen=True)
class Step:
    what: str
    calls: list[str]

    @property
    def round_trips(self) -> int:
        return len(self.calls)


class CountingClient:
    """The DynamoDB client, recording the operation of every request."""

    def __init__(self, client: Any):
        self.client, self.calls = client, []

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.client, name)
        if not callable(method) or name.startswith("_") or name == "meta":
            return method

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            return method(*args, **kwargs)

        return counted

    def take(self) -> list[str]:
        calls, self.calls = self.calls, []
        return calls


def measure() -> list[Step]:
    template = load_template()
    env = {
        **DUMMY_CREDENTIALS,
        "AWS_DEFAULT_REGION": REGION,
        "TABLE_NAME": template.tables["DomainTable"].name,
        "POWERTOOLS_TRACE_DISABLED": "true",
        **template.resource_environment(),
    }
    with environ(env, ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE")), mock_aws():
        return _measure_in(template)


def _measure_in(template: Any) -> list[Step]:
    # imported with the mock in place, as the functions import them
    from plaudit.integrations.voucher_crypto import DEV_HASH_KEY
    from plaudit_dev import moto_patches
    from plaudit_dev.local_secrets import create_voucher_key
    from plaudit_dev.queues import create_queues

    moto_patches.apply()
    client = boto3.client("dynamodb", region_name=REGION)
    for spec in template.tables.values():
        client.create_table(**spec.create_kwargs)
    create_queues(boto3.client("sqs", region_name=REGION), template.queues.values())
    kms = boto3.client("kms", region_name=REGION)
    voucher_env = {"VOUCHER_KEY_ID": create_voucher_key(kms, None), "VOUCHER_HASH_KEY": DEV_HASH_KEY}
    with environ(voucher_env, ("VOUCHER_HASH_SECRET_ARN",)):
        return _steps(client, kms)


def _steps(client: Any, kms: Any) -> list[Step]:
    from plaudit.domain.access import SYSTEM, Caller
    from plaudit.domain.catalog import CatalogItemSpec, Denominations, FulfilmentMethod, ItemType
    from plaudit.domain.ledger import TxnKind
    from plaudit.integrations import aws
    from plaudit.services import awards, budgets, catalog, fulfilment, redemptions
    from plaudit.services.runtime import runtime
    from plaudit.store.client import use_client
    from plaudit_dev.seed import seed_demo

    aws.use_client("kms", kms)
    saved_clock = runtime.clock
    runtime.clock = lambda: AT
    use_client(client)
    try:
        seed_demo()
        budgets.create_budget(
            SYSTEM, budgets.CreateBudget(id=BUDGET, name="Bench", kind="company", holders=[MANAGER])
        )
        budgets.move_points(SYSTEM, BUDGET, TxnKind.BUDGET_TOP_UP, budgets.MovePoints(points=1_000_000))
        perk = {
            "category": "perks",
            "type": ItemType.COMPANY_PERK,
            "denominations": Denominations(fixed=[Decimal(10)]),
            "currency": "USD",
            "fulfilment": FulfilmentMethod.INTERNAL,
        }
        plain = catalog.create_item(SYSTEM, CatalogItemSpec(name="Lunch voucher", **perk)).id
        flagged = catalog.create_item(
            SYSTEM, CatalogItemSpec(name="Team outing", requires_approval=True, **perk)
        ).id
        counting = CountingClient(client)
        use_client(counting)
        person, manager = Caller(employee_id=PERSON), Caller(employee_id=MANAGER)
        steps = []

        gift = awards.AwardRequest(
            employee_id=PERSON, item_id=plain, denomination=Decimal(10), budget_id=BUDGET, message="Thanks"
        )
        awards.give(manager, gift, idempotency_key="bench-award")
        steps.append(Step("direct award from a budget (POST /v1/awards)", counting.take()))
        _grant(PERSON, 10_000)
        counting.take()

        body = redemptions.RedeemRequest(item_id=plain, denomination=Decimal(10))
        direct, _ = redemptions.request(person, body, idempotency_key="bench-direct")
        steps.append(Step("request, approved at once (POST /v1/redemptions)", counting.take()))
        body = redemptions.RedeemRequest(item_id=flagged, denomination=Decimal(10))
        waiting, _ = redemptions.request(person, body, idempotency_key="bench-flagged")
        steps.append(Step("request that waits for the manager", counting.take()))
        redemptions.approve(manager, waiting.id)
        steps.append(Step("approval (POST /v1/redemptions/{id}/approve)", counting.take()))
        fulfilment.fulfil(direct.id)
        steps.append(
            Step("fulfilment: begin, deliver (internal), issue the voucher, settle", counting.take())
        )
        fulfilment.fulfil(direct.id)
        steps.append(Step("fulfilment of a duplicate message (already fulfilled)", counting.take()))
        return steps
    finally:
        use_client(None)
        aws.use_client("kms", None)
        runtime.clock = saved_clock


def _grant(employee_id: str, points: int) -> None:
    """Points for the person, from the bench budget through the ledger (as a milestone award gives them)."""
    from plaudit.domain.ids import derived_id
    from plaudit.domain.ledger import Balance, Posting, Transaction, TxnKind, budget_account, employee_account
    from plaudit.domain.recognition import WalletChange
    from plaudit.store.budgets import balance_write
    from plaudit.store.ledger import transaction_writes, wallet_write
    from plaudit.store.transact import write_all

    txn = Transaction(
        derived_id("txn", "bench-grant", employee_id),
        TxnKind.MILESTONE_AWARD,
        AT,
        (
            Posting(budget_account(BUDGET), -points),
            Posting(employee_account(employee_id, Balance.POINTS), points),
        ),
    )
    write_all(
        [
            balance_write(BUDGET, -points, AT),
            wallet_write(WalletChange(employee_id, points_delta=points), AT),
            *transaction_writes(txn),
        ]
    )


def render(steps: list[Step]) -> str:
    lines = "\n".join(
        f"| {step.what} | {step.round_trips} | {_calls(step.calls)} | "
        f"{'yes' if step.round_trips <= GOAL else '**no**'} |"
        for step in steps
    )
    return f"""{START_MARK}
## Redemptions: DynamoDB round trips per step

Measured by `.venv/bin/python -m bench.redemptions` on {describe().date}: each step through its service
with moto in process and a client counting DynamoDB requests (SQS and KMS requests are not counted). The
goal is at most {GOAL} round trips a step; a request reads its person, wallet, settings, item and any replay
in one BatchGetItem and writes everything (the redemption, the hold, the wallet or budget, the stock) in one
TransactWriteItems; a request that waits for approval reads the manager in a second BatchGetItem.
Fulfilment reads the redemption once and moves it to fulfilling, then issues the voucher and settles the
held points in one transaction: the item's restrictions (the voucher's expiry and limits) and the
person's country (the provider's) were captured on the redemption when it was requested, so nothing is
read again. The internal method is measured; a provider adds its own API calls (locally the sandbox
provider keeps its orders in the table), code stock one claim.

| step | round trips | requests | within {GOAL} |
|---|---|---|---|
{lines}
{END_MARK}"""


def _calls(calls: list[str]) -> str:
    counted = Counter(calls)
    return ", ".join(f"{name} x{n}" if n > 1 else name for name, n in counted.items()) or "none"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.redemptions", description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="report (docs/performance.md)")
    parser.add_argument("--no-write", action="store_true", help="print the section only")
    args = parser.parse_args(argv)
    steps = measure()
    section = render(steps)
    print(section)
    if not args.no_write:
        sections.write(args.output, section)
        print(f"bench.redemptions: wrote {args.output}", file=sys.stderr)
    over = [step for step in steps if step.round_trips > GOAL]
    for step in over:
        print(f"bench.redemptions: {step.what}: {step.round_trips} round trips", file=sys.stderr)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
