"""Reports: what every report shares (the query, who may see which scope, the previous period, the shape
of an answer) and the arithmetic of shares. Each report is a `ReportSpec` (a name, its answer's model and
the function that builds it); plaudit.services.reports keeps the registry.

A report is about one scope, as the insights counters are (plaudit.domain.insights): `org`,
`dept:<department>`, `team:<manager id>` (the manager's direct reports), `country:<ISO code>` or
`person:<id>` (a person's own figures). HR and finance see every scope; a manager their own team; anyone
else their own figures. Periods are the insights periods, read in the organisation's time zone, and each
report puts the period before beside the one asked for (none beside all time).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Generic, TypeVar

from pydantic import Field

from plaudit.domain.access import Caller
from plaudit.domain.employees import Role
from plaudit.domain.errors import Forbidden, RuleViolation
from plaudit.domain.insights import Span, period_id, period_start
from plaudit.domain.model import Model
from plaudit.domain.settings import OrgSettings, PeriodKind

ALL_SEEING = (Role.HR_ADMIN, Role.FINANCE)
# Groups a page of a paged report shows (`limit`): at most MAX_GROUPS_PER_PAGE, so a page's counters (two
# per group: the period and the one before), the scope's own and headcount, and a team's manager's name
# (3 x 30 + 3 keys) are one BatchGetItem of at most 100 keys however many groups the organisation has.
GROUPS_PER_PAGE, MAX_GROUPS_PER_PAGE = 25, 30


# -- who sees which scope -----------------------------------------------------------------------------


def report_scope(viewer: Caller, *, department: str | None, manager: str | None, country: str | None) -> str:
    """The scope a caller's report is about. At most one of the filters (counters are kept per scope, not
    per intersection of scopes). HR and finance: any scope, the organisation by default; a manager: their
    own team (`manager=` must be themselves, and no department or country); anyone else: their own figures
    (and no filter)."""
    given = {
        name: value
        for name, value in (("department", department), ("manager", manager), ("country", country))
        if value
    }
    if len(given) > 1:
        raise RuleViolation(
            "error.report_one_filter", code="invalid_request", details={"filters": sorted(given)}
        )
    if not viewer.is_person and not viewer.has_role(*ALL_SEEING):
        raise Forbidden("error.not_in_directory", code="not_in_directory")
    if viewer.has_role(*ALL_SEEING):
        if department:
            return f"dept:{department}"
        if manager:
            return f"team:{manager}"
        return f"country:{country}" if country else "org"
    assert viewer.profile is not None
    own = viewer.profile.id
    if department or country:
        raise Forbidden("error.report_scope_not_visible", code="department_not_visible", details=dict(given))
    if Role.MANAGER in viewer.roles:
        if manager not in (None, own):
            raise Forbidden("error.report_scope_not_visible", code="team_not_visible", details=dict(given))
        return f"team:{own}"
    if manager:
        raise Forbidden("error.report_scope_not_visible", code="team_not_visible", details=dict(given))
    return f"person:{own}"


# -- periods ------------------------------------------------------------------------------------------


def previous_period(kind: Span, period: str) -> str | None:
    """The period of the same kind just before `period` (None before all time)."""
    if kind is Span.ALL:
        return None
    start = period_start(kind, period)
    return period_id(kind, start - timedelta(days=1))


def allowance_periods(kind: Span, period: str, allowance: PeriodKind) -> list[str]:
    """The allowance periods (ids) that begin within the report period (none within a period shorter
    than an allowance period, or all time)."""
    if kind is Span.ALL:
        return []
    start = period_start(kind, period)
    day, begun = start, []
    while period_id(kind, day) == period:
        if allowance is PeriodKind.WEEKLY and day.weekday() == 0:
            begun.append(period_id(Span.WEEK, day))
        elif day.day == 1 and (allowance is PeriodKind.MONTHLY or day.month in (1, 4, 7, 10)):
            begun.append(period_id(Span.MONTH if allowance is PeriodKind.MONTHLY else Span.QUARTER, day))
        day += timedelta(days=1)
    return begun


def periods_back(kind: Span, period: str, count: int) -> list[str]:
    """`count` periods of `kind` ending with `period`, oldest first (a trend)."""
    periods = [period]
    while len(periods) < count and (before := previous_period(kind, periods[0])) is not None:
        periods.insert(0, before)
    return periods


@dataclass(frozen=True)
class ReportQuery:
    """A report's validated question: about `scope`, over `period` (of kind `span`), beside `previous`;
    `viewer` is the caller with their profile, `today` the organisation's local day."""

    viewer: Caller
    settings: OrgSettings
    scope: str
    span: Span
    period: str
    previous: str | None
    today: date
    now: datetime
    group_by: str | None = None
    limit: int = GROUPS_PER_PAGE  # a paged report's groups per page
    cursor: str | None = None  # where its page starts (`next_cursor` of the page before)

    @property
    def time_zone(self) -> str:
        return self.settings.time_zone

    @property
    def periods(self) -> list[str]:
        """The period asked for and, if any, the one before it."""
        return [self.period] + ([self.previous] if self.previous else [])


# -- answers ------------------------------------------------------------------------------------------

F = TypeVar("F", bound=Model)


class ReportRow(Model, Generic[F]):
    group: str = Field(
        description="What the row is about: a scope (org, dept:<d>, team:<manager id>, country:<c>, "
        "person:<id>, value:<slug>) or another key the report names"
    )
    label: str = Field(description="The group as people read it: a name, a department, a value's name")
    current: F = Field(description="The figures of the period asked for")
    previous: F | None = Field(description="The same figures in the period before (null: none, all time)")


class Report(Model, Generic[F]):
    """Every report's answer: its totals over the scope, its rows, both with the period before beside."""

    report: str = Field(description="The report's name")
    scope: str = Field(description="org, dept:<d>, team:<manager id>, country:<c> or person:<id>")
    period: str = Field(description="The period's id (2026-W47, 2026-11, 2026-Q4, 2026 or all)")
    previous_period: str | None = Field(description="The period beside it (null for all time)")
    time_zone: str = Field(description="The organisation's time zone, in which periods start and end")
    group_by: str | None = Field(description="What the rows are grouped by")
    totals: ReportRow[F]
    rows: list[ReportRow[F]]


R = TypeVar("R", bound=Report)


@dataclass(frozen=True)
class ReportSpec(Generic[R]):
    """A report: its name, its answer's model (one OpenAPI schema per report), the groupings its rows
    may take (the first is the default; none: rows are the report's own), who may run it beyond
    the scope rule (`roles`: None for everyone, who then sees their own scope), and its CSV when a system
    imports it (`csv`: columns of its own; None: `table`), and whether its rows come a page at a time
    (`paged`: its answer has `next_cursor`)."""

    name: str
    model: type[R]
    build: Callable[[ReportQuery], R]
    groupings: tuple[str, ...] = ()
    roles: tuple[Role, ...] | None = None
    csv: "Callable[[R], tuple[list[str], list[list[object]]]] | None" = None  # its own CSV (else `table`)
    paged: bool = False


def check_grouping(spec: ReportSpec, group_by: str | None) -> str | None:
    if group_by is None:
        return spec.groupings[0] if spec.groupings else None
    if group_by not in spec.groupings:
        raise RuleViolation(
            "error.unknown_grouping",
            code="invalid_request",
            group_by=group_by,
            groupings=list(spec.groupings) or ["-"],
            details={"group_by": group_by, "groupings": list(spec.groupings)},
        )
    return group_by


# -- arithmetic ---------------------------------------------------------------------------------------

SHARE_PLACES = Decimal("0.0001")


def share(part: int, whole: int) -> Decimal:
    """part / whole as a fraction with four decimals (0 of nobody is 0)."""
    if whole <= 0:
        return Decimal("0.0000")
    return (Decimal(part) / Decimal(whole)).quantize(SHARE_PLACES, rounding=ROUND_HALF_EVEN)


def answer(
    model: type[R], name: str, query: ReportQuery, totals: ReportRow, rows: list[ReportRow], **own: object
) -> R:
    """A report's answer; `own`: the fields a report's model adds to the common ones."""
    return model(
        **own,
        report=name,
        scope=query.scope,
        period=query.period,
        previous_period=query.previous,
        time_zone=query.time_zone,
        group_by=query.group_by,
        totals=totals,
        rows=rows,
    )


def scope_label(scope: str, settings: OrgSettings, names: dict[str, str]) -> str:
    """A scope as people read it: the department or country itself, a value's name, a person's or a
    manager's name (`names`: person id -> name), the organisation's `org`."""
    kind, _, rest = scope.partition(":")
    if kind == "value":
        return next((value.name for value in settings.company_values if value.slug == rest), rest)
    if kind in ("team", "person"):
        return names.get(rest, rest)
    return rest or kind


def table(report: Report) -> tuple[list[str], list[list[object]]]:
    """A report as one table (CSV): the totals row first, then each row; each figure of the period beside
    the same figure of the period before (`previous_<name>`). Headers are the models' field names, so they
    stay as they are whatever language the caller reads."""
    row_model = type(report.totals)
    figures_model = row_model.model_fields["current"].annotation
    names = list(figures_model.model_fields)  # type: ignore[union-attr]
    header = ["period", "previous_period", "row", "group", "label", *names]
    header += [f"previous_{name}" for name in names]
    lines = []
    for kind, row in (("total", report.totals), *(("group", row) for row in report.rows)):
        previous = [getattr(row.previous, name) if row.previous else None for name in names]
        current = [getattr(row.current, name) for name in names]
        lines.append([report.period, report.previous_period, kind, row.group, row.label, *current, *previous])
    return header, lines
