"""Plaudit's generic HRIS webhook: any HRIS (or a script) can push directory changes and named events.

    POST /v1/hris/webhooks/plaudit
    X-Plaudit-Timestamp: 1763285400
    X-Plaudit-Signature: sha256=<hex HMAC-SHA256(secret, "1763285400." + body)>

    {"id": "hris-2026-11-16-0001",
     "events": [
       {"type": "employee.upserted", "employee_id": "E2001",
        "fields": {"email": "ada@example.com", "name": "Ada Lovelace", "manager_id": "E1001",
                   "start_date": "2026-11-16", "birthday": "12-10", "country": "GB"}},
       {"type": "employee.manager_changed", "employee_id": "E1003", "manager_id": "E1002"},
       {"type": "employee.terminated", "employee_id": "E1007", "effective_on": "2026-11-30"},
       {"type": "event", "employee_id": "E1003", "event_id": "promo-118", "name": "promotion",
        "occurred_on": "2026-11-16", "details": {"title": "Staff Engineer"}},
       {"type": "referral.hired", "hire_id": "E2001", "referrer_id": "E1003", "hired_on": "2026-11-16"}]}

`id` names the delivery: a redelivery with the same id changes nothing. Each event is queued and applied on
its own, in no guaranteed order: a new person's manager must already exist (send managers in an earlier
delivery). An upsert carries only the fields that changed (a new person needs email and name); `event`s are
awarded by the milestone rules for that event name, once per `event_id`; a `referral.hired` rewards the
referrer (by `referrer_id` or `referrer_email`) through the referral rules, once per hire.
"""

from datetime import date
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, model_validator

from plaudit.domain.employees import EMAIL, EMPLOYEE_ID, MONTH_DAY, EmployeeStatus
from plaudit.domain.hris import (
    EVENT_ID,
    EmployeeUpsert,
    HrisChange,
    ManagerChange,
    NamedEvent,
    ReferralHired,
    Termination,
)
from plaudit.domain.languages import Locale
from plaudit.domain.milestone_rules import EVENT_NAME
from plaudit.domain.model import Model
from plaudit.domain.problems import invalid
from plaudit.domain.zones import TimeZone

DELIVERY_ID = r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,127}$"
MAX_EVENTS = 100


class _Strict(Model):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class HrisProfileFields(_Strict):
    """The profile fields an HRIS owns; send only those that changed. Roles never come from an HRIS."""

    email: str | None = Field(default=None, pattern=EMAIL, max_length=254)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    manager_id: str | None = Field(default=None, pattern=EMPLOYEE_ID, description="null: no manager")
    department: str | None = Field(default=None, max_length=100)
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")
    time_zone: TimeZone | None = Field(default=None, description="IANA name, e.g. Europe/Berlin")
    start_date: date | None = None
    birthday: str | None = Field(default=None, pattern=MONTH_DAY.pattern, description="MM-DD")
    public_birthday: bool | None = None
    slack_user_id: str | None = Field(default=None, pattern=r"^[UW][A-Z0-9]{2,20}$")
    status: EmployeeStatus | None = None
    locale: Locale | None = Field(default=None, description="The person's language: en, it, fr or ar")

    @model_validator(mode="after")
    def _something(self) -> "HrisProfileFields":
        if not self.model_fields_set:
            raise invalid("problem.no_fields")
        return self


class EmployeeUpserted(_Strict):
    type: Literal["employee.upserted"]
    employee_id: str = Field(pattern=EMPLOYEE_ID)
    fields: HrisProfileFields


class EmployeeTerminated(_Strict):
    type: Literal["employee.terminated"]
    employee_id: str = Field(pattern=EMPLOYEE_ID)
    effective_on: date | None = Field(default=None, description="Leaving date; absent: now")


class ManagerChanged(_Strict):
    type: Literal["employee.manager_changed"]
    employee_id: str = Field(pattern=EMPLOYEE_ID)
    manager_id: str | None = Field(pattern=EMPLOYEE_ID, description="null: no manager")


class EventHappened(_Strict):
    """A named event (promotion, certification, work_anniversary...) awarded by the matching rules."""

    type: Literal["event"]
    employee_id: str = Field(pattern=EMPLOYEE_ID)
    event_id: str = Field(pattern=EVENT_ID, description="The occurrence: awarded once per id")
    name: str = Field(pattern=EVENT_NAME)
    occurred_on: date
    details: dict[str, str] = Field(default_factory=dict, max_length=20)


class ReferralHiredEvent(_Strict):
    """A referred candidate hired: the referral rules reward the referrer, once per hire."""

    type: Literal["referral.hired"]
    hire_id: str = Field(pattern=EMPLOYEE_ID, description="The new hire's employee id")
    referrer_id: str | None = Field(default=None, pattern=EMPLOYEE_ID, description="The referrer's id")
    referrer_email: str | None = Field(
        default=None, pattern=EMAIL, max_length=254, description="Or the referrer's email"
    )
    hired_on: date

    @model_validator(mode="after")
    def _one_referrer(self) -> "ReferralHiredEvent":
        if (self.referrer_id is None) == (self.referrer_email is None):
            raise invalid("problem.referrer_id_or_email")
        return self


AnyEvent = EmployeeUpserted | EmployeeTerminated | ManagerChanged | EventHappened | ReferralHiredEvent
WebhookEvent = Annotated[AnyEvent, Field(discriminator="type")]


class PlauditDelivery(_Strict):
    """A signed delivery of the generic Plaudit HRIS webhook."""

    id: str = Field(pattern=DELIVERY_ID, description="Delivery id: a redelivery with the same id is ignored")
    events: list[WebhookEvent] = Field(min_length=1, max_length=MAX_EVENTS)


def to_changes(delivery: PlauditDelivery) -> list[HrisChange]:
    """The delivery's events as normalized HRIS changes, in order."""
    return [_change(event) for event in delivery.events]


def _change(event: AnyEvent) -> HrisChange:
    match event:
        case EmployeeUpserted():
            fields = event.fields.model_dump(mode="json", exclude_unset=True)
            return EmployeeUpsert(employee_id=event.employee_id, fields=fields)
        case EmployeeTerminated():
            return Termination(employee_id=event.employee_id, effective_on=event.effective_on)
        case ManagerChanged():
            return ManagerChange(employee_id=event.employee_id, manager_id=event.manager_id)
        case EventHappened():
            return NamedEvent(
                employee_id=event.employee_id,
                event_id=event.event_id,
                name=event.name,
                occurred_on=event.occurred_on,
                details=event.details,
            )
        case ReferralHiredEvent():
            return ReferralHired(
                employee_id=event.hire_id,
                referrer_id=event.referrer_id,
                referrer_email=event.referrer_email,
                hired_on=event.hired_on,
            )
