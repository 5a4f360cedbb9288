"""The local stack over HTTP, with tokens from `plaudit token`, as a new user drives it."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

pytestmark = pytest.mark.e2e

ALICE, BOB, CARLOS, DANA, ETHAN, FATIMA = "E1003", "E1004", "E1005", "E1006", "E1007", "E1008"
GRACE, HUGO = "E1009", "E1010"


def kudos(to: list[str], points: int, message: str = "thank you") -> dict:
    return {"recipient_ids": to, "points": points, "message": message, "values": ["teamwork"]}


def wallet(stack, employee: str) -> dict:
    reply = stack.request(
        "GET", f"/v1/employees/{employee}/wallet", token=stack.token("--employee", employee)
    )
    assert reply.status == 200, reply.body
    return reply.json


def test_replay_with_the_same_idempotency_key_moves_points_once(stack):
    token = stack.token("--employee", CARLOS)
    before_giver, before_bob = wallet(stack, CARLOS), wallet(stack, BOB)
    headers = {"Idempotency-Key": "e2e-replay-1"}

    first = stack.request("POST", "/v1/recognitions", token=token, body=kudos([BOB], 7), headers=headers)
    again = stack.request("POST", "/v1/recognitions", token=token, body=kudos([BOB], 7), headers=headers)
    other = stack.request("POST", "/v1/recognitions", token=token, body=kudos([BOB], 8), headers=headers)

    assert first.status == 201, first.body
    assert (again.status, again.body) == (201, first.body)
    assert again.headers.get("idempotent-replayed") == "true"
    assert other.status == 409
    assert other.json["error"]["code"] == "idempotency_key_reused"
    assert wallet(stack, BOB)["points"] == before_bob["points"] + 7
    assert wallet(stack, CARLOS)["allowance"]["remaining"] == before_giver["allowance"]["remaining"] - 7


def test_concurrent_kudos_spend_exactly_the_allowance(stack):
    """16 kudos of 10 points at once from a giver with at most 100 to give (the README's blocks, run by
    other modules on the same stack, may have spent some): as many succeed as the allowance pays for, the
    rest are refused, and the allowance ends spent to the point."""
    token = stack.token("--employee", ALICE)
    remaining = wallet(stack, ALICE)["allowance"]["remaining"]
    paid_for = remaining // 10
    assert 6 <= paid_for <= 10, remaining  # more kudos than it pays for, so they race for the last ones
    recipients = [BOB, DANA, ETHAN, FATIMA]
    start = threading.Barrier(16)

    def give(n: int):
        start.wait(timeout=30)
        return stack.request(
            "POST", "/v1/recognitions", token=token, body=kudos([recipients[n % 4]], 10, f"#{n}")
        )

    with ThreadPoolExecutor(max_workers=16) as pool:
        replies = list(pool.map(give, range(16)))

    statuses = sorted(reply.status for reply in replies)
    assert statuses == [201] * paid_for + [422] * (16 - paid_for), [(r.status, r.body[:120]) for r in replies]
    refused = [reply.json["error"] for reply in replies if reply.status == 422]
    assert {error["code"] for error in refused} == {"insufficient_allowance"}
    assert all(error["message"] for error in refused)
    assert wallet(stack, ALICE)["allowance"]["remaining"] == remaining - 10 * paid_for

    audit = stack.cli("audit")
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert "ledger OK" in audit.stdout


def test_an_employee_cannot_read_anothers_wallet(stack):
    token = stack.token("--employee", BOB)
    reply = stack.request("GET", f"/v1/employees/{HUGO}/wallet", token=token)
    assert reply.status == 403
    assert reply.json["error"]["code"] == "forbidden"
    assert "points" not in reply.body.decode()


def test_managers_and_hr_read_wallets_they_are_entitled_to(stack):
    manager = stack.token("--employee", "E1002")
    hr = stack.token("--role", "hr_admin")
    assert stack.request("GET", f"/v1/employees/{BOB}/wallet", token=manager).status == 200
    assert stack.request("GET", f"/v1/employees/{GRACE}/wallet", token=manager).status == 403
    assert stack.request("GET", f"/v1/employees/{GRACE}/wallet", token=hr).status == 200


def test_requests_without_a_valid_token_are_refused_like_api_gateway(stack):
    assert stack.request("GET", "/v1/recognitions").status == 401
    assert stack.request("GET", "/v1/recognitions", token="not-a-jwt").status == 401
    expired = stack.token("--employee", BOB, "--ttl", "-60")
    assert stack.request("GET", "/v1/recognitions", token=expired).status == 401


def test_feed_shows_the_new_kudos_after_the_projection_ran(stack):
    token = stack.token("--employee", GRACE)
    given = stack.request("POST", "/v1/recognitions", token=token, body=kudos([HUGO], 5, "welcome aboard"))
    assert given.status == 201, given.body
    feed = stack.request("GET", f"/v1/recognitions?recipient={HUGO}&limit=5", token=token)
    assert feed.status == 200
    assert feed.json["items"][0]["id"] == given.json["id"]


def test_openapi_and_docs_are_served(stack):
    spec = stack.request("GET", "/openapi.json")
    assert spec.status == 200
    paths = spec.json["paths"]
    assert {"/v1/recognitions", "/v1/employees/{employee_id}/wallet", "/v1/settings"} <= set(paths)
    docs = stack.request("GET", "/docs")
    assert docs.status == 200
    assert b"swagger" in docs.body.lower()
