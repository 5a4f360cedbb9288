"""The recognition side's reports: recognition (given and received, by company value). Each reads the
insights counters of the scope and the periods it needs in one BatchGetItem, never the records."""

from collections.abc import Callable, Mapping

from pydantic import Field

from plaudit.domain.insights import Counter, Deltas
from plaudit.domain.model import Model
from plaudit.domain.reports import Report, ReportQuery, ReportRow, ReportSpec, answer, scope_label
from plaudit.store import insights as counters
from plaudit.store import snapshots


def _names(scopes: list[str]) -> dict[str, str]:
    """The names of the people and managers scopes name (one BatchGetItem; none if no scope names one)."""
    ids = [scope.partition(":")[2] for scope in scopes if scope.startswith(("team:", "person:"))]
    if not ids:
        return {}
    snap = snapshots.load(employees=ids)
    return {person: found.name for person in ids if (found := snap.employee(person)) is not None}


# -- recognition --------------------------------------------------------------------------------------


class RecognitionFigures(Model):
    kudos_given: int = Field(description="Kudos given (a kudos to three people counts once)")
    kudos_received: int = Field(description="Kudos received (a kudos to three people counts three times)")
    points_given: int
    points_received: int
    add_ons_given: int
    add_ons_received: int
    reactions_given: int
    reactions_received: int
    unique_givers: int = Field(description="People who gave at least once (0 in a person's own figures)")
    unique_receivers: int = Field(description="People who received at least once (0 in a person's own)")


RecognitionRow = ReportRow[RecognitionFigures]


class RecognitionReport(Report[RecognitionFigures]):
    """Kudos, add-ons, reactions and their points given and received in the scope; rows by company value
    (organisation-wide counters: only a report on the whole organisation has them)."""


def _recognition_figures(deltas: Mapping[str, int]) -> RecognitionFigures:
    return RecognitionFigures(**{name: int(deltas.get(name, 0)) for name in RecognitionFigures.model_fields})


def recognition(query: ReportQuery) -> RecognitionReport:
    """Two round trips (the caller and settings before; the counters of the scope and of every company
    value, in this period and the one before; a team's or person's name)."""
    values = [value.slug for value in query.settings.company_values] if query.scope == "org" else []
    scopes = [query.scope, *(f"value:{slug}" for slug in values)]
    found = counters.read_counters((scope, period) for scope in scopes for period in query.periods)
    names = _names([query.scope])
    rows = [_row(RecognitionRow, scope, query, _recognition_figures, found, names) for scope in scopes]
    totals, by_value = rows[0], rows[1:]
    by_value.sort(key=lambda row: (-row.current.kudos_received, row.label.casefold()))
    return answer(RecognitionReport, "recognition", query, totals, by_value)


def _row(
    row_model: type[ReportRow],
    scope: str,
    query: ReportQuery,
    figures: Callable[[Mapping[str, int]], Model],
    found: Mapping[Counter, Deltas],
    names: dict[str, str],
) -> ReportRow:
    """A scope's row: its figures (`figures` of its counters) in the period and in the one before."""
    previous = figures(found[(scope, query.previous)]) if query.previous else None
    return row_model(
        group=scope,
        label=scope_label(scope, query.settings, names),
        current=figures(found[(scope, query.period)]),
        previous=previous,
    )


REPORTS: list[ReportSpec] = [
    ReportSpec("recognition", RecognitionReport, recognition, groupings=("value",)),
]
