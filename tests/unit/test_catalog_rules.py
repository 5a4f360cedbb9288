"""Catalogue items: what a valid item is, points prices (rounded up), every reason a redemption is refused,
blackout and expiry edges (Feb 29 too), per-person limits and voucher expiry."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from plaudit.domain.catalog import (
    CatalogItemSpec,
    Denominations,
    check_redeemable,
    per_person_period,
    points_price,
    voucher_expiry,
)
from plaudit.domain.errors import RuleViolation

from .factories import org_settings, person

SETTINGS = org_settings(point_values={"USD": Decimal("0.01"), "EUR": Decimal("0.0092")})
AT = datetime(2026, 11, 16, 12, 0, tzinfo=UTC)
ALICE = person("E1", country="US", time_zone="America/New_York")


def item(**fields: Any) -> CatalogItemSpec:
    values: dict[str, Any] = {
        "name": "Amazon.com Gift Card",
        "category": "gift-cards",
        "type": "gift_card",
        "denominations": {"fixed": ["25", "50", "100"]},
        "currency": "USD",
        "fulfilment": "provider",
        "provider_sku": "AMZ-US",
    }
    return CatalogItemSpec.model_validate(values | fields)


def refusal(spec: CatalogItemSpec, denomination: str = "25", **kwargs: Any) -> str:
    options: dict[str, Any] = {"employee": ALICE, "at": AT, "redeemed_in_period": 0, "settings": SETTINGS}
    with pytest.raises(RuleViolation) as refused:
        check_redeemable(spec, denomination=Decimal(denomination), **(options | kwargs))
    return refused.value.code


def redeemable(spec: CatalogItemSpec, denomination: str = "25", **kwargs: Any) -> None:
    options: dict[str, Any] = {"employee": ALICE, "at": AT, "redeemed_in_period": 0, "settings": SETTINGS}
    check_redeemable(spec, denomination=Decimal(denomination), **(options | kwargs))


# --- a valid item ---------------------------------------------------------------------------------------


def test_a_valid_item_keeps_its_fields_and_sorts_fixed_denominations():
    spec = item(denominations={"fixed": ["100", "25.50", "50"]}, countries=["US", "CA"], inventory=10)
    assert spec.denominations.fixed == [Decimal("25.50"), Decimal("50"), Decimal("100")]
    assert (spec.denominations.lowest, spec.denominations.highest) == (Decimal("25.50"), Decimal("100"))
    assert spec.active
    assert not spec.requires_approval
    assert spec.inventory == 10


@pytest.mark.parametrize(
    "denominations",
    [
        {"fixed": ["25"], "min": "10", "max": "20"},  # both forms
        {},  # neither
        {"min": "10"},  # half a range
        {"min": "50", "max": "10"},  # min above max
        {"fixed": []},
        {"fixed": [str(n) for n in range(1, 22)]},  # 21 values
        {"fixed": ["25", "25.00"]},  # the same value twice
        {"fixed": ["0"]},
        {"fixed": ["-5"]},
        {"min": "0", "max": "10"},
        {"fixed": ["10.005"]},  # sub-cent
        {"fixed": ["2000000"]},
        {"fixed": ["NaN"]},
    ],
)
def test_bad_denominations_are_refused(denominations):
    with pytest.raises(ValidationError):
        Denominations.model_validate(denominations)


def test_twenty_fixed_denominations_are_allowed():
    assert len(Denominations(fixed=[Decimal(n) for n in range(1, 21)]).fixed) == 20


@pytest.mark.parametrize(
    "fields",
    [
        {"currency": "usd"},
        {"currency": "DOLLARS"},
        {"countries": ["usa"]},
        {"countries": ["US", "US"]},
        {"image_url": "http://cdn.example.com/a.png"},
        {"image_url": "javascript:alert(1)"},
        {"category": "Gift Cards"},
        {"inventory": -1},
        {"fulfilment": "internal"},  # a provider_sku without provider fulfilment
        {"fulfilment": "provider", "provider_sku": None},
        {"restrictions": {"expires_after_days": 30, "expires_on": "2027-01-01"}},
        {"restrictions": {"blackouts": [{"start": "2026-12-31", "end": "2026-12-24"}]}},
        {"restrictions": {"minimum_purchase": "50"}},  # not a discount voucher
        {"restrictions": {"per_person": {"count": 0, "period": "monthly"}}},
        {"restrictions": {"per_person": {"count": 1, "period": "daily"}}},
        {"unknown": 1},
    ],
)
def test_inconsistent_items_are_refused(fields):
    with pytest.raises(ValidationError):
        item(**fields)


def test_minimum_purchase_belongs_to_discount_vouchers_and_https_images_pass():
    spec = item(
        type="discount_voucher",
        fulfilment="internal",
        provider_sku=None,
        image_url="https://cdn.example.com/store.png",
        restrictions={"minimum_purchase": "40"},
    )
    assert spec.restrictions.minimum_purchase == Decimal("40")


# --- points price ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("currency", "denomination", "points"),
    [
        ("USD", "25", 2500),
        ("USD", "0.01", 1),
        ("USD", "10.005", 1001),  # a part of a point costs a whole point
        ("EUR", "25", 2718),  # 2717.39...: rounded up
        ("EUR", "0.0092", 1),
        ("EUR", "46", 5000),  # exact: not rounded
    ],
)
def test_points_price_is_the_money_over_the_point_value_rounded_up(currency, denomination, points):
    spec = item(currency=currency)
    assert points_price(spec, Decimal(denomination), SETTINGS) == points


def test_a_currency_without_a_point_value_cannot_be_priced():
    with pytest.raises(RuleViolation) as refused:
        points_price(item(currency="JPY"), Decimal("1000"), SETTINGS)
    assert refused.value.code == "currency_not_priced"
    assert refusal(item(currency="JPY")) == "currency_not_priced"


# --- refusals -------------------------------------------------------------------------------------------


def test_a_plain_item_is_redeemable():
    redeemable(item())
    redeemable(item(denominations={"min": "10", "max": "500"}), "37.50")


def test_inactive_items_are_refused():
    assert refusal(item(active=False)) == "item_inactive"


@pytest.mark.parametrize("denomination", ["30", "0", "-25", "25.001"])
def test_denominations_outside_the_list_are_refused(denomination):
    assert refusal(item(), denomination) == "bad_denomination"


@pytest.mark.parametrize("denomination", ["9.99", "500.01", "20.001"])
def test_denominations_outside_the_range_are_refused(denomination):
    assert refusal(item(denominations={"min": "10", "max": "500"}), denomination) == "bad_denomination"


def test_range_bounds_are_inclusive():
    ranged = item(denominations={"min": "10", "max": "500"})
    redeemable(ranged, "10")
    redeemable(ranged, "500")


def test_countries_limit_who_may_redeem():
    assert refusal(item(countries=["GB", "DE"])) == "not_available_in_country"
    assert refusal(item(countries=["US"]), employee=person("E2")) == "not_available_in_country"  # unknown
    redeemable(item(countries=["GB", "US"]))
    redeemable(item(countries=[]), employee=person("E2"))  # everywhere


def test_blackout_days_are_inclusive_in_the_persons_time_zone():
    spec = item(restrictions={"blackouts": [{"start": "2026-12-24", "end": "2026-12-26", "reason": "Xmas"}]})
    # 04:59 UTC on Dec 24 is still Dec 23 in New York: redeemable; 05:00 UTC is Dec 24 there: refused
    redeemable(spec, at=datetime(2026, 12, 24, 4, 59, tzinfo=UTC))
    assert refusal(spec, at=datetime(2026, 12, 24, 5, 0, tzinfo=UTC)) == "blackout"
    assert refusal(spec, at=datetime(2026, 12, 27, 4, 59, tzinfo=UTC)) == "blackout"  # Dec 26 local
    redeemable(spec, at=datetime(2026, 12, 27, 5, 0, tzinfo=UTC))


def test_a_one_day_blackout_on_feb_29():
    spec = item(restrictions={"blackouts": [{"start": "2028-02-29", "end": "2028-02-29"}]})
    redeemable(spec, at=datetime(2028, 2, 28, 20, 0, tzinfo=UTC))
    assert refusal(spec, at=datetime(2028, 2, 29, 20, 0, tzinfo=UTC)) == "blackout"
    redeemable(spec, at=datetime(2028, 3, 1, 20, 0, tzinfo=UTC))


def test_out_of_stock_is_refused_and_unlimited_is_not():
    assert refusal(item(inventory=0)) == "out_of_stock"
    redeemable(item(inventory=1))
    redeemable(item(inventory=None))


def test_a_fixed_expiry_date_is_the_last_day_to_redeem():
    spec = item(restrictions={"expires_on": "2026-11-16"})
    redeemable(spec, at=datetime(2026, 11, 17, 4, 59, tzinfo=UTC))  # still Nov 16 in New York
    assert refusal(spec, at=datetime(2026, 11, 17, 5, 0, tzinfo=UTC)) == "item_expired"


def test_the_per_person_limit_counts_redemptions_in_the_period():
    spec = item(restrictions={"per_person": {"count": 2, "period": "monthly"}})
    redeemable(spec, redeemed_in_period=1)
    assert refusal(spec, redeemed_in_period=2) == "per_person_limit"
    period = per_person_period(spec, AT, SETTINGS)
    assert period is not None
    assert period.id == "2026-11"
    quarterly = item(restrictions={"per_person": {"count": 1, "period": "quarterly"}})
    assert per_person_period(quarterly, AT, SETTINGS).id == "2026-Q4"
    assert per_person_period(item(), AT, SETTINGS) is None


def test_the_first_refusal_is_the_most_fundamental():
    everything_wrong = item(active=False, inventory=0, countries=["GB"])
    assert refusal(everything_wrong, "30") == "item_inactive"
    assert refusal(item(inventory=0, countries=["GB"]), "30") == "bad_denomination"


# --- voucher expiry -------------------------------------------------------------------------------------


def test_voucher_expiry_after_issue_or_on_a_fixed_date_or_never():
    after = item(restrictions={"expires_after_days": 365})
    assert voucher_expiry(after, date(2027, 2, 28)) == date(2028, 2, 28)
    assert voucher_expiry(item(restrictions={"expires_after_days": 1}), date(2028, 2, 28)) == date(
        2028, 2, 29
    )
    fixed = item(restrictions={"expires_on": "2027-06-30"})
    assert voucher_expiry(fixed, date(2026, 11, 16)) == date(2027, 6, 30)
    assert voucher_expiry(item(), date(2026, 11, 16)) is None


# --- percentage and cashback offers ---------------------------------------------------------------------


def offer_item(**offer: Any) -> CatalogItemSpec:
    return item(
        type="discount_voucher",
        denominations=None,
        fulfilment="internal",
        provider_sku=None,
        points=400,
        offer={"kind": "percentage", "percent": "20"} | offer,
        currency="EUR",
    )


def problem_of(error: ValidationError) -> str:
    return error.errors()[0]["type"]


def test_an_offer_item_sets_its_own_points_price_and_takes_no_denomination():
    spec = offer_item(cap={"amount": "50", "currency": "EUR"})
    assert points_price(spec, None, SETTINGS) == 400
    check_redeemable(spec, ALICE, None, AT, redeemed_in_period=0, settings=SETTINGS)
    with pytest.raises(RuleViolation) as refused:
        check_redeemable(spec, ALICE, Decimal("20"), AT, redeemed_in_period=0, settings=SETTINGS)
    assert refused.value.code == "bad_denomination"
    with pytest.raises(RuleViolation) as refused:  # an amount item still needs its denomination
        check_redeemable(item(), ALICE, None, AT, redeemed_in_period=0, settings=SETTINGS)
    assert refused.value.code == "bad_denomination"


@pytest.mark.parametrize(
    ("purchase", "percent", "cap", "gives"),
    [
        ("80", "20", None, "16.00"),
        ("80", "20", "10", "10"),  # capped
        ("33.33", "12.5", None, "4.17"),  # to the cent, half up
        ("10", "100", None, "10.00"),
    ],
)
def test_an_offer_gives_its_percent_of_a_purchase_up_to_its_cap(purchase, percent, cap, gives):
    spec = offer_item(percent=percent, cap={"amount": cap, "currency": "EUR"} if cap else None)
    assert spec.offer.gives(Decimal(purchase)) == Decimal(gives)


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"offer": {"kind": "percentage", "percent": "0"}}, "percent_range"),
        ({"offer": {"kind": "percentage", "percent": "100.01"}}, "percent_range"),
        ({"offer": {"kind": "cashback", "percent": "5.555"}}, "percent_range"),
        (
            {"offer": {"kind": "cashback", "percent": "5", "cap": {"amount": "5", "currency": "USD"}}},
            "cap_currency",
        ),
        ({"offer": {"kind": "fixed", "percent": "5"}}, "enum"),
        ({"denominations": {"fixed": ["10"]}}, "offer_form"),
        ({"points": None}, "offer_form"),
        ({"fulfilment": "provider", "provider_sku": "X"}, "offer_fulfilment"),
        ({"type": "donation"}, "offer_fulfilment"),
    ],
)
def test_bad_offers_are_refused_naming_the_problem(fields, problem):
    values = {
        "type": "discount_voucher",
        "denominations": None,
        "fulfilment": "internal",
        "provider_sku": None,
    }
    values |= {"points": 400, "offer": {"kind": "percentage", "percent": "20"}, "currency": "EUR"}
    with pytest.raises(ValidationError) as refused:
        item(**(values | fields))
    assert problem in problem_of(refused.value)


def test_an_amount_item_needs_denominations_and_no_points():
    with pytest.raises(ValidationError) as refused:
        item(denominations=None)
    assert "denominations_required" in problem_of(refused.value)
    with pytest.raises(ValidationError) as refused:
        item(points=100)
    assert "points_need_offer" in problem_of(refused.value)


def test_a_cashback_offer_may_carry_a_minimum_purchase_and_exclusions():
    spec = offer_item(kind="cashback", percent="5").model_copy()
    rules = {"minimum_purchase": "30", "excluded_categories": ["alcohol"]}
    with_rules = CatalogItemSpec.model_validate(
        spec.model_dump() | {"type": "gift_card", "restrictions": rules}
    )
    assert with_rules.restrictions.minimum_purchase == Decimal("30")
