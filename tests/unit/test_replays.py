"""The Idempotency-Key rule at a given clock: a first response replays until its `expires_at`, from then on
(deleted by the TTL or not yet) a retry is a 409 idempotency_key_expired naming what was made; another body
within the window is idempotency_key_reused; one written before first responses expired replays."""

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import BaseModel

from plaudit.domain.errors import Conflict
from plaudit.services.replays import replayed

WRITTEN = datetime(2026, 11, 16, 9, 30, tzinfo=UTC)
EXPIRES = WRITTEN + timedelta(days=30)
MADE = {"recognition_id": "rec_1"}


class Answer(BaseModel):
    id: str


def kept(**extra) -> dict:
    return {"request_hash": "h1", "response": '{"id":"rec_1"}'} | extra


def replay(item, request_hash="h1", *, at):
    return replayed(item, request_hash, Answer, at=at, keep_days=30, made=MADE)


def test_a_new_key_has_nothing_to_replay():
    assert replay(None, at=WRITTEN) is None


def test_within_the_window_the_first_response_replays_and_another_body_is_refused():
    item = kept(expires_at=int(EXPIRES.timestamp()))
    assert replay(item, at=EXPIRES - timedelta(seconds=1)) == Answer(id="rec_1")
    with pytest.raises(Conflict) as refused:
        replay(item, "h2", at=WRITTEN)
    assert refused.value.code == "idempotency_key_reused"


@pytest.mark.parametrize("request_hash", ["h1", "h2"])
def test_from_its_expiry_on_a_retry_is_expired_whatever_its_body(request_hash):
    item = kept(expires_at=int(EXPIRES.timestamp()))
    for at in (EXPIRES, EXPIRES + timedelta(days=3)):  # still there: DynamoDB deletes days late
        with pytest.raises(Conflict) as refused:
            replay(item, request_hash, at=at)
        assert (refused.value.code, refused.value.status) == ("idempotency_key_expired", 409)
        assert refused.value.details == MADE
        assert "answers are kept 30 days" in refused.value.message


def test_a_first_response_written_before_they_expired_replays_for_good():
    assert replay(kept(), at=WRITTEN + timedelta(days=3650)) == Answer(id="rec_1")
