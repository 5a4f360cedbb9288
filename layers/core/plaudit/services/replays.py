"""Idempotency-Key, the one way for every POST that takes one.

The key derives the id of what the request creates (scoped to the caller), so a retry can only land on the
same record. The first request writes, in the same transaction as its effects, the response it answers and
its body's fingerprint (store.replays). A later request under the same key reads that first: the same body
gets the first response back as it was then (however the record moved on since: a redemption approved, a
kudos taken back), a different body is a 409 `idempotency_key_reused`; neither writes anything.
"""

from typing import Any, TypeVar

from pydantic import BaseModel

from plaudit.domain.errors import Conflict
from plaudit.store.replays import first_response_of

R = TypeVar("R", bound=BaseModel)


def replayed(item: dict[str, Any] | None, request_hash: str, response: type[R]) -> R | None:
    """The first response to this key (None: the key is new), or a 409 for a different request."""
    if item is None:
        return None
    first_hash, first_json = first_response_of(item)
    if first_hash != request_hash:
        raise Conflict("error.idempotency_key_reused", code="idempotency_key_reused")
    return response.model_validate_json(first_json)
