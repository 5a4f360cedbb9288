"""Referral bonuses (domain.referrals): a referred hire reported by the HRIS webhook, HR over REST or a CSV
pays the referrer through the milestone award path (each part's award id is its exactly-once key; the
award DMs the referrer); the scheduled run pays the later parts that fell due, or forfeits them.

Recording a hire: the live referral rules that admit the referrer are read, the referrer checked (known,
active, not the hire, inside each rule's budget scope), the at-hire parts awarded, then the referral
written once per hire with its trail entry and its later parts' due entries. A crash between the awards and
the record is repaired by reporting the hire again (the awards are found, not made twice); a hire already
recorded is refused (409 referral_already_recorded), naming its referrer.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pydantic import Field

from plaudit.domain.access import Caller, require_role
from plaudit.domain.budgets import OUTSIDE_SCOPE, Budget, managers_above
from plaudit.domain.employees import Employee, Role
from plaudit.domain.errors import Conflict, PlauditError, Problem, RuleViolation
from plaudit.domain.hris import ReferralHired
from plaudit.domain.milestone_rules import MilestoneRule, RuleSpec, RuleType
from plaudit.domain.milestones import Occurrence, render
from plaudit.domain.model import Model
from plaudit.domain.referrals import (
    Referral,
    ReferralHire,
    ReferralPart,
    forfeit_reason,
    parts_of,
    read_rows,
)
from plaudit.services import metrics
from plaudit.services.milestones import AwardView, PrizeDue, Skip, award_prizes
from plaudit.services.runtime import stored_now
from plaudit.services.trail import Act, actor_of, record
from plaudit.store import keys, snapshots
from plaudit.store import milestones as rule_store
from plaudit.store import referrals as store
from plaudit.store.budgets import budget_from
from plaudit.store.employees import employee_from, employee_id_by_email
from plaudit.store.reads import get_many
from plaudit.store.transact import WriteRefused, write_all

BATCH = 100


class RecordedReferral(Model):
    referral: Referral
    awards: list[AwardView] = Field(description="The at-hire awards (paid, granted or pending a top-up)")
    skipped: list[Skip] = Field(
        default_factory=list, description="What could not be given now (an item out of stock...), and why"
    )


class ImportReport(Model):
    dry_run: bool
    recorded: list[RecordedReferral] = Field(description="Each hire (for a dry run: as it would be)")


class DueReport(Model):
    awarded: int = 0
    forfeited: int = 0
    items_read: int = 0


# --- recording hires -------------------------------------------------------------------------------------


def record_hire(caller: Caller, hire: ReferralHire) -> RecordedReferral:
    """HR reports a referred hire (REST)."""
    _require_hr(caller)
    plans = _Plans.read([hire])
    return plans.carry_out(plans.plan(hire), actor_of(caller), "rest")


def record_event(change: ReferralHired, *, source: str) -> RecordedReferral:
    """An HRIS reports a referred hire (the webhook's `referral.hired`, through the worker)."""
    hire = ReferralHire(
        hire_id=change.employee_id,
        referrer_id=change.referrer_id,
        referrer_email=change.referrer_email,
        hired_on=change.hired_on,
    )
    plans = _Plans.read([hire])
    return plans.carry_out(plans.plan(hire), f"hris:{source}", source)


def import_csv(caller: Caller, text: str, *, dry_run: bool) -> ImportReport:
    """A CSV of hires (hire_id, referrer_id or referrer_email, hired_on): every row is checked first, and
    one bad row refuses the file with each bad line's problem before anything is paid."""
    _require_hr(caller)
    rows, problems = read_rows(text)
    plans = _Plans.read([hire for _, hire in rows])
    planned = []
    for line, hire in rows:
        try:
            planned.append(plans.plan(hire))
        except PlauditError as refused:
            problems.append(Problem(f"line {line}", refused.key, refused.params))
    if problems:
        lines = sorted({int(p.field.split(".")[0].removeprefix("line ")) for p in problems})
        raise RuleViolation(
            "error.referral_csv_rows",
            code="referral_csv_invalid",
            problems=problems,
            details={"lines": lines},
            count=len(lines),
        )
    actor = actor_of(caller)
    if dry_run:
        drafts = [p.referral.model_copy(update={"source": "csv", "recorded_by": actor}) for p in planned]
        return ImportReport(dry_run=True, recorded=[RecordedReferral(referral=r, awards=[]) for r in drafts])
    return ImportReport(dry_run=False, recorded=[plans.carry_out(plan, actor, "csv") for plan in planned])


def list_referrals(caller: Caller, *, limit: int, cursor: str | None) -> tuple[list[Referral], str | None]:
    """Referred hires, newest first (HR admins)."""
    _require_hr(caller)
    page = store.referrals_page(limit=limit, cursor=cursor)
    return [referral for item in page.items if (referral := store.referral_from(item))], page.cursor


def _require_hr(caller: Caller) -> None:
    require_role(snapshots.load(employees=[caller.employee_id]).identify(caller), Role.HR_ADMIN)


class _Plan:
    """A hire as it will be recorded: the referral, the rules that pay it and the at-hire prizes."""

    def __init__(self, referral: Referral, prizes: list[PrizeDue]):
        self.referral, self.prizes = referral, prizes


class _Plans:
    """What planning hires needs, read once for all of them: the live referral rules, the referrers, the
    hires' referrals (already recorded?) and the rules' budgets."""

    def __init__(
        self, rules: list[MilestoneRule], found: dict[keys.Key, dict[str, Any]], by_email: dict[str, str]
    ):
        self.rules, self.found, self.by_email, self.at = rules, found, by_email, stored_now()

    @classmethod
    def read(cls, hires: list[ReferralHire]) -> "_Plans":
        rules = [rule for rule in rule_store.all_rules()[0] if rule.type == RuleType.REFERRAL]
        by_email = {
            hire.referrer_email: found
            for hire in hires
            if hire.referrer_email and (found := employee_id_by_email(hire.referrer_email.lower()))
        }
        referrers = {hire.referrer_id or by_email.get(hire.referrer_email or "") for hire in hires}
        wanted = [keys.employee(r) for r in referrers if r]
        wanted += [keys.referral(hire.hire_id) for hire in hires]
        wanted += [keys.budget(b) for b in {rule.budget_id for rule in rules if rule.budget_id}]
        return cls(rules, _get(wanted), by_email)

    def person(self, employee_id: str) -> Employee | None:
        return employee_from(self.found.get(keys.employee(employee_id)))

    def people(self, ids: list[str]) -> dict[str, Employee]:
        """Managers up a referrer's chain (a budget scoped to a manager's organisation): read as needed."""
        missing = [keys.employee(i) for i in ids if keys.employee(i) not in self.found]
        self.found |= _get(missing)
        return {i: person for i in ids if (person := self.person(i))}

    def plan(self, hire: ReferralHire) -> _Plan:
        """The hire's referral, or the refusal that says why it cannot be recorded."""
        referrer_id = hire.referrer_id or self.by_email.get(hire.referrer_email or "")
        referrer = self.person(referrer_id) if referrer_id else None
        if referrer is None:
            who = (
                {"referrer_id": hire.referrer_id}
                if hire.referrer_id
                else {"referrer_email": hire.referrer_email}
            )
            raise RuleViolation("error.unknown_referrer", code="unknown_referrer", details=who)
        if referrer.id == hire.hire_id:
            raise RuleViolation(
                "error.self_referral", code="self_referral", details={"hire_id": hire.hire_id}
            )
        if not referrer.active or referrer.is_bot:
            raise RuleViolation(
                "error.referrer_inactive", code="referrer_inactive", details={"referrer_id": referrer.id}
            )
        recorded = store.referral_from(self.found.get(keys.referral(hire.hire_id)))
        if recorded is not None:
            raise _already(recorded)
        parts: list[ReferralPart] = []
        prizes: list[PrizeDue] = []
        for rule in self.rules:
            version = rule.as_of(self.at)
            if version is None or not version.enabled or not version.filter.admits(referrer):
                continue
            self._refuse_outside(version, referrer)
            for part in parts_of(rule.id, version, hire.hire_id, hire.hired_on):
                parts.append(part)
                if part.part == "at_hire":
                    prizes.append(_prize(rule.id, version, part, referrer, hire.hire_id))
        if not parts:
            raise RuleViolation(
                "error.no_referral_rule", code="no_referral_rule", details={"referrer_id": referrer.id}
            )
        referral = Referral(
            hire_id=hire.hire_id,
            referrer_id=referrer.id,
            hired_on=hire.hired_on,
            source="",
            recorded_by="",
            recorded_at=self.at,
            parts=parts,
        )
        return _Plan(referral, prizes)

    def _refuse_outside(self, rule: RuleSpec, referrer: Employee) -> None:
        budget = budget_from(self.found.get(keys.budget(rule.budget_id or ""))) if rule.budget_id else None
        if budget is not None:
            budget.refuse_outside(referrer, _chain(budget, referrer, self.people))

    def carry_out(self, plan: _Plan, actor: str, source: str) -> RecordedReferral:
        """Pay the at-hire parts, then record the referral (once per hire) with its trail entry."""
        report = award_prizes(plan.prizes, source="referral")
        referral = plan.referral.model_copy(update={"source": source, "recorded_by": actor})
        act = Act(
            actor, "referral.record", f"referral:{referral.hire_id}", after=referral.model_dump(mode="json")
        )
        try:
            record(store.new_referral_writes(referral), act)
        except WriteRefused as refused:
            if refused.refused("referral"):
                recorded, _ = store.get_referral(referral.hire_id)
                raise _already(recorded or referral) from refused
            raise
        metrics.count("ReferralsRecorded")
        awards = [*report.awarded, *report.pending]
        if report.already_awarded:  # reported again after a crash: the awards made then
            awards = _awards_of(plan.prizes)
        return RecordedReferral(referral=referral, awards=awards, skipped=report.skipped)


def _already(recorded: Referral) -> Conflict:
    return Conflict(
        "error.referral_already_recorded",
        code="referral_already_recorded",
        details={
            "hire_id": recorded.hire_id,
            "referrer_id": recorded.referrer_id,
            "recorded_at": keys.iso(recorded.recorded_at),
        },
    )


def _prize(rule_id: str, rule: RuleSpec, part: ReferralPart, referrer: Employee, hire_id: str) -> PrizeDue:
    occurrence = Occurrence(f"referral:{hire_id}:{part.part}", part.due_on, event=RuleType.REFERRAL.value)
    item = part.part == "at_hire"
    return PrizeDue(
        award_id=part.award_id,
        rule_id=rule_id,
        name=rule.name,
        occurrence=occurrence.key,
        day=part.due_on,
        employee=referrer,
        points=part.points,
        budget_id=rule.budget_id or "",
        catalog_item_id=rule.catalog_item_id if item else None,
        catalog_denomination=rule.catalog_denomination if item else None,
        message=render(rule, referrer, occurrence, part.points),
    )


def _chain(budget: Budget, person: Employee, load: Any) -> list[str]:
    return managers_above(person, load) if budget.by_organisation else []


def _awards_of(prizes: list[PrizeDue]) -> list[AwardView]:
    found = _get([keys.award(prize.award_id) for prize in prizes])
    return [AwardView.model_validate(item) for item in found.values()]


def _get(wanted: Iterable[keys.Key]) -> dict[keys.Key, dict[str, Any]]:
    wanted, found = list(dict.fromkeys(wanted)), {}
    for n in range(0, len(wanted), BATCH):
        found |= get_many(wanted[n : n + BATCH])
    return found


# --- the later parts --------------------------------------------------------------------------------------


def pay_due(at: datetime) -> DueReport:
    """The scheduled run: each later part due by `at`'s day is paid once if the hire and the referrer are
    both still active (and the referrer still inside the budget's scope), else forfeited with the reason."""
    report = DueReport()
    entries = store.due_entries(at.date())
    report.items_read += len(entries)
    for due_on, hire_id, rule_id in entries:
        referral, version = store.get_referral(hire_id)
        report.items_read += 1
        part = next(
            (p for p in (referral.parts if referral else []) if p.rule_id == rule_id and p.part == "later"),
            None,
        )
        if referral is None or part is None or part.status != "scheduled":
            write_all([store.forget_due_write(due_on, hire_id, rule_id)])
            continue
        settled = _settle(referral, part, at, report)
        parts = [settled if p is part else p for p in referral.parts]
        try:
            write_all(
                store.later_part_done_writes(
                    referral.model_copy(update={"parts": parts}), version, rule_id, due_on
                )
            )
        except WriteRefused as refused:
            if not refused.refused("referral"):
                raise  # settled by a concurrent run: its award is the same one
    return report


def _settle(referral: Referral, part: ReferralPart, at: datetime, report: DueReport) -> ReferralPart:
    found = _get(
        [
            keys.employee(referral.hire_id),
            keys.employee(referral.referrer_id),
            keys.milestone_rule(part.rule_id),
        ]
    )
    report.items_read += len(found)
    hire = employee_from(found.get(keys.employee(referral.hire_id)))
    referrer = employee_from(found.get(keys.employee(referral.referrer_id)))
    reason = forfeit_reason(hire, referrer)
    rule = _rule_at(found.get(keys.milestone_rule(part.rule_id)), referral.recorded_at)
    if reason is None and referrer is not None and rule is not None:
        paid = award_prizes([_prize(part.rule_id, rule, part, referrer, referral.hire_id)], source="referral")
        if not any(skip.reason == OUTSIDE_SCOPE for skip in paid.skipped):
            report.awarded += 1
            return part.model_copy(update={"status": "awarded"})
        reason = OUTSIDE_SCOPE
    report.forfeited += 1
    metrics.count("ReferralPartsForfeited")
    return part.model_copy(update={"status": "forfeited", "reason": reason or "rule_deleted"})


def _rule_at(item: dict[str, Any] | None, at: datetime) -> RuleSpec | None:
    """The rule's version in force when the hire was recorded (a rule deleted since still pays what it
    promised)."""
    if item is None:
        return None
    fixed = {**item, "type": item.get("rule_type"), "deleted_at": None}
    rule = rule_store.rule_from(fixed)
    return rule.as_of(at) if rule else None
