"""The money-side reports' rules: redemption rate, spend breakdowns, approval times, a budget's run-out
month, the liability's cash value and what of a person's rewards counts as taxable. Pure, no AWS: the
figures come from insights counters and rows (plaudit.domain.insights)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from plaudit.domain.insights import APPROVAL_BUCKETS, Deltas, Span, period_id

CENT = Decimal("0.01")
RATE_MONTHS = 3  # a budget's spend rate: over the last 3 full months (or since it started, if later)


def money(hundredths: int) -> Decimal:
    """Hundredths of a currency as an amount with 2 decimals."""
    return (Decimal(hundredths) / 100).quantize(CENT)


def redemption_rate(redeemed: int, earned: int) -> Decimal | None:
    """Points redeemed ÷ points earned, to 4 decimals; None when nothing was earned (no rate to speak of)."""
    if earned <= 0:
        return None
    return (Decimal(redeemed) / Decimal(earned)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def points_earned(figures: Mapping[str, int]) -> int:
    """Points a scope's people earned: from peers (kudos, add-ons, reactions) and milestone awards paid."""
    return int(figures.get("points_received", 0)) + int(figures.get("award_points_paid", 0))


def points_redeemed(figures: Mapping[str, int]) -> int:
    """Points a scope's people spent on redemptions, held or delivered, net of those returned (direct
    awards of items, paid from budgets, left out: nobody earned those points)."""
    return (
        int(figures.get("redemption_points_requested", 0))
        - int(figures.get("redemption_points_returned", 0))
        - int(figures.get("redemption_points_from_budgets", 0))
    )


def budget_burn(figures: Mapping[str, int]) -> int:
    """Points every budget spent, from a `budgets` counter's figures (`spend_<budget id>`)."""
    return sum(int(value) for name, value in figures.items() if name.startswith("spend_"))


def spend_by(figures: Mapping[str, int], dimension: str) -> dict[str, dict[str, int]]:
    """Money spent by one dimension (item, type or method) of a counter's figures:
    {key: {currency: hundredths}}, from `spent_<dimension>_<key>_<CUR>_hundredths`."""
    prefix, suffix = f"spent_{dimension}_", "_hundredths"
    out: dict[str, dict[str, int]] = {}
    for name, value in figures.items():
        if name.startswith(prefix) and name.endswith(suffix) and value:
            key, _, currency = name[len(prefix) : -len(suffix)].rpartition("_")
            out.setdefault(key, {})[currency] = out.get(key, {}).get(currency, 0) + value
    return out


def by_currency(figures: Mapping[str, int], prefix: str) -> dict[str, int]:
    """{currency: hundredths} of `<prefix><CUR>_hundredths` figures (e.g. redeemed_USD_hundredths)."""
    suffix = "_hundredths"
    return {
        name[len(prefix) : -len(suffix)]: value
        for name, value in figures.items()
        if name.startswith(prefix) and name.endswith(suffix) and value
    }


@dataclass(frozen=True)
class ApprovalTimes:
    approvals: int
    mean_hours: Decimal | None
    median_hours_at_most: int | None  # the bucket the median falls in; None: none, or over the last bucket
    p90_hours_at_most: int | None


def approval_times(figures: Mapping[str, int]) -> ApprovalTimes:
    """From request to a person's approval: the count, the mean, and the median and 90th percentile read
    from the buckets (APPROVAL_BUCKETS hours: "at most N hours"; None when it falls beyond the last)."""
    count = int(figures.get("approvals", 0))
    if count <= 0:
        return ApprovalTimes(0, None, None, None)
    mean = (Decimal(int(figures.get("approval_seconds", 0))) / count / 3600).quantize(CENT, ROUND_HALF_UP)
    buckets = [(hours, int(figures.get(f"approval_le_{hours}h", 0))) for hours in APPROVAL_BUCKETS]
    return ApprovalTimes(count, mean, _quantile(buckets, count, 0.5), _quantile(buckets, count, 0.9))


def _quantile(buckets: list[tuple[int, int]], count: int, q: float) -> int | None:
    """The upper bound of the bucket holding the q-th of `count` waits, in order (nearest rank)."""
    rank = max(1, -(-int(q * count * 1000) // 1000))  # ceil(q * count) without float surprises
    seen = 0
    for hours, n in buckets:
        seen += n
        if seen >= rank:
            return hours
    return None


# -- budgets ------------------------------------------------------------------------------------------


def month_id(day: date) -> str:
    return period_id(Span.MONTH, day)


def months_before(today: date, count: int) -> list[str]:
    """The ids of the `count` full months before today's, most recent first."""
    out, day = [], today.replace(day=1)
    for _ in range(count):
        day = (day - timedelta(days=1)).replace(day=1)
        out.append(month_id(day))
    return out


@dataclass(frozen=True)
class RunOut:
    basis: str  # last_3_full_months | since_start
    daily_spend: Decimal  # points per day, at the rate the basis gives
    runs_out_in: str | None  # the month (YYYY-MM) the remaining points last until; None: never at this rate


def run_out(remaining: int, spend_by_month: Mapping[str, int], started: date, today: date) -> RunOut:
    """When a budget runs out at its current rate. The rate is its spend over the last 3 full months
    (organisation's zone), or, for a budget started after those months began, its spend since it started
    (this month's so far included) over the days since. No spend: it never runs out (None). Already empty
    with spend: this month."""
    window = months_before(today, RATE_MONTHS)
    window_start = date.fromisoformat(f"{window[-1]}-01")
    if started > window_start:
        basis = "since_start"
        months = {month_id(started), month_id(today), *(m for m in window if m >= month_id(started))}
        spent = sum(spend_by_month.get(month, 0) for month in months)
        days = (today - started).days + 1
    else:
        basis = "last_3_full_months"
        spent = sum(spend_by_month.get(month, 0) for month in window)
        days = (today.replace(day=1) - window_start).days
    daily = (Decimal(max(spent, 0)) / days).quantize(CENT, ROUND_HALF_UP) if days > 0 else Decimal(0)
    if spent <= 0:
        return RunOut(basis, Decimal(0), None)
    if remaining <= 0:
        return RunOut(basis, daily, month_id(today))
    days_left = int(Decimal(remaining) * days / spent)  # whole days the remaining points still cover
    return RunOut(basis, daily, month_id(today + timedelta(days=days_left)))


# -- liability ----------------------------------------------------------------------------------------


def cash_value(points: int, point_values: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """What `points` are worth in each currency the organisation prices points in, to the cent."""
    return {
        currency: (Decimal(points) * value).quantize(CENT, ROUND_HALF_UP)
        for currency, value in sorted(point_values.items())
    }


# -- taxable rewards ----------------------------------------------------------------------------------


def taxable_hundredths(figures: Mapping[str, int], taxable_types: Iterable[str]) -> dict[str, int]:
    """{currency: hundredths} of a spend row's figures (`<item type>_<CUR>_hundredths`) whose item type is
    one that counts as taxable."""
    counted = set(taxable_types)
    out: dict[str, int] = {}
    for name, value in figures.items():
        stem = name.removesuffix("_hundredths")
        if stem == name or not value:
            continue
        item_type, _, currency = stem.rpartition("_")
        if item_type in counted:
            out[currency] = out.get(currency, 0) + value
    return out


def merge_amounts(into: dict[str, int], more: Deltas) -> None:
    for currency, value in more.items():
        into[currency] = into.get(currency, 0) + value
