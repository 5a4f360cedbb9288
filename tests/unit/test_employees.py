"""The employee directory entry: normalisation and validation."""

from datetime import date

import pytest
from pydantic import ValidationError

from plaudit.domain.employees import Employee, EmployeeStatus, Role


def make(**fields) -> Employee:
    values = {"id": "E1", "email": "e1@plaudit.example", "name": "Ann"}
    values.update(fields)
    return Employee(**values)


def refused(**fields) -> ValidationError:
    with pytest.raises(ValidationError) as raised:
        make(**fields)
    return raised.value


def test_minimal_employee_defaults():
    employee = make()
    assert employee.roles == [Role.EMPLOYEE]
    assert employee.status is EmployeeStatus.ACTIVE
    assert employee.active
    assert employee.time_zone == "UTC"
    assert not employee.is_bot


def test_email_is_lowercased_and_trimmed():
    assert make(email="  Alice.Martin@Plaudit.EXAMPLE ").email == "alice.martin@plaudit.example"


@pytest.mark.parametrize(
    "email",
    ["no-at-sign", "a@b", "a b@plaudit.example", "a@b.c", "@plaudit.example", "a@@plaudit.example", ""],
)
def test_invalid_emails_are_refused(email):
    refused(email=email)


def test_email_local_part_limit():
    make(email="a" * 64 + "@plaudit.example")
    refused(email="a" * 65 + "@plaudit.example")


@pytest.mark.parametrize("birthday", ["02-29", "01-01", "12-31", "04-30"])
def test_valid_birthdays(birthday):
    assert make(birthday=birthday).birthday == birthday


@pytest.mark.parametrize(
    "birthday", ["02-30", "04-31", "13-01", "00-10", "1-05", "2024-02-29", "02/29", "02-00"]
)
def test_invalid_birthdays_are_refused(birthday):
    refused(birthday=birthday)


def test_time_zone_must_be_known():
    assert make(time_zone="Pacific/Kiritimati").time_zone == "Pacific/Kiritimati"
    error = refused(time_zone="Mars/Olympus")
    assert "is not an IANA time zone" in str(error)


def test_overlong_time_zone_is_a_validation_error():
    refused(time_zone="A" * 300)


def test_zone_directory_name_is_a_validation_error():
    refused(time_zone="America")


def test_roles_always_include_employee():
    assert make(roles=[Role.MANAGER]).roles == [Role.EMPLOYEE, Role.MANAGER]
    assert make(roles=[]).roles == [Role.EMPLOYEE]
    assert make(roles=["hr_admin", "manager", "manager"]).roles == [
        Role.EMPLOYEE,
        Role.HR_ADMIN,
        Role.MANAGER,
    ]


def test_unknown_role_is_refused():
    refused(roles=["wizard"])


@pytest.mark.parametrize("employee_id", ["", "-E1", "E 1", "E:1", "E#1", "a" * 65])
def test_invalid_ids_are_refused(employee_id):
    refused(id=employee_id)


def test_other_field_formats():
    refused(slack_user_id="u123")
    refused(country="gb")
    refused(name="")
    refused(nickname="x")
    assert make(slack_user_id="U0123ABC", country="GB", start_date="2024-02-29").start_date == date(
        2024, 2, 29
    )


def test_deactivated_is_not_active():
    employee = make(status="deactivated")
    assert not employee.active


def test_has_role():
    employee = make(roles=[Role.MANAGER])
    assert employee.has_role(Role.MANAGER)
    assert employee.has_role(Role.FINANCE, Role.EMPLOYEE)
    assert not employee.has_role(Role.HR_ADMIN)
