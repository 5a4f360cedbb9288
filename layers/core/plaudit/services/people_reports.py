"""The recognition side's reports: participation (who gives, receives, both, neither), quiet people,
recognition (given and received, by company value). Each reads the insights counters of the scope and
the periods it needs (and the directory's headcounts or a team) in one BatchGetItem, never the records."""

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal

from pydantic import Field

from plaudit.domain.employees import Role
from plaudit.domain.errors import Forbidden, InvalidRequest, RuleViolation
from plaudit.domain.insights import ALL_TIME, BUDGETS_SCOPE, Counter, Deltas, award_rule_figure
from plaudit.domain.model import Model
from plaudit.domain.money_reports import budget_burn, points_earned, points_redeemed, redemption_rate
from plaudit.domain.reports import (
    Report,
    ReportQuery,
    ReportRow,
    ReportSpec,
    allowance_periods,
    answer,
    periods_back,
    scope_label,
    share,
    table,
)
from plaudit.services.milestones import Celebration, upcoming
from plaudit.store import employees as directory
from plaudit.store import insights as counters
from plaudit.store import milestones as milestone_store


def _named(scopes: list[str]) -> list[str]:
    """The people and managers scopes name (their names are read with the figures)."""
    return list(
        dict.fromkeys(scope.partition(":")[2] for scope in scopes if scope.startswith(("team:", "person:")))
    )


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
    value, in this period and the one before, with a team's or person's name)."""
    values = [value.slug for value in query.settings.company_values] if query.scope == "org" else []
    scopes = [query.scope, *(f"value:{slug}" for slug in values)]
    found = counters.read_figures(
        ((scope, period) for scope in scopes for period in query.periods), people=_named([query.scope])
    )
    rows = [
        _row(RecognitionRow, scope, query, _recognition_figures, found.counters, found.names)
        for scope in scopes
    ]
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


# -- participation ------------------------------------------------------------------------------------


class ParticipationFigures(Model):
    people: int = Field(description="Active people in the scope now (a period's shares are over it)")
    giving: int = Field(description="People who gave in the period (kudos, add-ons, reactions)")
    receiving: int = Field(description="People who received in the period")
    both: int = Field(description="People who both gave and received")
    neither: int = Field(description="People who neither gave nor received (never below 0)")
    share_giving: Decimal = Field(description="giving / people, four decimals")
    share_receiving: Decimal
    share_both: Decimal
    share_neither: Decimal


ParticipationRow = ReportRow[ParticipationFigures]


class ParticipationReport(Report[ParticipationFigures]):
    """The share of people giving, receiving, both and neither in the scope, and by group (department,
    country or team: a report on the whole organisation has them), a page of groups at a time (`limit`,
    in the order of the groups' names or ids; rows sorted within the page, the lowest share of neither
    first; the totals on every page). People who gave or received while in the scope count in it though
    they left since; the headcount is the scope's today."""

    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page of groups; null on the last page (a page may hold "
        "fewer than `limit` groups and still have a cursor)"
    )


def participation_figures(people: int, giving: int, receiving: int, both: int) -> ParticipationFigures:
    neither = max(0, people - (giving + receiving - both))
    return ParticipationFigures(
        people=people,
        giving=giving,
        receiving=receiving,
        both=both,
        neither=neither,
        share_giving=share(giving, people),
        share_receiving=share(receiving, people),
        share_both=share(both, people),
        share_neither=share(neither, people),
    )


def _participation_of(people: int, person: bool) -> Callable[[Mapping[str, int]], ParticipationFigures]:
    """Figures from a scope's counter: its unique givers, receivers and both; a person's own from what
    they gave and received."""

    def figures(deltas: Mapping[str, int]) -> ParticipationFigures:
        if person:
            gave = any(deltas.get(f"{kind}_given", 0) for kind in ("kudos", "add_ons", "reactions"))
            got = any(deltas.get(f"{kind}_received", 0) for kind in ("kudos", "add_ons", "reactions"))
            return participation_figures(people, int(gave), int(got), int(gave and got))
        return participation_figures(
            people,
            int(deltas.get("unique_givers", 0)),
            int(deltas.get("unique_receivers", 0)),
            int(deltas.get("unique_both", 0)),
        )

    return figures


GROUP_KINDS = {"department": "dept", "country": "country", "team": "team"}


def participation(query: ReportQuery) -> ParticipationReport:
    """Three round trips: the caller and settings before; a page of the organisation's groups of the kind
    asked for with their headcounts; the counters of the scope and the page's groups in this period and
    the one before, with the scope's headcount and the names of teams' managers (one BatchGetItem: a page
    holds at most MAX_GROUPS_PER_PAGE groups)."""
    person = query.scope.startswith("person:")
    groups: dict[str, int] = {}
    following = None
    if query.scope == "org":
        kind = GROUP_KINDS[query.group_by or "department"]
        groups, following = directory.headcount_groups_page(kind, limit=query.limit, cursor=query.cursor)
    elif query.cursor is not None:  # a narrower scope has no groups to page
        raise InvalidRequest("error.invalid_cursor", code="invalid_cursor")
    scopes = [query.scope, *sorted(groups)]
    found = counters.read_figures(
        ((scope, period) for scope in scopes for period in query.periods),
        headcounts=[] if person else [query.scope],
        people=_named(scopes),
    )
    people = groups | found.headcounts | ({query.scope: 1} if person else {})
    names = found.names
    rows = [
        _row(
            ParticipationRow,
            scope,
            query,
            _participation_of(people.get(scope, 0), person),
            found.counters,
            names,
        )
        for scope in scopes
    ]
    totals, by_group = rows[0], rows[1:]
    by_group.sort(key=lambda row: (row.current.share_neither, row.label.casefold()))
    return answer(ParticipationReport, "participation", query, totals, by_group, next_cursor=following)


# -- quiet people -------------------------------------------------------------------------------------

QUIET_DAYS = 30


class QuietFigures(Model):
    last_recognised_at: datetime | None = Field(description="When they last received (null: never)")
    days_since: int | None = Field(description="Whole days since then (null: never recognised)")


QuietRow = ReportRow[QuietFigures]


class QuietPeopleReport(Report[QuietFigures]):
    """A team's people not recognised in the last 30 days (rows: one per person, the longest quiet
    first; `group` person:<id>); the totals count them (`days_since`: how many are quiet). For a manager
    their own team; HR and finance name one with `manager=`. No period before: it is about today."""


def is_quiet(last: datetime | None, now: datetime, days: int = QUIET_DAYS) -> bool:
    """Not recognised within `days` before `now` (never recognised: quiet)."""
    return last is None or now - last >= timedelta(days=days)


def quiet_people(query: ReportQuery) -> QuietPeopleReport:
    """Three round trips: the caller and settings before; the team; each member's all-time counter (and
    the manager's name)."""
    if query.scope.startswith("person:"):
        raise Forbidden("error.report_scope_not_visible", code="team_not_visible")
    if not query.scope.startswith("team:"):
        raise RuleViolation("error.report_by_team", code="invalid_request", details={"scope": query.scope})
    manager_id = query.scope.removeprefix("team:")
    team = directory.team_members(manager_id)
    found = counters.read_figures(
        ((f"person:{person}", ALL_TIME) for person in team), people=_named([query.scope])
    )
    rows = []
    for person, member in team.items():
        last = found.last_received.get(f"person:{person}")
        if is_quiet(last, query.now):
            days = (query.now - last).days if last else None
            figures = QuietFigures(last_recognised_at=last, days_since=days)
            rows.append(QuietRow(group=f"person:{person}", label=member.name, current=figures, previous=None))
    rows.sort(
        key=lambda row: (
            row.current.last_recognised_at is not None,
            row.current.last_recognised_at or query.now,
            row.label.casefold(),
        )
    )
    totals = QuietRow(
        group=query.scope,
        label=scope_label(query.scope, query.settings, found.names),
        current=QuietFigures(last_recognised_at=None, days_since=len(rows)),
        previous=None,
    )
    return answer(QuietPeopleReport, "quiet-people", query, totals, rows)


# -- dashboard ----------------------------------------------------------------------------------------

TREND = 6  # periods the dashboard's trend shows


class DashboardFigures(Model):
    people: int = Field(description="Active people in the scope now")
    giving: int = Field(description="People who gave in the period")
    receiving: int = Field(description="People who received in the period")
    share_giving: Decimal
    share_receiving: Decimal
    points_given: int = Field(description="Points of peer recognition given")
    points_received: int = Field(description="Points of peer recognition received")
    award_points_paid: int = Field(description="Points of milestone awards paid")
    points_redeemed: int = Field(
        description="Points people spent on redemptions, held or delivered, net of those returned (direct "
        "awards of items, paid from budgets, left out): as the rewards report counts them"
    )
    redemption_rate: Decimal | None = Field(
        description="points_redeemed / (points_received + award_points_paid), 4 decimals; null: none earned"
    )
    budget_spent: int | None = Field(
        description="Points spent from budgets (awards paid, direct awards net of returns): the "
        "organisation's only (null for a narrower scope)"
    )


DashboardRow = ReportRow[DashboardFigures]


class DashboardReport(Report[DashboardFigures]):
    """The HR dashboard in one call: the totals of the period (with the one before), and the trend of the
    last six periods of its kind as rows (oldest first, `group` the period's id)."""


def dashboard(query: ReportQuery) -> DashboardReport:
    """Two round trips: the caller and settings before; the scope's (and the budgets') counters of the
    six periods and the one before them, with the scope's headcount and name."""
    trend = periods_back(query.span, query.period, TREND)
    periods = list(dict.fromkeys([*([query.previous] if query.previous else []), *trend]))
    person = query.scope.startswith("person:")
    budgets = [(BUDGETS_SCOPE, period) for period in periods] if query.scope == "org" else []
    read = counters.read_figures(
        [*((query.scope, period) for period in periods), *budgets],
        headcounts=[] if person else [query.scope],
        people=_named([query.scope]),
    )
    found = read.counters
    people = 1 if person else read.headcounts[query.scope]

    def figures(period: str) -> DashboardFigures:
        deltas = found[(query.scope, period)]
        taking = _participation_of(people, person)(deltas)
        earned, redeemed = points_earned(deltas), points_redeemed(deltas)  # as the rewards report says
        spent = budget_burn(found[(BUDGETS_SCOPE, period)]) if budgets else None
        return DashboardFigures(
            people=people,
            giving=taking.giving,
            receiving=taking.receiving,
            share_giving=taking.share_giving,
            share_receiving=taking.share_receiving,
            points_given=int(deltas.get("points_given", 0)),
            points_received=int(deltas.get("points_received", 0)),
            award_points_paid=int(deltas.get("award_points_paid", 0)),
            points_redeemed=redeemed,
            redemption_rate=redemption_rate(redeemed, earned),
            budget_spent=spent,
        )

    names = read.names
    totals = DashboardRow(
        group=query.scope,
        label=scope_label(query.scope, query.settings, names),
        current=figures(query.period),
        previous=figures(query.previous) if query.previous else None,
    )
    rows = [
        DashboardRow(group=period, label=period, current=figures(period), previous=None) for period in trend
    ]
    return answer(DashboardReport, "dashboard", query, totals, rows)


# -- allowance utilisation ----------------------------------------------------------------------------


class AllowanceFigures(Model):
    granted: int | None = Field(
        description="The allowance the settings grant for the allowance periods beginning in the period "
        "(null: the period is shorter than an allowance period, or all time)"
    )
    given: int = Field(description="Points given (kudos, add-ons, reactions)")
    utilisation: Decimal | None = Field(description="given / granted, 4 decimals (null without granted)")


AllowanceRow = ReportRow[AllowanceFigures]


class AllowanceReport(Report[AllowanceFigures]):
    """Allowance given against granted, per person of a team (a manager's own; HR and finance name one
    with `manager=`) or a person's own, the totals their sums. Granted is what the settings grant each
    person's roles for the allowance periods beginning in the period."""


def allowance(query: ReportQuery) -> AllowanceReport:
    """Three round trips for a team of up to 50 (the caller and settings; the team; its counters of the
    period and the one before), two for a person's own."""
    if query.scope.startswith("person:") and query.viewer.profile is not None:
        me = query.viewer.profile
        people = {me.id: directory.TeamMember(me.name, tuple(me.roles))}
    elif query.scope.startswith("team:"):
        people = directory.team_members(query.scope.removeprefix("team:"))
    else:
        raise RuleViolation("error.report_by_team", code="invalid_request", details={"scope": query.scope})
    begun = {
        period: allowance_periods(query.span, period, query.settings.allowance_period)
        for period in query.periods
    }
    read = counters.read_figures(
        ((f"person:{person}", period) for person in people for period in query.periods),
        people=_named([query.scope]),
    )
    found = read.counters

    def figures(person: str, period: str) -> AllowanceFigures:
        given = int(found[(f"person:{person}", period)].get("points_given", 0))
        granted = None
        if begun[period]:
            roles = people[person].roles
            granted = sum(query.settings.allowance_of_roles(roles, started) for started in begun[period])
        return AllowanceFigures(given=given, granted=granted, utilisation=_ratio(given, granted))

    rows = [
        AllowanceRow(
            group=f"person:{person}",
            label=member.name,
            current=figures(person, query.period),
            previous=figures(person, query.previous) if query.previous else None,
        )
        for person, member in sorted(people.items(), key=lambda item: (item[1].name.casefold(), item[0]))
    ]

    def total(pick: Callable[[AllowanceRow], AllowanceFigures | None]) -> AllowanceFigures:
        figures = [f for row in rows if (f := pick(row)) is not None]
        granted = [f.granted for f in figures if f.granted is not None]
        given = sum(f.given for f in figures)
        summed = sum(granted) if granted else None
        return AllowanceFigures(given=given, granted=summed, utilisation=_ratio(given, summed))

    names = read.names
    totals = AllowanceRow(
        group=query.scope,
        label=scope_label(query.scope, query.settings, names),
        current=total(lambda row: row.current),
        previous=total(lambda row: row.previous) if query.previous else None,
    )
    return answer(AllowanceReport, "allowance", query, totals, rows)


def _ratio(given: int, granted: int | None) -> Decimal | None:
    return share(given, granted) if granted else None


# -- milestones ---------------------------------------------------------------------------------------

AWARD_STATES = ("paid", "pending", "granted")


class MilestoneFigures(Model):
    awards_paid: int
    award_points_paid: int
    awards_pending: int = Field(description="Awards waiting for their budget to be topped up")
    award_points_pending: int
    awards_granted: int = Field(description="Awards of a catalogue item only (no points)")
    award_points_corrected: int = Field(
        default=0, description="Points corrections took back (award_points_paid is net of them)"
    )


MilestoneRow = ReportRow[MilestoneFigures]


class MilestonesReport(Report[MilestoneFigures]):
    """Milestone awards paid, pending and granted in the scope, in total and by rule (`group` rule:<id>,
    `label` its name), in the periods of the day they were made; and the celebrations of the scope's
    people in the 30 days from today (the organisation's day)."""

    upcoming: list[Celebration] = Field(
        description="Celebrations from today through the next 29 days, by day: each enabled rule's "
        "occurrence that would award the person. A birthday its owner keeps private is listed only to HR "
        "and to its owner"
    )


CELEBRATION_COLUMNS = list(Celebration.model_fields)


def milestones_csv(report: MilestonesReport) -> tuple[list[str], list[list[object]]]:
    """The awards table (`table`), then one line per upcoming celebration (`row` celebration) in the
    celebration columns; each kind of line leaves the other's columns empty."""
    header, lines = table(report)
    blank = [None] * (len(header) - 3)
    awards = [line + [None] * len(CELEBRATION_COLUMNS) for line in lines]
    celebrations = [
        [report.period, report.previous_period, "celebration", *blank, *c.model_dump(mode="json").values()]
        for c in report.upcoming
    ]
    return header + CELEBRATION_COLUMNS, awards + celebrations


def _milestone_figures(deltas: Mapping[str, int], rule_id: str | None = None) -> MilestoneFigures:
    def figure(name: str, state: str) -> int:
        key = (
            award_rule_figure(state, rule_id, points=name == "award_points") if rule_id else f"{name}_{state}"
        )
        return int(deltas.get(key, 0))

    return MilestoneFigures(
        awards_paid=figure("awards", "paid"),
        award_points_paid=figure("award_points", "paid"),
        awards_pending=figure("awards", "pending"),
        award_points_pending=figure("award_points", "pending"),
        awards_granted=figure("awards", "granted"),
        award_points_corrected=figure("award_points", "corrected"),
    )


def milestones(query: ReportQuery) -> MilestonesReport:
    """The awards in three round trips: the caller and settings before; the scope's counters of the period
    and the one before (with its name); the names of the rules they count. The upcoming celebrations read
    the day index (plaudit.services.milestones.upcoming counts its round trips)."""
    found = counters.read_figures(
        ((query.scope, period) for period in query.periods), people=_named([query.scope])
    )
    rule_ids = sorted(
        {
            name.partition("_rule_")[2]
            for period in query.periods
            for name, value in found.counters[(query.scope, period)].items()
            if value and name.startswith(tuple(f"awards_{state}_rule_" for state in AWARD_STATES))
        }
    )
    names = milestone_store.rule_names(rule_ids) if rule_ids else {}

    def row(group: str, label: str, rule_id: str | None) -> MilestoneRow:
        current = _milestone_figures(found.counters[(query.scope, query.period)], rule_id)
        previous = None
        if query.previous:
            previous = _milestone_figures(found.counters[(query.scope, query.previous)], rule_id)
        return MilestoneRow(group=group, label=label, current=current, previous=previous)

    totals = row(query.scope, scope_label(query.scope, query.settings, found.names), None)
    rows = [row(f"rule:{rule_id}", names.get(rule_id, rule_id), rule_id) for rule_id in rule_ids]
    rows.sort(key=lambda r: (-r.current.awards_paid, r.label.casefold()))
    celebrations = upcoming(
        query.scope,
        query.today,
        viewer_id=query.viewer.profile.id if query.viewer.profile else None,
        private_birthdays=query.viewer.has_role(Role.HR_ADMIN),
    )
    return answer(MilestonesReport, "milestones", query, totals, rows, upcoming=celebrations)


REPORTS: list[ReportSpec] = [
    ReportSpec("allowance", AllowanceReport, allowance),
    ReportSpec("dashboard", DashboardReport, dashboard),
    ReportSpec("milestones", MilestonesReport, milestones, csv=milestones_csv),
    ReportSpec("participation", ParticipationReport, participation, groupings=tuple(GROUP_KINDS), paged=True),
    ReportSpec("quiet-people", QuietPeopleReport, quiet_people),
    ReportSpec("recognition", RecognitionReport, recognition, groupings=("value",)),
]
