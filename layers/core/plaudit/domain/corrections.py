"""Corrections (issue 15 §4): HR takes back points paid in error, by a compensating ledger transaction.

What can be corrected is a payment of points: an award (a milestone rule's, a season's prize, a campaign's
payment: each an award) or a kudos (with its add-ons); and a direct award of a catalogue item (POST
/v1/awards, a redemption paid by a budget), taken back whole while the person has not used it
(`item_to_take_back`). Each correction takes back at most what the source
paid a person minus what earlier corrections took back (`exceeds_paid`; nothing left: `already_reversed`),
and at most what the person still holds (checked by the service against their wallet: `points_spent`).
"""

from collections.abc import Mapping
from datetime import date
from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from plaudit.domain.employees import EMPLOYEE_ID
from plaudit.domain.errors import Conflict, Points, RuleViolation
from plaudit.domain.model import Model
from plaudit.domain.redemptions import REFUNDED, Status

AWARD_ID = r"^(award|red)_[0-9A-Z]{26}$"  # red_: a direct award of a catalogue item (POST /v1/awards)
ITEM_AWARD_PREFIX = "red_"
RECOGNITION_ID = r"^rec_[0-9A-Z]{26}$"


class CorrectionRequest(Model):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    award_id: str | None = Field(
        default=None,
        pattern=AWARD_ID,
        description="An award paid in error (a milestone's, a campaign's), or the id a direct award of a "
        "catalogue item answered with (red_..., POST /v1/awards): taken back whole",
    )
    recognition_id: str | None = Field(default=None, pattern=RECOGNITION_ID, description="Or a kudos")
    employee_id: str | None = Field(
        default=None,
        pattern=EMPLOYEE_ID,
        description="Whose points (a kudos paid to several people; default: everyone it paid)",
    )
    points: int | None = Field(
        default=None, ge=1, le=1_000_000, description="How many to take back (default: all that remain)"
    )
    reason: str = Field(min_length=1, max_length=500, description="Why (in the trail; told to the person)")

    @model_validator(mode="after")
    def _one_source(self) -> "CorrectionRequest":
        if (self.award_id is None) == (self.recognition_id is None):
            raise ValueError("give either award_id or recognition_id")
        if self.points is not None and self.is_item_award:
            raise ValueError("a direct award of an item is taken back whole: give no points")
        return self

    @property
    def is_item_award(self) -> bool:
        return (self.award_id or "").startswith(ITEM_AWARD_PREFIX)


class Correction(Model):
    id: str = Field(description="The correction (cor_...)")
    source: str = Field(
        description="What it corrects: award:<id>, recognition:<id> or redemption:<id> (a direct item award)"
    )
    reversed: dict[str, int] = Field(
        description="Points taken back from each person (none for a direct item award: the item goes back)"
    )
    txn_id: str = Field(description="The compensating ledger transaction")
    to: str = Field(description="Where the points went: budget:<id> (an award's) or org:forfeited (a kudos')")
    reason: str
    at: str
    cancelled: str | None = Field(
        default=None,
        description="A direct item award: what of the person's was cancelled, voucher:<id> (its unused "
        "voucher) or redemption:<id> (not yet delivered)",
    )
    budget_points: int | None = Field(
        default=None, description="A direct item award: the points its budget got back"
    )


def to_reverse(
    paid: Mapping[str, int],
    corrected: Mapping[str, int],
    *,
    employee_id: str | None = None,
    points: int | None = None,
) -> dict[str, int]:
    """The points to take back from each person: all that remains of what they were paid (less what was
    taken back before), or `points` from the one person named (or the only one paid)."""
    people = [employee_id] if employee_id is not None else sorted(paid)
    if employee_id is not None and employee_id not in paid:
        raise RuleViolation(
            "error.correction_recipient", code="not_a_recipient", details={"paid": sorted(paid)}
        )
    if points is not None and len(people) > 1:
        raise RuleViolation(
            "error.correction_recipient", code="recipient_needed", details={"paid": sorted(paid)}
        )
    remaining = {person: paid[person] - corrected.get(person, 0) for person in people}
    if not any(remaining.values()):
        taken = {person: corrected[person] for person in people if corrected.get(person)}
        if taken:
            raise Conflict("error.already_reversed", code="already_reversed", details={"reversed": taken})
        raise Conflict(
            "error.exceeds_paid",
            code="exceeds_paid",
            details={"asked": points or 0, "paid": 0, "reversed": 0, "remaining": 0},
            points=Points(points or 0),
            remaining=Points(0),
        )
    if points is None:
        return {person: left for person, left in remaining.items() if left > 0}
    (person,) = people
    if points > remaining[person]:
        raise Conflict(
            "error.exceeds_paid",
            code="exceeds_paid",
            details={
                "asked": points,
                "paid": paid[person],
                "reversed": corrected.get(person, 0),
                "remaining": remaining[person],
            },
            points=Points(points),
            remaining=Points(remaining[person]),
        )
    return {person: points}


def spent(
    holds: Mapping[str, int], reversing: Mapping[str, int], key: str = "error.correction_spent"
) -> None:
    """Refuse (409 `points_spent`, said by `key`) when someone no longer holds what would be taken back."""
    short = sorted(person for person, points in reversing.items() if holds.get(person, 0) < points)
    if short:
        raise Conflict(
            key,
            code="points_spent",
            details={
                "employee_ids": short,
                "holds": {person: holds.get(person, 0) for person in short},
                "to_reverse": {person: reversing[person] for person in short},
            },
            employee_id=short[0],
            held=Points(holds.get(short[0], 0)),
            points=Points(reversing[short[0]]),
        )


LIVE_VOUCHER = ("issued", "delivered")
CANCELLABLE_ONCE_DELIVERED = "internal"  # a Plaudit code, honoured only at Plaudit's desks: it can be voided


def item_to_take_back(
    status: Status,
    fulfilment: str,
    voucher: Mapping[str, str] | None,
    today: date,
    *,
    taken_back_before: str | None = None,
) -> Literal["redemption", "voucher"]:
    """What of a direct item award the person still holds, to cancel: the redemption itself while it is not
    delivered, or its unused, unexpired Plaudit voucher. Anything else is theirs (409 `award_used`: a voucher
    redeemed or expired, a provider's gift card or a stocked code delivered, a donation made), on its way
    (`award_in_fulfilment`), or back with its budget already (`already_reversed`: `taken_back_before`, what
    an earlier correction cancelled, or a delivery that failed, a cancel or a rejection)."""
    if taken_back_before is not None:
        raise Conflict(
            "error.already_reversed", code="already_reversed", details={"cancelled": taken_back_before}
        )
    if status in REFUNDED:
        raise Conflict("error.already_reversed", code="already_reversed", details={"status": status.value})
    if status in (Status.PENDING_APPROVAL, Status.APPROVED):
        return "redemption"
    if status is Status.FULFILLING:
        raise Conflict(
            "error.award_in_fulfilment", code="award_in_fulfilment", details={"status": status.value}
        )
    voucher_status = (voucher or {}).get("status")
    if voucher_status == "cancelled":  # by an earlier correction (read before it was made), or an erasure
        raise Conflict(
            "error.already_reversed",
            code="already_reversed",
            details={"cancelled": f"voucher:{(voucher or {}).get('id')}"},
        )
    expires_on = (voucher or {}).get("expires_on")
    if expires_on and date.fromisoformat(expires_on) < today:
        voucher_status = "expired"
    if (
        status is Status.FULFILLED
        and fulfilment == CANCELLABLE_ONCE_DELIVERED
        and voucher_status in LIVE_VOUCHER
    ):
        return "voucher"
    raise Conflict(
        "error.award_used",
        code="award_used",
        details={"status": status.value, "fulfilment": fulfilment, "voucher_status": voucher_status},
    )
