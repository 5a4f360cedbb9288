"""JWT claims -> Caller (services.identity), with the directory lookup monkeypatched: no AWS."""

import pytest

from plaudit.domain.employees import Role
from plaudit.domain.errors import Unauthenticated
from plaudit.services import identity
from plaudit.services.identity import _claim_list, caller_from_claims


@pytest.fixture
def directory(monkeypatch):
    """Email -> employee id, counting lookups; the email cache starts empty."""
    emails = {"alice@plaudit.example": "E1003", "hana@plaudit.example": "E1001"}
    lookups: list[str] = []

    def lookup(email: str) -> str | None:
        lookups.append(email)
        return emails.get(email)

    monkeypatch.setattr(identity, "employee_id_by_email", lookup)
    monkeypatch.setattr(identity, "_email_cache", {})
    return emails, lookups


# -- _claim_list ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, []),
        ("", []),
        ("[]", []),
        ("[admin]", ["admin"]),
        ("[hr_admin manager]", ["hr_admin", "manager"]),
        ("[ hr_admin   manager ]", ["hr_admin", "manager"]),
        ('["hr_admin", "manager"]', ["hr_admin", "manager"]),
        ('["hr_admin","finance"]', ["hr_admin", "finance"]),
        ("hr_admin,manager", ["hr_admin", "manager"]),
        ("hr_admin, manager", ["hr_admin", "manager"]),
        ("manager", ["manager"]),
        ("hr_admin manager", ["hr_admin", "manager"]),
        (["manager", "finance"], ["manager", "finance"]),
        ("[1, 2]", ["1", "2"]),
    ],
)
def test_claim_list(raw, expected):
    assert _claim_list(raw) == expected


# -- caller_from_claims --------------------------------------------------------------------------------


@pytest.mark.parametrize("claims", [None, {}, {"sub": ""}, {"email": "alice@plaudit.example"}])
def test_no_subject_is_unauthenticated(claims, directory):
    with pytest.raises(Unauthenticated) as raised:
        caller_from_claims(claims, ["plaudit/hris"])
    assert raised.value.status == 401
    assert directory[1] == []


def test_subject_that_looks_like_an_employee_id_is_the_employee(directory):
    caller = caller_from_claims({"sub": "E1003"}, None)
    assert caller.employee_id == "E1003"
    assert caller.subject == "E1003"
    assert caller.scopes == frozenset()
    assert caller.token_roles == frozenset()
    assert caller.profile is None
    assert directory[1] == []


def test_subject_that_is_not_an_employee_id_is_a_client(directory):
    caller = caller_from_claims({"sub": "client|abc"}, ["plaudit/hris", "plaudit/reports"])
    assert caller.employee_id is None
    assert caller.subject == "client|abc"
    assert caller.scopes == {"plaudit/hris", "plaudit/reports"}
    assert caller.has_scope("hris")


def test_email_claim_finds_the_employee_case_insensitively(directory):
    caller = caller_from_claims({"sub": "a1b2-c3", "email": "Alice@Plaudit.Example"}, None)
    assert caller.employee_id == "E1003"
    assert directory[1] == ["alice@plaudit.example"]


def test_unknown_email_is_nobody_even_if_the_subject_looks_like_an_id(directory):
    caller = caller_from_claims({"sub": "E1001", "email": "stranger@plaudit.example"}, None)
    assert caller.employee_id is None


def test_found_emails_are_cached_unknown_ones_are_not(directory):
    emails, lookups = directory
    for _ in range(3):
        assert caller_from_claims({"sub": "x", "email": "alice@plaudit.example"}, None).employee_id == "E1003"
    assert lookups == ["alice@plaudit.example"]
    assert caller_from_claims({"sub": "x", "email": "new@plaudit.example"}, None).employee_id is None
    emails["new@plaudit.example"] = "E1013"  # HR just added them: no waiting for a cache to expire
    assert caller_from_claims({"sub": "x", "email": "new@plaudit.example"}, None).employee_id == "E1013"


def test_roles_come_from_every_role_claim(directory):
    claims = {
        "sub": "E1003",
        "roles": "[manager finance]",
        "cognito:groups": '["hr_admin"]',
        "custom:roles": "admin",
    }
    assert caller_from_claims(claims, None).token_roles == {
        Role.MANAGER,
        Role.FINANCE,
        Role.HR_ADMIN,
        Role.ADMIN,
    }


def test_unknown_role_names_are_ignored(directory):
    claims = {"sub": "E1003", "roles": "[superuser manager HR_ADMIN Admin]", "cognito:groups": "eu-staff"}
    assert caller_from_claims(claims, None).token_roles == {Role.MANAGER}
