"""The bounds of a correction (plaudit.domain.corrections): never more than was paid less what earlier
corrections took back, never more than the person holds, and whose points must be clear."""

from datetime import date

import pytest
from pydantic import ValidationError

from plaudit.domain.corrections import CorrectionRequest, item_to_take_back, spent, to_reverse
from plaudit.domain.errors import Conflict, RuleViolation
from plaudit.domain.redemptions import Status

AWARD = "award_" + "A" * 26


def test_all_that_remains_by_default_and_part_of_it_when_asked():
    assert to_reverse({"e1": 200}, {}) == {"e1": 200}
    assert to_reverse({"e1": 200}, {"e1": 50}) == {"e1": 150}
    assert to_reverse({"e1": 200}, {"e1": 50}, points=150) == {"e1": 150}
    assert to_reverse({"e1": 8, "e2": 8}, {"e1": 3}) == {"e1": 5, "e2": 8}
    assert to_reverse({"e1": 8, "e2": 8}, {"e1": 8}) == {"e2": 8}
    assert to_reverse({"e1": 8, "e2": 8}, {}, employee_id="e2", points=2) == {"e2": 2}


def test_more_than_remains_is_a_conflict_that_says_how_much_remains():
    with pytest.raises(Conflict) as refused:
        to_reverse({"e1": 200}, {"e1": 50}, points=151)
    assert refused.value.code == "exceeds_paid"
    assert refused.value.details == {"asked": 151, "paid": 200, "reversed": 50, "remaining": 150}
    assert "150 points" in refused.value.message
    with pytest.raises(Conflict) as nothing_paid:
        to_reverse({}, {})
    assert nothing_paid.value.code == "exceeds_paid"


def test_nothing_left_is_already_reversed_with_what_was():
    with pytest.raises(Conflict) as refused:
        to_reverse({"e1": 200}, {"e1": 200})
    assert (refused.value.code, refused.value.details) == ("already_reversed", {"reversed": {"e1": 200}})
    with pytest.raises(Conflict):
        to_reverse({"e1": 8, "e2": 8}, {"e1": 8}, employee_id="e1")


def test_whose_points_must_be_clear():
    with pytest.raises(RuleViolation) as several:
        to_reverse({"e1": 8, "e2": 8}, {}, points=2)
    assert several.value.code == "recipient_needed"
    with pytest.raises(RuleViolation) as stranger:
        to_reverse({"e1": 8}, {}, employee_id="e9")
    assert stranger.value.code == "not_a_recipient"


def test_what_the_person_no_longer_holds_cannot_be_taken_back():
    spent({"e1": 10}, {"e1": 10})
    with pytest.raises(Conflict) as refused:
        spent({"e1": 9, "e2": 0}, {"e1": 10, "e2": 1})
    assert refused.value.code == "points_spent"
    assert refused.value.details == {
        "employee_ids": ["e1", "e2"],
        "holds": {"e1": 9, "e2": 0},
        "to_reverse": {"e1": 10, "e2": 1},
    }


def test_a_request_names_exactly_one_source():
    assert CorrectionRequest(award_id=AWARD, reason="error").points is None
    with pytest.raises(ValidationError, match="either award_id or recognition_id"):
        CorrectionRequest(reason="error")
    with pytest.raises(ValidationError, match="either award_id or recognition_id"):
        CorrectionRequest(award_id=AWARD, recognition_id="rec_" + "A" * 26, reason="error")
    with pytest.raises(ValidationError, match="greater than or equal to 1"):
        CorrectionRequest(award_id=AWARD, reason="error", points=0)


ITEM_AWARD = "red_" + "B" * 26
TODAY = date(2026, 12, 5)


def test_a_direct_item_award_is_named_by_its_redemption_id_and_taken_back_whole():
    assert CorrectionRequest(award_id=ITEM_AWARD, reason="x").is_item_award
    assert not CorrectionRequest(award_id=AWARD, reason="x").is_item_award
    with pytest.raises(ValidationError):
        CorrectionRequest(award_id=ITEM_AWARD, points=5, reason="x")


def held(status: Status, fulfilment: str = "internal", voucher: dict[str, str] | None = None, **kw: str):
    return item_to_take_back(status, fulfilment, voucher, TODAY, **kw)


def refusal(status: Status, fulfilment: str = "internal", voucher: dict[str, str] | None = None, **kw: str):
    with pytest.raises(Conflict) as refused:
        held(status, fulfilment, voucher, **kw)
    return refused.value.code, refused.value.details


def test_what_of_a_direct_item_award_the_person_still_holds():
    assert held(Status.APPROVED) == "redemption"
    assert held(Status.PENDING_APPROVAL) == "redemption"
    live = {"id": "vch_1", "status": "delivered", "expires_on": "2026-12-05"}  # its last valid day
    assert held(Status.FULFILLED, voucher=live) == "voucher"
    assert held(Status.FULFILLED, voucher={"id": "vch_1", "status": "issued"}) == "voucher"


def test_what_the_person_used_is_on_its_way_or_went_back_is_refused_and_says_why():
    assert refusal(Status.FULFILLING)[0] == "award_in_fulfilment"
    redeemed = refusal(Status.REDEEMED, voucher={"id": "vch_1", "status": "redeemed"})
    assert redeemed == (
        "award_used",
        {"status": "redeemed", "fulfilment": "internal", "voucher_status": "redeemed"},
    )
    lapsed = {"id": "vch_1", "status": "issued", "expires_on": "2026-12-04"}  # not yet marked by the schedule
    assert refusal(Status.FULFILLED, voucher=lapsed)[1]["voucher_status"] == "expired"
    gift_card = refusal(Status.FULFILLED, "provider", {"id": "vch_1", "status": "issued"})
    assert gift_card[0] == "award_used"
    assert refusal(Status.FULFILLED, "provider", None)[0] == "award_used"  # a donation: nothing to void
    assert refusal(Status.FAILED) == ("already_reversed", {"status": "failed"})
    assert refusal(Status.CANCELLED) == ("already_reversed", {"status": "cancelled"})
    taken = refusal(
        Status.FULFILLED, voucher={"id": "vch_1", "status": "issued"}, taken_back_before="voucher:vch_1"
    )
    assert taken == ("already_reversed", {"cancelled": "voucher:vch_1"})
    cancelled = refusal(Status.FULFILLED, voucher={"id": "vch_1", "status": "cancelled"})
    assert cancelled == ("already_reversed", {"cancelled": "voucher:vch_1"})
