"""POST /v1/corrections of a direct award of a catalogue item (POST /v1/awards) through the real handlers
against moto: HR takes the item back whole while the person still holds it. Delivered as a Plaudit voucher
not yet used: the voucher is cancelled (the desks answer `voucher_cancelled`) and a compensating
`correction` transaction gives the budget its points back; not yet delivered: the redemption is cancelled
by its own cancel path (its refund). A used voucher, a provider's gift card delivered, an award being
delivered: 409 that says why; a second correction `already_reversed`; `points` 422; an Idempotency-Key
replays; of two corrections at once exactly one is made; the act is in the trail, the person is told, and
the ledger, the aggregates and the chain prove after each scenario."""

from __future__ import annotations

import json
from typing import Any

import pytest
import test_slack_kudos
from api_checks import assert_audit_clean, assert_error, table_items
from test_api_awards import ALICE, HR, MAYA, TEAM, add_item, balance, fund, give
from test_api_vouchers import my_codes, refused, staff
from test_slack_kudos import FakeSlack

from plaudit.domain.access import SYSTEM
from plaudit.domain.catalog import FulfilmentMethod, ItemType
from plaudit.domain.insights import BUDGETS_SCOPE, spend_name
from plaudit.integrations import fulfilment_queue
from plaudit.services import corrections, fulfilment, redemptions
from plaudit.services.insights import audit_aggregates
from plaudit.services.trail import record
from plaudit.store import corrections as correction_store
from plaudit.store import insights as insight_store
from plaudit.store import person_data
from plaudit.store import vouchers as voucher_store
from plaudit.store.redemptions import redemption_from
from plaudit.store.transact import WriteRefused, write_all

slack = test_slack_kudos.slack  # the fake Slack fixture
REASON = "Given to the wrong Alice (ticket HR-77)"


@pytest.fixture
def perk(org, clock) -> str:
    """A company perk Plaudit issues its own voucher for, and a budget to give it from."""
    fund(TEAM, 100_000, [MAYA])
    return add_item(
        name="Day off", type=ItemType.COMPANY_PERK, fulfilment=FulfilmentMethod.INTERNAL, provider_sku=None
    )


def correct(api, award_id: str, *, by: str = HR, key: str | None = None, **fields: Any):
    headers = {"Idempotency-Key": key} if key else None
    body = {"award_id": award_id, "reason": REASON} | fields
    return api.call("POST", "/v1/corrections", body=body, as_employee=by, headers=headers)


def undelivered(api, item_id: str, monkeypatch: pytest.MonkeyPatch, key: str = "held") -> dict[str, Any]:
    """An award approved and queued, its delivery not begun."""
    with monkeypatch.context() as patched:
        patched.setattr(fulfilment_queue, "send", lambda rid: False)
        reply = give(api, item_id, key=key)
    assert reply.status == 201, reply.body
    return reply.json


def assert_all_proves(api) -> None:
    api.drain_streams()
    assert_audit_clean()
    assert audit_aggregates() == []


def test_an_unused_voucher_is_cancelled_and_the_budget_gets_the_points_back(
    api, perk, clock, slack: FakeSlack
):
    award = give(api, perk).json
    voucher_id = redemptions.get(SYSTEM, award["id"]).voucher_id
    assert voucher_id is not None
    code = my_codes(api, ALICE)[voucher_id]["code"]
    assert balance(TEAM) == 100_000 - award["points"]
    api.drain_streams()

    done = correct(api, award["id"])
    assert done.status == 201, done.body
    assert done.json["source"] == f"redemption:{award['id']}"
    assert (done.json["cancelled"], done.json["budget_points"]) == (f"voucher:{voucher_id}", award["points"])
    assert (done.json["reversed"], done.json["to"]) == ({}, f"budget:{TEAM}")
    assert balance(TEAM) == 100_000
    assert voucher_store.get_voucher(voucher_id)["status"] == "cancelled"  # type: ignore[index]
    refused(staff(api, "validate", code), "voucher_cancelled")
    assert_error(staff(api, "redeem", code), 409, "voucher_cancelled")
    assert redemptions.get(SYSTEM, award["id"]).status == "fulfilled"  # delivered, then taken back

    details = assert_error(correct(api, award["id"]), 409, "already_reversed")
    assert details == {"cancelled": f"voucher:{voucher_id}"}
    ledger = api.call("GET", f"/v1/budgets/{TEAM}/ledger", as_employee=HR).json["items"]
    assert [line["amount"] for line in ledger if line["kind"] == "correction"] == [award["points"]]
    entries = api.call("GET", "/v1/audit-log?action=ledger.correct", as_employee=HR).json["items"]
    assert [entry["target"] for entry in entries] == [f"redemption:{award['id']}"]
    assert entries[0]["changes"]["reason"] == {"personal": True}  # beside the chain: her erasure deletes it
    assert entries[0]["changes"]["cancelled"]["after"] == f"voucher:{voucher_id}"

    exported = person_data.sections(ALICE, clock())["corrections"]  # in her export, with HR's reason
    assert [(c["id"], c["reason"]) for c in exported] == [(done.json["id"], REASON)]
    assert_all_proves(api)
    year = award["created_at"][:4]
    counters = insight_store.read_counters([(BUDGETS_SCOPE, year)])
    assert counters[(BUDGETS_SCOPE, year)].get(spend_name(TEAM), 0) == 0  # given, then given back
    dms = [call for call in slack.called("chat.postMessage") if "taken back" in call.get("text", "")]
    assert len(dms) == 1
    assert "Day off" in dms[0]["text"]
    assert "wrong Alice" in dms[0]["text"]


def test_an_award_not_yet_delivered_is_cancelled_by_its_own_cancel_path(api, perk, clock, monkeypatch):
    award = undelivered(api, perk, monkeypatch)
    done = correct(api, award["id"])
    assert done.status == 201, done.body
    assert done.json["cancelled"] == f"redemption:{award['id']}"
    assert done.json["txn_id"] == redemptions.refund_txn_id(award["id"])
    after = redemptions.get(SYSTEM, award["id"])
    assert (after.status, after.history[-1].by, after.history[-1].reason) == ("cancelled", HR, REASON)
    assert balance(TEAM) == 100_000
    assert after.voucher_id is None
    assert (
        fulfilment.fulfil(award["id"]) == fulfilment.Result.SKIPPED
    )  # the queued message finds it cancelled
    assert_error(correct(api, award["id"]), 409, "already_reversed")
    entries = api.call("GET", "/v1/audit-log?action=ledger.correct", as_employee=HR).json["items"]
    assert [entry["target"] for entry in entries] == [f"redemption:{award['id']}"]
    assert [c["id"] for c in person_data.sections(ALICE, clock())["corrections"]] == [done.json["id"]]
    assert_all_proves(api)


def test_what_the_person_used_or_is_receiving_is_not_taken_back(api, perk, monkeypatch):
    used = give(api, perk, key="used").json
    voucher_id = redemptions.get(SYSTEM, used["id"]).voucher_id
    assert staff(api, "redeem", my_codes(api, ALICE)[voucher_id]["code"]).status == 200
    details = assert_error(correct(api, used["id"]), 409, "award_used")
    assert (details["status"], details["voucher_status"]) == ("redeemed", "redeemed")

    gift_card = give(api, add_item(), key="visa").json  # a provider's gift card: its code is in her hands
    details = assert_error(correct(api, gift_card["id"]), 409, "award_used")
    assert (details["status"], details["fulfilment"]) == ("fulfilled", "provider")

    failed = give(api, add_item(name="Declined"), denomination="20.13", key="declined").json
    assert redemptions.get(SYSTEM, failed["id"]).status == "failed"  # refunded already
    assert assert_error(correct(api, failed["id"]), 409, "already_reversed") == {"status": "failed"}

    sending = undelivered(api, perk, monkeypatch, key="sending")
    assert redemptions.begin_fulfilment(sending["id"]) is not None
    assert_error(correct(api, sending["id"]), 409, "award_in_fulfilment")

    spent = balance(TEAM)
    assert api.call("GET", "/v1/audit-log?action=ledger.correct", as_employee=HR).json["items"] == []
    assert balance(TEAM) == spent
    assert_all_proves(api)


def test_refusals_say_why(api, perk):
    award = give(api, perk).json
    assert_error(correct(api, award["id"], by=MAYA), 403, "forbidden")  # the budget's holder: not HR
    assert_error(correct(api, award["id"], by=ALICE), 403, "forbidden")
    assert_error(correct(api, "red_7ZZZZZZZZZZZZZZZZZZZZZZZZZ"), 404, "award_not_found")
    assert_error(correct(api, award["id"], points=5), 422, "invalid_request")  # an item goes back whole
    assert_error(correct(api, award["id"], employee_id=MAYA), 422, "not_a_recipient")
    voucher = voucher_store.get_voucher(redemptions.get(SYSTEM, award["id"]).voucher_id or "")
    assert voucher is not None
    assert voucher["status"] == "delivered"  # nothing was cancelled (the bot DMed her the code)
    assert balance(TEAM) == 100_000 - award["points"]
    assert_all_proves(api)


def test_an_idempotency_key_replays_the_first_answer(api, perk):
    award = give(api, perk).json
    first = correct(api, award["id"], key="fix-1")
    assert first.status == 201, first.body
    again = correct(api, award["id"], key="fix-1")
    assert (again.status, again.json, again.headers.get("idempotent-replayed")) == (201, first.json, "true")
    assert balance(TEAM) == 100_000
    assert_error(
        correct(api, award["id"], key="fix-1", reason="Another reason"), 409, "idempotency_key_reused"
    )
    assert_all_proves(api)


def test_erasing_the_person_blanks_the_reason_wherever_it_was_kept(api, perk, aws):
    award = give(api, perk).json
    first = correct(api, award["id"], key="fix-erase")
    assert first.status == 201, first.body
    api.drain_streams()
    assert any(REASON in json.dumps(item) for item in table_items(aws))

    body = {"reason": "Asked to be forgotten"}
    erased = api.call("POST", f"/v1/employees/{ALICE}/erasure", body=body, as_employee=HR)
    assert erased.status == 201, erased.body
    api.drain_streams()
    _, (kept,) = correction_store.redemption_with_corrections(award["id"])
    assert (kept["reason"], kept["budget_points"]) == ("", award["points"])  # the books keep counting it
    assert kept["reason_redacted_at"]
    replay = correct(api, award["id"], key="fix-erase")  # its kept first response lost the reason too
    assert (replay.status, replay.json["reason"]) == (201, "")
    assert [item["PK"]["S"] for item in table_items(aws) if REASON in json.dumps(item)] == []
    assert_all_proves(api)


def test_of_two_corrections_at_once_exactly_one_is_made(api, perk, monkeypatch, clock):
    award = give(api, perk).json
    item, earlier = correction_store.redemption_with_corrections(award["id"])
    assert item is not None
    assert earlier == []
    stale = redemptions.get(SYSTEM, award["id"])
    voucher = voucher_store.get_voucher(stale.voucher_id or "")
    held = redemption_from(item)
    assert held is not None
    one, one_writes = corrections.plan_item(item, held, voucher, REASON, HR)
    _, two_writes = corrections.plan_item(item, held, voucher, REASON, HR)
    record(one_writes, corrections.act_for(HR, one.source, one, ALICE))
    with pytest.raises(WriteRefused) as lost:
        write_all(two_writes)
    assert lost.value.refused("correction")
    # through the service: a request that read before the first correction reads again, and is refused
    reads, real = iter([(item, [])]), correction_store.redemption_with_corrections
    monkeypatch.setattr(
        correction_store, "redemption_with_corrections", lambda rid: next(reads, None) or real(rid)
    )
    vouchers_read, real_voucher = iter([voucher]), voucher_store.get_voucher
    monkeypatch.setattr(
        voucher_store, "get_voucher", lambda vid: next(vouchers_read, None) or real_voucher(vid)
    )
    assert_error(correct(api, award["id"]), 409, "already_reversed")
    assert balance(TEAM) == 100_000  # given back once
    assert_all_proves(api)
