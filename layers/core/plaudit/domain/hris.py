"""Directory changes and named events as every HRIS source (webhooks, CSV import) hands them to Plaudit,
whatever the source's own format."""

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from plaudit.domain.employees import EMAIL, EMPLOYEE_ID
from plaudit.domain.milestone_rules import EVENT_NAME
from plaudit.domain.model import Model

EVENT_ID = r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,127}$"


class _Change(Model):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    employee_id: str = Field(pattern=EMPLOYEE_ID)


class EmployeeUpsert(_Change):
    """Create or update a person. `fields` holds only what the source sent (a partial Employee: email,
    name, manager_id, department, country, time_zone, start_date, birthday, public_birthday, status,
    slack_user_id); a new person needs at least email and name. Roles never come from an HRIS."""

    kind: Literal["employee_upsert"] = "employee_upsert"
    fields: dict[str, Any]


class Termination(_Change):
    """The person left (or will leave on `effective_on`): deactivate them."""

    kind: Literal["termination"] = "termination"
    effective_on: date | None = None


class ManagerChange(_Change):
    kind: Literal["manager_change"] = "manager_change"
    manager_id: str | None = Field(pattern=EMPLOYEE_ID)


class NamedEvent(_Change):
    """Something that happened to a person (promotion, certification, an anniversary the HRIS tracks):
    awarded by the hris_event rules of that name. `event_id` makes the occurrence: the same id is
    awarded once, however often it arrives."""

    kind: Literal["event"] = "event"
    event_id: str = Field(pattern=EVENT_ID)
    name: str = Field(pattern=EVENT_NAME)
    occurred_on: date
    details: dict[str, str] = Field(default_factory=dict, max_length=20)


class ReferralHired(_Change):
    """A referred candidate was hired (`employee_id`: the hire): the referral rules reward the referrer,
    named by id or email. The hire is rewarded once, however often it is reported."""

    kind: Literal["referral_hired"] = "referral_hired"
    referrer_id: str | None = Field(default=None, pattern=EMPLOYEE_ID)
    referrer_email: str | None = Field(default=None, pattern=EMAIL, max_length=254)
    hired_on: date


HrisChange = Annotated[
    EmployeeUpsert | Termination | ManagerChange | NamedEvent | ReferralHired, Field(discriminator="kind")
]
