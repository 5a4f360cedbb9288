"""The first response to each request made with an Idempotency-Key, kept to answer its replays."""

from typing import Any

from pydantic import BaseModel

from plaudit.store import keys
from plaudit.store.transact import Write, put_new

FIRST_RESPONSE = "first_response"


def first_response_write(derived_id: str, request_hash: str, response: BaseModel) -> Write:
    """Written with the request's effects, in the same transaction, once (`derived_id`: the id the key
    derived, which the effects use too)."""
    pk, sk = keys.first_response(derived_id)
    values = {
        "PK": pk,
        "SK": sk,
        "type": FIRST_RESPONSE,
        "request_hash": request_hash,
        "response": response.model_dump_json(),
    }
    return put_new(FIRST_RESPONSE, values)


def first_response_of(item: dict[str, Any]) -> tuple[str, str]:
    """(the request's fingerprint, the response as JSON)."""
    return item["request_hash"], item["response"]
