"""Direct awards: a budget's holder (or HR) gives a person a catalogue item paid from the budget, approved at
once and fulfilled like any redemption; a replay gives once; every refusal (not a holder, self-award, an
empty budget, a restriction) writes nothing; a failed delivery refunds the budget once; the audit is clean."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from api_checks import assert_audit_clean, assert_error, table_items

from plaudit.domain.access import SYSTEM
from plaudit.domain.catalog import CatalogItemSpec, Denominations, FulfilmentMethod, ItemType, Restrictions
from plaudit.domain.ledger import TxnKind
from plaudit.integrations import fulfilment_queue
from plaudit.services import budgets, catalog, fulfilment, redemptions
from plaudit.services.runtime import now
from plaudit.store import snapshots
from plaudit.store import trail as trail_store
from plaudit.store.client import use_client

HR, MAYA, ALICE, BOB = "E1001", "E1002", "E1003", "E1004"  # Maya holds the team budget
TEAM, TINY = "team-awards", "tiny-awards"


def add_item(**overrides: Any) -> str:
    values: dict[str, Any] = {
        "name": "Prepaid Visa",
        "category": "gift-cards",
        "type": ItemType.GIFT_CARD,
        "denominations": Denominations(fixed=[Decimal("20"), Decimal("20.13")]),
        "currency": "USD",
        "fulfilment": FulfilmentMethod.PROVIDER,
        "provider_sku": "VISA-PREPAID-GLOBAL",
    }
    return catalog.create_item(SYSTEM, CatalogItemSpec(**(values | overrides))).id


def fund(budget_id: str, points: int, holders: list[str]) -> None:
    budgets.create_budget(
        SYSTEM, budgets.CreateBudget(id=budget_id, name=budget_id, kind="company", holders=holders)
    )
    budgets.move_points(SYSTEM, budget_id, TxnKind.BUDGET_TOP_UP, budgets.MovePoints(points=points))


@pytest.fixture
def shop(org, clock) -> dict[str, str]:
    fund(TEAM, 100_000, [MAYA])
    fund(TINY, 1_000, [MAYA])
    return {"visa": add_item()}


def give(api, item_id: str, *, to: str = ALICE, by: str = MAYA, key: str = "a1", **fields: Any):
    body = {"employee_id": to, "item_id": item_id, "denomination": "20", "budget_id": TEAM} | fields
    return api.call("POST", "/v1/awards", body=body, as_employee=by, headers={"Idempotency-Key": key})


def balance(budget_id: str) -> int:
    return budgets.get_budget(SYSTEM, budget_id).balance


def points_of(employee_id: str) -> int:
    return snapshots.load(wallets=[employee_id]).wallet(employee_id).points


def vouchers_of(api, employee_id: str) -> list[dict[str, Any]]:
    reply = api.call("GET", "/v1/vouchers/mine", as_employee=employee_id)
    assert reply.status == 200, reply.body
    return reply.json["items"]


def test_a_holder_gives_an_item_from_the_budget_and_it_is_fulfilled_once(api, shop):
    reply = give(api, shop["visa"], message="For the launch")
    assert reply.status == 201, reply.body
    award = reply.json
    assert (award["status"], award["employee_id"], award["funded_by"], award["awarded_by"]) == (
        "approved",
        ALICE,
        f"budget:{TEAM}",
        MAYA,
    )
    assert (award["history"][0]["by"], award["history"][0]["reason"]) == (MAYA, "For the launch")
    done = redemptions.get(SYSTEM, award["id"])  # the queue was drained: fulfilled, a voucher issued
    assert done.status == "fulfilled"
    assert done.voucher_id is not None
    assert balance(TEAM) == 100_000 - award["points"]
    assert points_of(ALICE) == 0  # her own points were never touched
    assert len(vouchers_of(api, ALICE)) == 1

    again = give(api, shop["visa"], message="For the launch")
    assert (again.status, again.headers.get("idempotent-replayed")) == (201, "true")
    assert again.body == reply.body  # the first response (approved), though it is fulfilled now
    assert_error(give(api, shop["visa"], denomination="20.13"), 409, "idempotency_key_reused")
    assert balance(TEAM) == 100_000 - award["points"]
    assert len(vouchers_of(api, ALICE)) == 1
    assert api.call("GET", f"/v1/redemptions/{award['id']}", as_employee=ALICE).status == 200
    assert_audit_clean()


def test_hr_gives_from_any_budget(api, shop):
    reply = give(api, shop["visa"], by=HR, to=BOB, key="hr-1")
    assert reply.status == 201, reply.body
    assert reply.json["awarded_by"] == HR
    assert_audit_clean()


def test_every_refusal_says_why_and_writes_nothing(api, aws, shop):
    before = table_items(aws)
    assert_error(give(api, shop["visa"], by=ALICE, to=BOB, key="r1"), 403, "not_a_holder")
    assert_error(give(api, shop["visa"], to=MAYA, key="r2"), 403, "self_award")
    assert_error(give(api, shop["visa"], budget_id=TINY, key="r3"), 422, "insufficient_budget")
    assert_error(give(api, shop["visa"], denomination="25", key="r4"), 422, "bad_denomination")
    assert_error(give(api, shop["visa"], budget_id="no-such-budget", key="r5"), 404, "budget_not_found")
    assert_error(give(api, shop["visa"], to="E9999", key="r6"), 422, "recipient_not_active")
    missing = "item_01JAAAAAAAAAAAAAAAAAAAAAAA"
    assert_error(give(api, missing, key="r7"), 404, "item_not_found")
    catalog.delete_item(SYSTEM, shop["visa"])
    assert_error(give(api, shop["visa"], key="r8"), 422, "item_inactive")

    def untouched(items):  # but the deactivation, and its entry in the administrative trail
        return [item for item in items if not item["PK"]["S"].startswith(("ITEM#", "AUDIT"))]

    assert untouched(table_items(aws)) == untouched(before)
    assert_audit_clean()


def test_a_failed_delivery_refunds_the_budget_once(api, shop):
    reply = give(api, shop["visa"], denomination="20.13", key="declined")  # the sandbox declines .13
    assert reply.status == 201, reply.body
    failed = redemptions.get(SYSTEM, reply.json["id"])
    assert failed.status == "failed"
    assert balance(TEAM) == 100_000
    redemptions.fail_fulfilment(failed.id, "again")  # a repeat refunds nothing
    assert balance(TEAM) == 100_000
    assert points_of(ALICE) == 0
    assert vouchers_of(api, ALICE) == []
    assert_audit_clean()


def test_fulfilment_takes_three_round_trips(api, aws, shop, monkeypatch):
    """Begin (read, write), then the voucher and the settlement in one transaction: the item's restrictions
    and the person's country travel on the redemption, nothing is read again."""
    perk = add_item(
        name="Day off",
        type=ItemType.COMPANY_PERK,
        fulfilment=FulfilmentMethod.INTERNAL,
        provider_sku=None,
        restrictions=Restrictions(expires_after_days=30),
    )
    with monkeypatch.context() as patched:
        patched.setattr(fulfilment_queue, "send", lambda rid: False)  # fulfilled below, counted
        rid = give(api, perk, key="counted").json["id"]
    counting = CountingClient(aws)
    use_client(counting)
    try:
        assert fulfilment.fulfil(rid) == fulfilment.Result.FULFILLED
        assert counting.calls == ["batch_get_item", "transact_write_items", "transact_write_items"]
    finally:
        use_client(aws)
    [voucher] = vouchers_of(api, ALICE)
    assert voucher["expires_on"] == (now().date() + timedelta(days=30)).isoformat()
    assert fulfilment.fulfil(rid) == fulfilment.Result.SKIPPED  # a duplicate message
    assert_audit_clean()


class CountingClient:
    """The DynamoDB client, counting round trips."""

    def __init__(self, client: Any):
        self.client, self.calls = client, []

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.client, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            return method(*args, **kwargs)

        return counted


# --- a budget's scope -------------------------------------------------------------------------------------


def scoped(budget_id: str, **scope: Any) -> None:
    body = budgets.CreateBudget(id=budget_id, name=f"{budget_id} awards", holders=[MAYA], **scope)
    budgets.create_budget(SYSTEM, body)
    budgets.move_points(SYSTEM, budget_id, TxnKind.BUDGET_TOP_UP, budgets.MovePoints(points=10_000))


def test_a_department_budget_pays_only_its_department(api, shop):
    scoped("eng-only", kind="department", department="Engineering")
    api.drain_streams()  # the trail links the budget's entries first
    before = table_items(api.client)
    refused = give(api, shop["visa"], to=HR, budget_id="eng-only", key="hr")  # Hana is in People
    assert_error(refused, 422, "outside_budget_scope")
    assert refused.json["error"]["details"] == {"budget_id": "eng-only", "employee_id": HR}
    assert "eng-only awards" in refused.json["error"]["message"]
    assert table_items(api.client) == before
    assert give(api, shop["visa"], to=ALICE, budget_id="eng-only", key="alice").status == 201


def test_a_budget_for_named_departments_or_a_managers_organisation(api, shop):
    scoped("people-dept", kind="program", departments=["People", "Sales"])
    assert_error(
        give(api, shop["visa"], to=ALICE, budget_id="people-dept", key="a"), 422, "outside_budget_scope"
    )
    assert give(api, shop["visa"], to=HR, budget_id="people-dept", key="h").status == 201
    # Hana's organisation: Grace reports to her; Alice reports to Maya, who reports to no one
    scoped("hana-org", kind="company", manager_id=HR)
    assert give(api, shop["visa"], to="E1009", budget_id="hana-org", key="g").status == 201
    assert_error(
        give(api, shop["visa"], to=ALICE, budget_id="hana-org", key="a2"), 422, "outside_budget_scope"
    )
    assert_error(
        give(api, shop["visa"], to=HR, budget_id="hana-org", key="h2"),
        422,
        "outside_budget_scope",
    )  # the manager is not in their own organisation
    assert_audit_clean()


def test_a_budgets_scope_changes_with_a_patch_and_applies_to_the_next_award(api, shop):
    scoped("team-fund", kind="program", departments=["People"])
    patch = {"Content-Type": "application/merge-patch+json"}

    def change(body: dict[str, Any], as_employee: str = HR):
        return api.call("PATCH", "/v1/budgets/team-fund", body=body, as_employee=as_employee, headers=patch)

    assert_error(
        give(api, shop["visa"], to=ALICE, budget_id="team-fund", key="1"), 422, "outside_budget_scope"
    )
    widened = change({"departments": ["People", "Engineering"], "name": "Team fund"})
    assert widened.status == 200, widened.body
    assert (widened.json["departments"], widened.json["name"], widened.json["balance"]) == (
        ["People", "Engineering"],
        "Team fund",
        10_000,
    )
    assert give(api, shop["visa"], to=ALICE, budget_id="team-fund", key="2").status == 201
    # a manager's organisation instead of departments: both at once is refused, one after the other is not
    assert_error(change({"manager_id": HR}), 422, "invalid_request")
    moved = change({"departments": [], "manager_id": HR})
    assert (moved.status, moved.json["manager_id"], moved.json["departments"]) == (200, HR, [])
    assert_error(
        give(api, shop["visa"], to=ALICE, budget_id="team-fund", key="3"), 422, "outside_budget_scope"
    )
    assert change({"manager_id": None}).json.get("manager_id") is None  # null clears it: anyone again
    for bad, code in (
        ({"kind": "department"}, "invalid_request"),  # only name, holders and scope change
        ({"name": None}, "invalid_request"),
        ({"holders": [MAYA, MAYA]}, "invalid_request"),
        ({"holders": ["E9999"]}, "unknown_holder"),
        ({"manager_id": "E9999"}, "unknown_manager"),
    ):
        assert_error(change(bad), 422, code)
    assert_error(change({"name": "Mine"}, as_employee=MAYA), 403, "forbidden")  # a holder may not
    assert_error(
        api.call("PATCH", "/v1/budgets/nope", body={"name": "x"}, as_employee=HR, headers=patch),
        404,
        "budget_not_found",
    )
    unchanged = table_items(api.client)
    assert change({"name": "Team fund"}).status == 200  # nothing to change: nothing written
    assert table_items(api.client) == unchanged
    api.drain_streams()
    updates = [e for e in trail_store.all_entries() if e["action"] == "budget.update"]
    assert [sorted(e["changes"]) for e in updates] == [
        ["departments", "name"],
        ["departments", "manager_id"],
        ["manager_id"],
    ], updates
    assert_audit_clean()
