"""Idempotency-Key, the one way for every POST that takes one.

The key derives the id of what the request creates (scoped to the caller), so a retry can only land on the
same record. The first request writes, in the same transaction as its effects, the response it answers and
its body's fingerprint (store.replays). A later request under the same key reads that first: the same body
gets the first response back as it was then (however the record moved on since: a redemption approved, a
kudos taken back), a different body is a 409 `idempotency_key_reused`; neither writes anything.

The first response is kept `settings.retention.idempotency_days`, then the table's TTL deletes it (days
late, so one past its `expires_at` counts as gone already). A retry after that still lands on the record its
key derived, which exists: it is a 409 `idempotency_key_expired` naming that record, and writes nothing. Each
service finds the record without an extra read: the one put of a derived id is refused (`put_new`), and a
second look at the first response tells that refusal from a concurrent duplicate (which replays); a service
whose record is not keyed by the derived id keeps the id on it (an add-on's, a correction's `replay_id`).
"""

from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel

from plaudit.domain.errors import Conflict
from plaudit.store.replays import first_response_of

R = TypeVar("R", bound=BaseModel)
KEY_EXPIRED = "idempotency_key_expired"


def replayed(
    item: dict[str, Any] | None,
    request_hash: str,
    response: type[R],
    *,
    at: datetime,
    keep_days: int,
    made: dict[str, str] | None = None,
) -> R | None:
    """The first response to this key (None: the key is new), or a 409 for a different request, or for a
    key whose first response expired before `at` (`made`: what the first request created, named in it)."""
    if item is None:
        return None
    first_hash, first_json, expires_at = first_response_of(item)
    if expires_at is not None and expires_at <= at.timestamp():
        raise key_expired(keep_days, made)
    if first_hash != request_hash:
        raise Conflict("error.idempotency_key_reused", code="idempotency_key_reused")
    return response.model_validate_json(first_json)


def key_expired(keep_days: int, made: dict[str, str] | None = None) -> Conflict:
    """The request under this key was carried out before its first response's retention: nothing is done
    again; `made` names what it created (`{"recognition_id": ...}`), for the caller to read it."""
    return Conflict("error.idempotency_key_expired", code=KEY_EXPIRED, details=made or {}, days=keep_days)
