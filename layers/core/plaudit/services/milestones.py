"""Milestone rules and the awards they make: the scheduled run (each person in their own time zone, with
catch-up), on-demand runs of a day, HRIS events, and awards waiting for a budget top-up.

Every occurrence (rule, person, year or event id) has a derived award id; the award item is written with
put_new in the same transaction as the money, so however many runs and webhooks point at an occurrence,
one award and one ledger transaction exist.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field, ValidationError

from plaudit.domain.access import SYSTEM, Caller, require_role
from plaudit.domain.budgets import OUTSIDE_SCOPE, Budget, managers_above
from plaudit.domain.employees import Employee, Role
from plaudit.domain.errors import Conflict, Forbidden, Money, NotFound, RuleViolation
from plaudit.domain.hris import NamedEvent
from plaudit.domain.ids import derived_id
from plaudit.domain.insights import person_scopes, stamp_of
from plaudit.domain.ledger import Balance, Posting, Transaction, TxnKind, budget_account, employee_account
from plaudit.domain.milestone_rules import MilestoneRule, RuleSpec, RuleType, RuleVersion
from plaudit.domain.milestones import (
    DaySlice,
    Occurrence,
    announces,
    award_id,
    due_instant,
    event_occurrence,
    month_days_on,
    occurrence_on,
    points_of,
    render,
    skip_reason,
    window_slices,
)
from plaudit.domain.model import Model
from plaudit.domain.settings import OrgSettings
from plaudit.services import metrics
from plaudit.services.replays import KEY_EXPIRED
from plaudit.services.retry import attempts
from plaudit.services.runtime import new_id, now, stored_now
from plaudit.services.trail import Act, actor_of, record
from plaudit.store import keys, snapshots
from plaudit.store import milestones as store
from plaudit.store.budgets import balance_of, budget_from
from plaudit.store.employees import employee_from, list_employees
from plaudit.store.reads import get_many, get_one
from plaudit.store.settings import settings_from
from plaudit.store.transact import Write, WriteRefused, write_all

MAX_HISTORY = 20
DEFAULT_WINDOW = timedelta(hours=1)
MAX_CATCH_UP = timedelta(days=35)
LATEST_OFFSET = timedelta(hours=14)  # the easternmost zone (UTC+14) is the first where a day begins
BATCH = 100
SCHEDULED = (RuleType.WORK_ANNIVERSARY, RuleType.BIRTHDAY, RuleType.DAYS_AFTER_START)
Status = Literal["pending", "paid", "granted", "cancelled"]  # cancelled: its campaign was, while pending


class AwardView(Model):
    id: str
    rule_id: str
    rule_name: str
    employee_id: str
    employee_name: str
    occurrence: str
    day: date
    points: int
    budget_id: str | None = None
    catalog_item_id: str | None = None
    status: Status
    announce: bool
    source: str
    created_at: datetime
    paid_at: datetime | None = None
    corrected_points: int = Field(
        default=0, description="Points corrections took back (POST /v1/corrections)"
    )


class Skip(Model):
    employee_id: str
    rule_id: str
    reason: str


class RunReport(Model):
    days: list[date]
    dry_run: bool
    awarded: list[AwardView] = []
    pending: list[AwardView] = []
    already_awarded: int = 0
    skipped: list[Skip] = []
    reminders: int = 0
    items_read: int = 0
    window_start: datetime | None = None
    window_end: datetime | None = None
    skipped_before: datetime | None = None  # a scheduled run more than 35 days behind: not caught up


# --- rules ---------------------------------------------------------------------------------------------


def create_rule(caller: Caller, spec: RuleSpec) -> MilestoneRule:
    _require_hr(caller, spec.budget_id)
    _require_item(spec)
    at = stored_now()
    rule = MilestoneRule(**spec.model_dump(), id=new_id("rule"), created_at=at, updated_at=at)
    act = Act(actor_of(caller), "milestone_rule.create", f"milestone_rule:{rule.id}", after=_rule_doc(rule))
    record([store.rule_write(rule, previous_version=None)], act)
    return rule


def get_rule(caller: Caller, rule_id: str) -> MilestoneRule:
    _require_hr(caller)
    return _live_rule(rule_id)


def list_rules(
    caller: Caller, *, limit: int = 50, cursor: str | None = None
) -> tuple[list[MilestoneRule], str | None]:
    """Live rules in id (creation) order; a page may hold fewer than `limit` where rules were deleted."""
    _require_hr(caller)
    page = store.rules_page(limit=limit, cursor=cursor)
    return [rule for item in page.items if (rule := store.rule_from(item))], page.cursor


def replace_rule(caller: Caller, rule_id: str, spec: RuleSpec) -> MilestoneRule:
    """The new version applies from now on; the one it replaces joins the history (the newest 20 kept),
    so occurrences caught up later are judged by the version in force on their day."""
    _require_hr(caller, spec.budget_id)
    _require_item(spec)
    for _ in attempts():
        old = _live_rule(rule_id)
        replaced = RuleVersion(
            **old.model_dump(include=set(RuleSpec.model_fields)), effective_from=old.updated_at
        )
        rule = MilestoneRule(
            **spec.model_dump(),
            id=old.id,
            created_at=old.created_at,
            updated_at=max(stored_now(), old.updated_at),
            version=old.version + 1,
            history=[replaced, *old.history][:MAX_HISTORY],
        )
        act = Act(
            actor_of(caller),
            "milestone_rule.replace",
            f"milestone_rule:{rule.id}",
            before=_rule_doc(old),
            after=_rule_doc(rule),
        )
        try:
            record([store.rule_write(rule, previous_version=old.version)], act)
        except WriteRefused as refused:
            if refused.refused("rule"):
                continue
            raise
        return rule
    raise Conflict("error.rule_busy", code="concurrent_update")


def delete_rule(caller: Caller, rule_id: str) -> None:
    """A soft delete: the rule awards nothing more, its awards stay explainable."""
    _require_hr(caller)
    for _ in attempts():
        rule = _live_rule(rule_id)
        act = Act(
            actor_of(caller), "milestone_rule.delete", f"milestone_rule:{rule.id}", before=_rule_doc(rule)
        )
        try:
            record([store.rule_write(rule, previous_version=rule.version, deleted_at=stored_now())], act)
        except WriteRefused as refused:
            if refused.refused("rule"):
                continue
            raise
        return
    raise Conflict("error.rule_busy", code="concurrent_update")


def _rule_doc(rule: MilestoneRule) -> dict[str, Any]:
    """A rule as the trail diffs it: without the history of earlier versions (the trail holds those)."""
    return rule.model_dump(mode="json", exclude={"history"})


def _live_rule(rule_id: str) -> MilestoneRule:
    rule = store.rule_from(store.get_rule_item(rule_id))
    if rule is None:
        raise NotFound("error.rule_not_found", code="rule_not_found")
    return rule


def _require_hr(caller: Caller, budget_id: str | None = None) -> None:
    snap = snapshots.load(employees=[caller.employee_id], budgets=[budget_id] if budget_id else [])
    require_role(snap.identify(caller), Role.HR_ADMIN)
    if budget_id and snap.budget_item(budget_id) is None:
        raise RuleViolation(
            "error.unknown_budget",
            code="unknown_budget",
            details={"budget_id": budget_id},
            budget_id=budget_id,
        )


def _require_item(spec: RuleSpec) -> None:
    """A rule's catalogue item exists and has the rule's denomination (each person's restrictions are
    checked when the item is given)."""
    if spec.catalog_item_id is None or spec.catalog_denomination is None:
        return
    from plaudit.domain.catalog import refuse_instant  # only rules with an item need the catalogue
    from plaudit.store.catalog import item_from

    item = item_from(get_one(keys.catalog_item(spec.catalog_item_id)))
    if item is None:
        raise RuleViolation(
            "error.unknown_catalog_item",
            code="unknown_catalog_item",
            item_id=spec.catalog_item_id,
            details={"catalog_item_id": spec.catalog_item_id},
        )
    refuse_instant(item)
    if item.denominations is None or not item.denominations.admits(spec.catalog_denomination):
        raise RuleViolation(
            "error.item_denomination_missing",
            code="bad_denomination",
            item=item.name,
            amount=Money(spec.catalog_denomination, item.currency),
            details={"catalog_item_id": item.id},
        )


# --- runs ----------------------------------------------------------------------------------------------


def run_due(at: datetime) -> RunReport:
    """The scheduled run: everyone whose celebration instant (their local date at the celebration hour)
    fell since the stored watermark, up to `at`; then the watermark moves to `at`."""
    through = store.run_watermark()
    start, skipped_before = through or at - DEFAULT_WINDOW, None
    if start < at - MAX_CATCH_UP:
        skipped_before, start = start, at - MAX_CATCH_UP
    run = _Run.begin(dry_run=False, source="schedule", reads=1)
    run.report.window_start, run.report.window_end, run.report.skipped_before = start, at, skipped_before
    if start < at:
        run.process(window_slices(start, at, run.settings.celebration_hour))
    run.pay_waiting()
    if through is None or at > through:
        try:
            write_all([store.watermark_write(at, through)])
        except WriteRefused as refused:
            if not refused.refused("watermark"):  # another run claimed this progress: awards are once anyway
                raise
    return run.report


def run_day(caller: Caller, day: date, *, dry_run: bool = False) -> RunReport:
    """Everyone whose milestone falls on `day`, whatever their time zone; the watermark is left alone.
    A dry run reports what would be awarded and writes nothing; only a dry run may look at a day that
    has not begun anywhere yet (paying early would leave nothing for the day itself)."""
    _require_hr(caller)
    latest = (now() + LATEST_OFFSET).date()
    if day > latest and not dry_run:
        raise RuleViolation(
            "error.future_day",
            code="future_day",
            day=day,
            details={"latest": latest.isoformat()},
        )
    run = _Run.begin(dry_run=dry_run, source="manual", actor=actor_of(caller))
    run.process([DaySlice(day)])
    return run.report


def award_event(event: NamedEvent, *, source: str = "hris") -> list[AwardView]:
    """An HRIS event takes the award path of the schedule: named events award their hris_event rules once
    per event id; "work_anniversary"/"birthday" events are the same occurrences the schedule awards.
    Returns the event's awards, made now or earlier."""
    run = _Run.begin(dry_run=False, source=source, actor=f"hris:{source}")
    employee = run.employees([event.employee_id]).get(event.employee_id)
    if employee is None:
        raise RuleViolation(
            "error.unknown_employee",
            code="unknown_employee",
            employee_id=event.employee_id,
            details={"employee_id": event.employee_id},
        )
    at = stored_now()
    due = []
    for rule in run.rules:
        version = rule.as_of(at)
        occurrence = event_occurrence(
            version or rule, employee, event.name, event.event_id, event.occurred_on
        )
        if occurrence is not None and skip_reason(version, employee, occurrence) is None:
            due.append((rule, version, employee, occurrence))
    return run.award_all(due)


def pay_pending(budget_id: str, *, limit: int = 100) -> list[AwardView]:
    """Pay the budget's waiting awards, oldest first, one transaction each, until it cannot cover one."""
    paid: list[AwardView] = []
    for entry in store.pending_entries(budget_id, limit=limit):
        award = get_one(keys.award(entry.award_id))
        if award is None or award.get("status") != "pending":
            write_all([store.forget_pending_write(entry.key)])
            continue
        at = stored_now()
        writes = store.pending_paid_writes(award, entry.key, _award_txn(award, at), at)
        kind, _, campaign_id = str(award.get("rule_id") or "").partition(":")
        if kind == "campaign":  # its campaign's progress counts it paid now
            from plaudit.store.campaigns import counts_write

            writes.append(counts_write(campaign_id, paid=1, pending=-1))
        try:
            write_all(writes)
        except WriteRefused as refused:
            if refused.refused("award") or refused.refused_any("txn:"):
                continue  # paid by a concurrent call
            if refused.refused(f"budget:{budget_id}") or refused.contended:
                return paid  # the budget cannot cover it (or is busy): the rest wait for the next call
            raise
        paid.append(AwardView.model_validate(award | {"status": "paid", "paid_at": keys.iso(at)}))
    return paid


def list_awards(
    caller: Caller, *, status: str | None, employee_id: str | None, limit: int, cursor: str | None
) -> tuple[list[AwardView], str | None]:
    """HR and finance see every award; a person their own. Newest first; a page may hold fewer than
    `limit` when filtered."""
    caller = snapshots.load(employees=[caller.employee_id]).identify(caller)
    if not caller.has_role(Role.HR_ADMIN, Role.FINANCE):
        if not caller.is_person:
            raise Forbidden("error.not_in_directory", code="not_in_directory")
        if employee_id != caller.employee_id:
            raise Forbidden("error.own_awards_only", code="forbidden")
    page = store.awards_page(status=status, employee_id=employee_id, limit=limit, cursor=cursor)
    return [AwardView.model_validate(item) for item in page.items], page.cursor


UPCOMING_DAYS = 30


class Celebration(Model):
    """A milestone coming up: one rule's occurrence for one person on a day."""

    day: date
    employee_id: str
    name: str
    kind: RuleType = Field(description="work_anniversary, birthday or days_after_start")
    years: int | None = Field(description="The years a work anniversary completes (null otherwise)")
    rule_id: str
    rule_name: str


def upcoming(scope: str, today: date, *, viewer_id: str | None, private_birthdays: bool) -> list[Celebration]:
    """The celebrations of the `UPCOMING_DAYS` days from `today` of the people in a report's scope, from
    the day index's month partitions (never the directory). A birthday its owner keeps private is listed
    only when `private_birthdays` (HR) or to its owner. Round trips: the rules (one Query), one Query per
    scheduled kind and calendar month the window touches (2 each for anniversaries and birthdays; for
    days-after-start rules, the months of the start dates they look back to), the people (a BatchGetItem
    per 100)."""
    rules = [rule for rule in store.all_rules()[0] if rule.enabled and rule.type in SCHEDULED]
    kinds: Kinds = {}
    for rule in rules:
        kinds.setdefault(rule.type, set()).add(rule.days_after_start or 0)
    window = [today + timedelta(days=n) for n in range(UPCOMING_DAYS)]
    candidates: dict[tuple[date, str], set[RuleType]] = {}
    for kind, index_kind in (
        (RuleType.WORK_ANNIVERSARY, store.ANNIVERSARY),
        (RuleType.BIRTHDAY, store.BIRTHDAY),
    ):
        if kind in kinds:
            on = {md: day for day in window for md in month_days_on(day)}
            for md, person in _month_entries(index_kind, on):
                candidates.setdefault((on[md], person), set()).add(kind)
    if RuleType.DAYS_AFTER_START in kinds:
        starts: dict[str, list[date]] = {}
        for n in sorted(kinds[RuleType.DAYS_AFTER_START]):
            for day in window:
                starts.setdefault((day - timedelta(days=n)).isoformat(), []).append(day)
        for start, person in _month_entries(store.START, starts):
            for day in starts[start]:
                candidates.setdefault((day, person), set()).add(RuleType.DAYS_AFTER_START)
    wanted = list(dict.fromkeys(keys.employee(person) for _, person in candidates))
    found: dict[keys.Key, dict[str, Any]] = {}
    for n in range(0, len(wanted), BATCH):
        found |= get_many(wanted[n : n + BATCH])
    people = {item["id"]: person for item in found.values() if (person := employee_from(item))}
    celebrations = []
    for (day, person_id), day_kinds in candidates.items():
        person = people.get(person_id)
        if person is None or scope not in person_scopes(person.id, stamp_of(person)):
            continue
        if not (person.public_birthday or private_birthdays or person.id == viewer_id):
            day_kinds = day_kinds - {RuleType.BIRTHDAY}
        for rule in (rule for rule in rules if rule.type in day_kinds):
            occurrence = occurrence_on(rule, person, day)
            if occurrence is None or skip_reason(rule, person, occurrence) is not None:
                continue
            celebrations.append(
                Celebration(
                    day=day,
                    employee_id=person.id,
                    name=person.name,
                    kind=rule.type,
                    years=occurrence.years,
                    rule_id=rule.id,
                    rule_name=rule.name,
                )
            )
    return sorted(celebrations, key=lambda c: (c.day, c.name.casefold(), c.employee_id, c.rule_name))


def rebuild_day_index(caller: Caller) -> int:
    """Write the day-index entries of everyone in the directory (profiles saved before the index existed;
    save_employee keeps it true from then on). Returns the number of people read."""
    _require_hr(caller)
    count, cursor = 0, None
    while True:
        page = list_employees(limit=100, cursor=cursor)
        people = [employee for item in page.items if (employee := employee_from(item))]
        store.put_index_entries(people)
        count += len(people)
        cursor = page.cursor
        if cursor is None:
            return count


# --- the award path ------------------------------------------------------------------------------------

Due = tuple[MilestoneRule, RuleSpec, Employee, Occurrence]
Kinds = dict[RuleType, set[int]]  # scheduled rule types, with the Ns of days_after_start rules


@dataclass
class _Run:
    dry_run: bool
    source: str
    settings: OrgSettings
    rules: list[MilestoneRule]
    report: RunReport
    actor: str | None = None  # who asked for the run (a manual run, an HRIS event): its awards are chained
    balances: dict[str, int] = field(default_factory=dict)

    @classmethod
    def begin(cls, *, dry_run: bool, source: str, reads: int = 0, actor: str | None = None) -> "_Run":
        """`actor`: the awards are administrative acts of theirs, in the trail; the schedule's are not."""
        rules, rule_reads = store.all_rules()
        settings_item = get_one(keys.SETTINGS)
        report = RunReport(days=[], dry_run=dry_run, items_read=reads + rule_reads + 1)
        return cls(dry_run, source, settings_from(settings_item), rules, report, actor)

    def read(self, count: int) -> None:
        self.report.items_read += count

    def employees(self, ids: Iterable[str]) -> dict[str, Employee]:
        found = self._get([keys.employee(employee_id) for employee_id in ids])
        return {item["id"]: employee for item in found.values() if (employee := employee_from(item))}

    def _get(self, wanted: list[keys.Key]) -> dict[keys.Key, dict[str, Any]]:
        wanted, found = list(dict.fromkeys(wanted)), {}
        for n in range(0, len(wanted), BATCH):
            found |= get_many(wanted[n : n + BATCH])
        self.read(len(found))
        return found

    def process(self, slices: list[DaySlice]) -> None:
        self.report.days = sorted({s.day for s in slices})
        candidates = self._candidates(slices, lambda s: [(s.day, _kinds(self.rules))])
        people = self.employees({employee_id for employee_id, _ in candidates})
        due: list[Due] = []
        for (employee_id, day), kinds in candidates.items():
            employee = people.get(employee_id)
            if employee is None:
                continue
            instant = due_instant(day, self.settings.celebration_hour, employee.time_zone)
            for rule in self.rules:
                version = rule.as_of(instant)
                occurrence = occurrence_on(version or rule, employee, day)
                if occurrence is None or (version or rule).type not in kinds:
                    continue
                if reason := skip_reason(version, employee, occurrence):
                    self.report.skipped.append(Skip(employee_id=employee.id, rule_id=rule.id, reason=reason))
                    continue
                due.append((rule, version, employee, occurrence))
        self.award_all(due)
        self._remind(slices)

    def _candidates(
        self, slices: list[DaySlice], targets: Callable[[DaySlice], list[tuple[date, Kinds]]]
    ) -> dict[tuple[str, date], set[RuleType]]:
        """(person, day) -> the kinds of milestone the day index lists them for. `targets` names, for each
        slice, the days whose milestones to look up (the slice's own, or days ahead for reminders)."""
        found: dict[tuple[str, date], set[RuleType]] = {}
        for day_slice in slices:
            for day, kinds in targets(day_slice):
                for partition, kind in _partitions(day, kinds):
                    entries = store.index_entries(partition, day_slice.key_range)
                    self.read(len(entries))
                    for entry in entries:
                        found.setdefault((entry["employee_id"], day), set()).add(kind)
        return found

    def award_all(self, due: list[Due]) -> list[AwardView]:
        """Award each occurrence once; returns the views of these occurrences' awards (new or earlier)."""
        ids = {
            award_id(rule.id, employee.id, occ.key): (rule, version, employee, occ)
            for rule, version, employee, occ in due
        }
        existing = self._get([keys.award(aid) for aid in ids])
        budgets = self._budgets({version.budget_id for _, version, _, _ in ids.values() if version.budget_id})
        views = []
        for aid, (rule, version, employee, occurrence) in ids.items():
            if (prior := existing.get(keys.award(aid))) is not None:
                self.report.already_awarded += 1
                views.append(AwardView.model_validate(prior))
                self._give_item(prior, *_item_of(version))  # a replay if given; a retry if refused then
                continue
            if self._outside(budgets.get(version.budget_id or ""), employee, rule.id):
                continue
            award = self._award_values(aid, rule, version, employee, occurrence)
            view = self._write(award)
            if view is None:
                self.report.already_awarded += 1
                prior = get_one(keys.award(aid))
                views += [AwardView.model_validate(prior)] if prior else []
                continue
            self._made(view)
            views.append(view)
            self._give_item(award, *_item_of(version))
        return views

    def award_prizes(self, prizes: list["PrizeDue"]) -> list[AwardView]:
        """Each prize once, by its derived award id: paid, pending (its budget short) or granted (an item
        only), and its item given; a rerun finds the awards and gives nothing twice."""
        existing = self._get([keys.award(prize.award_id) for prize in prizes])
        budgets = self._budgets({prize.budget_id for prize in prizes})
        views = []
        for prize in prizes:
            award = existing.get(keys.award(prize.award_id))
            if award is None:
                if self._outside(budgets.get(prize.budget_id), prize.employee, prize.rule_id):
                    continue
                award = self._prize_values(prize)
                view = self._write(award)
                if view is None:  # written meanwhile by a concurrent run
                    award = get_one(keys.award(prize.award_id)) or award
                    view = AwardView.model_validate(award)
                self._made(view)
            else:
                self.report.already_awarded += 1
                view = AwardView.model_validate(award)
            views.append(view)
            self._give_item(award, prize.catalog_item_id, prize.catalog_denomination, prize.budget_id)
        return views

    def _budgets(self, budget_ids: set[str]) -> dict[str, Budget]:
        """These budgets (their balances kept for the run's awards to draw on)."""
        items = self._get([keys.budget(budget_id) for budget_id in budget_ids]).values()
        self.balances |= {item["id"]: balance_of(item) for item in items}
        return {item["id"]: budget for item in items if (budget := budget_from(item))}

    def _outside(self, budget: Budget | None, employee: Employee, rule_id: str) -> bool:
        """Whether the budget may not pay the person (reported as a skip): outside its scope."""
        if budget is None:
            return False
        chain = managers_above(employee, self.employees) if budget.by_organisation else []
        if budget.pays(employee, chain):
            return False
        self.report.skipped.append(Skip(employee_id=employee.id, rule_id=rule_id, reason=OUTSIDE_SCOPE))
        return True

    def _prize_values(self, prize: "PrizeDue") -> dict[str, Any]:
        employee = prize.employee
        return {
            "id": prize.award_id,
            "rule_id": prize.rule_id,
            "rule_name": prize.name,
            "employee_id": employee.id,
            "employee_name": employee.name,
            "slack_user_id": employee.slack_user_id,
            "manager_id": employee.manager_id,
            "occurrence": prize.occurrence,
            "day": prize.day.isoformat(),
            "points": prize.points,
            "budget_id": prize.budget_id if prize.points else None,
            "catalog_item_id": prize.catalog_item_id,
            "message": prize.message or prize.name,
            **({"given_by": prize.given_by} if prize.given_by else {}),
            "announce": False,  # the season's (the campaign's) own post names its winners
            "channel": None,
            "dm": True,
            "source": self.source,
            "stamps": {employee.id: stamp_of(employee).model_dump(mode="json", exclude_none=True)},
            "period_zone": self.settings.time_zone,
        }

    def _give_item(
        self,
        award: dict[str, Any],
        item_id: str | None,
        denomination: Decimal | None,
        budget_id: str | None,
    ) -> None:
        """The rule's catalogue item, given through a direct award from the rule's budget; its idempotency
        key is the award id, so however many runs see the occurrence, the item is given once. A refusal
        (an empty budget, an item out of stock or not for the person's country) is reported as a skip and
        tried again when a later run sees the occurrence."""
        if self.dry_run or not (item_id and denomination and budget_id):
            return
        from plaudit.services import awards  # only runs that give items load the redemption path

        body = awards.AwardRequest(
            employee_id=award["employee_id"],
            item_id=item_id,
            denomination=denomination,
            budget_id=budget_id,
            message=(award.get("message") or "")[:500] or None,
        )
        try:
            awards.give(SYSTEM, body, idempotency_key=award["id"])
        except Conflict as given:  # given by a run longer ago than first responses are kept: given once
            if given.code != KEY_EXPIRED:
                raise
        except (RuleViolation, NotFound, Forbidden, ValidationError) as refused:
            reason = f"item_not_given:{getattr(refused, 'code', 'invalid_item')}"
            self.report.skipped.append(
                Skip(employee_id=award["employee_id"], rule_id=award["rule_id"], reason=reason)
            )

    def _award_values(
        self, aid: str, rule: MilestoneRule, version: RuleSpec, employee: Employee, occurrence: Occurrence
    ) -> dict[str, Any]:
        points = points_of(version, occurrence)
        return {
            "id": aid,
            "rule_id": rule.id,
            "rule_name": version.name,
            "rule_type": version.type.value,  # badges for milestones read these
            "years": occurrence.years,
            "employee_id": employee.id,
            "employee_name": employee.name,
            "slack_user_id": employee.slack_user_id,
            "manager_id": employee.manager_id,
            "occurrence": occurrence.key,
            "day": occurrence.day.isoformat(),
            "points": points,
            "budget_id": version.budget_id if points else None,
            "catalog_item_id": version.catalog_item_id,
            "message": render(version, employee, occurrence),
            "announce": announces(version, employee),
            "channel": version.channel or self.settings.announcement_channel,
            "dm": version.dm,
            "source": self.source,
            # insights: where the person was, and the zone the award's periods are read in
            "stamps": {employee.id: stamp_of(employee).model_dump(mode="json", exclude_none=True)},
            "period_zone": self.settings.time_zone,
        }

    def _made(self, view: AwardView) -> None:
        """An award made now (in a dry run: that would be): reported, and counted unless dry, whatever
        started the run (the schedule, HR, an HRIS event, a season's prizes)."""
        pending = view.status == "pending"
        (self.report.pending if pending else self.report.awarded).append(view)
        if not self.dry_run:
            metrics.count("MilestonesPending" if pending else "MilestonesAwarded")

    def _write(self, award: dict[str, Any]) -> AwardView | None:
        """Write one award: paid if its budget covers it, else pending; granted when it is an item only.
        None: the occurrence was awarded already (by a concurrent run or event)."""
        at = stored_now()
        award |= {"created_at": keys.iso(at), "paid_at": None}
        points, budget_id = award["points"], award["budget_id"]
        if points == 0:
            return self._commit(
                award | {"status": "granted", "paid_at": keys.iso(at)}, store.award_granted_writes
            )
        if self.balances.get(budget_id, 0) >= points:
            paid = award | {"status": "paid", "paid_at": keys.iso(at)}
            for _ in attempts():
                try:
                    if not self.dry_run:
                        self._write_all(store.award_paid_writes(paid, _award_txn(paid, at), at), paid)
                except WriteRefused as refused:
                    if refused.refused("award"):
                        return None
                    if refused.contended:
                        continue
                    if not refused.refused(f"budget:{budget_id}"):
                        raise
                    break
                self.balances[budget_id] -= points
                return AwardView.model_validate(paid)
        return self._commit(award | {"status": "pending"}, store.award_pending_writes)

    def _commit(self, award: dict[str, Any], writes) -> AwardView | None:
        if not self.dry_run:
            try:
                self._write_all(writes(award), award)
            except WriteRefused as refused:
                if refused.refused("award"):
                    return None
                raise
        return AwardView.model_validate(award)

    def _write_all(self, writes: list[Write], award: dict[str, Any]) -> None:
        """An award's transaction; with its trail entry when someone asked for the run."""
        if self.actor is None:
            write_all(writes)
            return
        fields = ("employee_id", "rule_id", "occurrence", "points", "budget_id", "status")
        act = Act(self.actor, "milestone.award", f"award:{award['id']}", after={f: award[f] for f in fields})
        record(writes, act)

    def _remind(self, slices: list[DaySlice]) -> None:
        """Managers hear of their reports' milestones `manager_reminder_days` ahead, once per award."""
        reminding = [r for r in self.rules if r.enabled and r.manager_reminder_days and r.type in SCHEDULED]
        for ahead in sorted({rule.manager_reminder_days or 0 for rule in reminding}):
            rules = [rule for rule in reminding if rule.manager_reminder_days == ahead]
            kinds = _kinds(rules)
            candidates = self._candidates(
                slices, lambda s, n=ahead, k=kinds: [(s.day + timedelta(days=n), k)]
            )
            people = self.employees({employee_id for employee_id, _ in candidates})
            managers = self.employees({p.manager_id for p in people.values() if p.manager_id})
            for (employee_id, day), found_as in candidates.items():
                employee = people.get(employee_id)
                manager = managers.get(employee.manager_id or "") if employee else None
                if employee is None or manager is None or not manager.active:
                    continue
                for rule in rules:
                    occurrence = occurrence_on(rule, employee, day)
                    if rule.type in found_as and occurrence and not skip_reason(rule, employee, occurrence):
                        self._send_reminder(_reminder(rule, employee, manager, occurrence))

    def _send_reminder(self, write: Write) -> None:
        try:
            if not self.dry_run:
                write_all([write])
        except WriteRefused as refused:
            if refused.refused("reminder"):
                return  # this award's manager was reminded already
            raise
        self.report.reminders += 1

    def pay_waiting(self) -> None:
        """Pay awards waiting on the budgets live rules draw from (one small query per budget)."""
        for budget_id in sorted({rule.budget_id for rule in self.rules if rule.budget_id}):
            waiting = store.pending_entries(budget_id, limit=1)
            self.read(len(waiting))
            if waiting:
                self.report.awarded += pay_pending(budget_id)


def _item_of(version: RuleSpec) -> tuple[str | None, Decimal | None, str | None]:
    return version.catalog_item_id, version.catalog_denomination, version.budget_id


@dataclass(frozen=True)
class PrizeDue:
    """A season prize as an award: `award_id` derives from the season and the place and person, so it is
    paid once however often the season's end is run."""

    award_id: str
    rule_id: str  # season:<id>: what the award is for
    name: str  # the season's name
    occurrence: str  # rank:<r>
    day: date  # the season's last day
    employee: Employee
    points: int
    budget_id: str
    catalog_item_id: str | None
    catalog_denomination: Decimal | None
    message: str | None = None  # told to the person (default: the name)
    given_by: str | None = None  # who gave it (a campaign's creator), told to the person


def award_prizes(prizes: list[PrizeDue], *, source: str = "season") -> RunReport:
    """Pay season prizes (or a campaign's chunk) through the award path (Plaudit's own work, not an
    administrative act: a campaign's run is the act)."""
    settings = settings_from(get_one(keys.SETTINGS))
    run = _Run(False, source, settings, [], RunReport(days=[], dry_run=False))
    run.award_prizes(prizes)
    return run.report


def _kinds(rules: Iterable[MilestoneRule]) -> Kinds:
    """Scheduled kinds these rules (and their earlier versions) celebrate; days_after_start with its Ns."""
    kinds: Kinds = {}
    for rule in rules:
        for version in (rule, *rule.history):
            if version.type in SCHEDULED:
                kinds.setdefault(version.type, set()).add(version.days_after_start or 0)
    return kinds


def _month_entries(index_kind: str, days: Mapping[str, object]) -> list[tuple[str, str]]:
    """(day, person) of the index entries of `index_kind` on the `days` wanted (MM-DD or YYYY-MM-DD keys):
    one Query per calendar month they touch, from its first to its last wanted day."""
    months: dict[str, list[str]] = {}
    for day in sorted(days):
        months.setdefault(day[:-3], []).append(day)
    return [
        (day, person)
        for wanted in months.values()
        for day, person in store.month_entries(index_kind, wanted[0], wanted[-1])
        if day in days
    ]


def _partitions(day: date, kinds: Kinds) -> list[tuple[str, RuleType]]:
    found: list[tuple[str, RuleType]] = []
    if RuleType.WORK_ANNIVERSARY in kinds:
        found += [(p, RuleType.WORK_ANNIVERSARY) for p in store.anniversary_partitions(month_days_on(day))]
    if RuleType.BIRTHDAY in kinds:
        found += [(p, RuleType.BIRTHDAY) for p in store.birthday_partitions(month_days_on(day))]
    for n in sorted(kinds.get(RuleType.DAYS_AFTER_START, ())):
        found.append((store.start_partition(day - timedelta(days=n)), RuleType.DAYS_AFTER_START))
    return found


def _reminder(rule: MilestoneRule, employee: Employee, manager: Employee, occurrence: Occurrence) -> Write:
    return store.reminder_write(
        {
            "award_id": award_id(rule.id, employee.id, occurrence.key),
            "employee_id": employee.id,
            "employee_name": employee.name,
            "manager_id": manager.id,
            "manager_slack_user_id": manager.slack_user_id,
            "rule_name": rule.name,
            "day": occurrence.day.isoformat(),
        }
    )


def _award_txn(award: dict[str, Any], at: datetime) -> Transaction:
    points, memo = award["points"], award["rule_name"]
    postings = (
        Posting(budget_account(award["budget_id"]), -points, memo),
        Posting(employee_account(award["employee_id"], Balance.POINTS), points, memo),
    )
    ref = {"award_id": award["id"], "rule_id": award["rule_id"], "employee_id": award["employee_id"]}
    return Transaction(
        derived_id("txn", TxnKind.MILESTONE_AWARD.value, award["id"]),
        TxnKind.MILESTONE_AWARD,
        at,
        postings,
        ref,
    )
