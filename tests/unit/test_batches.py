"""BatchWriteItem in batches of 25, what DynamoDB hands back unwritten sent again after a growing pause."""

from typing import Any

import pytest

from plaudit.store import batches
from plaudit.store.client import use_client


class HandsBackOnce:
    """A DynamoDB client that leaves the last two requests of each batch unprocessed the first time."""

    def __init__(self) -> None:
        self.calls: list[list[dict[str, Any]]] = []

    def batch_write_item(self, RequestItems: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
        [(table, requests)] = RequestItems.items()
        self.calls.append(requests)
        if len(requests) > 2:
            return {"UnprocessedItems": {table: requests[-2:]}}
        return {"UnprocessedItems": {}}


@pytest.fixture
def client(monkeypatch):
    monkeypatch.setenv("TABLE_NAME", "plaudit-test")
    pauses: list[float] = []
    monkeypatch.setattr(batches.time, "sleep", pauses.append)
    fake = HandsBackOnce()
    use_client(fake)
    yield fake, pauses
    use_client(None)


def test_every_request_is_written_in_batches_of_25_and_what_comes_back_is_sent_again(client):
    fake, pauses = client
    requests = [{"PutRequest": {"Item": {"PK": {"S": f"P{n}"}}}} for n in range(30)]
    batches.write_batches(requests)
    assert [len(call) for call in fake.calls] == [25, 2, 5, 2]
    assert fake.calls[1] == requests[23:25]
    assert fake.calls[3] == requests[28:30]
    assert pauses == [batches.FIRST_PAUSE_S, batches.FIRST_PAUSE_S]


def test_nothing_to_write_calls_nothing(client):
    fake, pauses = client
    batches.write_batches([])
    assert fake.calls == []
    assert pauses == []
