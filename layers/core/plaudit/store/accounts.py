"""Sign-in accounts: the identity provider's subject (a Cognito `sub`) linked to a directory entry.

Two items, written together: the subject's alias (subject -> person: what every request with a Cognito access
token reads, one GetItem) and, on the directory entry, the person's account (person -> subject: one subject
per person). Both are conditional, so a subject never leads to two people nor a person to two subjects.
"""

import re
import time
from typing import Any

from plaudit.store import keys
from plaudit.store.client import table_name
from plaudit.store.codec import to_attr, to_item
from plaudit.store.reads import get_many, get_one
from plaudit.store.transact import Write

SUBJECT = "subject"  # the label of the subject's alias in a transaction (refused: linked to someone else)
ACCOUNT = "account"  # the label of the person's account (refused: linked to another subject)
SUBJECT_CACHE_SECONDS = 300
MISS_CACHE_SECONDS = 60
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_subject_cache: dict[str, tuple[float, str | None]] = {}


def employee_id_by_subject(subject: str) -> str | None:
    """Subject -> employee id, cached per container (every request with a Cognito access token asks).

    Hits are cached: a link never moves to another person (link_writes refuses it), so a cached hit stays
    true. A miss is cached briefly only for a subject that is not a Cognito UUID (an external issuer whose
    `sub` is the employee id asks on every request otherwise); a Cognito subject linked a moment ago is
    found at once.
    """
    cached = _subject_cache.get(subject)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    item = get_one(keys.subject_alias(subject))
    if item is None:
        if not _UUID.match(subject):
            _subject_cache[subject] = (time.monotonic() + MISS_CACHE_SECONDS, None)
        return None
    _subject_cache[subject] = (time.monotonic() + SUBJECT_CACHE_SECONDS, item["employee_id"])
    return item["employee_id"]


def account_of(employee_id: str) -> tuple[bool, str | None]:
    """One read: whether the person is in the directory, and the subject their account is linked to."""
    found = get_many([keys.employee(employee_id), keys.account(employee_id)])
    account = found.get(keys.account(employee_id))
    return keys.employee(employee_id) in found, account["idp_subject"] if account else None


def link_writes(employee_id: str, subject: str) -> list[Write]:
    """Link `subject` to the person: refused under SUBJECT if the subject leads to someone else, under
    ACCOUNT if the person is linked to another subject (a repeat of the same link is accepted)."""
    _subject_cache.pop(subject, None)  # a miss cached in this container is no longer true
    return [
        _put_if_free(SUBJECT, keys.subject_alias(subject), "employee_id", employee_id, "subject_alias"),
        _put_if_free(ACCOUNT, keys.account(employee_id), "idp_subject", subject, "account"),
    ]


def _put_if_free(label: str, key: keys.Key, name: str, value: str, kind: str) -> Write:
    item: dict[str, Any] = {"PK": key[0], "SK": key[1], "type": kind, name: value}
    return Write(
        label,
        {
            "Put": {
                "TableName": table_name(),
                "Item": to_item(item),
                "ConditionExpression": f"attribute_not_exists(PK) OR {name} = :value",
                "ExpressionAttributeValues": {":value": to_attr(value)},
            }
        },
    )
