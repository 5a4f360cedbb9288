"""The money-side reports' rules: redemption rate, spend breakdowns, approval times, a budget's run-out
month, the liability's cash value, and which rewards count as taxable (with their rounding)."""

from datetime import UTC, date, datetime
from decimal import Decimal

from plaudit.domain.insights import (
    RedemptionFacts,
    Stamp,
    liability_contribution,
    redemption_contribution,
    spend_row_parts,
    spend_sort,
    voucher_contribution,
)
from plaudit.domain.money_reports import (
    approval_times,
    budget_burn,
    by_currency,
    cash_value,
    money,
    months_before,
    points_earned,
    points_redeemed,
    redemption_rate,
    run_out,
    spend_by,
    taxable_hundredths,
)


def test_the_redemption_rate_is_redeemed_over_earned_and_none_without_earnings() -> None:
    assert redemption_rate(250, 1000) == Decimal("0.2500")
    assert redemption_rate(1, 3) == Decimal("0.3333")
    assert redemption_rate(2, 3) == Decimal("0.6667")
    assert redemption_rate(0, 0) is None
    assert redemption_rate(500, 0) is None


def test_spend_is_broken_down_by_key_and_currency_even_when_keys_hold_underscores() -> None:
    figures = {
        "spent_type_gift_card_USD_hundredths": 2500,
        "spent_type_gift_card_EUR_hundredths": 1000,
        "spent_type_company_perk_USD_hundredths": 600,
        "spent_method_code_stock_USD_hundredths": 3100,
        "spent_item_item_ab12_USD_hundredths": 0,
        "redeemed_USD_hundredths": 3100,
        "redemptions_settled": 3,
    }
    assert spend_by(figures, "type") == {
        "gift_card": {"USD": 2500, "EUR": 1000},
        "company_perk": {"USD": 600},
    }
    assert spend_by(figures, "method") == {"code_stock": {"USD": 3100}}
    assert spend_by(figures, "item") == {}  # nothing spent: no row
    assert by_currency(figures, "redeemed_") == {"USD": 3100}
    assert money(3100) == Decimal("31.00")
    assert money(5) == Decimal("0.05")


def test_approval_times_read_the_median_and_p90_from_their_buckets() -> None:
    # 10 approvals: 5 within an hour, 3 within 4 hours, 1 within a day, 1 after three weeks
    figures = {
        "approvals": 10,
        "approval_seconds": 5 * 1800 + 3 * 7200 + 20 * 3600 + 21 * 24 * 3600,
        "approval_le_1h": 5,
        "approval_le_4h": 3,
        "approval_le_24h": 1,
        "approval_over": 1,
    }
    times = approval_times(figures)
    assert times.approvals == 10
    assert times.median_hours_at_most == 1  # the 5th wait is within the first hour
    assert times.p90_hours_at_most == 24  # the 9th within a day
    assert times.mean_hours == Decimal("53.25")
    assert (
        approval_times({"approvals": 1, "approval_over": 1, "approval_seconds": 10**7}).median_hours_at_most
        is None
    )
    assert approval_times({}).approvals == 0
    assert approval_times({}).mean_hours is None


def test_an_approval_counts_its_wait_in_the_requests_periods() -> None:
    asked = datetime(2026, 11, 30, 22, 0, tzinfo=UTC)
    facts = RedemptionFacts(
        "E1", Stamp(department="Eng"), 100, "USD", 1000, "gift_card", "provider", asked,
        item_id="item_x", approved_at=datetime(2026, 12, 1, 1, 0, tzinfo=UTC),
    )  # fmt: skip
    part = redemption_contribution(facts, "UTC", "approved")
    assert part.counters[("dept:Eng", "2026-11")] == {
        "approvals": 1,
        "approval_seconds": 3 * 3600,
        "approval_le_4h": 1,
    }
    assert ("org", "2026-12") not in part.counters


def test_a_delivered_redemption_is_spend_by_item_type_and_method_and_a_row_in_its_month_of_delivery() -> None:
    facts = RedemptionFacts(
        "E1", Stamp(department="Eng", manager_id="E9", country="IT"), 2500, "EUR", 2500, "gift_card",
        "provider", datetime(2026, 11, 30, 12, tzinfo=UTC), item_id="item_x",
        settled_at=datetime(2026, 12, 1, 9, tzinfo=UTC),
    )  # fmt: skip
    part = redemption_contribution(facts, "Europe/Rome", "settled")
    month = part.counters[("org", "2026-11")]
    assert month["spent_item_item_x_EUR_hundredths"] == 2500
    assert month["spent_type_gift_card_EUR_hundredths"] == 2500
    assert month["spent_method_provider_EUR_hundredths"] == 2500
    assert part.rows == {("spend", "2026-12", "E1#IT#E9#Eng"): {"gift_card_EUR_hundredths": 2500}}


def test_a_direct_award_is_its_budgets_spend_until_returned() -> None:
    facts = RedemptionFacts(
        "E1", None, 700, "USD", 700, "experience", "internal", datetime(2026, 11, 3, tzinfo=UTC),
        item_id="item_x", budget_id="spot",
    )  # fmt: skip
    assert redemption_contribution(facts, "UTC", "requested").counters[("budgets", "2026-11")] == {
        "spend_spot": 700
    }
    assert redemption_contribution(facts, "UTC", "returned").counters[("budgets", "2026-11")] == {
        "spend_spot": -700
    }
    person = RedemptionFacts(**{**facts.__dict__, "budget_id": None})
    assert ("budgets", "2026-11") not in redemption_contribution(person, "UTC", "requested").counters


def test_a_spend_rows_sort_keeps_a_department_with_hashes() -> None:
    sort = spend_sort("E1", Stamp(department="R#D", manager_id=None, country="FR"))
    assert sort == "E1#FR##R#D"
    assert spend_row_parts(sort) == ("E1", Stamp(department="R#D", country="FR"))
    assert spend_row_parts(spend_sort("E2", None)) == ("E2", Stamp())


def test_a_voucher_counts_among_those_expiring_on_its_day_while_live() -> None:
    at, day = datetime(2026, 11, 2, tzinfo=UTC), date(2026, 12, 20)
    issued = voucher_contribution("E1", None, at, "UTC", "issued", day)
    assert issued.rows == {
        ("expiring", "org", "2026-12-20"): {"live": 1},
        ("expiring", "person:E1", "2026-12-20"): {"live": 1},
    }
    assert voucher_contribution("E1", None, at, "UTC", "delivered", day).rows == {}
    assert voucher_contribution("E1", None, at, "UTC", "redeemed", day).rows[
        ("expiring", "org", "2026-12-20")
    ] == {"live": -1}
    assert voucher_contribution("E1", None, at, "UTC", "issued").rows == {}  # no last day: never expiring


def test_the_liability_counts_a_transactions_change_in_its_periods_and_all_time() -> None:
    part = liability_contribution(-600, 600, datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "Europe/Rome")
    assert part.counters[("liability", "2027-01")] == {"points_outstanding": -600, "points_held": 600}
    assert part.counters[("liability", "all")] == {"points_outstanding": -600, "points_held": 600}
    assert liability_contribution(0, -50, datetime(2026, 1, 1, tzinfo=UTC), "UTC").counters[
        ("liability", "all")
    ] == {"points_held": -50}


def test_the_run_out_month_uses_the_last_three_full_months() -> None:
    today = date(2026, 12, 4)
    assert months_before(today, 3) == ["2026-11", "2026-10", "2026-09"]
    spend = {"2026-09": 3000, "2026-10": 3000, "2026-11": 3100, "2026-12": 999_999}  # this month: not counted
    result = run_out(9100, spend, date(2025, 1, 1), today)
    assert result.basis == "last_3_full_months"
    assert result.daily_spend == Decimal("100.00")  # 9,100 points over 91 days
    assert result.runs_out_in == "2027-03"  # 91 days after 4 December: 5 March
    assert run_out(9100, {}, date(2025, 1, 1), today).runs_out_in is None  # no spend: never
    assert run_out(0, spend, date(2025, 1, 1), today).runs_out_in == "2026-12"  # empty already
    assert run_out(50, spend, date(2025, 1, 1), today).runs_out_in == "2026-12"


def test_a_budget_younger_than_three_months_runs_at_its_rate_since_it_started() -> None:
    today = date(2026, 12, 10)
    result = run_out(1000, {"2026-11": 400, "2026-12": 200}, date(2026, 11, 21), today)
    assert result.basis == "since_start"
    assert result.daily_spend == Decimal("30.00")  # 600 points over the 20 days since 21 November
    assert result.runs_out_in == "2027-01"  # 1,000 more points: 33 days, 12 January


def test_the_liability_is_worth_its_points_in_every_currency_to_the_cent() -> None:
    values = {"USD": Decimal("0.01"), "EUR": Decimal("0.0093")}
    assert cash_value(12345, values) == {"EUR": Decimal("114.81"), "USD": Decimal("123.45")}
    assert cash_value(1, {"EUR": Decimal("0.005")}) == {"EUR": Decimal("0.01")}  # half a cent rounds up


def test_only_the_taxable_item_types_count_per_currency() -> None:
    row = {
        "gift_card_USD_hundredths": 5000,
        "gift_card_EUR_hundredths": 1234,
        "company_perk_USD_hundredths": 900,
        "discount_voucher_USD_hundredths": 300,
    }
    assert taxable_hundredths(row, ["gift_card"]) == {"USD": 5000, "EUR": 1234}
    assert taxable_hundredths(row, ["gift_card", "discount_voucher"]) == {"USD": 5300, "EUR": 1234}
    assert taxable_hundredths(row, []) == {}


def test_points_earned_and_redeemed_leave_budget_paid_items_out() -> None:
    figures = {
        "points_received": 900,
        "award_points_paid": 100,
        "redemption_points_requested": 800,
        "redemption_points_returned": 100,
        "redemption_points_from_budgets": 200,
    }
    assert points_earned(figures) == 1000
    assert points_redeemed(figures) == 500
    assert redemption_rate(points_redeemed(figures), points_earned(figures)) == Decimal("0.5000")
    assert budget_burn({"spend_spot": 700, "spend_milestones": -100, "approvals": 3}) == 600
