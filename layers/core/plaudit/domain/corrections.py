"""Corrections (issue 15 §4): HR takes back points paid in error, by a compensating ledger transaction.

What can be corrected is a payment of points: an award (a milestone rule's, a season's prize, a campaign's
payment: each an award) or a kudos (with its add-ons). Each correction takes back at most what the source
paid a person minus what earlier corrections took back (`exceeds_paid`; nothing left: `already_reversed`),
and at most what the person still holds (checked by the service against their wallet: `points_spent`).
"""

from collections.abc import Mapping

from pydantic import ConfigDict, Field, model_validator

from plaudit.domain.employees import EMPLOYEE_ID
from plaudit.domain.errors import Conflict, Points, RuleViolation
from plaudit.domain.model import Model

AWARD_ID = r"^award_[0-9A-Z]{26}$"
RECOGNITION_ID = r"^rec_[0-9A-Z]{26}$"


class CorrectionRequest(Model):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    award_id: str | None = Field(
        default=None, pattern=AWARD_ID, description="An award paid in error (a milestone's, a campaign's)"
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
        return self


class Correction(Model):
    id: str = Field(description="The correction (cor_...)")
    source: str = Field(description="What it corrects: award:<id> or recognition:<id>")
    reversed: dict[str, int] = Field(description="Points taken back from each person")
    txn_id: str = Field(description="The compensating ledger transaction")
    to: str = Field(description="Where the points went: budget:<id> (an award's) or org:forfeited (a kudos')")
    reason: str
    at: str


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
