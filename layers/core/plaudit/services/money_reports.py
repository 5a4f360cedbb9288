"""The money side's reports: rewards, budgets, liability, vouchers and taxable rewards. Each reads insights
counters and rows (plaudit.domain.insights), never the records: their cost follows the rows shown, not the
history. Their rules are plaudit.domain.money_reports."""

from collections.abc import Iterable, Iterator, Mapping
from datetime import timedelta
from decimal import Decimal

from pydantic import Field

from plaudit.domain.employees import Role
from plaudit.domain.errors import RuleViolation
from plaudit.domain.exports import TAXABLE_COLUMNS
from plaudit.domain.insights import (
    ALL_TIME,
    BUDGETS_SCOPE,
    LIABILITY_SCOPE,
    Counter,
    Span,
    local_day,
    period_id,
    period_start,
    spend_name,
)
from plaudit.domain.model import Model
from plaudit.domain.money_reports import (
    RATE_MONTHS,
    approval_times,
    by_currency,
    cash_value,
    merge_amounts,
    money,
    month_id,
    months_before,
    points_earned,
    points_redeemed,
    redemption_rate,
    run_out,
    spend_by,
    taxable_hundredths,
)
from plaudit.domain.reports import Report, ReportQuery, ReportRow, ReportSpec, answer, scope_label
from plaudit.domain.settings import OrgSettings
from plaudit.store import insights as counters
from plaudit.store import report_rows, snapshots
from plaudit.store.budgets import balance_of, budget_from, budgets_page
from plaudit.store.catalog import item_names

FINANCE_AND_HR = (Role.HR_ADMIN, Role.FINANCE)


def _not_by(filter_name: str, report: str) -> RuleViolation:
    return RuleViolation(
        "error.report_filter_unsupported",
        code="invalid_request",
        report=report,
        filter=filter_name,
        details={"report": report, "filter": filter_name},
    )


def _names(ids: Iterable[str]) -> dict[str, str]:
    """People's names (one BatchGetItem per 100; someone not in the directory: their id)."""
    wanted = list(dict.fromkeys(ids))
    names: dict[str, str] = {}
    for start in range(0, len(wanted), 100):
        snap = snapshots.load(employees=wanted[start : start + 100])
        for person in wanted[start : start + 100]:
            found = snap.employee(person)
            names[person] = found.name if found is not None and found.name else person
    return names


# -- rewards ------------------------------------------------------------------------------------------


class RewardsFigures(Model):
    points_earned: int | None = Field(
        description="Points received from peers and milestone awards paid (totals only)"
    )
    points_redeemed: int | None = Field(
        description="Points people spent on redemptions, held or delivered, net of those returned (direct "
        "awards of items, paid from budgets, left out) (totals only)"
    )
    redemption_rate: Decimal | None = Field(
        description="points_redeemed / points_earned, 4 decimals; null when nothing was earned (totals only)"
    )
    redemptions_requested: int | None
    redemptions_delivered: int | None
    redemptions_returned: int | None = Field(description="Rejected, cancelled or failed: points given back")
    approvals: int | None = Field(description="Redemptions a person approved (those that waited for one)")
    approval_mean_hours: Decimal | None = Field(description="Mean wait from request to approval, in hours")
    approval_median_hours_at_most: int | None = Field(
        description="The median wait is at most this many hours (buckets of 1, 4, 8, 24, 48, 72, 120, 168 "
        "and 336 hours; null: no approvals, or longer than 336 hours)"
    )
    approval_p90_hours_at_most: int | None = Field(description="The 90th percentile wait, read the same way")
    currency: str | None = Field(description="Rows: the currency of `spend`")
    spend: Decimal | None = Field(description="Rows: money spent on delivered redemptions, in `currency`")


RewardsRow = ReportRow[RewardsFigures]


class RewardsReport(Report[RewardsFigures]):
    """Redemptions in the scope (each in the period it was requested): the redemption rate, approval times,
    and rows of delivered spend by currency, item type, item or fulfilment method (`group_by`)."""


_DIMENSIONS = {"item_type": "type", "item": "item", "method": "method"}


def _rewards_totals(figures: Mapping[str, int]) -> RewardsFigures:
    earned, redeemed = points_earned(figures), points_redeemed(figures)
    times = approval_times(figures)
    return RewardsFigures(
        points_earned=earned,
        points_redeemed=redeemed,
        redemption_rate=redemption_rate(redeemed, earned),
        redemptions_requested=int(figures.get("redemptions_requested", 0)),
        redemptions_delivered=int(figures.get("redemptions_settled", 0)),
        redemptions_returned=int(figures.get("redemptions_returned", 0)),
        approvals=times.approvals,
        approval_mean_hours=times.mean_hours,
        approval_median_hours_at_most=times.median_hours_at_most,
        approval_p90_hours_at_most=times.p90_hours_at_most,
        currency=None,
        spend=None,
    )


def _spend_figures(currency: str, hundredths: int | None) -> RewardsFigures:
    empty = dict.fromkeys(RewardsFigures.model_fields)
    return RewardsFigures(**empty | {"currency": currency, "spend": money(hundredths or 0)})


def _spend(figures: Mapping[str, int], grouping: str) -> dict[tuple[str, str], int]:
    """(key, currency) -> hundredths spent, for the grouping."""
    if grouping == "currency":
        return {(currency, currency): value for currency, value in by_currency(figures, "redeemed_").items()}
    return {
        (key, currency): value
        for key, currencies in spend_by(figures, _DIMENSIONS[grouping]).items()
        for currency, value in currencies.items()
    }


def rewards(query: ReportQuery) -> RewardsReport:
    """Three round trips at most: the caller and settings; the scope's counters in the period and the one
    before; the names of the items shown (group_by=item)."""
    found = counters.read_counters((query.scope, period) for period in query.periods)
    current = found[(query.scope, query.period)]
    previous = found[(query.scope, query.previous)] if query.previous else None
    grouping = query.group_by or "currency"
    now_spend, before_spend = _spend(current, grouping), _spend(previous or {}, grouping)
    names = item_names([key for key, _ in now_spend]) if grouping == "item" else {}
    rows = [
        RewardsRow(
            group=f"{grouping}:{key}",
            label=names.get(key, key) if grouping == "item" else key,
            current=_spend_figures(currency, value),
            previous=_spend_figures(currency, before_spend.get((key, currency)))
            if previous is not None
            else None,
        )
        for (key, currency), value in sorted(now_spend.items(), key=lambda entry: (-entry[1], entry[0]))
    ]
    totals = RewardsRow(
        group=query.scope,
        label=scope_label(query.scope, query.settings, _names(_people(query.scope))),
        current=_rewards_totals(current),
        previous=_rewards_totals(previous) if previous is not None else None,
    )
    return answer(RewardsReport, "rewards", query, totals, rows)


def _people(scope: str) -> list[str]:
    kind, _, rest = scope.partition(":")
    return [rest] if kind in ("team", "person") else []


# -- budgets ------------------------------------------------------------------------------------------


class BudgetFigures(Model):
    spent: int = Field(
        description="Points the budget paid in the period (awards, direct awards, net of returns)"
    )
    remaining: int | None = Field(description="Points left in the budget now (null beside: a balance is now)")
    daily_spend: Decimal | None = Field(description="Points per day at the rate `rate_basis` says")
    rate_basis: str | None = Field(
        description="last_3_full_months (its spend over the 3 full months before this one) or since_start "
        "(a budget younger than that: its spend since it started)"
    )
    runs_out_in: str | None = Field(
        description="The month (YYYY-MM) its remaining points last until at that rate; null: no spend, "
        "never runs out"
    )


BudgetRow = ReportRow[BudgetFigures]


class BudgetsReport(Report[BudgetFigures]):
    """Each budget's burn in the period against what remains, and the month it runs out at its current
    rate (finance and HR; `department=` shows that department's budgets)."""


def budgets(query: ReportQuery) -> BudgetsReport:
    """Three round trips: the caller and settings; the budgets (one query, up to 100); the `budgets`
    counters of the period, the one before and the months the rate is read over (one BatchGetItem)."""
    kind, _, department = query.scope.partition(":")
    if kind not in ("org", "dept"):
        raise _not_by(kind, "budgets")
    items = budgets_page(limit=100, cursor=None).items
    balances = {item["id"]: balance_of(item) for item in items}
    listed = [budget for budget in map(budget_from, items) if budget is not None]
    shown = [budget for budget in listed if kind == "org" or budget.department == department]
    months = [month_id(query.today), *months_before(query.today, RATE_MONTHS)]
    periods = list(dict.fromkeys([*query.periods, *months]))
    found = counters.read_counters((BUDGETS_SCOPE, period) for period in periods)
    rows = []
    for budget in shown:
        name = spend_name(budget.id)
        by_month = {month: int(found[(BUDGETS_SCOPE, month)].get(name, 0)) for month in months}
        started = local_day(budget.created_at, query.time_zone)
        rate = run_out(balances.get(budget.id, 0), by_month, min(started, query.today), query.today)
        current = BudgetFigures(
            spent=int(found[(BUDGETS_SCOPE, query.period)].get(name, 0)),
            remaining=balances.get(budget.id, 0),
            daily_spend=rate.daily_spend,
            rate_basis=rate.basis,
            runs_out_in=rate.runs_out_in,
        )
        before = (
            BudgetFigures(
                spent=int(found[(BUDGETS_SCOPE, query.previous)].get(name, 0)),
                remaining=None,
                daily_spend=None,
                rate_basis=None,
                runs_out_in=None,
            )
            if query.previous
            else None
        )
        rows.append(
            BudgetRow(group=f"budget:{budget.id}", label=budget.name, current=current, previous=before)
        )
    totals = BudgetRow(
        group=query.scope,
        label=scope_label(query.scope, query.settings, {}),
        current=BudgetFigures(
            spent=sum(row.current.spent for row in rows),
            remaining=sum(row.current.remaining or 0 for row in rows),
            daily_spend=None,
            rate_basis=None,
            runs_out_in=None,
        ),
        previous=BudgetFigures(
            spent=sum(row.previous.spent for row in rows if row.previous),
            remaining=None,
            daily_spend=None,
            rate_basis=None,
            runs_out_in=None,
        )
        if query.previous
        else None,
    )
    return answer(BudgetsReport, "budgets", query, totals, rows)


# -- liability ----------------------------------------------------------------------------------------

MAX_LATER_PERIODS = 98  # periods read back from now to the end of the period asked for (one BatchGetItem)


class LiabilityFigures(Model):
    points_outstanding: int = Field(description="Points in people's wallets, redeemable")
    points_held: int = Field(description="Points held for redemptions not delivered or returned yet")
    currency: str | None = Field(description="Rows: the currency the points are valued in")
    point_value: Decimal | None = Field(description="Rows: one point's cash value (settings' point_values)")
    value_outstanding: Decimal | None = Field(
        description="Rows: points_outstanding in `currency`, to the cent"
    )
    value_held: Decimal | None = Field(description="Rows: points_held in `currency`, to the cent")


LiabilityRow = ReportRow[LiabilityFigures]


class LiabilityReport(Report[LiabilityFigures]):
    """What the organisation owes in points (finance and HR, organisation-wide): outstanding in wallets and
    held for redemptions as at the end of the period (now, for the current one) beside the end of the one
    before, and their cash value in each currency points are priced in."""


def _later_periods(kind: Span, period: str, current: str) -> list[str]:
    """The periods of `kind` after `period`, up to and including `current`."""
    later: list[str] = []
    day = period_start(kind, period)
    while period_id(kind, day) != current:
        step = day
        while period_id(kind, step) == period_id(kind, day):
            step += timedelta(days=1)
        day = step
        later.append(period_id(kind, day))
        if len(later) > MAX_LATER_PERIODS:
            raise RuleViolation(
                "error.report_too_far_back",
                code="invalid_period",
                most=MAX_LATER_PERIODS,
                details={"at": period, "most_periods_back": MAX_LATER_PERIODS},
            )
    return later


def liability(query: ReportQuery) -> LiabilityReport:
    """Two round trips: the caller and settings; the running totals and the changes of the periods since
    the end of the one asked for (one BatchGetItem; none for the current period but its own)."""
    if query.scope != "org":
        raise _not_by(query.scope.partition(":")[0], "liability")
    current_period = period_id(query.span, query.today) if query.span is not Span.ALL else ALL_TIME
    later = _later_periods(query.span, query.period, current_period) if query.span is not Span.ALL else []
    wanted: list[Counter] = [(LIABILITY_SCOPE, ALL_TIME), *((LIABILITY_SCOPE, p) for p in later)]
    if query.previous:
        wanted.append((LIABILITY_SCOPE, query.period))
    found = counters.read_counters(wanted)
    total = dict(found[(LIABILITY_SCOPE, ALL_TIME)])
    at_end = {name: total.get(name, 0) for name in ("points_outstanding", "points_held")}
    for period in later:
        for name in at_end:
            at_end[name] -= int(found[(LIABILITY_SCOPE, period)].get(name, 0))
    before = None
    if query.previous:
        change = found[(LIABILITY_SCOPE, query.period)]
        before = {name: value - int(change.get(name, 0)) for name, value in at_end.items()}
    rows = [
        LiabilityRow(
            group=f"currency:{currency}",
            label=currency,
            current=_valued(at_end, currency, query.settings),
            previous=_valued(before, currency, query.settings) if before is not None else None,
        )
        for currency in sorted(query.settings.point_values)
    ]
    totals = LiabilityRow(
        group="org",
        label=scope_label("org", query.settings, {}),
        current=_points(at_end),
        previous=_points(before) if before is not None else None,
    )
    return answer(LiabilityReport, "liability", query, totals, rows)


def _points(figures: Mapping[str, int]) -> LiabilityFigures:
    return LiabilityFigures(
        points_outstanding=figures["points_outstanding"],
        points_held=figures["points_held"],
        currency=None,
        point_value=None,
        value_outstanding=None,
        value_held=None,
    )


def _valued(figures: Mapping[str, int], currency: str, settings: OrgSettings) -> LiabilityFigures:
    value = settings.point_values[currency]
    return LiabilityFigures(
        points_outstanding=figures["points_outstanding"],
        points_held=figures["points_held"],
        currency=currency,
        point_value=value,
        value_outstanding=cash_value(figures["points_outstanding"], {currency: value})[currency],
        value_held=cash_value(figures["points_held"], {currency: value})[currency],
    )


# -- vouchers -----------------------------------------------------------------------------------------

EXPIRING_DAYS = 30


class VoucherFigures(Model):
    issued: int | None = Field(description="Vouchers issued for redemptions requested in the period")
    delivered: int | None = Field(description="... of them delivered to their owner")
    redeemed: int | None = Field(description="... of them used (at a desk or by their owner)")
    expired: int | None = Field(description="... of them expired unused")
    expiring: int | None = Field(
        description="Live vouchers expiring in the next 30 days (totals: all; rows: on the row's day). "
        "A figure of now: null beside"
    )


VoucherRow = ReportRow[VoucherFigures]


class VouchersReport(Report[VoucherFigures]):
    """Vouchers of the scope: issued, delivered, redeemed and expired (each counted in the period its
    voucher was issued), and the live ones expiring in the next 30 days, a row per day."""


def vouchers(query: ReportQuery) -> VouchersReport:
    """Three round trips: the caller and settings; the scope's counters in the period and the one before;
    the scope's live vouchers by expiry day over the next 30 days (one query, at most 31 items)."""
    found = counters.read_counters((query.scope, period) for period in query.periods)
    days = report_rows.expiring(query.scope, query.today, query.today + timedelta(days=EXPIRING_DAYS))

    def counted(figures: Mapping[str, int], expiring: int | None) -> VoucherFigures:
        steps = {
            step: int(figures.get(f"vouchers_{step}", 0))
            for step in ("issued", "delivered", "redeemed", "expired")
        }
        return VoucherFigures(**steps, expiring=expiring)

    empty = dict.fromkeys(("issued", "delivered", "redeemed", "expired"))
    rows = [
        VoucherRow(
            group=f"day:{day}", label=day, current=VoucherFigures(**empty, expiring=live), previous=None
        )
        for day, live in days.items()
    ]
    totals = VoucherRow(
        group=query.scope,
        label=scope_label(query.scope, query.settings, _names(_people(query.scope))),
        current=counted(found[(query.scope, query.period)], sum(days.values())),
        previous=counted(found[(query.scope, query.previous)], None) if query.previous else None,
    )
    return answer(VouchersReport, "vouchers", query, totals, rows)


# -- taxable rewards ----------------------------------------------------------------------------------

MAX_TAXABLE_ROWS = 100  # per answer; a larger month, or more than a month, goes through an export job


class TaxableFigures(Model):
    employee_id: str | None = Field(description="Rows: the person")
    country: str | None = Field(description="Rows: the person's country when they received it (ISO code)")
    pay_period: str | None = Field(description="Rows: the month received (YYYY-MM, organisation's zone)")
    currency: str | None
    amount: Decimal | None = Field(description="Rows: the cash value received, 2 decimals")
    people: int | None = Field(description="Totals: people with a taxable reward in the month")


TaxableRow = ReportRow[TaxableFigures]


class TaxableReport(Report[TaxableFigures]):
    """For payroll: per person, country and month, the cash value of the rewards received in a form the
    settings' `taxable_item_types` name (gift cards by default), by the month they were delivered. Rows
    are a pay period's own: nothing beside them. At most 100 rows (`complete` false beyond: export the
    month through POST /v1/exports, kind `report`)."""

    complete: bool = Field(description="False: more rows than an answer holds; export them instead")


def taxable_lines(
    rows: Iterable[report_rows.SpendRow], month: str, taxable_types: Iterable[str]
) -> Iterator[tuple[str, str, str, str, int]]:
    """(employee id, country, month, currency, hundredths) for each person, country and currency with a
    taxable amount, from spend rows in person order (a person's rows of one country are merged: they
    moved teams during the month)."""
    types = list(taxable_types)
    key: tuple[str, str] | None = None
    amounts: dict[str, int] = {}
    for row in rows:
        row_key = (row.employee_id, row.stamp.country or "")
        if row_key != key:
            if key is not None:
                yield from _lines(key, month, amounts)
            key, amounts = row_key, {}
        merge_amounts(amounts, taxable_hundredths(row.figures, types))
    if key is not None:
        yield from _lines(key, month, amounts)


def _lines(
    key: tuple[str, str], month: str, amounts: Mapping[str, int]
) -> Iterator[tuple[str, str, str, str, int]]:
    for currency, hundredths in sorted(amounts.items()):
        if hundredths:
            yield key[0], key[1], month, currency, hundredths


def _visible(scope: str, row: report_rows.SpendRow) -> bool:
    kind, _, value = scope.partition(":")
    stamp = row.stamp
    return {
        "org": True,
        "dept": stamp.department == value,
        "team": stamp.manager_id == value,
        "country": stamp.country == value,
        "person": row.employee_id == value,
    }[kind]


def taxable(query: ReportQuery) -> TaxableReport:
    """Three round trips: the caller and settings; the month's spend rows (one query: the person's own,
    or up to 100 of everyone's and one more to know if there are more); the names of the people shown."""
    if query.span is not Span.MONTH:
        raise RuleViolation(
            "error.taxable_by_month", code="invalid_period", details={"period": query.span.value}
        )
    kind, _, person = query.scope.partition(":")
    rows, more = report_rows.spend_rows_page(
        query.period,
        limit=MAX_TAXABLE_ROWS + 1 if kind != "person" else MAX_TAXABLE_ROWS,
        employee_id=person if kind == "person" else None,
    )
    visible = [row for row in rows if _visible(query.scope, row)]
    lines = list(taxable_lines(visible, query.period, query.settings.taxable_item_types))
    complete = more is None and len(lines) <= MAX_TAXABLE_ROWS
    lines = lines[:MAX_TAXABLE_ROWS]
    names = _names(line[0] for line in lines)
    shown = [
        TaxableRow(
            group=f"person:{employee_id}",
            label=names[employee_id],
            current=TaxableFigures(
                employee_id=employee_id,
                country=country or None,
                pay_period=month,
                currency=currency,
                amount=money(hundredths),
                people=None,
            ),
            previous=None,
        )
        for employee_id, country, month, currency, hundredths in lines
    ]
    totals = TaxableRow(
        group=query.scope,
        label=scope_label(query.scope, query.settings, names),
        current=TaxableFigures(
            employee_id=None,
            country=None,
            pay_period=query.period,
            currency=None,
            amount=None,
            people=len({line[0] for line in lines}),
        ),
        previous=None,
    )
    return TaxableReport(
        report="taxable-rewards",
        scope=query.scope,
        period=query.period,
        previous_period=query.previous,
        time_zone=query.time_zone,
        group_by=query.group_by,
        totals=totals,
        rows=shown,
        complete=complete,
    )


def taxable_csv(report: TaxableReport) -> tuple[list[str], list[list[object]]]:
    """The payroll CSV: one line per person, country, pay period and currency."""
    lines = [
        [
            row.current.employee_id,
            row.label,
            row.current.country or "",
            row.current.pay_period,
            row.current.currency,
            f"{row.current.amount:.2f}",
        ]
        for row in report.rows
    ]
    return list(TAXABLE_COLUMNS), lines


def taxable_export(months: Iterable[str], settings: OrgSettings) -> Iterator[list[object]]:
    """Every taxable line of the months, as the payroll CSV's rows (the export job): a month's rows a page
    at a time, names read per 100 people."""
    for month in months:
        batch: list[tuple[str, str, str, str, int]] = []
        for line in taxable_lines(report_rows.spend_rows(month), month, settings.taxable_item_types):
            batch.append(line)
            if len(batch) >= 100:
                yield from _export_lines(batch)
                batch = []
        yield from _export_lines(batch)


def _export_lines(batch: list[tuple[str, str, str, str, int]]) -> Iterator[list[object]]:
    names = _names(line[0] for line in batch) if batch else {}
    for employee_id, country, month, currency, hundredths in batch:
        yield [employee_id, names[employee_id], country, month, currency, f"{money(hundredths):.2f}"]


REPORTS: tuple[ReportSpec, ...] = (
    ReportSpec("rewards", RewardsReport, rewards, groupings=("currency", "item_type", "item", "method")),
    ReportSpec("budgets", BudgetsReport, budgets, roles=FINANCE_AND_HR),
    ReportSpec("liability", LiabilityReport, liability, roles=FINANCE_AND_HR),
    ReportSpec("vouchers", VouchersReport, vouchers),
    ReportSpec("taxable-rewards", TaxableReport, taxable, csv=taxable_csv),
)
