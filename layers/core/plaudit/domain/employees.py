"""The employee directory entry."""

import re
import unicodedata
from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import ConfigDict, Field, field_validator

from plaudit.domain.languages import Locale
from plaudit.domain.model import Model
from plaudit.domain.problems import invalid
from plaudit.domain.zones import TimeZone

EMPLOYEE_ID = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$"
EMAIL = r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$"
RewardDelivery = Literal["slack", "email", "api"]
MONTH_DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


class Role(StrEnum):
    EMPLOYEE = "employee"
    MANAGER = "manager"
    HR_ADMIN = "hr_admin"
    FINANCE = "finance"
    ADMIN = "admin"
    VOUCHER_DESK = "voucher_desk"  # a desk account's group (cognito:groups); never a directory entry's


class EmployeeStatus(StrEnum):
    ACTIVE = "active"
    DEACTIVATED = "deactivated"
    ERASED = "erased"  # pseudonymised at their request (POST /v1/employees/{id}/erasure): for good


class Employee(Model):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(pattern=EMPLOYEE_ID)
    email: str = Field(pattern=EMAIL, max_length=254)
    name: str = Field(min_length=1, max_length=200)
    slack_user_id: str | None = Field(default=None, pattern=r"^[UW][A-Z0-9]{2,20}$")
    manager_id: str | None = Field(default=None, pattern=EMPLOYEE_ID)
    department: str | None = Field(default=None, max_length=100)
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")
    time_zone: TimeZone = "UTC"
    locale: Locale | None = Field(
        default=None,
        description="The language Plaudit speaks to this person (en, it, fr, ar); unset: the organisation's",
    )
    start_date: date | None = None
    birthday: str | None = Field(default=None, description="Month-day, MM-DD (no year is stored)")
    public_birthday: bool = Field(
        default=True, description="False: birthday awards are given privately, never announced in a channel"
    )
    reward_delivery: RewardDelivery = Field(
        default="slack", description="How vouchers reach this person: Slack DM, email, or only the API"
    )
    leaderboard_opt_out: bool = Field(
        default=False,
        description="True: this person is left off every leaderboard (their figures still count)",
    )
    status: EmployeeStatus = EmployeeStatus.ACTIVE
    is_bot: bool = False
    roles: list[Role] = Field(default_factory=lambda: [Role.EMPLOYEE])

    @field_validator("email")
    @classmethod
    def _lower_email(cls, value: str) -> str:
        return value.lower()

    @field_validator("birthday")
    @classmethod
    def _month_day(cls, value: str | None) -> str | None:
        if value is not None and not MONTH_DAY.match(value):
            raise invalid("problem.birthday_format")
        if value is not None:
            date(2024, int(value[:2]), int(value[3:]))  # 2024 is a leap year: 02-29 is valid
        return value

    @field_validator("roles")
    @classmethod
    def _employee_role_always(cls, value: list[Role] | None) -> list[Role] | None:
        if value is not None and Role.VOUCHER_DESK in value:
            raise invalid("problem.role_for_desks_only")  # desk accounts are not people
        return None if value is None else sorted({Role.EMPLOYEE, *value})

    @property
    def active(self) -> bool:
        return self.status is EmployeeStatus.ACTIVE

    def has_role(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)


ERASED_NAME = "Former employee"  # what an erased person's entry holds; front ends say it in their language
ERASED_EMAIL = "erased@plaudit.invalid"  # the same for everyone erased: it leads to nobody (no alias)


def erased_profile(person: Employee) -> Employee:
    """The person's entry once erased: the opaque id, whether it was a bot, and nothing else of theirs."""
    return Employee(
        id=person.id,
        email=ERASED_EMAIL,
        name=ERASED_NAME,
        status=EmployeeStatus.ERASED,
        is_bot=person.is_bot,
        leaderboard_opt_out=True,
        reward_delivery="api",
    )


MAX_NAME_WORDS = (
    8  # a person is found by the first words of their name (a write keeps all in one transaction)
)


def search_form(text: str) -> str:
    """Text as the people picker compares it: any case, accents ignored ("Zoë" is found as "zoe")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def name_words(name: str) -> list[str]:
    """The words the picker finds a person by, in search form: each word of their name, and the parts after
    a hyphen or an apostrophe ("Jean-Luc O'Brien": jean-luc, luc, o'brien, brien)."""
    words: list[str] = []
    for word in search_form(name).split()[:MAX_NAME_WORDS]:
        words += [word, *re.split(r"[-'\u2019]", word)[1:]]
    return sorted({word for word in words if word})


def name_matches(name: str, typed: str) -> bool:
    """Whether every word typed starts a word of the name, in any order ("ros car" finds Carla Rossi)."""
    words = name_words(name)
    return all(any(word.startswith(start) for word in words) for start in search_form(typed).split())
