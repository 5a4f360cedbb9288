"""What a leaderboard reads: exactly the rows shown and their people (2 x rows + 3 items, 3 round trips),
and, only when people among them left or opted out, the rows after them (a query and a read more per
page)."""

from __future__ import annotations

from typing import Any

from plaudit.domain.access import Caller
from plaudit.domain.insights import Side, Span
from plaudit.services.insights import leaderboard
from plaudit.store.client import use_client

ALICE, BOB, CARLOS, ETHAN, GRACE = "E1003", "E1004", "E1005", "E1007", "E1009"


class CountingClient:
    """The DynamoDB client, counting round trips and the items they return."""

    def __init__(self, client: Any) -> None:
        self.client, self.calls, self.read = client, [], 0

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.client, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            response = method(*args, **kwargs)
            self.read += len(response.get("Items", [])) + sum(
                len(items) for items in response.get("Responses", {}).values()
            )
            return response

        return counted


def counted_board(aws: Any) -> tuple[list[str], CountingClient]:
    counting = CountingClient(aws)
    use_client(counting)
    try:
        answer = leaderboard(Caller(employee_id=ALICE), metric=Side.RECEIVED, by="points", period=Span.MONTH)
    finally:
        use_client(aws)
    return [entry.employee_id for entry in answer.entries], counting


def test_a_board_reads_the_rows_shown_and_reads_on_past_people_passed_over(api, org, aws) -> None:
    patch = {"content-type": "application/merge-patch+json"}
    assert api.call("PATCH", "/v1/settings", body={"leaderboards": {"top_n": 2}}, headers=patch).status == 200
    for recipient, points in ((BOB, 9), (CARLOS, 8), (ETHAN, 7), (GRACE, 6)):
        body = {"recipient_ids": [recipient], "points": points, "message": "Thanks!"}
        assert api.call("POST", "/v1/recognitions", as_employee=ALICE, body=body).status == 201

    shown, counting = counted_board(aws)
    assert shown == [BOB, CARLOS]
    assert counting.calls == ["batch_get_item", "query", "batch_get_item"]
    assert counting.read == 2 * 2 + 2  # rows, their people, the caller and the settings (no own row yet)

    bob = api.call("GET", f"/v1/employees/{BOB}").json
    fields = {k: v for k, v in bob.items() if k not in ("id", "version")}
    assert api.call("PUT", f"/v1/employees/{BOB}", body=fields | {"leaderboard_opt_out": True}).status == 200
    shown, counting = counted_board(aws)
    assert shown == [CARLOS, ETHAN]
    assert counting.calls == ["batch_get_item", "query", "batch_get_item", "query", "batch_get_item"]
