"""The local stack keeps its data across restarts (Ctrl-C, then `plaudit dev` again); `--fresh` starts from
the seed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

GIVER, RECIPIENT = "E1003", "E1004"


def _feed(stack: Any, token: str) -> list[str]:
    reply = stack.request("GET", f"/v1/recognitions?recipient={RECIPIENT}", token=token)
    assert reply.status == 200, reply.body
    return [item["message"] for item in reply.json["items"]]


def _remaining(stack: Any, token: str) -> int:
    reply = stack.request("GET", f"/v1/employees/{GIVER}/wallet", token=token)
    assert reply.status == 200, reply.body
    return reply.json["allowance"]["remaining"]


def test_a_kudos_survives_a_restart_and_fresh_forgets_it(
    tmp_path: Path, start_stack: Callable[..., Any]
) -> None:
    with start_stack(tmp_path) as stack:
        token = stack.token("--employee", GIVER)
        body = {"recipient_ids": [RECIPIENT], "points": 7, "message": "Kept across restarts", "values": []}
        reply = stack.request("POST", "/v1/recognitions", token=token, body=body)
        assert reply.status == 201, reply.body
        full = _remaining(stack, token) + 7

    with start_stack(tmp_path) as stack:
        assert _feed(stack, token) == ["Kept across restarts"]
        assert _remaining(stack, token) == full - 7

    with start_stack(tmp_path, "--fresh") as stack:
        assert _feed(stack, token) == []
        assert _remaining(stack, token) == full
    assert "Starting from the seed" in (tmp_path / "stack.log").read_text()
