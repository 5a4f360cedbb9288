"""Directory changes from an HRIS (webhooks, `plaudit import`), applied through the directory's one save path.

An upsert merges only the fields the source sent into the profile; roles never come from an HRIS. A change
that leaves the profile as it is writes nothing, so a replayed event changes nothing. A termination takes
effect at the start of its `effective_on` in the person's time zone: at once when that has passed (or no
date is given), else it is scheduled and the scheduled run applies it (`apply_due_terminations`); a later
termination replaces it, and an upsert that says the person is active cancels it.

The person's sign-in account follows a creation, a departure and a return (plaudit.services.accounts:
invited, disabled and signed out everywhere, enabled again), a new email or language (the account's at
once), and a change that left the profile as it was, so that a change retried after the user pool failed
finishes its work. Other updates leave it alone (an HRIS never changes roles; `plaudit accounts sync`
brings in everyone else).
"""

from datetime import datetime, time
from typing import Any, Literal
from zoneinfo import ZoneInfo

from aws_lambda_powertools import Logger
from pydantic import ValidationError

from plaudit.domain.employees import Employee, EmployeeStatus
from plaudit.domain.errors import RuleViolation
from plaudit.domain.hris import EmployeeUpsert, ManagerChange, Termination
from plaudit.domain.model import Model
from plaudit.domain.problems import problems_from
from plaudit.services import accounts
from plaudit.services.directory import save_entry
from plaudit.services.runtime import now
from plaudit.services.trail import Act, record
from plaudit.store import deactivations, snapshots
from plaudit.store.snapshots import Snapshot
from plaudit.store.transact import write_all

logger = Logger(child=True)

UPSERT_FIELDS = (  # what an HRIS may set on a person, in the order a CSV lists them
    "email",
    "name",
    "manager_id",
    "department",
    "country",
    "time_zone",
    "start_date",
    "birthday",
    "public_birthday",
    "status",
    "slack_user_id",
    "locale",
)
REQUIRED_FOR_NEW = ("email", "name")
DirectoryChange = EmployeeUpsert | Termination | ManagerChange


class SyncOutcome(Model):
    employee_id: str
    action: Literal["created", "updated", "unchanged", "deactivated", "reactivated", "scheduled"]
    changed: list[str]  # profile fields; "termination" when a scheduled termination was set or cancelled


def apply_change(change: DirectoryChange, *, source: str) -> SyncOutcome:
    """Apply one change, all or nothing. RuleViolation (permanent: retrying cannot help) for an unknown
    field, manager or person, an incomplete new person or invalid values; Conflict for a taken email or
    Slack user id."""

    def build(snap: Snapshot, previous: Employee | None) -> Employee:
        return merged(change, previous)

    actor = f"hris:{source}"
    outcome = _scheduled(change, actor) if isinstance(change, Termination) and change.effective_on else None
    if outcome is None:
        saved = save_entry(change.employee_id, build, actor=actor, manager_id=_named_manager(change))
        outcome = outcome_of(saved.previous, saved.employee)
        # unchanged too: a retry finishes what the user pool failed; an update of what the account holds
        if outcome.action != "updated" or {"email", "locale"} & set(outcome.changed):
            previous_email = saved.previous.email if saved.previous else None
            accounts.follow(saved.employee, actor=actor, previous_email=previous_email)
        if isinstance(change, EmployeeUpsert) and change.fields.get("status") == "active":
            outcome = _unscheduled(outcome, actor)
    logger.info(
        "directory change applied",
        extra={
            "employee_id": outcome.employee_id,
            "action": outcome.action,
            "changed": outcome.changed,
            "source": source,
        },
    )
    return outcome


class TerminationsApplied(Model):
    deactivated: list[str]  # whose scheduled termination took effect
    items_read: int


def apply_due_terminations(at: datetime) -> TerminationsApplied:
    """The scheduled job that applies the terminations in effect by `at` (reads only those)."""
    deactivated, items_read = [], 0
    for page in deactivations.due_leavers(at):
        items_read += len(page)
        for leaving in page:
            employee_id = leaving.employee_id
            try:
                outcome = apply_change(Termination(employee_id=employee_id), source="schedule")
            except RuleViolation:  # no longer in the directory: nothing to apply
                outcome = None
            if outcome and outcome.action == "deactivated":
                deactivated.append(employee_id)
            write_all(deactivations.unschedule_writes(employee_id, leaving.leaving_sk))
    return TerminationsApplied(deactivated=deactivated, items_read=items_read)


def merged(change: DirectoryChange, previous: Employee | None) -> Employee:
    """The profile as the change leaves it (validated like any profile)."""
    if isinstance(change, EmployeeUpsert):
        data = _upserted(change, previous)
    elif previous is None:
        raise RuleViolation(
            "error.unknown_employee",
            code="unknown_employee",
            employee_id=change.employee_id,
            details={"employee_id": change.employee_id},
        )
    elif isinstance(change, Termination):
        data = previous.model_dump() | {"status": EmployeeStatus.DEACTIVATED}
    else:
        data = previous.model_dump() | {"manager_id": change.manager_id}
    try:
        return Employee.model_validate(data)
    except ValidationError as error:
        raise RuleViolation(
            "error.invalid_employee",
            code="invalid_employee",
            details={"employee_id": change.employee_id},
            problems=problems_from(error.errors()),
            employee_id=change.employee_id,
        ) from None


def outcome_of(previous: Employee | None, employee: Employee) -> SyncOutcome:
    changed = changed_fields(previous, employee)
    if previous is None:
        action = "created"
    elif not changed:
        action = "unchanged"
    elif previous.active and not employee.active:
        action = "deactivated"
    elif employee.active and not previous.active:
        action = "reactivated"
    else:
        action = "updated"
    return SyncOutcome(employee_id=employee.id, action=action, changed=changed)


def changed_fields(previous: Employee | None, employee: Employee) -> list[str]:
    """Fields that differ (for a new person: those set to something other than the default)."""
    if previous is None:
        return sorted(set(employee.model_dump(exclude_defaults=True)) - {"id"})
    before, after = previous.model_dump(), employee.model_dump()
    return sorted(name for name in after if before[name] != after[name])


def _upserted(change: EmployeeUpsert, previous: Employee | None) -> dict[str, Any]:
    unknown = sorted(set(change.fields) - set(UPSERT_FIELDS))
    if unknown:
        raise RuleViolation(
            "error.unknown_employee_fields",
            code="unknown_field",
            fields=unknown,
            details={"employee_id": change.employee_id, "fields": unknown},
        )
    if previous is None:
        missing = [name for name in REQUIRED_FOR_NEW if change.fields.get(name) in (None, "")]
        if missing:
            raise RuleViolation(
                "error.incomplete_employee",
                code="incomplete_employee",
                fields=missing,
                details={"employee_id": change.employee_id, "missing": missing},
            )
        return {"id": change.employee_id, **change.fields}
    return previous.model_dump() | change.fields


def _scheduled(change: Termination, actor: str) -> SyncOutcome | None:
    """A termination whose day is still ahead for an active person: scheduled (None: apply it now)."""
    assert change.effective_on is not None
    person = snapshots.load(employees=[change.employee_id]).employee(change.employee_id)
    if person is None or not person.active:
        return None  # the save path refuses the unknown and leaves the departed as they are
    effective_at = datetime.combine(change.effective_on, time(), ZoneInfo(person.time_zone))
    if effective_at <= now():
        return None
    current = deactivations.scheduled_leaving_sk(person.id)
    if current == deactivations.leaving_sk(effective_at, person.id):
        return SyncOutcome(employee_id=person.id, action="unchanged", changed=[])
    act = Act(
        actor,
        "employee.termination_scheduled",
        f"employee:{person.id}",
        after={"effective_on": change.effective_on.isoformat()},
    )
    record(deactivations.leaving_writes(person.id, effective_at, change.effective_on, current), act)
    return SyncOutcome(employee_id=person.id, action="scheduled", changed=["termination"])


def _unscheduled(outcome: SyncOutcome, actor: str) -> SyncOutcome:
    """An upsert saying the person is active cancels their scheduled termination, if any."""
    leaving_sk = deactivations.scheduled_leaving_sk(outcome.employee_id)
    if leaving_sk is None:
        return outcome
    act = Act(
        actor,
        "employee.termination_cancelled",
        f"employee:{outcome.employee_id}",
        before={"termination_scheduled": True},
        after={"termination_scheduled": False},
    )
    record(deactivations.unschedule_writes(outcome.employee_id, leaving_sk), act)
    action = "updated" if outcome.action == "unchanged" else outcome.action
    return outcome.model_copy(update={"action": action, "changed": sorted([*outcome.changed, "termination"])})


def _named_manager(change: DirectoryChange) -> str | None:
    if isinstance(change, ManagerChange):
        return change.manager_id
    if isinstance(change, EmployeeUpsert):
        manager_id = change.fields.get("manager_id")
        return manager_id if isinstance(manager_id, str) else None
    return None
