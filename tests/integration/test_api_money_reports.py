"""The money side's reports through GET /v1/reports/{name} (the real handler, the projection's counters):
rewards, budgets, liability, vouchers and taxable rewards, in JSON and CSV, who sees what, bad input, the
round trips each costs, and the taxable rewards exported through the export job."""

from __future__ import annotations

import csv
import io
import os
from decimal import Decimal
from typing import Any

import boto3
import pytest
from api_checks import assert_error

from plaudit.domain.access import SYSTEM, Caller
from plaudit.domain.catalog import CatalogItemSpec, Denominations, FulfilmentMethod, ItemType, Restrictions
from plaudit.domain.ids import derived_id
from plaudit.domain.ledger import Balance, Posting, Transaction, TxnKind, budget_account, employee_account
from plaudit.domain.recognition import WalletChange
from plaudit.services import budgets, catalog, redemptions
from plaudit.services.insights import audit_aggregates
from plaudit.services.runtime import now
from plaudit.store import keys
from plaudit.store.budgets import balance_write
from plaudit.store.client import dynamodb, table_name, use_client
from plaudit.store.ledger import transaction_writes, wallet_write
from plaudit.store.transact import write_all

HR, MAYA, ALICE, BOB, GRACE = "E1001", "E1002", "E1003", "E1004", "E1009"  # Maya manages Alice and Bob
REPORTS = "/v1/reports"


def report(api, name: str, query: str = "", *, as_employee: str = HR) -> dict[str, Any]:
    reply = api.call("GET", f"{REPORTS}/{name}?{query}", as_employee=as_employee)
    assert reply.status == 200, reply.body
    return reply.json


def report_csv(api, name: str, query: str = "", *, as_employee: str = HR) -> list[dict[str, str]]:
    reply = api.call(
        "GET", f"{REPORTS}/{name}?{query}", as_employee=as_employee, headers={"accept": "text/csv"}
    )
    assert reply.status == 200, reply.body
    assert reply.headers["content-type"] == "text/csv"
    return list(csv.DictReader(io.StringIO(reply.body.decode())))


def grant(employee_id: str, points: int) -> None:
    """Points through the ledger, from the budget (as an award pays them; no award record)."""
    at = now()
    txn = Transaction(
        derived_id("txn", "test-grant", employee_id, str(points)),
        TxnKind.MILESTONE_AWARD,
        at,
        (
            Posting(budget_account("spot"), -points),
            Posting(employee_account(employee_id, Balance.POINTS), points),
        ),
    )
    write_all(
        [
            balance_write("spot", -points, at),
            wallet_write(WalletChange(employee_id, points_delta=points), at),
            *transaction_writes(txn),
        ]
    )


def item(name: str, kind: ItemType, amount: int, **more: Any) -> str:
    spec = CatalogItemSpec(
        name=name,
        category="food",
        type=kind,
        denominations=Denominations(fixed=[Decimal(amount)]),
        currency="USD",
        fulfilment=FulfilmentMethod.INTERNAL,
        restrictions=Restrictions(expires_after_days=20),
        **more,
    )
    return catalog.create_item(SYSTEM, spec).id


def wallet_points() -> int:
    total = 0
    for page in dynamodb().get_paginator("scan").paginate(TableName=table_name()):
        for found in page["Items"]:
            if found.get("type", {}).get("S") == "wallet":
                total += int(found.get("points", {}).get("N", "0"))
    return total


@pytest.fixture
def shop(api, org, clock) -> dict[str, str]:
    """November: Alice redeems a $60 gift card (Maya approves it 2 hours later), Bob a $10 perk, HR gives
    Alice a $10 perk from the spot budget; the fulfilment queue delivers all three (vouchers expiring in 20
    days). Alice's next request, a $25 gift card, still waits for approval (its points held)."""
    budgets.create_budget(SYSTEM, budgets.CreateBudget(id="spot", name="Spot awards", kind="company"))
    budgets.move_points(SYSTEM, "spot", TxnKind.BUDGET_TOP_UP, budgets.MovePoints(points=100_000))
    grant(ALICE, 10_000)
    grant(BOB, 2_000)
    give = {"recipient_ids": [ALICE], "points": 50, "message": "Thanks"}
    assert api.call("POST", "/v1/recognitions", as_employee=MAYA, body=give).status == 201
    gift = item("Gift card", ItemType.GIFT_CARD, 60, requires_approval=True)
    small_gift = item("Small gift card", ItemType.GIFT_CARD, 25, requires_approval=True)
    perk = item("Lunch perk", ItemType.COMPANY_PERK, 10)
    asked = redemptions.request(
        Caller(employee_id=ALICE), redemptions.RedeemRequest(item_id=gift, denomination=Decimal(60))
    )[0].id
    clock.advance(hours=2)
    redemptions.approve(Caller(employee_id=MAYA), asked)
    redemptions.request(
        Caller(employee_id=BOB), redemptions.RedeemRequest(item_id=perk, denomination=Decimal(10))
    )
    body = {"employee_id": ALICE, "item_id": perk, "denomination": "10", "budget_id": "spot"}
    assert api.call("POST", "/v1/awards", as_employee=HR, body=body).status == 201
    api.drain_queues()  # the fulfilment worker delivers the three, then the stream counts them
    redemptions.request(
        Caller(employee_id=ALICE), redemptions.RedeemRequest(item_id=small_gift, denomination=Decimal(25))
    )
    api.drain_streams()
    assert audit_aggregates() == []
    return {"gift": gift, "perk": perk, "small_gift": small_gift}


def test_rewards_rate_spend_and_approval_times(api, shop) -> None:
    answer = report(api, "rewards")
    assert (answer["scope"], answer["period"], answer["previous_period"]) == ("org", "2026-11", "2026-10")
    totals = answer["totals"]["current"]
    assert totals["points_earned"] == 50  # Maya's kudos (the grants are no award records)
    assert totals["points_redeemed"] == 6000 + 1000 + 2500  # the direct award came from a budget
    assert totals["redemption_rate"] == "190.0000"
    assert (totals["redemptions_requested"], totals["redemptions_delivered"]) == (4, 3)
    assert (totals["approvals"], totals["approval_mean_hours"]) == (1, "2.00")
    assert (totals["approval_median_hours_at_most"], totals["approval_p90_hours_at_most"]) == (4, 4)
    assert answer["totals"]["previous"]["redemptions_requested"] == 0
    assert [(row["group"], row["current"]["spend"]) for row in answer["rows"]] == [("currency:USD", "80.00")]
    by_type = report(api, "rewards", "group_by=item_type")["rows"]
    assert [(row["label"], row["current"]["spend"]) for row in by_type] == [
        ("gift_card", "60.00"),
        ("company_perk", "20.00"),
    ]
    by_item = report(api, "rewards", "group_by=item")["rows"]
    assert [(row["label"], row["current"]["currency"]) for row in by_item] == [
        ("Gift card", "USD"),
        ("Lunch perk", "USD"),
    ]
    assert report(api, "rewards", "group_by=method")["rows"][0]["group"] == "method:internal"
    rows = report_csv(api, "rewards")
    assert (rows[0]["row"], rows[0]["redemption_rate"], rows[0]["previous_redemptions_requested"]) == (
        "total",
        "190.0000",
        "0",
    )
    assert (rows[1]["group"], rows[1]["spend"]) == ("currency:USD", "80.00")


def test_rewards_for_a_manager_their_team_and_for_anyone_their_own(api, shop) -> None:
    team = report(api, "rewards", as_employee=MAYA)
    assert team["scope"] == "team:E1002"
    assert team["totals"]["current"]["redemptions_requested"] == 4
    own = report(api, "rewards", as_employee=BOB)
    assert own["scope"] == "person:E1004"
    assert own["totals"]["current"]["points_redeemed"] == 1000
    refused = api.call("GET", f"{REPORTS}/rewards?department=People", as_employee=BOB)
    assert_error(refused, 403, "department_not_visible")


def test_budgets_burn_remaining_and_run_out_month_for_finance_and_hr_only(api, shop, clock) -> None:
    answer = report(api, "budgets", as_employee=GRACE)
    (spot,) = answer["rows"]
    assert (spot["group"], spot["label"]) == ("budget:spot", "Spot awards")
    assert spot["current"]["spent"] == 1000  # the direct award (grants are ledger moves, no award)
    assert spot["current"]["remaining"] == 100_000 - 12_000 - 1000
    assert spot["current"]["rate_basis"] == "since_start"  # started this month
    assert spot["current"]["daily_spend"] == "1000.00"
    assert spot["current"]["runs_out_in"] == "2027-02"  # 87,000 points at 1,000 a day: 87 days
    assert spot["previous"]["spent"] == 0
    assert answer["totals"]["current"]["remaining"] == 87_000
    assert report(api, "budgets", "department=People")["rows"] == []  # only that department's budgets
    rows = report_csv(api, "budgets")
    assert (rows[1]["group"], rows[1]["runs_out_in"]) == ("budget:spot", "2027-02")
    for who in (MAYA, ALICE):
        assert_error(api.call("GET", f"{REPORTS}/budgets", as_employee=who), 403, "forbidden")
    assert_error(api.call("GET", f"{REPORTS}/budgets?country=KR"), 422, "invalid_request")


def test_liability_outstanding_and_held_with_their_cash_value(api, shop) -> None:
    patch = {"point_values": {"USD": "0.01", "EUR": "0.0093"}}
    reply = api.call(
        "PATCH", "/v1/settings", body=patch, headers={"content-type": "application/merge-patch+json"}
    )
    assert reply.status == 200, reply.body
    answer = report(api, "liability", as_employee=GRACE)
    totals = answer["totals"]["current"]
    assert totals["points_outstanding"] == wallet_points() == 10_000 + 2_000 + 50 - 6000 - 2500 - 1000
    assert totals["points_held"] == 2500  # Alice's request waiting for approval
    assert answer["totals"]["previous"] == {**answer["totals"]["previous"], "points_outstanding": 0}
    rows = {row["current"]["currency"]: row["current"] for row in answer["rows"]}
    assert (rows["USD"]["value_outstanding"], rows["USD"]["value_held"]) == ("25.50", "25.00")
    assert rows["EUR"]["value_outstanding"] == "23.72"  # 2,550 x 0.0093 = 23.715, to the cent
    october = report(api, "liability", "period=month&at=2026-10")
    assert october["totals"]["current"]["points_outstanding"] == 0  # before any of it
    assert report(api, "liability", "period=all")["totals"]["previous"] is None
    assert_error(api.call("GET", f"{REPORTS}/liability", as_employee=MAYA), 403, "forbidden")
    assert_error(api.call("GET", f"{REPORTS}/liability?department=People"), 422, "invalid_request")
    too_far = api.call("GET", f"{REPORTS}/liability?period=week&at=2024-W01")
    assert_error(too_far, 422, "invalid_period")


def test_vouchers_issued_used_and_expiring(api, shop, clock) -> None:
    answer = report(api, "vouchers")
    totals = answer["totals"]["current"]
    assert (totals["issued"], totals["delivered"], totals["expired"]) == (3, 3, 0)
    assert totals["expiring"] == 3  # each valid 20 days: within the next 30
    assert [row["current"]["expiring"] for row in answer["rows"]] == [3]
    assert answer["totals"]["previous"]["expiring"] is None
    mine = api.call("GET", "/v1/vouchers/mine", as_employee=BOB).json["items"]
    used = api.call("POST", f"/v1/vouchers/{mine[0]['id']}/used", as_employee=BOB, body={})
    assert used.status == 200, used.body
    assert report(api, "vouchers")["totals"]["current"]["redeemed"] == 1
    assert report(api, "vouchers")["totals"]["current"]["expiring"] == 2
    own = report(api, "vouchers", as_employee=BOB)
    assert (own["scope"], own["totals"]["current"]["issued"], own["rows"]) == ("person:E1004", 1, [])


def test_taxable_rewards_by_person_month_and_currency_as_payroll_csv(api, shop) -> None:
    answer = report(api, "taxable-rewards")
    assert answer["complete"] is True
    assert [(row["current"]["employee_id"], row["current"]["amount"]) for row in answer["rows"]] == [
        (ALICE, "60.00")  # the gift card; perks are not taxable by default
    ]
    patch = {"taxable_item_types": ["gift_card", "company_perk"]}
    reply = api.call(
        "PATCH", "/v1/settings", body=patch, headers={"content-type": "application/merge-patch+json"}
    )
    assert reply.status == 200, reply.body
    rows = report_csv(api, "taxable-rewards", as_employee=GRACE)
    line = {"period": "2026-11", "currency": "USD"}
    assert rows == [
        {"employee_id": ALICE, "name": "Alice Martin", "country": "US", **line, "amount": "70.00"},
        {"employee_id": BOB, "name": "Bob Okafor", "country": "NG", **line, "amount": "10.00"},
    ]
    own = report(api, "taxable-rewards", as_employee=BOB)
    assert [row["current"]["amount"] for row in own["rows"]] == ["10.00"]
    team = report(api, "taxable-rewards", as_employee=MAYA)
    assert team["totals"]["current"]["people"] == 2
    assert report(api, "taxable-rewards", "period=month&at=2026-10")["rows"] == []
    assert_error(api.call("GET", f"{REPORTS}/taxable-rewards?period=year"), 422, "invalid_period")


def test_the_taxable_rewards_export_runs_through_the_export_job(api, shop) -> None:
    body = {"kind": "report", "report": "taxable-rewards", "from": "2026-10-01", "to": "2026-11-30"}
    reply = api.call("POST", "/v1/exports", as_employee=GRACE, body=body)
    assert reply.status == 202, reply.body
    job = api.call("GET", f"/v1/exports/{reply.json['id']}", as_employee=GRACE).json
    assert (job["status"], job["report"], job["rows"]) == ("done", "taxable-rewards", 1)
    s3 = boto3.client("s3", region_name="us-east-1")
    obj = s3.get_object(Bucket=os.environ["EXPORT_BUCKET_NAME"], Key=keys.export_object(job["id"]))
    assert obj["Body"].read().decode().splitlines() == [
        "employee_id,name,country,period,currency,amount",
        "E1003,Alice Martin,US,2026-11,USD,60.00",
    ]
    for bad in ({"kind": "report", "from": "2026-11-01", "to": "2026-11-30"}, {**body, "kind": "ledger"}):
        assert_error(api.call("POST", "/v1/exports", as_employee=GRACE, body=bad), 422, "invalid_request")
    assert_error(api.call("POST", "/v1/exports", as_employee=BOB, body=body), 403, "forbidden")


class CountingClient:
    """The DynamoDB client, counting round trips and the items they read."""

    def __init__(self, client: Any):
        self.client, self.calls, self.items = client, [], 0

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.client, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            answer = method(*args, **kwargs)
            self.items += len(answer.get("Items", ())) + int("Item" in answer)
            self.items += sum(len(found) for found in answer.get("Responses", {}).values())
            return answer

        return counted


@pytest.mark.parametrize(
    ("name", "query", "extra"),
    [
        ("rewards", "group_by=item", 3),  # the caller and settings, two counters, (rows) item names
        (
            "budgets",
            "",
            7,
        ),  # the caller and settings, the budgets counters of up to 5 periods, (rows) budgets
        ("liability", "period=month&at=2026-10", 5),  # caller, settings, running totals, 2 months' changes
        ("vouchers", "", 4),  # the caller and settings, two counters, (rows) expiry days
        ("taxable-rewards", "", 3),  # the caller and settings, (rows) spend rows, (rows) names
    ],
)
def test_round_trips_and_items_follow_the_rows_shown_not_the_history(
    api, shop, aws, name: str, query: str, extra: int
) -> None:
    counting = CountingClient(aws)
    use_client(counting)
    try:
        answer = report(api, name, query)
    finally:
        use_client(aws)
    rows = len(answer["rows"])
    assert len(counting.calls) <= 3, counting.calls
    assert counting.items <= (2 * rows if name == "taxable-rewards" else rows) + extra, counting.items
