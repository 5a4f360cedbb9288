"""The employee directory: HR and HRIS integrations keep it true, everyone can look people up."""

from collections.abc import Callable
from dataclasses import dataclass

from pydantic import ConfigDict, Field

from plaudit.domain.access import HRIS_SCOPE, Caller, can_see_employee_private, require_role
from plaudit.domain.employees import Employee, EmployeeStatus, Role, name_matches, search_form
from plaudit.domain.errors import Conflict, Forbidden, InvalidRequest, NotFound, RuleViolation
from plaudit.domain.languages import Locale
from plaudit.domain.model import Model
from plaudit.services import accounts, deactivation
from plaudit.services.retry import attempts
from plaudit.services.runtime import now
from plaudit.services.tiers import TierView, view_of
from plaudit.services.trail import Act, actor_of, record
from plaudit.store import snapshots
from plaudit.store.batches import write_batches
from plaudit.store.employees import (
    employee_from,
    employee_id_by_email,
    employee_id_by_slack_user,
    findable_by_word,
    list_employees,
    name_word_requests,
    profile_writes,
)
from plaudit.store.snapshots import Snapshot
from plaudit.store.transact import WriteRefused

ACCOUNT_FIELDS = ("email", "locale", "roles", "status")  # what the person's sign-in account follows


class EmployeeFields(Employee):
    """An employee as PUT: the id comes from the path; roles left out keep what the person has."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    id: str | None = None  # type: ignore[assignment]
    roles: list[Role] | None = None  # type: ignore[assignment]


class OwnProfile(Model):
    """What a person may change about themselves (a JSON Merge Patch: only what is sent changes)."""

    model_config = ConfigDict(extra="forbid")
    locale: Locale | None = Field(
        default=None,
        description="The language Plaudit speaks to you: en, it, fr or ar; null: the organisation's",
    )


class EmployeeCard(Model):
    """What any colleague may see."""

    id: str
    name: str
    department: str | None
    slack_user_id: str | None
    status: EmployeeStatus


def get_employee(caller: Caller, employee_id: str) -> Employee | EmployeeCard:
    snap = snapshots.load(employees=[caller.employee_id, employee_id])
    caller = snap.identify(caller)
    person = snap.employee(employee_id)
    if not caller.is_person and not caller.has_role(Role.HR_ADMIN) and not caller.has_scope(HRIS_SCOPE):
        raise Forbidden("error.not_in_directory", code="not_in_directory")
    if person is None:
        raise NotFound("error.employee_not_found", code="employee_not_found")
    if can_see_employee_private(caller, person):
        return person
    return EmployeeCard.model_validate(person.model_dump())


class PersonName(Model):
    """A colleague as the feed names them: their name and department, nothing else."""

    id: str
    name: str
    department: str | None


class PeoplePage(Model):
    items: list[PersonName] = Field(
        description="The people found: by ids, in the order asked (unknown ids left out); by name, active "
        "people in name order"
    )


MAX_NAMES = 50  # with the caller's own record, one batch read (at most 100 keys)


def names(caller: Caller, employee_ids: list[str]) -> list[PersonName]:
    """Colleagues' names and departments, for anyone in the directory (and HR): one round trip. The route
    takes at most MAX_NAMES ids."""
    wanted = list(dict.fromkeys(employee_ids))[:MAX_NAMES]
    snap = snapshots.load(employees=[caller.employee_id, *wanted])
    caller = snap.identify(caller)
    if not caller.is_person and not caller.has_role(Role.HR_ADMIN):
        raise Forbidden("error.not_in_directory", code="not_in_directory")
    found = (snap.employee(employee_id) for employee_id in wanted)
    return [PersonName(id=p.id, name=p.name, department=p.department) for p in found if p is not None]


def people(
    caller: Caller, employee_ids: list[str] | None, name_start: str | None, *, limit: int
) -> list[PersonName]:
    """GET /v1/people: by ids or by the start of a name, exactly one of them."""
    if (employee_ids is None) == (name_start is None):
        raise InvalidRequest("error.people_ids_or_name", code="invalid_request")
    if name_start is not None:
        return named(caller, name_start, limit=limit)
    return names(caller, employee_ids or [])


MIN_NAME_START = 2  # fewer letters would match half the directory
MAX_FOUND = 20
WORD_ENTRIES_READ = 100  # the picker's entries one search reads (a person has one per word of their name)


def named(caller: Caller, typed: str, *, limit: int) -> list[PersonName]:
    """Active colleagues with every word typed starting a word of their name (any case, accents ignored, in
    any order: "ros" and "carla r" both find Carla Rossi), for anyone in the directory (and HR), in name
    order: two round trips (the caller, then one query of the picker's word entries for the longest word
    typed, reading at most WORD_ENTRIES_READ), whatever the directory's size."""
    caller = snapshots.load(employees=[caller.employee_id]).identify(caller)
    if not caller.is_person and not caller.has_role(Role.HR_ADMIN):
        raise Forbidden("error.not_in_directory", code="not_in_directory")
    longest = max(search_form(typed).split(), key=len)
    found = {
        entry.employee_id: entry
        for entry in findable_by_word(longest, limit=WORD_ENTRIES_READ)
        if name_matches(entry.name, typed)
    }
    ordered = sorted(found.values(), key=lambda entry: (search_form(entry.name), entry.employee_id))
    return [
        PersonName(id=entry.employee_id, name=entry.name, department=entry.department)
        for entry in ordered[: min(limit, MAX_FOUND)]
    ]


def reindex_names(caller: Caller) -> int:
    """Write the picker's word entries of everyone active in the directory (people saved before the picker
    found them by any word; every save keeps them true from then on). Returns the number of people read."""
    require_role(snapshots.load(employees=[caller.employee_id]).identify(caller), Role.HR_ADMIN)
    count, cursor = 0, None
    while True:
        page = list_employees(limit=100, cursor=cursor)
        people = [employee for item in page.items if (employee := employee_from(item))]
        write_batches(name_word_requests(people))
        count += len(people)
        cursor = page.cursor
        if cursor is None:
            return count


class OwnRecord(Employee):
    """Your own directory record, with your status tier (read-only: PUT and PATCH never take it)."""

    tier: TierView | None = Field(
        description="Your tier by points received over the current month and the 11 before it (null: the "
        "organisation has no tiers)",
    )


def own_record(caller: Caller) -> OwnRecord:
    """One read: the caller, the settings and the caller's counters of the tier window."""
    at = now()
    snap = snapshots.load(
        employees=[caller.employee_id], settings=True, tiers=([caller.employee_id or ""], at)
    )
    person = snap.identify(caller).profile
    if person is None:
        raise Forbidden("error.not_in_directory", code="not_in_directory")
    standing = snap.standing(person.id, at)
    return OwnRecord(**person.model_dump(), tier=view_of(standing) if standing else None)


def list_directory(caller: Caller, *, limit: int, cursor: str | None) -> tuple[list[Employee], str | None]:
    caller = snapshots.load(employees=[caller.employee_id]).identify(caller)
    if not caller.has_scope(HRIS_SCOPE):
        require_role(caller, Role.HR_ADMIN)
    page = list_employees(limit=limit, cursor=cursor)
    return [person for item in page.items if (person := employee_from(item))], page.cursor


@dataclass(frozen=True)
class Saved:
    """A directory entry after a save, and what it replaced (None: it was created)."""

    employee: Employee
    previous: Employee | None


Build = Callable[[Snapshot, Employee | None], Employee]


def save_entry(
    employee_id: str,
    build: Build,
    *,
    actor: str,
    caller: Caller | None = None,
    manager_id: str | None = None,
) -> Saved:
    """THE save path of the directory (REST PUT, HRIS sync, CSV import), recorded in the trail as `actor`'s
    act (the personal values of the diff in the person's record, outside the chain).

    `build(snapshot, previous)` authorizes and returns the wanted profile; it sees the caller's profile and
    `manager_id` (a manager the change names) from the same read. An unchanged profile is not written.
    A new manager must be in the directory; email and Slack user id stay unique; leaving or coming back
    brings its deactivation writes (leavers' points) into the profile's transaction; a concurrent change
    is retried from a fresh read.
    """
    for _ in attempts():
        snap = snapshots.load(
            employees=[caller.employee_id if caller else None, employee_id, manager_id], settings=True
        )
        previous = snap.employee(employee_id)
        if previous is not None and previous.status is EmployeeStatus.ERASED:
            raise Conflict("error.employee_erased", code="employee_erased")
        employee = build(snap, previous)
        if employee.status is EmployeeStatus.ERASED:
            raise RuleViolation("error.erased_by_erasure_only", code="erasure_needed")
        if employee == previous:
            return Saved(employee, previous)
        _check_manager(employee, previous, snap if employee.manager_id == manager_id else None)
        writes = [
            *profile_writes(employee, previous, snap.employee_version(employee_id)),
            *deactivation.profile_writes(previous, employee, snap.settings(), now()),
        ]
        act = Act(
            actor,
            "employee.update" if previous else "employee.create",
            f"employee:{employee_id}",
            before=previous.model_dump(mode="json") if previous else None,
            after=employee.model_dump(mode="json"),
            person=employee_id,
        )
        try:
            record(writes, act)
        except WriteRefused as refused:
            if refused.refused("email"):
                raise Conflict("error.email_taken", code="email_taken", email=employee.email) from refused
            if refused.refused("slack"):
                raise Conflict(
                    "error.slack_user_taken",
                    code="slack_user_taken",
                    slack_user_id=employee.slack_user_id,
                ) from refused
            continue
        return Saved(employee, previous)
    raise Conflict("error.employee_busy", code="concurrent_update")


def put_employee(caller: Caller, employee_id: str, fields: EmployeeFields) -> tuple[Employee, bool]:
    """Create or replace a directory entry. Returns it and whether it was created."""
    if fields.id not in (None, employee_id):
        raise RuleViolation("error.id_mismatch", code="id_mismatch")

    def build(snap: Snapshot, previous: Employee | None) -> Employee:
        who = snap.identify(caller)
        if not who.has_role(Role.HR_ADMIN) and not who.has_scope(HRIS_SCOPE):
            require_role(who, Role.HR_ADMIN)
        roles = _roles(who, previous, fields.roles)
        return Employee.model_validate(
            {**fields.model_dump(exclude={"id", "roles"}), "id": employee_id, "roles": roles}
        )

    saved = save_entry(
        employee_id, build, actor=actor_of(caller), caller=caller, manager_id=fields.manager_id
    )
    _account_follows(saved, actor_of(caller))
    return saved.employee, saved.previous is None


def update_own_profile(caller: Caller, change: OwnProfile) -> Employee:
    """The caller changes their own directory entry (only the fields of OwnProfile)."""
    if caller.employee_id is None:
        raise Forbidden("error.not_in_directory", code="not_in_directory")

    def build(snap: Snapshot, previous: Employee | None) -> Employee:
        if previous is None or not snap.identify(caller).is_person:
            raise Forbidden("error.not_in_directory", code="not_in_directory")
        return Employee.model_validate(previous.model_dump() | change.model_dump(exclude_unset=True))

    saved = save_entry(caller.employee_id, build, actor=actor_of(caller), caller=caller)
    _account_follows(saved, actor_of(caller))
    return saved.employee


def _account_follows(saved: Saved, actor: str) -> None:
    """A change to what a person's sign-in account holds (email, language, roles' groups, being enabled)
    reaches the user pool at once; a pool that fails is left for `plaudit accounts sync`."""
    if saved.previous is not None and any(
        getattr(saved.previous, field) != getattr(saved.employee, field) for field in ACCOUNT_FIELDS
    ):
        accounts.follow_now(saved.employee, actor=actor, previous_email=saved.previous.email)


def _check_manager(employee: Employee, previous: Employee | None, snap: Snapshot | None) -> None:
    """A new manager must be someone else who is in the directory (`snap` holds them if read already)."""
    manager_id = employee.manager_id
    if manager_id is None or (previous is not None and previous.manager_id == manager_id):
        return
    if manager_id == employee.id:
        raise RuleViolation("error.invalid_manager", code="invalid_manager")
    snap = snap or snapshots.load(employees=[manager_id])
    if snap.employee(manager_id) is None:
        raise RuleViolation(
            "error.unknown_manager",
            code="unknown_manager",
            manager_id=manager_id,
            details={"manager_id": manager_id},
        )


def _roles(caller: Caller, previous: Employee | None, wanted: list[Role] | None) -> list[Role]:
    """HR sets roles; integrations cannot (an HRIS push never grants rights); only admins make admins."""
    current = previous.roles if previous else [Role.EMPLOYEE]
    if wanted is None or set(wanted) | {Role.EMPLOYEE} == set(current):
        return current
    if not caller.has_role(Role.HR_ADMIN):
        raise Forbidden("error.roles_by_hr_only", code="forbidden")
    if (Role.ADMIN in wanted) != (Role.ADMIN in current) and Role.ADMIN not in caller.roles:
        raise Forbidden("error.admin_by_admins_only", code="forbidden")
    return wanted


def employee_for_slack_user(
    slack_user_id: str, email_from_slack: Callable[[], str | None]
) -> Employee | None:
    """The directory entry behind a Slack user: by their Slack user id, else by the email Slack holds
    for them (`email_from_slack` is called only then, e.g. users.info)."""
    employee_id = employee_id_by_slack_user(slack_user_id)
    if employee_id is None:
        email = email_from_slack()
        employee_id = employee_id_by_email(email.lower()) if email else None
    if employee_id is None:
        return None
    return snapshots.load(employees=[employee_id]).employee(employee_id)
