"""Vouchers through the API: codes shown only to their owner, checked and redeemed once by staff, wrong
codes answered alike and rate-limited, expiry, reminders, blackouts, location and vendor limits, and no
code in any log line."""

from __future__ import annotations

import base64
import logging
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from api_checks import assert_error, table_items

from plaudit.domain.access import Caller
from plaudit.domain.catalog import Restrictions
from plaudit.domain.errors import Conflict
from plaudit.domain.voucher_codes import canonical, generate_code
from plaudit.services import vouchers
from plaudit.services.insights import audit_aggregates
from plaudit.services.runtime import now
from plaudit.store import insights as insight_store
from plaudit.store import vouchers as voucher_store

OWNER, OTHER, HANA = "E1003", "E1004", "E1001"
STAFF = {
    "sub": "perk-desk-client",
    "client_id": "perk-desk-client",
    "iss": "https://idp.example/",
    "aud": "x",
}
STAFF_SCOPES = ["plaudit/vouchers"]
SYSTEM_STAFF = Caller(employee_id=None, scopes=frozenset({"vouchers"}), subject="perk-desk-client")


@pytest.fixture
def states(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """What the redemptions were told (the redemption dicts here are fakes, not stored redemptions)."""
    told: list[tuple[str, str]] = []
    monkeypatch.setattr(vouchers, "redemption_state", lambda rid, status: told.append((rid, status)))
    return told


def issue(
    rid: str = "red_1",
    employee: str = OWNER,
    expires_in: int | None = 30,
    offer: dict[str, Any] | None = None,
    **kw: Any,
) -> str:
    redemption = {"id": rid, "employee_id": employee, "item_id": "item_spa", "item_name": "Spa day"}
    redemption |= {"denomination": Decimal(0 if offer else 50), "currency": "EUR", "offer": offer}
    expires_on = now().date() + timedelta(days=expires_in) if expires_in is not None else None
    return vouchers.issue(redemption, expires_on=expires_on, **kw)


def my_codes(api, employee: str = OWNER) -> dict[str, dict[str, Any]]:
    reply = api.call("GET", "/v1/vouchers/mine", as_employee=employee)
    assert reply.status == 200, reply.body
    return {item["id"]: item for item in reply.json["items"]}


def refused(reply, code: str) -> None:
    """A validation that found the voucher but says it cannot be used, and why."""
    assert reply.status == 200, reply.body
    assert reply.json["usable"] is False
    assert reply.json["refusal"]["code"] == code
    assert reply.json["refusal"]["message"]
    assert reply.json["discount"] is None
    assert reply.json["cashback"] is None


def staff(api, action: str, code: str, **extra: Any):
    return api.call(
        "POST", f"/v1/vouchers/{action}", claims=STAFF, scopes=STAFF_SCOPES, body={"code": code, **extra}
    )


def test_a_code_is_shown_only_to_its_owner_and_stored_only_encrypted(org, api, clock, aws) -> None:
    voucher_id = issue()
    mine = my_codes(api)
    code = mine[voucher_id]["code"]
    assert mine[voucher_id]["status"] == "issued"
    assert mine[voucher_id]["item_name"] == "Spa day"
    assert my_codes(api, OTHER) == {}
    stored = repr(table_items(aws))
    assert code not in stored
    assert canonical(code) not in stored


def test_issue_is_idempotent_per_redemption(org, api, clock) -> None:
    assert issue("red_1") == issue("red_1")
    assert len(my_codes(api)) == 1


def test_a_colliding_generated_code_is_replaced_and_a_taken_given_code_refused(
    org, api, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = generate_code(bytes(16))
    issue("red_1", code=taken)
    draws = iter([bytes(16), b"\x07" * 16])
    monkeypatch.setattr(vouchers.runtime, "entropy", lambda size: next(draws))
    second = issue("red_2")
    assert my_codes(api)[second]["code"] not in (taken, None)
    with pytest.raises(Conflict) as refused:
        issue("red_3", code=taken.lower())
    assert refused.value.code == "voucher_code_taken"


def test_staff_validate_then_redeem_exactly_once(org, api, clock, states) -> None:
    voucher_id = issue()
    code = my_codes(api)[voucher_id]["code"]
    checked = staff(api, "validate", code.lower().replace("-", " "))
    assert checked.status == 200, checked.body
    assert checked.json["voucher_id"] == voucher_id
    assert checked.json["status"] == "delivered"  # the notifier handed it over (here: the API channel)
    assert "code" not in checked.json
    assert checked.json["usable"] is True
    assert checked.json["refusal"] is None
    assert checked.json["owner_first_name"] == "Alice"
    assert checked.json["value"] == {
        "kind": "amount",
        "amount": "50",
        "percent": None,
        "cap": None,
        "currency": "EUR",
    }
    assert checked.json["discount"] == "50"  # no purchase named: the whole value
    redeemed = staff(api, "redeem", code, location="Lisbon", purchase_amount="32.50")
    assert redeemed.status == 200, redeemed.body
    assert redeemed.json["status"] == "redeemed"
    assert redeemed.json["discount"] == "32.50"  # a smaller purchase: what it costs
    refused(staff(api, "validate", code), "voucher_already_redeemed")
    assert states == [("red_1", "redeemed")]
    assert_error(staff(api, "redeem", code), 409, "voucher_already_redeemed")
    assert states == [("red_1", "redeemed")] * 2  # told again: a no-op, or the repair of a lost telling
    assert my_codes(api)[voucher_id]["status"] == "redeemed"
    api.drain_streams()
    owner = insight_store.scan_aggregates()[0][("person:E1003", "2026-11")]
    assert owner == {"vouchers_issued": 1, "vouchers_delivered": 1, "vouchers_redeemed": 1}
    assert audit_aggregates() == []


def test_checking_codes_needs_the_vouchers_scope_or_hr(org, api, clock) -> None:
    voucher_id = issue()
    code = my_codes(api)[voucher_id]["code"]
    reply = api.call("POST", "/v1/vouchers/validate", as_employee=OTHER, body={"code": code})
    assert_error(reply, 403, "forbidden")
    assert api.call("POST", "/v1/vouchers/validate", as_employee=HANA, body={"code": code}).status == 200


def test_wrong_codes_get_one_generic_answer_and_are_rate_limited(org, api, clock) -> None:
    voucher_id = issue()
    code = my_codes(api)[voucher_id]["code"]
    unknown = generate_code(b"\x09" * 16)
    typo = code[:-1] + ("2" if code[-1] != "2" else "3")
    answers = [staff(api, "validate", wrong) for wrong in (unknown, typo, "nonsense", unknown)]
    for answer in answers:
        assert_error(answer, 404, "voucher_not_valid")
    assert len({answer.body for answer in answers}) == 1
    for _ in range(6):
        assert_error(staff(api, "validate", unknown), 404, "voucher_not_valid")
    assert_error(staff(api, "validate", unknown), 429, "throttled")
    assert_error(staff(api, "redeem", code), 429, "throttled")  # a lucky guess now learns nothing
    other_desk = {**STAFF, "sub": "other-desk"}
    reply = api.call(
        "POST", "/v1/vouchers/validate", claims=other_desk, scopes=STAFF_SCOPES, body={"code": code}
    )
    assert reply.status == 200, reply.body
    clock.advance(minutes=10)
    assert staff(api, "validate", code).status == 200


def test_an_expired_voucher_is_refused_expired_on_schedule_and_reminded_before(
    org, api, clock, states
) -> None:
    soon = issue("red_1", expires_in=3)
    later = issue("red_2", expires_in=7)
    code = my_codes(api)[soon]["code"]
    assert vouchers.remind_due(now()) == 1  # red_2 expires in 7 days
    assert vouchers.remind_due(now()) == 0
    clock.advance(days=3)
    assert staff(api, "validate", code).status == 200  # the last valid day
    clock.advance(days=1)
    refused(staff(api, "validate", code), "voucher_expired")
    assert vouchers.expire_due(now()) == 1
    assert vouchers.expire_due(now()) == 0
    assert states == [("red_1", "expired")]
    mine = my_codes(api)
    assert mine[soon]["status"] == "expired"
    assert mine[later]["status"] == "delivered"


def test_reminders_are_items_for_the_notifier(org, api, clock, aws) -> None:
    voucher_id = issue(expires_in=7)
    vouchers.remind_due(now())
    reminders = [item for item in table_items(aws) if item.get("type", {}).get("S") == "voucher_reminder"]
    assert [(r["voucher_id"]["S"], r["employee_id"]["S"]) for r in reminders] == [(voucher_id, OWNER)]


def test_blackouts_locations_and_vendors_limit_redemption(
    org, api, clock, states, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = now().date()
    snapshot = {
        "blackouts": [
            {"start": (today + timedelta(days=1)).isoformat(), "end": (today + timedelta(days=2)).isoformat()}
        ],
        "locations": ["Lisbon", "Porto"],
        "vendors": ["Spa Co"],
    }
    monkeypatch.setattr(vouchers, "_restriction_snapshot", lambda item_id: snapshot)
    voucher_id = issue()
    code = my_codes(api)[voucher_id]["code"]
    refused(staff(api, "validate", code, vendor="Spa Co"), "voucher_wrong_location")
    refused(staff(api, "validate", code, location="Madrid", vendor="Spa Co"), "voucher_wrong_location")
    refused(staff(api, "validate", code, location="porto", vendor="Other"), "voucher_wrong_vendor")
    assert staff(api, "validate", code, location="porto", vendor="spa co").status == 200
    clock.advance(days=1)
    assert_error(staff(api, "redeem", code, location="Porto", vendor="Spa Co"), 422, "blackout")
    clock.advance(days=2)
    assert staff(api, "redeem", code, location="Porto", vendor="Spa Co").status == 200


def test_the_owner_marks_a_voucher_used_once(org, api, clock, states) -> None:
    voucher_id = issue()
    assert_error(
        api.call("POST", f"/v1/vouchers/{voucher_id}/used", as_employee=OTHER), 404, "voucher_not_found"
    )
    used = api.call("POST", f"/v1/vouchers/{voucher_id}/used", as_employee=OWNER)
    assert used.status == 200, used.body
    assert used.json["status"] == "redeemed"
    assert "code" not in used.json
    assert_error(
        api.call("POST", f"/v1/vouchers/{voucher_id}/used", as_employee=OWNER), 409, "voucher_redeemed"
    )
    assert states == [("red_1", "redeemed")] * 2
    assert vouchers.expire_due(now() + timedelta(days=40)) == 0


def test_no_code_appears_in_any_log_line(
    org, api, clock, states, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    captured: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            captured.append(self.format(record))

    keep = Keep(level=logging.DEBUG)
    loggers = [logging.getLogger()] + [
        logger for logger in logging.Logger.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    for logger in loggers:
        logger.addHandler(keep)
    try:
        voucher_id = issue()
        code = my_codes(api)[voucher_id]["code"]
        staff(api, "validate", code)
        staff(api, "validate", code[:-1] + ("2" if code[-1] != "2" else "3"))
        staff(api, "redeem", code)
        staff(api, "redeem", code)
    finally:
        for logger in loggers:
            logger.removeHandler(keep)
    out, err = capfd.readouterr()
    text = "\n".join([out, err, caplog.text, *captured])
    assert text.strip(), "the capture saw nothing: it would prove nothing"
    for form in (code, canonical(code), code.lower()):
        assert form not in text
        assert base64.b64encode(form.encode()).decode() not in text


def test_dates_are_iso_in_the_owner_view(org, api, clock) -> None:
    voucher_id = issue(expires_in=10)
    assert my_codes(api)[voucher_id]["expires_on"] == (now().date() + timedelta(days=10)).isoformat()
    assert isinstance(date.fromisoformat(my_codes(api)[voucher_id]["expires_on"]), date)


def test_a_lost_telling_of_the_redemption_is_repaired_by_the_next_attempt(org, api, clock) -> None:
    voucher_id = issue(expires_in=3)
    code = my_codes(api)[voucher_id]["code"]
    told: list[tuple[str, str]] = []

    def fail(rid: str, status: str) -> None:
        raise RuntimeError("crashed between the two writes")

    with pytest.raises(RuntimeError):
        vouchers.redeem(SYSTEM_STAFF, code, on_state=fail)
    with pytest.raises(Conflict):
        vouchers.redeem(SYSTEM_STAFF, code, on_state=lambda rid, status: told.append((rid, status)))
    assert told == [("red_1", "redeemed")]
    assert vouchers.expire_due(now() + timedelta(days=10), on_state=fail) == 0  # redeemed: not indexed


def test_an_expiry_run_that_stops_halfway_is_repaired_by_the_next(org, api, clock) -> None:
    issue(expires_in=1)
    told: list[tuple[str, str]] = []

    def fail(rid: str, status: str) -> None:
        raise RuntimeError("crashed before telling")

    clock.advance(days=2)
    with pytest.raises(RuntimeError):
        vouchers.expire_due(now(), on_state=fail)
    assert vouchers.expire_due(now(), on_state=lambda rid, status: told.append((rid, status))) == 0
    assert told == [("red_1", "expired")]
    assert vouchers.expire_due(now(), on_state=fail) == 0  # the entry is gone now


def test_the_daily_tick_expires_and_reminds(org, api, clock, states) -> None:
    issue("red_1", expires_in=0)
    issue("red_2", expires_in=8)
    clock.advance(days=1)
    assert api.invoke("VouchersScheduleFunction", {"source": "plaudit.schedule", "job": "vouchers"}) == {
        "expired": 1,
        "reminded": 1,
    }
    assert states == [("red_1", "expired")]


def test_a_delivery_channel_gets_the_code_for_the_owner_then_marks_it_delivered(
    org, api, clock, states
) -> None:
    voucher_id = issue()
    owned = vouchers.for_delivery(voucher_id)
    assert owned.employee_id == OWNER
    assert owned.code == my_codes(api)[voucher_id]["code"]
    assert vouchers.mark_delivered(voucher_id) is True
    assert my_codes(api)[voucher_id]["status"] == "delivered"
    assert staff(api, "redeem", owned.code).status == 200
    assert vouchers.mark_delivered(voucher_id) is False
    assert my_codes(api)[voucher_id]["status"] == "redeemed"


def test_a_percentage_voucher_with_a_minimum_purchase_and_exclusions_at_the_desk(
    org, api, clock, states, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = Restrictions(minimum_purchase=Decimal("30"), excluded_categories=["alcohol", "tobacco"])
    monkeypatch.setattr(vouchers, "_item_restrictions", lambda item_id: rules)
    offer = {"kind": "percentage", "percent": "20", "cap": {"amount": "15", "currency": "EUR"}}
    voucher_id = issue(offer=offer)
    mine = my_codes(api)[voucher_id]
    assert mine["value"] == {
        "kind": "percentage",
        "amount": None,
        "percent": "20",
        "cap": "15",
        "currency": "EUR",
    }
    assert mine["restrictions"]["minimum_purchase"] == "30"
    assert mine["restrictions"]["excluded_categories"] == ["alcohol", "tobacco"]
    code = mine["code"]

    refused(staff(api, "validate", code), "purchase_amount_needed")
    refused(
        staff(api, "validate", code, purchase_amount="29.99", purchase_category="food"),
        "below_minimum_purchase",
    )
    refused(staff(api, "validate", code, purchase_amount="40"), "purchase_category_needed")
    refused(
        staff(api, "validate", code, purchase_amount="40", purchase_category="alcohol"), "excluded_category"
    )
    italian = api.call(
        "POST",
        "/v1/vouchers/validate",
        claims=STAFF,
        scopes=STAFF_SCOPES,
        body={"code": code, "purchase_amount": "10", "purchase_category": "food"},
        headers={"Accept-Language": "it"},
    )
    assert italian.json["refusal"]["message"] == "Questo buono vale solo per acquisti da 30,00\xa0€ in su."

    check = staff(api, "validate", code, purchase_amount="40", purchase_category="food")
    assert (check.status, check.json["usable"]) == (200, True), check.body
    assert (check.json["discount"], check.json["cashback"]) == ("8.00", None)
    big = staff(api, "validate", code, purchase_amount="200", purchase_category="food")
    assert big.json["discount"] == "15"  # the cap

    assert_error(
        staff(api, "redeem", code, purchase_amount="20", purchase_category="food"),
        422,
        "below_minimum_purchase",
    )
    assert_error(
        staff(api, "redeem", code, purchase_amount="50", purchase_category="ALCOHOL"),
        422,
        "excluded_category",
    )
    assert states == []
    redeemed = staff(api, "redeem", code, purchase_amount="50", purchase_category="food")
    assert (redeemed.status, redeemed.json["status"], redeemed.json["discount"]) == (200, "redeemed", "10.00")
    assert states == [("red_1", "redeemed")]
    stored = voucher_store.get_voucher(voucher_id)
    assert (stored["purchase_amount"], stored["purchase_category"]) == (Decimal("50"), "food")


def test_a_cashback_voucher_tells_the_desk_what_it_pays_back(org, api, clock, states) -> None:
    voucher_id = issue(offer={"kind": "cashback", "percent": "5"})
    code = my_codes(api)[voucher_id]["code"]
    check = staff(api, "validate", code, purchase_amount="123.45")
    assert (check.json["usable"], check.json["discount"], check.json["cashback"]) == (True, None, "6.17")
    assert check.json["value"]["kind"] == "cashback"
