"""Issue 12 §3 over real HTTP against `plaudit dev`: HR adds a Tremendous item and a Tango Card item, Alice
redeems each, Maya approves, and the fulfilment queue orders the reward from the local stack's fake
provider (plaudit_dev.fake_rewards, reached over HTTP with the credentials that stand in for the secrets):
the redemption is fulfilled with the provider's order id, and Alice's voucher carries the provider's code.

Shares the session's stack: it funds Alice with an HRIS event of its own and touches only its own items."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from polling import eventually
from test_rewards_e2e import ALICE, HR_ADMIN, MAYA

pytestmark = pytest.mark.e2e

EVENT = "providers-e2e-bonus"
BONUS = 10_000
PROVIDERS = {  # provider: (its product, the order id's prefix, what its voucher code looks like)
    "tremendous": ("VISA-PREPAID", "FAKETRM", "https://testflight.tremendous.com/rewards/payout/FAKE-"),
    "tango": ("AMAZON-US", "RA-FAKE-", "FAKE-"),
}


@pytest.fixture(scope="module")
def tokens(stack) -> dict[str, str]:
    minted = {who: stack.token("--employee", who) for who in (MAYA, ALICE)}
    minted[HR_ADMIN] = stack.token("--role", "hr_admin")
    return minted


@pytest.fixture(scope="module")
def funded(stack, tokens) -> None:
    """Points for Alice: HR rewards an HRIS event, and the HRIS reports it for her."""
    rule = stack.request(
        "POST",
        "/v1/milestone-rules",
        token=tokens[HR_ADMIN],
        body={
            "name": "Providers e2e bonus",
            "type": "hris_event",
            "event_name": EVENT,
            "points": BONUS,
            "budget_id": "milestones",
            "message": "A {points}-point bonus, {first_name}!",
        },
    )
    assert rule.status == 201, rule.body
    wallet = f"/v1/employees/{ALICE}/wallet"
    before = stack.request("GET", wallet, token=tokens[HR_ADMIN]).json["points"]
    event = {
        "type": "event",
        "employee_id": ALICE,
        "event_id": "providers-e2e-1",
        "name": EVENT,
        "occurred_on": datetime.now(UTC).date().isoformat(),
    }
    payload = {"id": "providers-e2e-delivery-1", "events": [event]}
    stack.deliver_hris(payload)
    eventually(
        lambda: stack.request("GET", wallet, token=tokens[HR_ADMIN]).json["points"] >= before + BONUS,
        "Alice's bonus in her wallet",
    )


def item_for(stack, tokens, provider: str) -> dict[str, Any]:
    sku = PROVIDERS[provider][0]
    reply = stack.request(
        "POST",
        "/v1/catalog/items",
        token=tokens[HR_ADMIN],
        body={
            "name": f"Gift card by {provider} (e2e)",
            "category": "gift-cards",
            "type": "gift_card",
            "denominations": {"fixed": ["20"]},
            "currency": "USD",
            "countries": [],
            "fulfilment": "provider",
            "provider": provider,
            "provider_sku": sku,
            "requires_approval": True,
        },
    )
    assert reply.status == 201, reply.body
    assert (reply.json["provider"], reply.json["provider_sku"]) == (provider, sku)
    return reply.json


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_a_redemption_is_ordered_from_the_provider_and_delivered(stack, tokens, funded, provider):
    item = item_for(stack, tokens, provider)
    made = stack.request(
        "POST",
        "/v1/redemptions",
        token=tokens[ALICE],
        body={"item_id": item["id"], "denomination": "20"},
        headers={"Idempotency-Key": f"providers-e2e-{provider}"},
    )
    assert made.status == 201, made.body
    assert made.json["status"] == "pending_approval"
    rid = made.json["id"]
    approved = stack.request("POST", f"/v1/redemptions/{rid}/approve", token=tokens[MAYA], body={})
    assert approved.status == 200, approved.body

    def fulfilled() -> dict[str, Any] | None:
        seen = stack.request("GET", f"/v1/redemptions/{rid}", token=tokens[ALICE]).json
        return seen if seen["status"] == "fulfilled" else None

    done = eventually(fulfilled, f"the {provider} redemption fulfilled")
    _, order_prefix, code_prefix = PROVIDERS[provider]
    assert done["external_order_id"].startswith(order_prefix)
    vouchers = stack.request("GET", "/v1/vouchers/mine", token=tokens[ALICE])
    assert vouchers.status == 200, vouchers.body
    [voucher] = [v for v in vouchers.json["items"] if v["redemption_id"] == rid]
    assert voucher["code"].startswith(code_prefix)
