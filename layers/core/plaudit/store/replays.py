"""The first response to each request made with an Idempotency-Key, kept to answer its replays for
`settings.retention.idempotency_days`, then deleted by the table's TTL (`expires_at`)."""

from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel

from plaudit.store import keys
from plaudit.store.transact import Write, put_new

FIRST_RESPONSE = "first_response"


def first_response_write(
    derived_id: str, request_hash: str, response: BaseModel, *, at: datetime, keep_days: int
) -> Write:
    """Written with the request's effects, in the same transaction, once (`derived_id`: the id the key
    derived, which the effects use too), kept `keep_days` from `at`."""
    pk, sk = keys.first_response(derived_id)
    values = {
        "PK": pk,
        "SK": sk,
        "type": FIRST_RESPONSE,
        "request_hash": request_hash,
        "response": response.model_dump_json(),
        "expires_at": int((at + timedelta(days=keep_days)).timestamp()),
    }
    return put_new(FIRST_RESPONSE, values)


def first_response_of(item: dict[str, Any]) -> tuple[str, str, int | None]:
    """(the request's fingerprint, the response as JSON, when it expires in epoch seconds: None for one
    written before first responses expired)."""
    expires_at = item.get("expires_at")
    return item["request_hash"], item["response"], None if expires_at is None else int(expires_at)
