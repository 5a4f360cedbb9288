"""Signing in with the user pool: a Cognito access token names a person by a UUID `sub` only, so that subject
is linked to their directory entry, once (POST /v1/me/link with the ID token, or accounts sync through
services.sign_in.link_account), and from then on their access tokens reach the API as them, with the roles
of their groups. The tokens' claims are shaped exactly as Cognito's (plaudit_dev.jwt_local)."""

from __future__ import annotations

import uuid

import pytest
from api_checks import assert_audit_clean, assert_error, table_items

from plaudit.domain.errors import Conflict, NotFound
from plaudit.domain.trail import PERSONAL
from plaudit.services.sign_in import link_account
from plaudit.store.accounts import account_of
from plaudit_dev.jwt_local import access_claims, client_claims, dev_subject, id_claims

HANA, ALICE, BOB = "E1001", "E1003", "E1004"
KIM = "E1013"
KIM_SUB = str(uuid.UUID(int=0x4B1D_0000_0000_4000_8000_0000_0000_0013))
KIM_RECORD = {"email": "kim@plaudit.example", "name": "Kim Park", "manager_id": "E1002"}


@pytest.fixture
def kim(api, org, clock) -> str:
    """A new hire HR just added: in the directory, with a user pool account not linked yet."""
    assert api.call("PUT", f"/v1/employees/{KIM}", as_employee=HANA, body=KIM_RECORD).status == 201
    return KIM


def link(api, claims):
    return api.call("POST", "/v1/me/link", as_employee=None, claims=claims)


def test_a_linked_persons_access_token_reaches_the_api_as_them_with_their_groups_roles(api, org, clock):
    alice = access_claims(dev_subject(ALICE))
    me = api.call("GET", "/v1/me", as_employee=None, claims=alice)
    assert (me.status, me.json["id"]) == (200, ALICE)
    assert_error(api.call("GET", f"/v1/employees/{BOB}/wallet", claims=alice), 403, "forbidden")
    as_finance = access_claims(dev_subject(ALICE), groups=["finance"])  # `cognito:groups` of the pool
    assert api.call("GET", f"/v1/employees/{BOB}/wallet", claims=as_finance).status == 200


def test_an_unlinked_subject_is_nobody(api, org, clock):
    stranger = access_claims(str(uuid.uuid4()))
    assert_error(api.call("GET", "/v1/me", claims=stranger), 403, "not_in_directory")
    assert_error(api.call("GET", f"/v1/employees/{BOB}/wallet", claims=stranger), 403, "not_in_directory")


def test_an_integrations_client_credentials_token_holds_only_its_scopes(api, org, clock):
    hris = client_claims("7hris0client0id", scopes=["plaudit/hris"])
    listed = api.call("GET", "/v1/employees", claims=hris, scopes=["plaudit/hris"])
    assert listed.status == 200
    assert_error(api.call("GET", "/v1/me", claims=hris, scopes=["plaudit/hris"]), 403, "not_in_directory")


def test_the_first_sign_in_links_the_subject_by_the_id_tokens_verified_email(api, aws, kim):
    access = access_claims(KIM_SUB)
    assert_error(api.call("GET", "/v1/me", claims=access), 403, "not_in_directory")

    linked = link(api, id_claims(KIM_SUB, email="Kim@Plaudit.Example"))
    assert (linked.status, linked.json) == (201, {"employee_id": KIM, "linked": True})
    me = api.call("GET", "/v1/me", claims=access)
    assert (me.status, me.json["id"], me.json["email"]) == (200, KIM, "kim@plaudit.example")

    before = table_items(aws)
    again = link(api, id_claims(KIM_SUB, email="kim@plaudit.example"))  # a replay, or the next device
    assert (again.status, again.json) == (200, {"employee_id": KIM, "linked": False})
    assert table_items(aws) == before  # nothing written, nothing in the trail

    query = f"/v1/audit-log?action=employee.account_link&target=employee:{KIM}"
    trail = api.call("GET", query, as_employee=HANA).json["items"]
    assert [(entry["actor"], entry["changes"]) for entry in trail] == [(KIM, {"idp_subject": PERSONAL})]
    assert KIM_SUB not in str(trail)  # the subject is personal: outside the chain, in Kim's record
    assert_audit_clean()


def test_linking_refuses_an_access_token_and_an_unverified_email(api, aws, kim):
    before = table_items(aws)
    assert_error(link(api, access_claims(KIM_SUB)), 422, "id_token_needed")
    unverified = id_claims(KIM_SUB, email="kim@plaudit.example", email_verified=False)
    assert_error(link(api, unverified), 403, "email_unverified")
    without_claim = {k: v for k, v in unverified.items() if k != "email_verified"}
    assert_error(link(api, without_claim), 403, "email_unverified")
    assert_error(link(api, id_claims(KIM_SUB, email="nobody@plaudit.example")), 403, "not_in_directory")
    assert table_items(aws) == before


def test_a_subject_links_one_person_and_a_person_one_subject(api, aws, kim):
    # Alice's subject (linked by the seed) claims Kim's email: someone else's account already
    alices = id_claims(dev_subject(ALICE), email="kim@plaudit.example")
    assert_error(link(api, alices), 409, "subject_taken")
    assert link(api, id_claims(KIM_SUB, email="kim@plaudit.example")).status == 201
    # another account with Kim's verified email: Kim is linked already
    other = id_claims(str(uuid.uuid4()), email="kim@plaudit.example")
    assert_error(link(api, other), 409, "account_linked")
    assert account_of(KIM) == (True, KIM_SUB)


def test_accounts_sync_links_through_the_same_service(api, kim):
    """What the accounts sync calls when it creates someone's account in the pool (idempotent)."""
    assert link_account(KIM, KIM_SUB, actor="accounts-sync") is True
    assert link_account(KIM, KIM_SUB, actor="accounts-sync") is False
    with pytest.raises(Conflict) as taken:
        link_account("B0001", KIM_SUB, actor="accounts-sync")  # the demo bot: in the directory, unlinked
    assert taken.value.code == "subject_taken"
    with pytest.raises(Conflict) as linked:
        link_account(BOB, KIM_SUB, actor="accounts-sync")
    assert linked.value.code == "account_linked"
    with pytest.raises(NotFound):
        link_account("E9999", str(uuid.uuid4()), actor="accounts-sync")
    assert account_of(BOB) == (True, dev_subject(BOB))
    me = api.call("GET", "/v1/me", claims=access_claims(KIM_SUB))
    assert (me.status, me.json["id"]) == (200, KIM)
