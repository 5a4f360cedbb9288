"""Employee profiles and their unique email aliases."""

import time
from typing import Any

from plaudit.domain.employees import Employee
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
    return [*writes, *day_index_writes(employee, previous)]


def list_employees(*, limit: int, cursor: str | None) -> Page:
    return query_page(
        keys.EMPLOYEES_PARTITION,
        key_attr="GSI1PK",
        sort_attr="GSI1SK",
        index=keys.EMPLOYEE_INDEX,
        limit=limit,
        cursor=cursor,
    )


def _aliases(employee: Employee) -> dict[str, keys.Key]:
    """The unique handles that lead to a person: their email and, if any, their Slack user id."""
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
