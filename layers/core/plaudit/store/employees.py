"""Employee profiles and their unique email aliases."""

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from plaudit.domain.employees import Employee, EmployeeStatus, Role, name_words
from plaudit.domain.insights import headcount_scopes
from plaudit.store import keys
from plaudit.store.client import table_name
from plaudit.store.codec import to_attr, to_item
from plaudit.store.reads import Page, get_one, query_page
from plaudit.store.transact import Write

_PROFILE_FIELDS = set(Employee.model_fields)
EMAIL_CACHE_SECONDS = 300
_email_cache: dict[str, tuple[float, str]] = {}


def employee_from(item: dict[str, Any] | None) -> Employee | None:
    if item is None:
        return None
    return Employee.model_validate({name: value for name, value in item.items() if name in _PROFILE_FIELDS})


def employee_id_by_email(email: str) -> str | None:
    """Email -> employee id, cached per container (every request with an email claim asks).

    Only hits are cached, so someone just added is found at once; a reassigned address is caught when
    the profile's email differs from the token's (see Snapshot.identify), which evicts the entry.
    """
    cached = _email_cache.get(email)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    item = get_one(keys.email_alias(email))
    if item is None:
        return None
    _email_cache[email] = (time.monotonic() + EMAIL_CACHE_SECONDS, item["employee_id"])
    return item["employee_id"]


def employee_id_by_slack_user(slack_user_id: str) -> str | None:
    item = get_one(keys.slack_alias(slack_user_id))
    return item["employee_id"] if item else None


def forget_email(email: str) -> None:
    _email_cache.pop(email, None)


def profile_writes(employee: Employee, previous: Employee | None, previous_version: int) -> list[Write]:
    """Create or replace a profile, keeping email and Slack aliases unique; refused if it changed since read.

    A refused alias is reported under its label: "email" or "slack". The milestone day-index entries the
    change adds, moves or removes (store.milestones) come with it.
    """
    from plaudit.store.milestones import day_index_writes  # only writers pay for the milestone modules

    pk, sk = keys.employee(employee.id)
    profile = {
        "PK": pk,
        "SK": sk,
        "type": "employee",
        "GSI1PK": keys.EMPLOYEES_PARTITION,
        "GSI1SK": keys.employee_sort(employee.name, employee.id),
        "version": previous_version + 1,
        **employee.model_dump(mode="json"),
    }
    put: dict[str, Any] = {"TableName": table_name(), "Item": to_item(profile)}
    if previous is None:
        put["ConditionExpression"] = "attribute_not_exists(PK)"
    else:
        put["ConditionExpression"] = "version = :version"
        put["ExpressionAttributeValues"] = {":version": to_attr(previous_version)}
    writes = [Write("profile", {"Put": put})]
    new, old = _aliases(employee), _aliases(previous) if previous else {}
    writes += [_claim_alias(label, key, employee.id) for label, key in new.items() if old.get(label) != key]
    writes += [_release_alias(label, key, employee.id) for label, key in old.items() if new.get(label) != key]
    return [
        *writes,
        *day_index_writes(employee, previous),
        *_directory_count_writes(employee, previous),
        *_name_word_writes(employee, previous),
    ]


def _directory_count_writes(employee: Employee, previous: Employee | None) -> list[Write]:
    """The headcounts of the scopes the person joins or leaves, and their place in their manager's team
    (reports read both: shares of people, quiet people)."""
    was, now = headcount_scopes(previous), headcount_scopes(employee)
    writes = [_headcount_add(scope, -1) for scope in sorted(was - now)]
    writes += [_headcount_add(scope, 1) for scope in sorted(now - was)]
    old_team = previous.manager_id if previous and was else None
    new_team = employee.manager_id if now else None
    if old_team and old_team != new_team:
        delete = {"TableName": table_name(), "Key": keys.as_attrs(keys.team_member(old_team, employee.id))}
        writes.append(Write("old_team", {"Delete": delete}))
    known = previous is not None and (previous.name, previous.roles) == (employee.name, employee.roles)
    if new_team and (new_team != old_team or not known):
        member = _team_member_item(new_team, employee)
        writes.append(Write("team", {"Put": {"TableName": table_name(), "Item": to_item(member)}}))
    return writes


def _team_member_item(manager_id: str, employee: Employee) -> dict[str, Any]:
    pk, sk = keys.team_member(manager_id, employee.id)
    return {
        "PK": pk,
        "SK": sk,
        "type": "team_member",
        "employee_id": employee.id,
        "name": employee.name,
        "roles": [role.value for role in employee.roles],
    }


def _headcount_item(scope: str, people: int) -> dict[str, Any]:
    pk, sk = keys.headcount(scope)
    return {"PK": pk, "SK": sk, "type": "headcount", "scope": scope, "people": people}


def _headcount_add(scope: str, change: int) -> Write:
    update = {
        "TableName": table_name(),
        "Key": keys.as_attrs(keys.headcount(scope)),
        "UpdateExpression": "SET #type = :type, #scope = :scope ADD people :change",
        "ExpressionAttributeNames": {"#type": "type", "#scope": "scope"},
        "ExpressionAttributeValues": {
            ":type": to_attr("headcount"),
            ":scope": to_attr(scope),
            ":change": to_attr(change),
        },
    }
    return Write(f"headcount:{scope}", {"Update": update})


def headcount_groups(kind: str) -> dict[str, int]:
    """Every scope of a kind (dept, country, team) with people in it now, and its headcount."""
    groups: dict[str, int] = {}
    cursor = None
    while True:
        page = query_page(keys.HEADCOUNT_PARTITION, sort_prefix=f"{kind}:", limit=1000, cursor=cursor)
        groups |= {item["scope"]: int(item["people"]) for item in page.items if int(item["people"]) > 0}
        if page.cursor is None:
            return groups
        cursor = page.cursor


def headcount_groups_page(kind: str, *, limit: int, cursor: str | None) -> tuple[dict[str, int], str | None]:
    """A page of the scopes of a kind in key order (`limit` read, those with nobody in them now left out, so
    a page may hold fewer and still have a cursor), and the next page's cursor (None: the last page)."""
    page = query_page(keys.HEADCOUNT_PARTITION, sort_prefix=f"{kind}:", limit=limit, cursor=cursor)
    return {item["scope"]: int(item["people"]) for item in page.items if int(item["people"]) > 0}, page.cursor


@dataclass(frozen=True)
class TeamMember:
    name: str
    roles: tuple[Role, ...]


def team_members(manager_id: str) -> dict[str, TeamMember]:
    """The manager's active direct reports, by id."""
    members: dict[str, TeamMember] = {}
    cursor = None
    while True:
        page = query_page(keys.team_partition(manager_id), limit=1000, cursor=cursor)
        members |= {
            item["employee_id"]: TeamMember(item["name"], tuple(Role(role) for role in item.get("roles", ())))
            for item in page.items
        }
        if page.cursor is None:
            return members
        cursor = page.cursor


@dataclass(frozen=True)
class DirectoryCounts:
    """The directory's counts as stored: each scope's headcount, and who is listed in whose team (with
    the name and roles the listing carries)."""

    headcounts: dict[str, int]
    teams: dict[tuple[str, str], TeamMember]


def stored_directory_counts(items: Iterable[dict[str, Any]]) -> DirectoryCounts:
    """Read back from the scanned items of type headcount and team_member."""
    heads: dict[str, int] = {}
    teams: dict[tuple[str, str], TeamMember] = {}
    for item in items:
        if item["type"] == "headcount":
            heads[item["scope"]] = int(item["people"])
        else:
            manager_id = item["PK"].removeprefix(keys.team_partition(""))
            roles = tuple(Role(role) for role in item.get("roles", ()))
            teams[(manager_id, item["employee_id"])] = TeamMember(item["name"], roles)
    return DirectoryCounts(heads, teams)


def directory_rebuild_requests(
    headcounts: Mapping[str, int], teams: Mapping[tuple[str, str], Employee], stored: DirectoryCounts
) -> list[dict[str, Any]]:
    """BatchWriteItem requests that make the stored counts the recomputed ones: every headcount and team
    listing put whole, the headcounts of scopes now empty and listings of people no longer in a team
    deleted."""
    requests = [
        {"PutRequest": {"Item": to_item(_headcount_item(s, n))}} for s, n in sorted(headcounts.items())
    ]
    requests += [
        {"PutRequest": {"Item": to_item(_team_member_item(manager_id, person))}}
        for (manager_id, _), person in sorted(teams.items())
    ]
    requests += [
        {"DeleteRequest": {"Key": keys.as_attrs(keys.headcount(scope))}}
        for scope in sorted(stored.headcounts.keys() - headcounts.keys())
    ]
    requests += [
        {"DeleteRequest": {"Key": keys.as_attrs(keys.team_member(*listing))}}
        for listing in sorted(stored.teams.keys() - teams.keys())
    ]
    return requests


def list_employees(*, limit: int, cursor: str | None) -> Page:
    return query_page(
        keys.EMPLOYEES_PARTITION,
        key_attr="GSI1PK",
        sort_attr="GSI1SK",
        index=keys.EMPLOYEE_INDEX,
        limit=limit,
        cursor=cursor,
    )


@dataclass(frozen=True)
class Findable:
    """A person as the picker's word entries hold them (active people only)."""

    employee_id: str
    name: str
    department: str | None


def findable_by_word(word_start: str, *, limit: int) -> list[Findable]:
    """The picker's entries of the active people with a word of their name starting with `word_start` (in
    search form): one query reading at most `limit` entries (a person is there once per matching word), in
    word order, whatever the directory's size."""
    page = query_page(keys.NAME_WORDS_PARTITION, sort_prefix=word_start, limit=limit, cursor=None)
    return [Findable(item["employee_id"], item["name"], item.get("department")) for item in page.items]


def name_word_requests(people: Iterable[Employee]) -> list[dict[str, Any]]:
    """The picker's entries of these people, as batch puts (a backfill: idempotent)."""
    return [
        {"PutRequest": {"Item": write.operation["Put"]["Item"]}}
        for person in people
        for write in _name_word_writes(person, None)
    ]


def _findable_words(person: Employee | None) -> set[str]:
    findable = person is not None and person.active and not person.is_bot  # nobody gives a bot kudos
    return set(name_words(person.name)) if findable else set()


def _name_word_writes(employee: Employee, previous: Employee | None) -> list[Write]:
    """The picker's entries a write adds, refreshes (a new name or department) or removes: one per word of
    an active person's name (bots are never offered); none once they leave or are erased."""
    new, old = _findable_words(employee), _findable_words(previous)
    same = previous is not None and (previous.name, previous.department) == (
        employee.name,
        employee.department,
    )
    writes = []
    for word in sorted(old - new):
        delete = {"TableName": table_name(), "Key": keys.as_attrs(keys.name_word(word, employee.id))}
        writes.append(Write(f"old_name_word:{word}", {"Delete": delete}))
    for word in sorted(new):
        if word in old and same:
            continue
        pk, sk = keys.name_word(word, employee.id)
        item = {
            "PK": pk,
            "SK": sk,
            "type": "name_word",
            "employee_id": employee.id,
            "name": employee.name,
            "department": employee.department,
        }
        writes.append(Write(f"name_word:{word}", {"Put": {"TableName": table_name(), "Item": to_item(item)}}))
    return writes


def _aliases(employee: Employee) -> dict[str, keys.Key]:
    """The unique handles that lead to a person: their email and, if any, their Slack user id (none once
    they are erased)."""
    if employee.status is EmployeeStatus.ERASED:
        return {}
    found = {"email": keys.email_alias(employee.email)}
    if employee.slack_user_id:
        found["slack"] = keys.slack_alias(employee.slack_user_id)
    return found


def _claim_alias(label: str, key: keys.Key, employee_id: str) -> Write:
    item = {"PK": key[0], "SK": key[1], "type": f"{label}_alias", "employee_id": employee_id}
    return Write(
        label,
        {
            "Put": {
                "TableName": table_name(),
                "Item": to_item(item),
                "ConditionExpression": "attribute_not_exists(PK) OR employee_id = :id",
                "ExpressionAttributeValues": {":id": to_attr(employee_id)},
            }
        },
    )


def _release_alias(label: str, key: keys.Key, employee_id: str) -> Write:
    return Write(
        f"old_{label}",
        {
            "Delete": {
                "TableName": table_name(),
                "Key": keys.as_attrs(key),
                "ConditionExpression": "employee_id = :id",
                "ExpressionAttributeValues": {":id": to_attr(employee_id)},
            }
        },
    )
