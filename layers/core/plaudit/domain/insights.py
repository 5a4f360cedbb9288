"""Insights: the periods counters are kept for, the scopes they count in, and what each record adds.

Periods are named by ids that sort in time and are read in the ORGANISATION's time zone: `2026-W47` (ISO
week, Monday to Sunday), `2026-11`, `2026-Q4`, `2026`, and `all`. A record counts in the period of each
kind that contains its instant. Seasons (plaudit.domain.seasons) are one more period a record counts in:
the projection adds a record's season to what it counts all time (`in_season`).

Scopes name who a counter is about: `org`, `dept:<department>`, `country:<ISO code>`,
`team:<manager id>` (the manager's direct reports), `person:<id>`, `value:<slug>` and
`person:<id>/value:<slug>` (a person's peer recognition tagged with a value: what badges count). The
giver's side of a kudos counts where the giver was, each recipient's side where that recipient was, as
stamped on the record when it was written (so moving teams later changes nothing already counted).

Boards (leaderboards) count public peer recognition only (kudos, add-ons and reactions; never private
kudos), per board scope (`org`, `dept:<d>`, `value:<slug>`), period and side (`received`, `given`).

Two more scopes serve finance: `budgets` (each budget's spend, `spend_<budget id>`: awards paid and
direct awards of items, net of their refunds) and `liability` (the points in wallets and held for
redemptions: the change in each period, and in `all` the running total, from the ledger's transactions).

Rows are counters a report reads as a range rather than by key: (family, group, sort). `spend` rows hold
what each person received through redemptions (money by item type and currency) per month of delivery
(group: the month; sort: `<employee>#<country>#<manager>#<department>`, where the person was); `expiring`
rows count the live vouchers of a scope expiring on a day (group: the scope; sort: the day).
"""

import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from plaudit.domain.employees import Employee
from plaudit.domain.errors import RuleViolation
from plaudit.domain.model import Model


class Span(StrEnum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    ALL = "all"


class Side(StrEnum):
    RECEIVED = "received"
    GIVEN = "given"


class Stamp(Model):
    """Where a person was in the organisation when a record about them was written."""

    department: str | None = None
    manager_id: str | None = None
    country: str | None = None


def stamp_of(person: Employee) -> Stamp:
    return Stamp(department=person.department, manager_id=person.manager_id, country=person.country)


ALL_TIME = "all"
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


def period_id(kind: Span, day: date) -> str:
    """The id of the period of `kind` containing the local `day`."""
    if kind is Span.WEEK:
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if kind is Span.MONTH:
        return f"{day.year}-{day.month:02d}"
    if kind is Span.QUARTER:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if kind is Span.YEAR:
        return f"{day.year}"
    return ALL_TIME


def local_day(at: datetime, time_zone: str) -> date:
    return at.astimezone(ZoneInfo(time_zone)).date()


def period_ids(at: datetime, time_zone: str) -> list[str]:
    """Every period an instant counts in: its week, month, quarter, year, and all time."""
    day = local_day(at, time_zone)
    return [period_id(kind, day) for kind in Span]


def span_of(period: str) -> Span | None:
    """The kind of period an id names (None: not one of these, e.g. a season's)."""
    if period == ALL_TIME:
        return Span.ALL
    for kind, pattern in (
        (Span.WEEK, _WEEK),
        (Span.MONTH, _MONTH),
        (Span.QUARTER, _QUARTER),
        (Span.YEAR, _YEAR),
    ):
        if pattern.match(period):
            return kind
    return None


def person_value_scope(person_id: str, value: str) -> str:
    return f"person:{person_id}/value:{value}"


def period_start(kind: Span, text: str) -> date:
    """The first local day of the period `text` names (of `kind`); a malformed or impossible one is a
    422 `invalid_period`."""
    patterns = {
        Span.WEEK: _WEEK,
        Span.MONTH: _MONTH,
        Span.QUARTER: _QUARTER,
        Span.YEAR: _YEAR,
    }
    match = patterns[kind].match(text) if kind in patterns else None
    try:
        if match is None:
            raise ValueError(text)
        year = int(match.group(1))
        if kind is Span.WEEK:
            return date.fromisocalendar(year, int(match.group(2)), 1)
        if kind is Span.MONTH:
            return date(year, int(match.group(2)), 1)
        if kind is Span.QUARTER:
            return date(year, (int(match.group(2)) - 1) * 3 + 1, 1)
        return date(year, 1, 1)
    except ValueError as error:
        examples = {"week": "2026-W47", "month": "2026-11", "quarter": "2026-Q3", "year": "2026"}
        raise RuleViolation(
            "error.invalid_period",
            code="invalid_period",
            text=text,
            example=examples.get(kind.value, "all"),
            details={"period": kind.value, "at": text},
        ) from error


def resolve_period(kind: Span, at: str | None, now: datetime, time_zone: str) -> str:
    """The id of the period asked for: the current one (`at` None) or a past one, never a future one."""
    today = local_day(now, time_zone)
    if kind is Span.ALL:
        if at not in (None, ALL_TIME):
            raise RuleViolation("error.all_time_takes_no_at", code="invalid_period", details={"at": at})
        return ALL_TIME
    if at is None:
        return period_id(kind, today)
    if period_start(kind, at) > today:
        raise RuleViolation(
            "error.period_in_future",
            code="period_in_future",
            period=at,
            details={"at": at, "today": today.isoformat()},
        )
    return period_id(kind, period_start(kind, at))


# -- what a record adds -------------------------------------------------------------------------------

Counter = tuple[str, str]  # (scope, period id)
Row = tuple[str, str, str]  # (family, group, sort): see the module's docstring
BoardRow = tuple[str, str, str, str]  # (side, board scope, period id, person id)
Member = tuple[str, str, str, str]  # (scope, period id, role: giver|receiver, person id)
Deltas = dict[str, int]


@dataclass
class Contribution:
    """What some records add to the counters and boards, and the memberships behind unique counts."""

    counters: dict[Counter, Deltas] = field(default_factory=lambda: defaultdict(dict))
    boards: dict[BoardRow, Deltas] = field(default_factory=lambda: defaultdict(dict))
    members: set[Member] = field(default_factory=set)
    rows: dict[Row, Deltas] = field(default_factory=lambda: defaultdict(dict))
    marks: dict[Counter, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))

    def add(self, counter: Counter, **deltas: int) -> None:
        _merge(self.counters[counter], deltas)

    def add_row(self, row: Row, **deltas: int) -> None:
        _merge(self.rows[row], deltas)

    def mark(self, counter: Counter, **instants: str) -> None:
        """Latest instants (ISO 8601, UTC) a counter keeps beside its figures: the latest wins."""
        for name, at in instants.items():
            self.marks[counter][name] = max(self.marks[counter].get(name, at), at)

    def add_board(self, row: BoardRow, **deltas: int) -> None:
        _merge(self.boards[row], deltas)

    def merge(self, other: "Contribution", sign: int = 1) -> None:
        for counter, deltas in other.counters.items():
            _merge(self.counters[counter], {k: sign * v for k, v in deltas.items()})
        for row, deltas in other.boards.items():
            _merge(self.boards[row], {k: sign * v for k, v in deltas.items()})
        for row, deltas in other.rows.items():
            _merge(self.rows[row], {k: sign * v for k, v in deltas.items()})
        if sign > 0:
            self.members |= other.members
            for counter, instants in other.marks.items():
                self.mark(counter, **instants)


def _merge(into: Deltas, deltas: Mapping[str, int]) -> None:
    for name, value in deltas.items():
        into[name] = into.get(name, 0) + value


@dataclass(frozen=True)
class PeerAct:
    """One act of peer recognition as the projection sees it: a kudos (`kind` kudos or reaction) or an
    add-on. `shares`: points each recipient received; `stamps`: where each person was."""

    kind: str  # kudos | reaction | add_on
    giver_id: str
    shares: Mapping[str, int]
    values: tuple[str, ...]
    at: datetime
    on_board: bool  # public: private kudos (and add-ons to them) never count on a board
    stamps: Mapping[str, Stamp]
    time_zone: str | None = None  # the organisation's when it happened (None: records from before stamps)


_COUNT_NAMES = {"kudos": "kudos", "reaction": "reactions", "add_on": "add_ons"}


def person_scopes(person_id: str, stamp: Stamp | None) -> list[str]:
    """Every scope a person's side of a record counts in (values aside)."""
    scopes = ["org", f"person:{person_id}"]
    if stamp is not None and stamp.department:
        scopes.append(f"dept:{stamp.department}")
    if stamp is not None and stamp.country:
        scopes.append(f"country:{stamp.country}")
    if stamp is not None and stamp.manager_id:
        scopes.append(f"team:{stamp.manager_id}")
    return scopes


def headcount_scopes(person: Employee | None) -> set[str]:
    """The scopes a person counts in the headcount of now (none when they are not active, or a bot)."""
    if person is None or not person.active or person.is_bot:
        return set()
    return {scope for scope in person_scopes(person.id, stamp_of(person)) if not scope.startswith("person:")}


def directory_counts(people: Iterable[Employee]) -> tuple[dict[str, int], dict[tuple[str, str], Employee]]:
    """What the directory's counts should be: each scope's headcount, and each listing of a person in their
    manager's team by (manager id, employee id), as profile_writes keeps them."""
    heads: dict[str, int] = {}
    teams: dict[tuple[str, str], Employee] = {}
    for person in people:
        scopes = headcount_scopes(person)
        for scope in scopes:
            heads[scope] = heads.get(scope, 0) + 1
        if scopes and person.manager_id:
            teams[(person.manager_id, person.id)] = person
    return heads, teams


def board_scopes(stamp: Stamp | None, values: Iterable[str]) -> list[str]:
    scopes = ["org"]
    if stamp is not None and stamp.department:
        scopes.append(f"dept:{stamp.department}")
    return scopes + [f"value:{value}" for value in values]


def contribution_of(act: PeerAct, time_zone: str) -> Contribution:
    """What one act adds: counts and points on each side, in every period and scope it belongs to. Periods
    are read in the organisation's time zone when the act happened (`time_zone`: today's, for records
    written before acts carried theirs): a later change of zone moves no figure already counted."""
    out = Contribution()
    count_name = _COUNT_NAMES[act.kind]
    periods = period_ids(act.at, act.time_zone or time_zone)
    values = [f"value:{value}" for value in act.values]
    total = sum(act.shares.values())
    giver_stamp = act.stamps.get(act.giver_id)
    giver_values = [person_value_scope(act.giver_id, value) for value in act.values]
    for period in periods:
        for scope in person_scopes(act.giver_id, giver_stamp) + values + giver_values:
            out.add((scope, period), **{f"{count_name}_given": 1, "points_given": total})
            if not scope.startswith("person:"):
                out.members.add((scope, period, "giver", act.giver_id))
        for rid, points in act.shares.items():
            received_values = [person_value_scope(rid, value) for value in act.values]
            for scope in person_scopes(rid, act.stamps.get(rid)) + values + received_values:
                out.add((scope, period), **{f"{count_name}_received": 1, "points_received": points})
                if not scope.startswith("person:"):
                    out.members.add((scope, period, "receiver", rid))
            if period == ALL_TIME:  # when the person was last recognised (quiet people)
                out.mark((f"person:{rid}", ALL_TIME), last_received_at=_utc(act.at))
        if act.on_board:
            for scope in board_scopes(giver_stamp, act.values):
                out.add_board((Side.GIVEN, scope, period, act.giver_id), points=total, kudos=1)
            for rid, points in act.shares.items():
                for scope in board_scopes(act.stamps.get(rid), act.values):
                    out.add_board((Side.RECEIVED, scope, period, rid), points=points, kudos=1)
    return out


def _utc(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="milliseconds")


def undo_of(act: PeerAct, time_zone: str) -> Contribution:
    """A reaction taken back: its counts and points come off again (the people stay among the period's
    givers and receivers: they did give and receive in it)."""
    undone = Contribution()
    undone.merge(contribution_of(act, time_zone), sign=-1)
    return undone


def award_contribution(
    employee_id: str,
    stamp: Stamp | None,
    budget_id: str | None,
    points: int,
    at: datetime,
    time_zone: str,
    rule_id: str | None = None,
    **counts: int,
) -> Contribution:
    """A milestone award's figures where its person was, in the periods of the day it was made: `counts`
    of paid, pending and granted (item only) awards, each with its points (awards_paid=1 and
    award_points_paid=points...), in total and by its rule (awards_paid_rule_<rule id>...); a pending award
    paid later moves from pending to paid. Paid points also count as their budget's spend (`budget:<id>`)."""
    out = Contribution()
    deltas: Deltas = {}
    for state, count in counts.items():
        deltas[f"awards_{state}"] = count
        if rule_id:
            deltas[award_rule_figure(state, rule_id)] = count
        if state != "granted":
            deltas[f"award_points_{state}"] = count * points
            if rule_id:
                deltas[award_rule_figure(state, rule_id, points=True)] = count * points
    for period in period_ids(at, time_zone):
        for scope in person_scopes(employee_id, stamp):
            out.add((scope, period), **deltas)
        if budget_id and counts.get("paid"):
            out.add((f"budget:{budget_id}", period), award_points_paid=counts["paid"] * points)
            out.add((BUDGETS_SCOPE, period), **{spend_name(budget_id): counts["paid"] * points})
    return out


def award_correction_contribution(
    employee_id: str,
    stamp: Stamp | None,
    budget_id: str | None,
    points: int,
    at: datetime,
    time_zone: str,
    rule_id: str | None = None,
) -> Contribution:
    """A correction of a paid award (`at`: when the award was made): its points taken back come off what
    the award paid, where and when it counted (in total, by its rule, as its budget's spend), and count as
    corrected (award_points_corrected), so every report says what was paid net of corrections."""
    out = Contribution()
    deltas: Deltas = {"award_points_paid": -points, "award_points_corrected": points}
    if rule_id:
        deltas[award_rule_figure("paid", rule_id, points=True)] = -points
        deltas[award_rule_figure("corrected", rule_id, points=True)] = points
    for period in period_ids(at, time_zone):
        for scope in person_scopes(employee_id, stamp):
            out.add((scope, period), **deltas)
        if budget_id:
            out.add((f"budget:{budget_id}", period), award_points_paid=-points)
            out.add((BUDGETS_SCOPE, period), **{spend_name(budget_id): -points})
    return out


def item_award_correction_contribution(
    employee_id: str, stamp: Stamp | None, budget_id: str, points: int, at: datetime, time_zone: str
) -> Contribution:
    """A delivered direct item award taken back (its voucher cancelled, `at`: when it was given): its points
    come off its budget's spend where the award counted them, as a returned one's do."""
    out = Contribution()
    for period in period_ids(at, time_zone):
        out.add((BUDGETS_SCOPE, period), **{spend_name(budget_id): -points})
        for scope in person_scopes(employee_id, stamp):
            out.add((scope, period), redemption_points_from_budgets=-points)
    return out


def award_rule_figure(state: str, rule_id: str, *, points: bool = False) -> str:
    """The counter figure of one rule's awards (or their points) in a state."""
    return f"{'award_points' if points else 'awards'}_{state}_rule_{rule_id}"


BUDGETS_SCOPE = "budgets"
LIABILITY_SCOPE = "liability"
SPEND_ROWS = "spend"
EXPIRING_ROWS = "expiring"


def spend_name(budget_id: str) -> str:
    """The `budgets` counter's figure of one budget's spend."""
    return f"spend_{budget_id}"


def spend_sort(employee_id: str, stamp: Stamp | None) -> str:
    """A spend row's sort: the person and where they were (department last: it may hold any text)."""
    stamp = stamp or Stamp()
    return "#".join([employee_id, stamp.country or "", stamp.manager_id or "", stamp.department or ""])


def spend_row_parts(sort: str) -> tuple[str, Stamp]:
    employee_id, country, manager_id, department = sort.split("#", 3)
    return employee_id, Stamp(
        department=department or None, manager_id=manager_id or None, country=country or None
    )


# How long a redemption waited for its approval, in buckets of at most so many hours (the median and the
# 90th percentile are read as the bucket they fall in: "at most N hours"); longer waits count in `over`.
APPROVAL_BUCKETS = (1, 4, 8, 24, 48, 72, 120, 168, 336)


def approval_bucket(seconds: int) -> str:
    for hours in APPROVAL_BUCKETS:
        if seconds <= hours * 3600:
            return f"approval_le_{hours}h"
    return "approval_over"


def liability_contribution(points: int, held: int, at: datetime, time_zone: str) -> Contribution:
    """A ledger transaction's change to the points in wallets (`points`) and held for redemptions
    (`held`), in the periods of the day it happened (`all`: the running totals)."""
    out = Contribution()
    deltas = {name: value for name, value in (("points_outstanding", points), ("points_held", held)) if value}
    if deltas:
        for period in period_ids(at, time_zone):
            out.add((LIABILITY_SCOPE, period), **deltas)
    return out


@dataclass(frozen=True)
class RedemptionFacts:
    """What the figures need of a redemption (amount: the denomination in hundredths of its currency)."""

    employee_id: str
    stamp: Stamp | None
    points: int
    currency: str
    amount: int
    item_type: str
    fulfilment: str
    at: datetime  # when it was requested: every figure of it counts in that day's periods
    item_id: str = ""
    budget_id: str | None = None  # a direct award of an item: the budget that paid for it
    approved_at: datetime | None = None  # when a person approved it (it waited for approval)
    settled_at: datetime | None = None  # when it was delivered (its spend row's month)


def redemption_contribution(facts: RedemptionFacts, time_zone: str, step: str) -> Contribution:
    """One step of a redemption: `requested` (count and points, by item type and fulfilment method),
    `approved` (by a person: the wait, in seconds and in its bucket), `settled` (delivered: count, points
    and money by currency, item, item type and fulfilment method; and the person's spend row in the month
    of delivery) or `returned` (rejected, cancelled or failed: its points went back). A direct award's
    points count as its budget's spend when requested, and back when returned."""
    out = Contribution()
    periods = period_ids(facts.at, time_zone)
    money = f"{facts.currency}_hundredths"
    if step == "approved":
        waited = max(0, int(((facts.approved_at or facts.at) - facts.at).total_seconds()))
        deltas = {"approvals": 1, "approval_seconds": waited, approval_bucket(waited): 1}
    elif step == "requested":
        deltas = {
            "redemptions_requested": 1,
            "redemption_points_requested": facts.points,
            f"redemptions_type_{facts.item_type}": 1,
            f"redemptions_method_{facts.fulfilment}": 1,
        }
    elif step == "settled":
        deltas = {
            "redemptions_settled": 1,
            "redemption_points_settled": facts.points,
            f"redeemed_{money}": facts.amount,
            f"spent_item_{facts.item_id}_{money}": facts.amount,
            f"spent_type_{facts.item_type}_{money}": facts.amount,
            f"spent_method_{facts.fulfilment}_{money}": facts.amount,
        }
        month = period_id(Span.MONTH, local_day(facts.settled_at or facts.at, time_zone))
        out.add_row(
            (SPEND_ROWS, month, spend_sort(facts.employee_id, facts.stamp)),
            **{f"{facts.item_type}_{money}": facts.amount},
        )
    else:
        deltas = {"redemptions_returned": 1, "redemption_points_returned": facts.points}
    for period in periods:
        for scope in person_scopes(facts.employee_id, facts.stamp):
            out.add((scope, period), **deltas)
        if facts.budget_id and step in ("requested", "returned"):
            sign = 1 if step == "requested" else -1
            out.add((BUDGETS_SCOPE, period), **{spend_name(facts.budget_id): sign * facts.points})
            for scope in person_scopes(facts.employee_id, facts.stamp):
                out.add((scope, period), redemption_points_from_budgets=sign * facts.points)
    return out


def voucher_contribution(
    employee_id: str,
    stamp: Stamp | None,
    at: datetime,
    time_zone: str,
    step: str,
    expires_on: date | None = None,
) -> Contribution:
    """A voucher `step` (issued, delivered, redeemed, expired or cancelled) where its owner was, in the
    periods of the day it was issued. A voucher with a last valid day counts among the live ones expiring
    that day from its issue until it is redeemed, expires or is cancelled (its owner erased)."""
    out = Contribution()
    for period in period_ids(at, time_zone):
        for scope in person_scopes(employee_id, stamp):
            out.add((scope, period), **{f"vouchers_{step}": 1})
    if expires_on is not None and step in ("issued", "redeemed", "expired", "cancelled"):
        for scope in person_scopes(employee_id, stamp):
            out.add_row((EXPIRING_ROWS, scope, expires_on.isoformat()), live=1 if step == "issued" else -1)
    return out


BOTH = "both"  # the membership role of someone who gave and received in a scope and period


def unique_counts(members: Iterable[Member]) -> dict[Counter, Deltas]:
    """unique_givers / unique_receivers / unique_both per counter, from the memberships new to it."""
    counts: dict[Counter, Deltas] = defaultdict(dict)
    for scope, period, role, _ in members:
        _merge(counts[(scope, period)], {"unique_both" if role == BOTH else f"unique_{role}s": 1})
    return counts


def counterpart(member: Member) -> Member:
    """The other role's membership of the same person, scope and period."""
    scope, period, role, person = member
    return scope, period, "receiver" if role == "giver" else "giver", person


def completed_pairs(new: Iterable[Member], held: Collection[Member]) -> dict[Member, Member]:
    """The `both` memberships that new giver or receiver memberships complete (their counterpart is
    `held`, or new too), each with the new membership that completes it (the giver's, when both are
    new): a person counts once among those who both gave and received in a scope and period."""
    completed: dict[Member, Member] = {}
    for member in sorted(new):
        scope, period, role, person = member
        if role != BOTH and counterpart(member) in held:
            completed.setdefault((scope, period, BOTH, person), member)
    return completed


# -- leaderboards -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    person_id: str
    points: int
    kudos: int
    rank: int


def ranked(rows: Iterable[tuple[str, int, int]], by: str) -> list[Standing]:
    """Standings in order, ties sharing a rank (1, 2, 2, 4). rows: (person, points, kudos), best first
    by `by` (points or kudos); the other figure breaks no tie."""
    standings: list[Standing] = []
    previous: Any = None
    for position, (person, points, kudos) in enumerate(rows, start=1):
        score = points if by == "points" else kudos
        rank = standings[-1].rank if standings and score == previous else position
        standings.append(Standing(person, points, kudos, rank))
        previous = score
    return standings
