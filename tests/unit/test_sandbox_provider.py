"""The sandbox rewards provider behaves like a rewards-as-a-service API (its state in moto's table), and
the provider fulfiller maps its orders onto the one fulfilment interface."""

import os
from decimal import Decimal

import pytest

from plaudit.environment import environment
from plaudit.integrations.rewards.external import ProviderFulfiller
from plaudit.integrations.rewards.provider import (
    Completed,
    Pending,
    PermanentFailure,
    TransientFailure,
)
from plaudit.integrations.rewards.sandbox import (
    OrderRejected,
    OrderStatus,
    ProviderUnavailable,
    SandboxRewards,
)

SKU = "VISA-PREPAID-GLOBAL"


@pytest.fixture
def sandbox(aws, clock) -> SandboxRewards:
    return SandboxRewards(transient_failures=0)


def order(sandbox: SandboxRewards, amount: str, ref: str = "rdm_1", **overrides):
    args = {"sku": SKU, "amount": Decimal(amount), "currency": "USD", "country": "US"} | overrides
    return sandbox.create_order(external_reference=ref, **args)


def sandbox_orders(aws) -> list[dict]:
    items = aws.scan(TableName=os.environ["TABLE_NAME"])["Items"]
    return [item for item in items if item["SK"]["S"] == "ORDER"]


def test_an_order_completes_with_a_code_and_an_expiry(sandbox, aws, clock):
    placed = order(sandbox, "50.00")
    assert placed.status is OrderStatus.COMPLETED
    assert placed.code
    assert placed.code.startswith("SBX-")
    assert placed.expires_on is not None
    assert placed.expires_on.year == clock.at.year + 1
    assert placed.external_reference == "rdm_1"
    assert placed.code not in repr(placed)
    assert sandbox.get_order(placed.id) == placed.__class__(**(placed.__dict__ | {"requests": 2}))


def test_a_repeated_reference_returns_the_same_order_never_a_second(sandbox, aws):
    first = order(sandbox, "25")
    again = order(sandbox, "25")
    assert again.id == first.id
    assert again.code == first.code
    assert again.requests == 2
    assert len(sandbox_orders(aws)) == 1
    with pytest.raises(OrderRejected) as refused:
        order(sandbox, "30")
    assert refused.value.code == "external_reference_conflict"
    assert len(sandbox_orders(aws)) == 1


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"sku": "NO-SUCH-SKU"}, "sku_not_found"),
        ({"currency": "JPY"}, "currency_not_supported"),
        ({"amount": Decimal("5")}, "invalid_amount"),  # below the range
        ({"amount": Decimal("20.005")}, "invalid_amount"),  # three decimals
        ({"sku": "STREAMING-EU", "currency": "EUR", "amount": Decimal("20")}, "invalid_amount"),  # not fixed
        (
            {"sku": "STREAMING-EU", "currency": "EUR", "amount": Decimal("30"), "country": "US"},
            "country_not_supported",
        ),
    ],
)
def test_the_provider_refuses_what_it_does_not_sell_and_stores_no_order(sandbox, aws, overrides, code):
    args = {"sku": SKU, "amount": Decimal("20"), "currency": "USD", "country": "US"} | overrides
    with pytest.raises(OrderRejected) as refused:
        sandbox.create_order(external_reference="rdm_x", **args)
    assert refused.value.code == code
    assert sandbox_orders(aws) == []


def test_amounts_ending_in_13_are_declined(sandbox):
    placed = order(sandbox, "20.13")
    assert placed.status is OrderStatus.FAILED
    assert placed.code is None
    assert "declined" in (placed.failure_reason or "")


def test_amounts_ending_in_42_are_pending_then_completed(sandbox):
    placed = order(sandbox, "20.42")
    assert placed.status is OrderStatus.PENDING
    assert placed.code is None
    settled = sandbox.get_order(placed.id)
    assert settled.status is OrderStatus.COMPLETED
    assert settled.code
    assert order(sandbox, "20.42").code == settled.code


def test_amounts_ending_in_44_are_pending_then_failed(sandbox):
    assert order(sandbox, "20.44").status is OrderStatus.PENDING
    failed = order(sandbox, "20.44")
    assert failed.status is OrderStatus.FAILED
    assert failed.code is None


def test_amounts_ending_in_03_are_unavailable_twice_then_placed(sandbox, aws):
    for _ in range(2):
        with pytest.raises(ProviderUnavailable):
            order(sandbox, "20.03")
    assert sandbox_orders(aws) == []
    assert order(sandbox, "20.03").status is OrderStatus.COMPLETED


def test_the_transient_mode_fails_the_first_requests_of_every_reference(aws, clock, monkeypatch):
    monkeypatch.setenv("SANDBOX_TRANSIENT_FAILURES", "1")
    environment.cache_clear()  # a new container would read it afresh
    flaky = SandboxRewards()
    for ref in ("rdm_a", "rdm_b"):
        with pytest.raises(ProviderUnavailable):
            order(flaky, "20", ref)
        assert order(flaky, "20", ref).status is OrderStatus.COMPLETED


def test_an_unknown_order_id_is_not_found(sandbox):
    with pytest.raises(OrderRejected) as refused:
        sandbox.get_order("sbxord_NOPE")
    assert refused.value.code == "order_not_found"


def redemption(rid: str, denomination: str, **extra) -> dict:
    base = {"id": rid, "employee_id": "E1003", "provider_sku": SKU, "denomination": denomination}
    return base | {"currency": "USD", "country": "US"} | extra


def test_the_fulfiller_maps_orders_onto_outcomes(sandbox):
    fulfiller = ProviderFulfiller(lambda: sandbox)
    done = fulfiller.fulfil(redemption("rdm_ok", "50.00"))
    assert isinstance(done, Completed)
    assert done.external_order_id
    assert done.code not in repr(done)
    pending = fulfiller.fulfil(redemption("rdm_later", "50.42"))
    assert isinstance(pending, Pending)
    assert isinstance(fulfiller.fulfil(redemption("rdm_later", "50.42")), Completed)
    assert isinstance(fulfiller.fulfil(redemption("rdm_no", "50.13")), PermanentFailure)
    refused = fulfiller.fulfil(redemption("rdm_sku", "50", provider_sku="NO-SUCH-SKU"))
    assert isinstance(refused, PermanentFailure)
    assert "sku_not_found" in refused.reason
    assert isinstance(fulfiller.fulfil(redemption("rdm_nosku", "50", provider_sku=None)), PermanentFailure)
    with pytest.raises(TransientFailure):
        fulfiller.fulfil(redemption("rdm_flaky", "50.03"))


def test_the_fulfiller_asks_for_the_owners_country_when_the_redemption_has_none(sandbox, org):
    fulfiller = ProviderFulfiller(lambda: sandbox)
    plain = redemption("rdm_c", "20", provider_sku="AMAZON-US-EGIFT", country=None)
    assert isinstance(fulfiller.fulfil(plain), Completed)  # E1003 lives in the US
    abroad = redemption("rdm_d", "20", provider_sku="AMAZON-US-EGIFT", country=None, employee_id="E1004")
    outcome = fulfiller.fulfil(abroad)
    assert isinstance(outcome, PermanentFailure)
    assert "country_not_supported" in outcome.reason
