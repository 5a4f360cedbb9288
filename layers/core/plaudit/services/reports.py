"""Reports: the registry of every report by name, and running one for a caller.

To add a report: write its figures model, its `Report[...]` answer model and its build function (a
`ReportQuery` in, the answer out, reading counters only) in a module of reports, list its `ReportSpec` in
that module's `REPORTS`, and add the module to `_MODULES` here. The route, the CSV and the OpenAPI schema
follow from the registry.
"""

from collections.abc import Iterable

from plaudit.domain.access import Caller
from plaudit.domain.errors import Forbidden, InvalidRequest, NotFound
from plaudit.domain.insights import Span, local_day, resolve_period
from plaudit.domain.reports import (
    GROUPS_PER_PAGE,
    Report,
    ReportQuery,
    ReportSpec,
    check_grouping,
    previous_period,
    report_scope,
)
from plaudit.domain.seasons import PERIOD_PREFIX
from plaudit.services import money_reports, people_reports
from plaudit.services.insights import season_period
from plaudit.services.runtime import now
from plaudit.store import snapshots

_MODULES = (people_reports, money_reports)


def _registry(specs: Iterable[ReportSpec]) -> dict[str, ReportSpec]:
    registry: dict[str, ReportSpec] = {}
    for spec in specs:
        assert spec.name not in registry, spec.name
        registry[spec.name] = spec
    return registry


REPORTS: dict[str, ReportSpec] = _registry(spec for module in _MODULES for spec in module.REPORTS)


def run(
    caller: Caller,
    name: str,
    *,
    period: str,
    at: str | None = None,
    department: str | None = None,
    manager: str | None = None,
    country: str | None = None,
    group_by: str | None = None,
    limit: int = GROUPS_PER_PAGE,
    cursor: str | None = None,
) -> Report:
    """The report `name` for the caller: its scope from the caller and the filters, its period (week,
    month, quarter, year or all: the current one, or the one `at` names, never a future one, with the one
    before beside it; or season:<id>, alone). A paged report shows `limit` groups from `cursor` on (other
    reports show every row, and no cursor of theirs exists)."""
    spec = REPORTS.get(name)
    if spec is None:
        raise NotFound("error.unknown_report", code="unknown_report", name=name, details={"report": name})
    if cursor is not None and not spec.paged:
        raise InvalidRequest("error.invalid_cursor", code="invalid_cursor")
    season_id = period.removeprefix(PERIOD_PREFIX) if period.startswith(PERIOD_PREFIX) else None
    first = snapshots.load(employees=[caller.employee_id], settings=True, seasons=season_id is not None)
    viewer = first.identify(caller)
    if spec.roles is not None and not viewer.has_role(*spec.roles):
        raise Forbidden("error.role_needed", code="forbidden", roles=[role.value for role in spec.roles])
    scope = report_scope(viewer, department=department, manager=manager, country=country)
    grouping = check_grouping(spec, group_by)
    settings = first.settings()
    at_now = now()
    if season_id is not None:  # a season: counted like all time, no period before it to put beside
        span, period_id = Span.ALL, season_period(first.seasons(), season_id, at, at_now)
    else:
        span = Span(period)
        period_id = resolve_period(span, at, at_now, settings.time_zone)
    query = ReportQuery(
        viewer=viewer,
        settings=settings,
        scope=scope,
        span=span,
        period=period_id,
        previous=previous_period(span, period_id),
        today=local_day(at_now, settings.time_zone),
        now=at_now,
        group_by=grouping,
        limit=limit,
        cursor=cursor,
    )
    return spec.build(query)
