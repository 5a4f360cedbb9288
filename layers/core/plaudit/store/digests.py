"""Managers' weekly digests: one record per manager and ISO week, written once (the notifier DMs it), and
the week's mark once every manager's is written."""

from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from plaudit.store import keys
from plaudit.store.client import dynamodb, table_name
from plaudit.store.codec import to_item
from plaudit.store.reads import get_one

DIGEST_TYPE = "manager_digest"
KEEP = timedelta(days=35)


def week_done(week: str) -> bool:
    return get_one(keys.manager_digest(week, keys.DIGESTS_DONE)) is not None


def write_digest(week: str, manager_id: str, figures: dict[str, Any], at: datetime) -> bool:
    """The manager's digest of the week, unless written before. Returns whether it was written now."""
    pk, sk = keys.manager_digest(week, manager_id)
    item = {
        "PK": pk,
        "SK": sk,
        "type": DIGEST_TYPE,
        "week": week,
        "manager_id": manager_id,
        "expires_at": int((at + KEEP).timestamp()),
        **figures,
    }
    try:
        dynamodb().put_item(
            TableName=table_name(), Item=to_item(item), ConditionExpression="attribute_not_exists(PK)"
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise
    return True


def mark_week_done(week: str, at: datetime) -> None:
    pk, sk = keys.manager_digest(week, keys.DIGESTS_DONE)
    item = {"PK": pk, "SK": sk, "type": "manager_digests_done", "expires_at": int((at + KEEP).timestamp())}
    dynamodb().put_item(TableName=table_name(), Item=to_item(item))
