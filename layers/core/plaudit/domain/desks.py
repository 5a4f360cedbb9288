"""Voucher desks: where perk-desk staff and vendors check and redeem codes. A desk belongs to one vendor and
serves one or more locations; its accounts (user pool users in the `voucher_desk` group) are tied to it, so
a check knows where it happens without trusting the request: the vendor is the desk's, and the location is
one of the desk's own (the only one, or the one the request picks among them)."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, field_validator

from plaudit.domain.errors import Forbidden, RuleViolation
from plaudit.domain.model import Model
from plaudit.domain.problems import invalid

DESK_ID = r"^[a-z0-9][a-z0-9-]{0,39}$"
MAX_LOCATIONS = 50
DeskStatus = Literal["active", "disabled"]


class DeskSpec(Model):
    """A desk as HR writes it (PUT)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=120)
    vendor: str = Field(
        min_length=1, max_length=200, description="The vendor every check at this desk is for"
    )
    locations: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        min_length=1,
        max_length=MAX_LOCATIONS,
        description="The places it serves; a check names one of them when there are several",
    )
    status: DeskStatus = Field(default="active", description="disabled: its accounts check nothing")

    @field_validator("locations")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len({location.casefold() for location in value}) != len(value):
            raise invalid("problem.desk_locations_repeat")
        return value


class Desk(DeskSpec):
    id: str = Field(pattern=DESK_ID)
    version: int = Field(description="Its ETag: send it back in If-Match")
    created_at: datetime
    updated_at: datetime


class Place(Model):
    """Where a check happens: the location and vendor it is judged at, and who made it."""

    location: str | None
    vendor: str | None
    by: str | None


def place_at(desk: Desk, location: str | None, vendor: str | None) -> Place:
    """The desk's place for a check that asked for `location` and `vendor` (both optional)."""
    if desk.status != "active":
        raise Forbidden("error.desk_disabled", code="desk_disabled", details={"desk_id": desk.id})
    if vendor is not None and vendor.casefold() != desk.vendor.casefold():
        raise RuleViolation(
            "error.desk_vendor_fixed",
            code="desk_vendor_fixed",
            vendor=desk.vendor,
            details={"vendor": desk.vendor},
        )
    if location is None:
        if len(desk.locations) > 1:
            raise RuleViolation(
                "error.desk_location_needed",
                code="desk_location_needed",
                locations=desk.locations,
                details={"locations": desk.locations},
            )
        chosen = desk.locations[0]
    else:
        own = {place.casefold(): place for place in desk.locations}
        if location.casefold() not in own:
            raise RuleViolation(
                "error.desk_location_not_its_own",
                code="desk_wrong_location",
                locations=desk.locations,
                details={"locations": desk.locations},
            )
        chosen = own[location.casefold()]
    return Place(location=chosen, vendor=desk.vendor, by=f"desk:{desk.id}")
