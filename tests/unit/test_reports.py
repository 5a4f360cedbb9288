"""The reports' shared rules: who sees which scope, the period before, shares, the CSV table."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from plaudit.api.csv_body import CSV, JSON, answer_format, csv_text
from plaudit.domain.access import Caller
from plaudit.domain.employees import Role
from plaudit.domain.errors import Forbidden, RuleViolation
from plaudit.domain.insights import Span, completed_pairs, unique_counts
from plaudit.domain.reports import (
    ReportQuery,
    allowance_periods,
    answer,
    periods_back,
    previous_period,
    report_scope,
    share,
    table,
)
from plaudit.domain.settings import OrgSettings, PeriodKind
from plaudit.services.people_reports import (
    RecognitionFigures,
    RecognitionReport,
    RecognitionRow,
    is_quiet,
    participation_figures,
)

from .factories import person as employee


def viewer(*roles: Role, person: str = "E1") -> Caller:
    profile = employee(person, roles=list(roles) or None)
    return Caller(employee_id=person).with_profile(profile)


def test_hr_and_finance_see_any_one_scope_the_organisation_by_default() -> None:
    for role in (Role.HR_ADMIN, Role.FINANCE):
        who = viewer(role)
        assert report_scope(who, department=None, manager=None, country=None) == "org"
        assert report_scope(who, department="Sales", manager=None, country=None) == "dept:Sales"
        assert report_scope(who, department=None, manager="E9", country=None) == "team:E9"
        assert report_scope(who, department=None, manager=None, country="FR") == "country:FR"
        with pytest.raises(RuleViolation):
            report_scope(who, department="Sales", manager=None, country="FR")


def test_a_manager_sees_their_team_and_anyone_else_their_own_figures() -> None:
    manager = viewer(Role.MANAGER, person="M1")
    assert report_scope(manager, department=None, manager=None, country=None) == "team:M1"
    assert report_scope(manager, department=None, manager="M1", country=None) == "team:M1"
    for filters in ({"manager": "M2"}, {"department": "Sales"}, {"country": "FR"}):
        with pytest.raises(Forbidden):
            report_scope(manager, **({"department": None, "manager": None, "country": None} | filters))
    person = viewer(person="E7")
    assert report_scope(person, department=None, manager=None, country=None) == "person:E7"
    with pytest.raises(Forbidden):
        report_scope(person, department=None, manager="E7", country=None)
    with pytest.raises(Forbidden):
        report_scope(Caller(employee_id=None), department=None, manager=None, country=None)


@pytest.mark.parametrize(
    ("kind", "period", "before"),
    [
        (Span.WEEK, "2027-W01", "2026-W53"),  # 2026 has 53 ISO weeks
        (Span.WEEK, "2026-W01", "2025-W52"),
        (Span.MONTH, "2026-01", "2025-12"),
        (Span.MONTH, "2026-03", "2026-02"),
        (Span.QUARTER, "2026-Q1", "2025-Q4"),
        (Span.YEAR, "2026", "2025"),
        (Span.ALL, "all", None),
    ],
)
def test_the_period_before(kind: Span, period: str, before: str | None) -> None:
    assert previous_period(kind, period) == before


def test_a_trend_counts_back_from_the_period() -> None:
    assert periods_back(Span.MONTH, "2026-02", 4) == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert periods_back(Span.ALL, "all", 3) == ["all"]


def test_shares_have_four_decimals_and_nobody_is_zero() -> None:
    assert share(1, 3) == Decimal("0.3333")
    assert share(2, 3) == Decimal("0.6667")
    assert share(5, 0) == Decimal("0.0000")
    assert share(4, 4) == Decimal("1.0000")


def test_a_report_is_one_csv_table_totals_first_each_figure_beside_the_one_before() -> None:
    settings = OrgSettings()
    at = datetime(2026, 11, 20, tzinfo=UTC)
    query = ReportQuery(
        viewer=viewer(Role.HR_ADMIN),
        settings=settings,
        scope="org",
        span=Span.MONTH,
        period="2026-11",
        previous="2026-10",
        today=date(2026, 11, 20),
        now=at,
    )
    zero = dict.fromkeys(RecognitionFigures.model_fields, 0)
    current = RecognitionFigures(**(zero | {"kudos_given": 3}))
    previous = RecognitionFigures(**(zero | {"kudos_given": 1}))
    totals = RecognitionRow(group="org", label="org", current=current, previous=previous)
    row = RecognitionRow(group="value:x", label="=cmd()", current=current, previous=None)
    report = answer(RecognitionReport, "recognition", query, totals, [row])
    text = csv_text(*table(report))
    lines = list(csv.DictReader(io.StringIO(text)))
    assert [line["row"] for line in lines] == ["total", "group"]
    assert (lines[0]["kudos_given"], lines[0]["previous_kudos_given"]) == ("3", "1")
    assert lines[1]["previous_kudos_given"] == ""
    assert lines[1]["label"] == "'=cmd()"  # a formula stays text in a spreadsheet
    assert text.splitlines()[0].startswith("period,previous_period,row,group,label,kudos_given")


@pytest.mark.parametrize(
    ("accept", "wanted"),
    [
        (None, JSON),
        ("", JSON),
        ("*/*", JSON),
        ("text/csv", CSV),
        ("text/*", CSV),
        ("application/json;q=0.4, text/csv;q=0.9", CSV),
        ("text/csv;q=0, application/json", JSON),
        ("application/pdf", None),
        ("text/csv;q=0", None),
    ],
)
def test_json_or_csv_by_accept(accept: str | None, wanted: str | None) -> None:
    assert answer_format(accept) == wanted


def test_participation_neither_is_everyone_else_and_never_below_zero() -> None:
    figures = participation_figures(people=10, giving=4, receiving=3, both=2)
    assert (figures.neither, figures.share_neither) == (5, Decimal("0.5000"))
    assert figures.share_both == Decimal("0.2000")
    gone = participation_figures(people=2, giving=3, receiving=2, both=1)  # givers who left since
    assert gone.neither == 0


def test_quiet_means_not_recognised_for_30_days() -> None:
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    assert is_quiet(None, now)
    assert is_quiet(now - timedelta(days=30), now)
    assert not is_quiet(now - timedelta(days=29, hours=23), now)


def test_a_pair_is_completed_once_by_the_membership_that_completes_it() -> None:
    giver = ("org", "2026-11", "giver", "A")
    receiver = ("org", "2026-11", "receiver", "A")
    both = ("org", "2026-11", "both", "A")
    assert completed_pairs({giver}, {receiver}) == {both: giver}
    assert completed_pairs({giver, receiver}, {giver, receiver}) == {both: giver}
    assert completed_pairs({receiver}, {giver}) == {both: receiver}
    assert completed_pairs({receiver}, set()) == {}
    assert unique_counts({giver, receiver, both})[("org", "2026-11")] == {
        "unique_givers": 1,
        "unique_receivers": 1,
        "unique_both": 1,
    }


@pytest.mark.parametrize(
    ("kind", "period", "allowance", "begun"),
    [
        (Span.MONTH, "2026-11", PeriodKind.MONTHLY, ["2026-11"]),
        (Span.QUARTER, "2026-Q4", PeriodKind.MONTHLY, ["2026-10", "2026-11", "2026-12"]),
        (Span.WEEK, "2026-W47", PeriodKind.MONTHLY, []),
        (
            Span.MONTH,
            "2026-06",
            PeriodKind.WEEKLY,
            ["2026-W23", "2026-W24", "2026-W25", "2026-W26", "2026-W27"],
        ),
        (Span.YEAR, "2026", PeriodKind.QUARTERLY, ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]),
        (Span.MONTH, "2026-11", PeriodKind.QUARTERLY, []),
        (Span.ALL, "all", PeriodKind.MONTHLY, []),
    ],
)
def test_the_allowance_periods_a_report_period_grants(kind, period, allowance, begun) -> None:
    assert allowance_periods(kind, period, allowance) == begun
