"""Voucher desks and the accounts tied to them (keys in plaudit.store.keys)."""

from collections.abc import Mapping
from typing import Any

from plaudit.domain.desks import Desk
from plaudit.store import keys
from plaudit.store.client import table_name
from plaudit.store.codec import to_attr, to_item
from plaudit.store.reads import Page, get_one, query_page
from plaudit.store.transact import Write

_DESK_FIELDS = set(Desk.model_fields)


def desk_from(item: Mapping[str, Any] | None) -> Desk | None:
    if item is None:
        return None
    return Desk.model_validate({k: v for k, v in item.items() if k in _DESK_FIELDS})


def get_desk(desk_id: str) -> Desk | None:
    return desk_from(get_one(keys.desk(desk_id)))


def desk_write(desk: Desk, *, previous_version: int | None) -> Write:
    """A new desk (previous_version None) or a replacement of the version read."""
    pk, sk = keys.desk(desk.id)
    values = {"PK": pk, "SK": sk, "type": "desk", "GSI1PK": keys.DESKS_PARTITION, "GSI1SK": desk.id}
    put: dict[str, Any] = {"TableName": table_name(), "Item": to_item(values | desk.model_dump(mode="json"))}
    if previous_version is None:
        put["ConditionExpression"] = "attribute_not_exists(PK)"
    else:
        put["ConditionExpression"] = "version = :version"
        put["ExpressionAttributeValues"] = {":version": to_attr(previous_version)}
    return Write("desk", {"Put": put})


def desks_page(*, limit: int, cursor: str | None) -> Page:
    return query_page(
        keys.DESKS_PARTITION,
        key_attr="GSI1PK",
        sort_attr="GSI1SK",
        index=keys.DESK_INDEX,
        limit=limit,
        cursor=cursor,
    )


def desk_of_account(subject: str) -> str | None:
    """The desk an account (a user pool `sub`) is tied to."""
    item = get_one(keys.desk_account(subject))
    return item["desk_id"] if item else None


def accounts_of(desk_id: str) -> list[str]:
    """The subjects of the accounts tied to a desk (a handful: read to the end)."""
    subjects, cursor = [], None
    while True:
        page = query_page(
            keys.desk_accounts_partition(desk_id),
            key_attr="GSI1PK",
            sort_attr="GSI1SK",
            index=keys.DESK_INDEX,
            limit=100,
            cursor=cursor,
        )
        subjects += [item["subject"] for item in page.items]
        cursor = page.cursor
        if cursor is None:
            return subjects


def account_write(subject: str, desk_id: str, at: str) -> Write:
    """Tie the account to the desk; refused ("desk_account") when it is tied to a desk already."""
    pk, sk = keys.desk_account(subject)
    item = {
        "PK": pk,
        "SK": sk,
        "type": "desk_account",
        "subject": subject,
        "desk_id": desk_id,
        "created_at": at,
        "GSI1PK": keys.desk_accounts_partition(desk_id),
        "GSI1SK": subject,
    }
    put = {
        "TableName": table_name(),
        "Item": to_item(item),
        "ConditionExpression": "attribute_not_exists(PK)",
    }
    return Write("desk_account", {"Put": put})
