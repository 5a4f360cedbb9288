"""Catalogue items as HR writes them (denominations, countries, stock, fulfilment, restrictions), their
points price, and whether a person may redeem one now."""

from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from pydantic import ConfigDict, Field, field_validator, model_validator

from plaudit.domain.employees import Employee
from plaudit.domain.errors import Phrase, RuleViolation
from plaudit.domain.item_types import ItemType
from plaudit.domain.model import Model
from plaudit.domain.periods import Period, period_at
from plaudit.domain.problems import invalid
from plaudit.domain.settings import OrgSettings, PeriodKind

ITEM_ID = r"^item_[A-Za-z0-9]{1,40}$"
CATEGORY = r"^[a-z0-9][a-z0-9_-]{0,39}$"
COUNTRY = r"^[A-Z]{2}$"
CURRENCY = r"^[A-Z]{3}$"
MAX_VALUE = Decimal("1000000")
MAX_FIXED = 20

# How a sentence names one period of each kind ("twice per month").
PERIOD_NAMES = {
    PeriodKind.WEEKLY: "period.week",
    PeriodKind.MONTHLY: "period.month",
    PeriodKind.QUARTERLY: "period.quarter",
}


class FulfilmentMethod(StrEnum):
    PROVIDER = "provider"  # an external rewards provider places the order (provider_sku)
    CODE_STOCK = "code_stock"  # a pre-loaded code from the stock an admin uploaded
    INTERNAL = "internal"  # Plaudit issues the code itself (company perks)
    INSTANT = "instant"  # used on the spot at a desk with a one-minute pass: no voucher (instant_passes)


class RewardsProvider(StrEnum):
    """Who places a provider item's orders (integrations/rewards)."""

    TREMENDOUS = "tremendous"  # provider_sku: a Tremendous product id
    TANGO = "tango"  # provider_sku: a Tango Card utid
    SANDBOX = "sandbox"  # places no real order: dev, tests and demos


def _money(value: Decimal, what: str) -> Decimal:
    if not value.is_finite() or value <= 0 or value > MAX_VALUE:
        raise invalid("problem.amount_range", max=MAX_VALUE)
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise invalid("problem.decimal_places", decimal_places=2)
    return value


class Denominations(Model):
    """The values one can redeem: a fixed list (e.g. 25, 50, 100) or any value in a range."""

    model_config = ConfigDict(extra="forbid")

    fixed: list[Decimal] | None = Field(default=None, description=f"1 to {MAX_FIXED} distinct values")
    min: Decimal | None = None
    max: Decimal | None = None

    @field_validator("fixed")
    @classmethod
    def _valid_fixed(cls, value: list[Decimal] | None) -> list[Decimal] | None:
        if value is None:
            return None
        if not 1 <= len(value) <= MAX_FIXED:
            raise invalid("problem.denominations_count", max=MAX_FIXED)
        checked = [_money(amount, "a denomination") for amount in value]
        if len(set(checked)) != len(checked):
            raise invalid("problem.denominations_distinct")
        return sorted(checked)

    @field_validator("min", "max")
    @classmethod
    def _valid_bound(cls, value: Decimal | None) -> Decimal | None:
        return None if value is None else _money(value, "a range bound")

    @model_validator(mode="after")
    def _one_form(self) -> "Denominations":
        ranged = self.min is not None or self.max is not None
        if (self.fixed is not None) == ranged:
            raise invalid("problem.denominations_form")
        if ranged and (self.min is None or self.max is None):
            raise invalid("problem.range_bounds")
        if ranged and self.min > self.max:  # type: ignore[operator]
            raise invalid("problem.min_exceeds_max")
        return self

    def admits(self, value: Decimal) -> bool:
        if not value.is_finite() or value <= 0:
            return False
        if self.fixed is not None:
            return value in self.fixed
        return self.min <= value <= self.max and value.as_tuple().exponent >= -2  # type: ignore[operator]

    @property
    def lowest(self) -> Decimal:
        return self.fixed[0] if self.fixed is not None else self.min  # type: ignore[return-value]

    @property
    def highest(self) -> Decimal:
        return self.fixed[-1] if self.fixed is not None else self.max  # type: ignore[return-value]


class OfferKind(StrEnum):
    PERCENTAGE = "percentage"  # this percent off one purchase, up to the cap
    CASHBACK = "cashback"  # this percent of one purchase paid back, up to the cap


class Cap(Model):
    model_config = ConfigDict(extra="forbid")

    amount: Decimal
    currency: str = Field(pattern=CURRENCY, description="ISO 4217: the item's currency")

    @field_validator("amount")
    @classmethod
    def _valid_amount(cls, value: Decimal) -> Decimal:
        return _money(value, "cap")


class Offer(Model):
    """A voucher worth a share of a purchase rather than a fixed amount."""

    model_config = ConfigDict(extra="forbid")

    kind: OfferKind
    percent: Decimal = Field(description="1 to 100, at most 2 decimals")
    cap: Cap | None = Field(default=None, description="The most it gives on one purchase")

    @field_validator("percent")
    @classmethod
    def _valid_percent(cls, value: Decimal) -> Decimal:
        if not value.is_finite() or not 1 <= value <= 100 or value.as_tuple().exponent < -2:  # type: ignore[operator]
            raise invalid("problem.percent_range")
        return value

    def gives(self, purchase: Decimal) -> Decimal:
        """What it gives on a purchase of `purchase`: the percent of it, to the cent, at most the cap."""
        share = (purchase * self.percent / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return min(share, self.cap.amount) if self.cap else share


class Blackout(Model):
    """Days (inclusive, in the person's time zone) on which the item cannot be redeemed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    start: date
    end: date
    reason: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _ordered(self) -> "Blackout":
        if self.start > self.end:
            raise invalid("problem.blackout_order")
        return self

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


class PerPersonLimit(Model):
    model_config = ConfigDict(extra="forbid")

    count: int = Field(ge=1, le=1000, description="Redemptions of this item one person may make per period")
    period: PeriodKind


class Restrictions(Model):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    expires_after_days: int | None = Field(
        default=None, ge=1, le=3650, description="A voucher is valid this many days after it is issued"
    )
    expires_on: date | None = Field(
        default=None, description="A fixed last day: vouchers expire then, and it cannot be redeemed after"
    )
    blackouts: list[Blackout] = Field(default_factory=list, max_length=50)
    locations: list[str] = Field(default_factory=list, max_length=100, description="Where a voucher is valid")
    vendors: list[str] = Field(default_factory=list, max_length=100, description="Who may accept a voucher")
    minimum_purchase: Decimal | None = Field(
        default=None, description="Discount vouchers: the smallest purchase they apply to"
    )
    excluded_categories: list[str] = Field(default_factory=list, max_length=50)
    per_person: PerPersonLimit | None = None

    @field_validator("locations", "vendors", "excluded_categories")
    @classmethod
    def _names(cls, value: list[str]) -> list[str]:
        if any(not name or len(name) > 120 for name in value):
            raise invalid("problem.names_length", max_length=120)
        return value

    @field_validator("minimum_purchase")
    @classmethod
    def _valid_minimum(cls, value: Decimal | None) -> Decimal | None:
        return None if value is None else _money(value, "minimum_purchase")

    @model_validator(mode="after")
    def _one_validity(self) -> "Restrictions":
        if self.expires_after_days is not None and self.expires_on is not None:
            raise invalid("problem.one_validity")
        return self

    def blackout_on(self, day: date) -> Blackout | None:
        return next((blackout for blackout in self.blackouts if blackout.covers(day)), None)


class CatalogItemSpec(Model):
    """An item as created or replaced (POST / PUT)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=2000)
    brand: str | None = Field(default=None, min_length=1, max_length=120, description="Brand or vendor")
    image_url: str | None = Field(default=None, max_length=1000, pattern=r"^https://[^\s/]+\.[^\s]+$")
    category: str = Field(pattern=CATEGORY, description="e.g. food, travel, wellbeing")
    type: ItemType
    denominations: Denominations | None = Field(
        default=None, description="The values one can redeem; required unless the item has an `offer`"
    )
    offer: Offer | None = Field(
        default=None, description="A percentage or cashback voucher (instead of `denominations`)"
    )
    points: int | None = Field(
        default=None, ge=1, le=10_000_000, description="An `offer` item's points price (it sets its own)"
    )
    currency: str = Field(pattern=CURRENCY, description="ISO 4217")
    countries: list[str] = Field(
        default_factory=list, max_length=250, description="ISO 3166-1 alpha-2; empty: everywhere"
    )
    inventory: int | None = Field(default=None, ge=0, le=10_000_000, description="None: unlimited")
    fulfilment: FulfilmentMethod
    provider: RewardsProvider | None = Field(
        default=None,
        description="Provider fulfilment: who places the order (none: the sandbox, in the dev stage only)",
    )
    provider_sku: str | None = Field(
        default=None, min_length=1, max_length=120, description="The provider's product id (Tango: utid)"
    )
    requires_approval: bool = Field(default=False, description="A flagged item: always needs approval")
    min_tier: str | None = Field(
        default=None,
        min_length=1,
        max_length=40,
        description="Only people in this status tier or above may redeem it (a name in tiers.levels)",
    )
    restrictions: Restrictions = Field(default_factory=Restrictions)
    active: bool = True

    @field_validator("countries")
    @classmethod
    def _iso_countries(cls, value: list[str]) -> list[str]:
        if any(len(code) != 2 or not code.isalpha() or not code.isupper() for code in value):
            raise invalid("problem.country_codes")
        if len(set(value)) != len(value):
            raise invalid("problem.countries_distinct")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "CatalogItemSpec":
        if (self.fulfilment == FulfilmentMethod.PROVIDER) != (self.provider_sku is not None):
            raise invalid("problem.provider_sku")
        if self.provider is not None and self.fulfilment != FulfilmentMethod.PROVIDER:
            raise invalid("problem.provider_field")
        if self.offer is None:
            if self.denominations is None:
                raise invalid("problem.denominations_required")
            if self.points is not None:
                raise invalid("problem.points_need_offer")
        else:
            if self.denominations is not None or self.points is None:
                raise invalid("problem.offer_form")
            if self.fulfilment in (
                FulfilmentMethod.PROVIDER,
                FulfilmentMethod.INSTANT,
            ) or not gives_a_voucher(self.type):
                raise invalid("problem.offer_fulfilment")
            if self.offer.cap is not None and self.offer.cap.currency != self.currency:
                raise invalid("problem.cap_currency", currency=self.currency)
        if self.fulfilment == FulfilmentMethod.INSTANT and (
            not gives_a_voucher(self.type)
            or self.denominations is None
            or self.denominations.fixed is None
            or len(self.denominations.fixed) != 1
        ):
            raise invalid("problem.instant_form")
        discounting = self.type == ItemType.DISCOUNT_VOUCHER or self.offer is not None
        if self.restrictions.minimum_purchase is not None and not discounting:
            raise invalid("problem.minimum_purchase")
        return self


class CatalogItem(CatalogItemSpec):
    id: str = Field(pattern=ITEM_ID)
    created_at: datetime
    updated_at: datetime
    version: int = 1


def points_price(item: CatalogItemSpec, denomination: Decimal | None, settings: OrgSettings) -> int:
    """The points a denomination costs: its money value over the point value, rounded up (an offer item:
    the points it sets)."""
    if item.offer is not None:
        return item.points  # type: ignore[return-value]
    if denomination is None:  # an amount item asked for without its amount
        denominations = (
            item.denominations.model_dump(mode="json", exclude_none=True) if item.denominations else {}
        )
        raise RuleViolation(
            "error.denomination_not_offered",
            code="bad_denomination",
            details={"denominations": denominations},
        )
    rate = settings.point_values.get(item.currency)
    if rate is None:
        raise RuleViolation(
            "error.currency_not_priced",
            code="currency_not_priced",
            currency=item.currency,
            details={"currency": item.currency},
        )
    return int((denomination / rate).to_integral_value(rounding=ROUND_CEILING))


def local_day(employee: Employee, at: datetime) -> date:
    return at.astimezone(ZoneInfo(employee.time_zone)).date()


def gives_a_voucher(item_type: str) -> bool:
    """A donation is made in the person's name: there is nothing to hand over or redeem, so no voucher
    (and no code); every other item is a voucher."""
    return item_type != ItemType.DONATION


def on_offer(item: CatalogItemSpec, settings: OrgSettings, day: date) -> bool:
    """Whether anyone could redeem the item on `day`: its currency has a point value and its last day
    (`expires_on`) has not passed. Shoppers are shown only the items on offer."""
    expires_on = item.restrictions.expires_on
    return item.currency in settings.point_values and (expires_on is None or day <= expires_on)


def per_person_period(item: CatalogItemSpec, at: datetime, settings: OrgSettings) -> Period | None:
    """The period whose redemptions count against the item's per-person limit (None: no limit)."""
    limit = item.restrictions.per_person
    return period_at(at, limit.period, settings.time_zone) if limit else None


def check_redeemable(
    item: CatalogItemSpec,
    employee: Employee,
    denomination: Decimal | None,
    at: datetime,
    *,
    redeemed_in_period: int,
    settings: OrgSettings,
) -> None:
    """Refuse (RuleViolation with a code) whatever stops `employee` redeeming `denomination` of the item at
    `at`. `redeemed_in_period`: their redemptions of it in `per_person_period` (not refused or cancelled)."""
    rules = item.restrictions
    day = local_day(employee, at)
    if not item.active:
        raise RuleViolation("error.item_inactive", code="item_inactive")
    if rules.expires_on is not None and day > rules.expires_on:
        raise RuleViolation(
            "error.item_expired",
            code="item_expired",
            day=rules.expires_on,
            details={"expires_on": rules.expires_on.isoformat()},
        )
    if item.offer is not None and denomination is not None:
        raise RuleViolation("error.offer_has_no_denomination", code="bad_denomination")
    if item.denominations is not None and (
        denomination is None or not item.denominations.admits(denomination)
    ):
        raise RuleViolation(
            "error.denomination_not_offered",
            code="bad_denomination",
            details={"denominations": item.denominations.model_dump(mode="json", exclude_none=True)},
        )
    points_price(item, denomination, settings)
    if item.countries and employee.country not in item.countries:
        raise RuleViolation(
            "error.not_available_in_country",
            code="not_available_in_country",
            details={"countries": item.countries, "your_country": employee.country},
        )
    blackout = rules.blackout_on(day)
    if blackout is not None:
        raise RuleViolation(
            "error.item_blackout",
            code="blackout",
            start=blackout.start,
            end=blackout.end,
            details=blackout.model_dump(mode="json", exclude_none=True),
        )
    if item.inventory == 0:
        raise RuleViolation("error.out_of_stock", code="out_of_stock")
    limit = rules.per_person
    if limit is not None and redeemed_in_period >= limit.count:
        raise RuleViolation(
            "error.per_person_limit",
            code="per_person_limit",
            times=Phrase("times", count=limit.count),
            period=Phrase(PERIOD_NAMES[limit.period]),
            details={"count": limit.count, "period": limit.period.value},
        )


def is_instant(item: CatalogItemSpec) -> bool:
    return item.fulfilment == FulfilmentMethod.INSTANT


def refuse_instant(item: CatalogItemSpec) -> None:
    """An instant perk is used on the spot by its owner with a pass (instant_passes): it is neither
    redeemed for a voucher nor given by an award, a rule or a campaign (there would be nothing to hand
    over)."""
    if is_instant(item):
        raise RuleViolation("error.instant_item", code="instant_item")


def voucher_expiry(item: CatalogItemSpec, issued_on: date) -> date | None:
    """The last day a voucher issued on `issued_on` is valid; None: it does not expire."""
    return expiry_under(item.restrictions, issued_on)


def expiry_under(rules: Restrictions, issued_on: date) -> date | None:
    """voucher_expiry from the restrictions alone (as a redemption captured them)."""
    if rules.expires_after_days is not None:
        return issued_on + timedelta(days=rules.expires_after_days)
    return rules.expires_on
