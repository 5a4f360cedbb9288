"""JWT claims -> Caller (services.identity) and the email cache, with every table read monkeypatched."""

import pytest

from plaudit.domain.employees import Role
from plaudit.domain.errors import Unauthenticated
from plaudit.environment import environment
from plaudit.services import identity
from plaudit.services.identity import _claim_list, caller_from_claims
from plaudit.store import accounts as store_accounts
from plaudit.store import employees as store_employees
from plaudit.store import keys

ALICE_SUB = "8d2f4c1e-6b7a-4e0f-9c3d-2a1b5e6f7a80"  # a Cognito subject (UUID) linked to Alice
HRIS_APP = "4k2j9d8s7a6f5g4h3j2k1l0p9o"  # an integration's app client id


@pytest.fixture
def directory(monkeypatch):
    """Email -> employee id and linked subject -> employee id, counting lookups of each."""
    emails = {"alice@plaudit.example": "E1003", "hana@plaudit.example": "E1001"}
    subjects = {ALICE_SUB: "E1003"}
    lookups: list[str] = []
    subject_lookups: list[str] = []

    def lookup(email: str) -> str | None:
        lookups.append(email)
        return emails.get(email)

    def by_subject(subject: str) -> str | None:
        subject_lookups.append(subject)
        return subjects.get(subject)

    monkeypatch.setattr(identity, "employee_id_by_email", lookup)
    monkeypatch.setattr(identity, "employee_id_by_subject", by_subject)
    return emails, lookups, subject_lookups


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
    """An external issuer whose `sub` is the employee id (no link, no email)."""
    caller = caller_from_claims({"sub": "E1003"}, None)
    assert caller.employee_id == "E1003"
    assert caller.subject == "E1003"
    assert caller.scopes == frozenset()
    assert caller.token_roles == frozenset()
    assert caller.profile is None
    assert directory[1:] == ([], ["E1003"])


def test_subject_that_is_not_an_employee_id_is_a_client(directory):
    caller = caller_from_claims({"sub": "client|abc"}, ["plaudit/hris", "plaudit/reports"])
    assert caller.employee_id is None
    assert caller.subject == "client|abc"
    assert caller.scopes == {"plaudit/hris", "plaudit/reports"}
    assert caller.has_scope("hris")


def test_a_cognito_access_token_finds_the_person_its_subject_is_linked_to(directory):
    claims = {"sub": ALICE_SUB, "token_use": "access", "client_id": "console", "cognito:groups": "[manager]"}
    caller = caller_from_claims(claims, ["openid", "email", "profile"])
    assert caller.employee_id == "E1003"
    assert caller.subject == ALICE_SUB
    assert caller.email is None
    assert caller.token_roles == {Role.MANAGER}
    assert directory[1:] == ([], [ALICE_SUB])


def test_an_unlinked_subject_finds_nobody(directory):
    """A UUID is shaped like an employee id, and no one has it as their id."""
    caller = caller_from_claims({"sub": "0b5c6d7e-1f2a-4b3c-8d4e-5f6a7b8c9d0e", "token_use": "access"}, None)
    assert caller.employee_id == "0b5c6d7e-1f2a-4b3c-8d4e-5f6a7b8c9d0e"  # Snapshot.identify finds no profile
    assert caller.profile is None


def test_a_client_credentials_token_is_an_integration_and_reads_nothing(directory):
    claims = {"sub": HRIS_APP, "client_id": HRIS_APP, "token_use": "access", "scope": "plaudit/hris"}
    caller = caller_from_claims(claims, ["plaudit/hris"])
    assert caller.employee_id is None
    assert caller.has_scope("hris")
    assert directory[1:] == ([], [])


def test_email_claim_finds_the_employee_case_insensitively(directory):
    caller = caller_from_claims({"sub": "a1b2-c3", "email": "Alice@Plaudit.Example"}, None)
    assert caller.employee_id == "E1003"
    assert directory[1] == ["alice@plaudit.example"]


def test_unknown_email_is_nobody_even_if_the_subject_looks_like_an_id(directory):
    caller = caller_from_claims({"sub": "E1001", "email": "stranger@plaudit.example"}, None)
    assert caller.employee_id is None


def test_the_email_claim_is_kept_on_the_caller(directory):
    caller = caller_from_claims({"sub": "x", "email": "Alice@Plaudit.Example"}, None)
    assert caller.email == "alice@plaudit.example"
    assert caller_from_claims({"sub": "E1003"}, None).email is None


@pytest.mark.parametrize("verified", ["false", "False", "FALSE"])
def test_an_unverified_email_identifies_nobody(directory, verified):
    claims = {"sub": "a1b2|c3", "email": "alice@plaudit.example", "email_verified": verified}
    caller = caller_from_claims(claims, None)
    assert caller.employee_id is None
    assert caller.email is None
    assert directory[1] == []


def test_an_unverified_email_falls_back_to_a_subject_that_is_an_employee_id(directory):
    claims = {"sub": "E1001", "email": "alice@plaudit.example", "email_verified": "false"}
    assert caller_from_claims(claims, None).employee_id == "E1001"


@pytest.mark.parametrize("verified", ["true", "True"])
def test_a_verified_email_is_looked_up(directory, verified):
    claims = {"sub": "x", "email": "alice@plaudit.example", "email_verified": verified}
    assert caller_from_claims(claims, None).employee_id == "E1003"


def test_an_empty_email_claim_is_no_email(directory):
    assert caller_from_claims({"sub": "E1003", "email": ""}, None).employee_id == "E1003"
    assert directory[1] == []


# -- the email -> id cache (store.employees), with the table read monkeypatched -------------------------


@pytest.fixture
def alias_table(monkeypatch):
    """The email aliases as get_one would find them, counting reads; the cache starts empty."""
    aliases = {keys.email_alias("alice@plaudit.example"): {"employee_id": "E1003"}}
    reads: list[keys.Key] = []

    def get_one(key):
        reads.append(key)
        return aliases.get(key)

    monkeypatch.setattr(store_employees, "get_one", get_one)
    monkeypatch.setattr(store_employees, "_email_cache", {})
    return aliases, reads


def test_found_emails_are_cached(alias_table):
    _, reads = alias_table
    for _ in range(3):
        assert store_employees.employee_id_by_email("alice@plaudit.example") == "E1003"
    assert len(reads) == 1


def test_unknown_emails_are_not_cached(alias_table):
    aliases, reads = alias_table
    assert store_employees.employee_id_by_email("new@plaudit.example") is None
    aliases[keys.email_alias("new@plaudit.example")] = {"employee_id": "E1013"}  # HR just added them
    assert store_employees.employee_id_by_email("new@plaudit.example") == "E1013"
    assert len(reads) == 2


def test_a_forgotten_email_is_read_again(alias_table):
    aliases, reads = alias_table
    assert store_employees.employee_id_by_email("alice@plaudit.example") == "E1003"
    aliases[keys.email_alias("alice@plaudit.example")] = {"employee_id": "E1020"}  # address reassigned
    store_employees.forget_email("alice@plaudit.example")
    assert store_employees.employee_id_by_email("alice@plaudit.example") == "E1020"
    assert len(reads) == 2
    store_employees.forget_email("nobody@plaudit.example")  # forgetting an unknown address is fine


def test_linked_subjects_are_cached_and_unlinked_ones_read_again(monkeypatch):
    aliases = {keys.subject_alias(ALICE_SUB): {"employee_id": "E1003"}}
    reads: list[keys.Key] = []
    monkeypatch.setattr(store_accounts, "get_one", lambda key: reads.append(key) or aliases.get(key))
    monkeypatch.setattr(store_accounts, "_subject_cache", {})
    for _ in range(3):
        assert store_accounts.employee_id_by_subject(ALICE_SUB) == "E1003"
    assert len(reads) == 1
    newcomer = "5e4d3c2b-1a09-4f8e-9d7c-6b5a49382716"
    assert store_accounts.employee_id_by_subject(newcomer) is None
    aliases[keys.subject_alias(newcomer)] = {"employee_id": "E1013"}  # linked on their first sign-in
    assert store_accounts.employee_id_by_subject(newcomer) == "E1013"
    assert len(reads) == 3


def test_roles_come_from_cognito_groups_only(directory, monkeypatch):
    monkeypatch.delenv("ROLES_CLAIM", raising=False)
    environment.cache_clear()
    claims = {"sub": "E1003", "cognito:groups": '["manager", "finance"]'}
    assert caller_from_claims(claims, None).token_roles == {Role.MANAGER, Role.FINANCE}


@pytest.mark.parametrize("claim", ["roles", "custom:roles", "custom:role", "groups"])
@pytest.mark.parametrize("form", ["[hr_admin admin]", '["hr_admin", "admin"]', "hr_admin,admin"])
def test_a_claim_a_user_can_write_gains_nothing(directory, monkeypatch, claim, form):
    monkeypatch.delenv("ROLES_CLAIM", raising=False)
    environment.cache_clear()
    assert caller_from_claims({"sub": "E1003", claim: form}, None).token_roles == frozenset()


def test_an_external_issuer_names_its_one_roles_claim(directory, monkeypatch):
    monkeypatch.setenv("ROLES_CLAIM", "roles")
    environment.cache_clear()
    claims = {"sub": "E1003", "roles": "[finance]", "cognito:groups": "[hr_admin]", "custom:roles": "admin"}
    assert caller_from_claims(claims, None).token_roles == {Role.FINANCE}


def test_unknown_role_names_are_ignored(directory, monkeypatch):
    monkeypatch.delenv("ROLES_CLAIM", raising=False)
    environment.cache_clear()
    claims = {"sub": "E1003", "cognito:groups": "[superuser manager HR_ADMIN Admin eu-staff]"}
    assert caller_from_claims(claims, None).token_roles == {Role.MANAGER}
