"""Instant perks' passes: one item under each of a pass's two secret hashes (token and code), both marked
used in the transaction that confirms it, and removed by the table's TTL a while after they expire."""

from datetime import datetime, timedelta
from typing import Any

from plaudit.domain.instant_passes import Pass
from plaudit.store import keys
from plaudit.store.client import table_name
from plaudit.store.codec import to_attr
from plaudit.store.reads import get_one
from plaudit.store.transact import Write, put_new

KEEP_AFTER_EXPIRY = timedelta(hours=1)  # a replayed confirm still finds what it did


def _values(found: Pass, own_hash: str, other_hash: str) -> dict[str, Any]:
    pk, sk = keys.instant_pass(own_hash)
    return {
        "PK": pk,
        "SK": sk,
        "type": "instant_pass",
        "other_hash": other_hash,
        **found.model_dump(mode="json", exclude_none=True),
        "valid_until": keys.iso(found.expires_at),
        "expires_at": int((found.expires_at + KEEP_AFTER_EXPIRY).timestamp()),  # the table's TTL
    }


def new_pass_writes(found: Pass, token_hash: str, code_hash: str) -> list[Write]:
    """The pass under both its hashes (refused, "pass", if a hash is taken: a new pass is drawn)."""
    return [
        put_new("pass", _values(found, token_hash, code_hash)),
        put_new("pass", _values(found, code_hash, token_hash)),
    ]


def get_pass(secret_hash: str) -> tuple[Pass, str] | None:
    """The pass stored under a hash, and its other hash; None: no such pass (or it is gone)."""
    item = get_one(keys.instant_pass(secret_hash))
    if item is None:
        return None
    return Pass.model_validate(item | {"expires_at": item["valid_until"]}), item["other_hash"]


def use_writes(hashes: tuple[str, str], by: str, at: datetime) -> list[Write]:
    """Both items issued -> used (refused, "pass", when either is used already)."""
    return [
        Write(
            "pass",
            {
                "Update": {
                    "TableName": table_name(),
                    "Key": keys.as_attrs(keys.instant_pass(secret_hash)),
                    "UpdateExpression": "SET #s = :used, used_by = :by, used_at = :at",
                    "ConditionExpression": "attribute_exists(PK) AND #s = :issued",
                    "ExpressionAttributeNames": {"#s": "status"},
                    "ExpressionAttributeValues": {
                        ":used": to_attr("used"),
                        ":issued": to_attr("issued"),
                        ":by": to_attr(by),
                        ":at": to_attr(keys.iso(at)),
                    },
                }
            },
        )
        for secret_hash in hashes
    ]
