"""Who is calling: roles from the token and the directory, scopes, and wallet / profile access."""

import pytest

from plaudit.domain.access import Caller, can_see_employee_private, require_role, require_wallet_access
from plaudit.domain.employees import Role
from plaudit.domain.errors import Forbidden

from .factories import person

ALICE = person("E3", manager_id="E2")  # reports to Maya
MAYA = person("E2", roles=[Role.MANAGER], manager_id="E1")
HANA = person("E1", roles=[Role.MANAGER, Role.HR_ADMIN])
BOB = person("E4", manager_id="E2")
GRACE = person("E9", roles=[Role.FINANCE], manager_id="E1")


def as_person(profile, token_roles=(), scopes=()) -> Caller:
    return Caller(profile.id, frozenset(token_roles), frozenset(scopes), subject=profile.id).with_profile(
        profile
    )


def client(*scopes: str, roles=()) -> Caller:
    return Caller(None, frozenset(roles), frozenset(scopes), subject="client-1")


# -- roles ---------------------------------------------------------------------------------------------


def test_without_a_profile_roles_are_the_tokens():
    caller = Caller("E3", frozenset({Role.FINANCE}))
    assert caller.roles == {Role.FINANCE}
    assert not caller.is_person


def test_roles_are_token_roles_and_directory_roles():
    caller = as_person(MAYA, token_roles={Role.FINANCE})
    assert caller.roles == {Role.EMPLOYEE, Role.MANAGER, Role.FINANCE}
    assert caller.is_person


def test_deactivated_people_have_no_roles_at_all():
    gone = person("E1", roles=[Role.HR_ADMIN], active=False)
    caller = as_person(gone, token_roles={Role.ADMIN})
    assert caller.roles == frozenset()
    assert not caller.has_role(Role.EMPLOYEE)
    assert not caller.has_role(Role.HR_ADMIN)


def test_has_role_matches_any_of_the_roles():
    caller = as_person(MAYA)
    assert caller.has_role(Role.MANAGER)
    assert caller.has_role(Role.HR_ADMIN, Role.MANAGER)
    assert not caller.has_role(Role.HR_ADMIN)
    assert not caller.has_role(Role.FINANCE)


def test_admin_implies_every_role():
    admin = client(roles={Role.ADMIN})
    for role in Role:
        assert admin.has_role(role)


def test_with_profile_keeps_identity_and_equality_ignores_the_profile():
    bare = Caller("E3", frozenset({Role.FINANCE}), frozenset({"hris"}), "sub-3", "e3@plaudit.example")
    full = bare.with_profile(ALICE)
    assert (full.employee_id, full.token_roles, full.scopes, full.subject, full.email) == (
        "E3",
        {Role.FINANCE},
        {"hris"},
        "sub-3",
        "e3@plaudit.example",
    )
    assert full.profile is ALICE
    assert full == bare


def test_require_role():
    require_role(as_person(HANA), Role.HR_ADMIN)
    with pytest.raises(Forbidden) as raised:
        require_role(as_person(ALICE), Role.HR_ADMIN, Role.FINANCE)
    assert raised.value.code == "forbidden"
    assert "hr_admin, finance" in raised.value.message


# -- scopes --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("granted", ["hris", "plaudit/hris", "https://api.example.com/hris"])
def test_scopes_match_by_last_segment(granted):
    assert client(granted).has_scope("hris")


@pytest.mark.parametrize("granted", ["hris-read", "plaudit/hris/read", "xhris", "hris/", "HRIS"])
def test_scopes_that_do_not_end_in_the_name_do_not_match(granted):
    assert not client(granted).has_scope("hris")


def test_no_scopes_no_match():
    assert not client().has_scope("hris")


# -- wallet access -------------------------------------------------------------------------------------


def test_people_see_their_own_wallet():
    require_wallet_access(as_person(ALICE), ALICE)


def test_direct_managers_see_their_reports_wallets():
    require_wallet_access(as_person(MAYA), ALICE)


def test_managers_do_not_see_skip_level_reports():
    with pytest.raises(Forbidden):
        require_wallet_access(as_person(HANA.model_copy(update={"roles": [Role.MANAGER]})), ALICE)


@pytest.mark.parametrize("reader", [HANA, GRACE], ids=["hr_admin", "finance"])
def test_hr_and_finance_see_every_wallet(reader):
    require_wallet_access(as_person(reader), ALICE)
    require_wallet_access(as_person(reader), BOB)


def test_admin_token_sees_every_wallet():
    require_wallet_access(client(roles={Role.ADMIN}), ALICE)


@pytest.mark.parametrize(
    "reader",
    [BOB, person("E7", manager_id="E2"), person("E8", roles=[Role.MANAGER])],
    ids=["peer", "other-peer", "other-manager"],
)
def test_others_are_forbidden(reader):
    with pytest.raises(Forbidden) as raised:
        require_wallet_access(as_person(reader), ALICE)
    assert raised.value.code == "forbidden"


def test_a_token_for_the_id_without_a_directory_profile_is_not_enough():
    with pytest.raises(Forbidden):
        require_wallet_access(Caller("E3"), ALICE)


def test_integration_scopes_do_not_open_wallets():
    with pytest.raises(Forbidden):
        require_wallet_access(client("plaudit/hris"), ALICE)


def test_deactivated_hr_admin_loses_access():
    with pytest.raises(Forbidden):
        require_wallet_access(as_person(person("E1", roles=[Role.HR_ADMIN], active=False)), ALICE)


def test_deactivated_manager_loses_access_to_reports():
    former = as_person(person("E2", roles=[Role.MANAGER], active=False))
    assert not former.manages(ALICE)
    with pytest.raises(Forbidden):
        require_wallet_access(former, ALICE)
    assert not can_see_employee_private(former, ALICE)


def test_manages_only_direct_reports_and_only_as_a_person():
    assert as_person(MAYA).manages(ALICE)
    assert not as_person(MAYA).manages(MAYA)
    assert not as_person(HANA).manages(ALICE)  # skip level
    assert not Caller("E2").manages(ALICE)  # a token for the id, but no directory profile


def test_wallet_refusals_say_why():
    with pytest.raises(Forbidden) as stranger:
        require_wallet_access(Caller("E77"), ALICE)  # a person's token, but nobody we know
    assert stranger.value.code == "not_in_directory"
    with pytest.raises(Forbidden) as client_:
        require_wallet_access(client("plaudit/hris"), ALICE)
    assert client_.value.code == "forbidden"
    with pytest.raises(Forbidden) as peer:
        require_wallet_access(as_person(BOB), ALICE)
    assert peer.value.code == "forbidden"


# -- the profile must still be the token's email -------------------------------------------------------


def test_profile_with_the_tokens_email_is_attached():
    caller = Caller("E3", email="e3@plaudit.example").with_profile(ALICE)
    assert caller.profile is ALICE
    assert caller.email == "e3@plaudit.example"


def test_profile_whose_email_changed_is_not_this_caller():
    # The email -> id mapping was cached, then the address moved: the old id's profile is not the caller.
    caller = Caller("E3", email="someone.else@plaudit.example").with_profile(ALICE)
    assert caller.profile is None
    assert not caller.is_person
    with pytest.raises(Forbidden):
        require_wallet_access(caller, ALICE)


def test_tokens_without_an_email_attach_any_profile():
    assert Caller("E3").with_profile(ALICE).profile is ALICE


# -- private profile -----------------------------------------------------------------------------------


def test_private_profile_access():
    assert can_see_employee_private(as_person(ALICE), ALICE)
    assert can_see_employee_private(as_person(MAYA), ALICE)
    assert can_see_employee_private(as_person(HANA), ALICE)
    assert can_see_employee_private(client("plaudit/hris"), ALICE)
    assert not can_see_employee_private(as_person(BOB), ALICE)
    assert not can_see_employee_private(as_person(GRACE), ALICE)  # finance sees wallets, not profiles
    assert not can_see_employee_private(client("plaudit/reports"), ALICE)
    assert not can_see_employee_private(Caller(None), ALICE)
