"""Referred hires (one item per hire, its parts inside) and the later parts waiting for their day."""

from datetime import date
from typing import Any

from plaudit.domain.referrals import Referral
from plaudit.store import keys
from plaudit.store.client import table_name
from plaudit.store.codec import to_attr, to_item
from plaudit.store.reads import Page, get_one, query_all, query_page
from plaudit.store.transact import Write, put_new

_FIELDS = set(Referral.model_fields)


def referral_from(item: dict[str, Any] | None) -> Referral | None:
    if item is None:
        return None
    return Referral.model_validate({name: value for name, value in item.items() if name in _FIELDS})


def get_referral(hire_id: str) -> tuple[Referral | None, int]:
    """The hire's referral and its stored version (0 when there is none)."""
    item = get_one(keys.referral(hire_id))
    return referral_from(item), int(item["version"]) if item else 0


def _values(referral: Referral, version: int) -> dict[str, Any]:
    pk, sk = keys.referral(referral.hire_id)
    return {
        "PK": pk,
        "SK": sk,
        "type": "referral",
        "GSI1PK": keys.REFERRALS_PARTITION,
        "GSI1SK": keys.referral_sort(referral.recorded_at, referral.hire_id),
        "version": version,
        **referral.model_dump(mode="json"),
    }


def new_referral_writes(referral: Referral) -> list[Write]:
    """A hire's referral, once (a second report of the hire is refused under "referral"), and an entry per
    later part, under its day."""
    writes = [put_new("referral", _values(referral, 1))]
    for n, part in enumerate(p for p in referral.parts if p.status == "scheduled"):
        pk, sk = keys.referral_due(part.due_on, referral.hire_id, part.rule_id)
        entry = {
            "PK": pk,
            "SK": sk,
            "type": "referral_due",
            "hire_id": referral.hire_id,
            "rule_id": part.rule_id,
        }
        writes.append(Write(f"due:{n}", {"Put": {"TableName": table_name(), "Item": to_item(entry)}}))
    return writes


def later_part_done_writes(referral: Referral, version: int, rule_id: str, due_on: date) -> list[Write]:
    """A later part settled (awarded or forfeited, as `referral` says): the referral replaced, only from
    the version read, and the part's entry gone."""
    put = {
        "TableName": table_name(),
        "Item": to_item(_values(referral, version + 1)),
        "ConditionExpression": "version = :version",
        "ExpressionAttributeValues": {":version": to_attr(version)},
    }
    due = keys.referral_due(due_on, referral.hire_id, rule_id)
    return [
        Write("referral", {"Put": put}),
        Write("due", {"Delete": {"TableName": table_name(), "Key": keys.as_attrs(due)}}),
    ]


def forget_due_write(due_on: date, hire_id: str, rule_id: str) -> Write:
    key = keys.referral_due(due_on, hire_id, rule_id)
    return Write("due", {"Delete": {"TableName": table_name(), "Key": keys.as_attrs(key)}})


def due_entries(through: date) -> list[tuple[date, str, str]]:
    """(due day, hire id, rule id) of the later parts due on or before `through`, oldest first."""
    params = {
        "KeyConditionExpression": "PK = :pk AND SK <= :high",
        "ExpressionAttributeValues": {
            ":pk": {"S": keys.REFERRALS_DUE_PARTITION},
            ":high": {"S": keys.referral_due_through(through)},
        },
    }
    found = []
    for item in query_all(params):
        day = item["SK"].split("#", 1)[0]
        found.append((date.fromisoformat(day), item["hire_id"], item["rule_id"]))
    return found


def referrals_page(*, limit: int, cursor: str | None) -> Page:
    """Referrals, newest first."""
    return query_page(
        keys.REFERRALS_PARTITION,
        key_attr="GSI1PK",
        sort_attr="GSI1SK",
        index=keys.REFERRAL_INDEX,
        limit=limit,
        cursor=cursor,
        newest_first=True,
    )
