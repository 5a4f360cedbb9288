"""Voucher desks through the real handlers: HR keeps the desks (each act in the trail) and gives them accounts
in the user pool (moto's Cognito, group voucher_desk); a desk account's token validates and redeems at its own
desk's vendor and locations whatever the request says, is refused at a disabled desk, and reaches no employee
route."""

from __future__ import annotations

import os
from typing import Any

import boto3
import pytest
from api_checks import assert_audit_clean, assert_error
from botocore.exceptions import ClientError
from test_api_vouchers import issue, my_codes

from plaudit.environment import environment
from plaudit.integrations import cognito
from plaudit.services import accounts, vouchers
from plaudit.services.trail import verify_trail
from plaudit.store import trail as trail_store
from plaudit_dev.iam import Roles, translate_roles
from plaudit_dev.jwt_local import TEMPLATE_PARAMETERS
from plaudit_dev.paths import TEMPLATE_PATH
from plaudit_dev.template import local_user_pool_id

HR, ALICE = "E1001", "E1003"
CAFE = {"name": "Cafeteria till", "vendor": "Canteen Co", "locations": ["Milan"]}
SPA = {"name": "Spa desk", "vendor": "Spa Co", "locations": ["Lisbon", "Porto"]}


@pytest.fixture(scope="module")
def roles() -> Roles:
    """The functions' policies as a stack with its own user pool has them (UseCognito: no external issuer;
    the local stack's parameters name the dev issuer, which leaves the pool out)."""
    return translate_roles(TEMPLATE_PATH, {**TEMPLATE_PARAMETERS, "JwtIssuer": "", "JwtAudience": ""})


@pytest.fixture(autouse=True)
def user_pool(aws: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """The functions see the stack's pool (created in moto by the aws fixture)."""
    monkeypatch.setenv("USER_POOL_ID", local_user_pool_id("UserPool"))
    environment.cache_clear()
    return os.environ["USER_POOL_ID"]


@pytest.fixture
def states(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    told: list[tuple[str, str]] = []
    monkeypatch.setattr(vouchers, "redemption_state", lambda rid, status: told.append((rid, status)))
    return told


def restricted(monkeypatch: pytest.MonkeyPatch, **limits: list[str]) -> None:
    monkeypatch.setattr(vouchers, "_restriction_snapshot", lambda item_id: limits)


def desk_token(subject: str) -> dict[str, Any]:
    """A Cognito access token's claims for a desk account."""
    return {
        "sub": subject,
        "token_use": "access",
        "client_id": "plaudit-console",
        "username": subject,
        "cognito:groups": ["voucher_desk"],
        "iss": "http://127.0.0.1/plaudit-local",
        "scope": "openid email",
    }


def make_desk(api, desk_id: str, spec: dict[str, Any], email: str) -> dict[str, Any]:
    assert api.call("PUT", f"/v1/desks/{desk_id}", body=spec).status == 201
    reply = api.call("POST", f"/v1/desks/{desk_id}/accounts", body={"email": email})
    assert reply.status == 200, reply.body
    return desk_token(reply.json["subject"])


def check(api, token: dict[str, Any], action: str, code: str, **extra: Any):
    return api.call("POST", f"/v1/vouchers/{action}", claims=token, body={"code": code, **extra})


def test_hr_keeps_the_desks_and_each_act_is_in_the_trail(api, org, clock):
    created = api.call("PUT", "/v1/desks/spa-lisbon", body=SPA)
    assert created.status == 201, created.body
    assert created.headers["etag"] == '"1"'
    assert (created.json["id"], created.json["vendor"], created.json["status"]) == (
        "spa-lisbon",
        "Spa Co",
        "active",
    )
    same = api.call("PUT", "/v1/desks/spa-lisbon", body=SPA)
    assert (same.status, same.json["version"]) == (200, 1)  # nothing changed: nothing written
    moved = api.call(
        "PUT", "/v1/desks/spa-lisbon", body=SPA | {"locations": ["Lisbon"]}, headers={"If-Match": '"1"'}
    )
    assert (moved.status, moved.json["locations"]) == (200, ["Lisbon"])
    assert_error(
        api.call("PUT", "/v1/desks/spa-lisbon", body=SPA, headers={"If-Match": '"1"'}),
        412,
        "version_mismatch",
    )
    disabled = api.call("PUT", "/v1/desks/spa-lisbon", body=SPA | {"status": "disabled"})
    assert disabled.json["status"] == "disabled"
    assert [d["id"] for d in api.call("GET", "/v1/desks").json["items"]] == ["spa-lisbon"]
    assert api.call("GET", "/v1/desks/spa-lisbon").json["version"] == 3
    assert_error(api.call("GET", "/v1/desks/nowhere"), 404, "desk_not_found")

    assert_error(
        api.call("PUT", "/v1/desks/x", body=SPA | {"locations": ["Porto", "porto"]}), 422, "invalid_request"
    )
    assert_error(api.call("PUT", "/v1/desks/x", body=SPA | {"locations": []}), 422, "invalid_request")
    assert_error(api.call("GET", "/v1/desks", as_employee=ALICE), 403, "forbidden")
    assert_error(api.call("PUT", "/v1/desks/x", body=SPA, as_employee=ALICE), 403, "forbidden")

    acts = [
        (e["action"], e["target"], e["actor"])
        for e in trail_store.all_entries()
        if e["target"].startswith("desk:")
    ]
    assert acts == [
        ("desk.create", "desk:spa-lisbon", HR),
        ("desk.replace", "desk:spa-lisbon", HR),
        ("desk.disable", "desk:spa-lisbon", HR),
    ]
    assert verify_trail().ok


def test_a_desk_account_is_invited_into_the_voucher_desk_group_and_tied_once(api, org, clock):
    assert api.call("PUT", "/v1/desks/cafe", body=CAFE).status == 201
    reply = api.call("POST", "/v1/desks/cafe/accounts", body={"email": "Till@Canteen.example"})
    assert reply.status == 200, reply.body
    assert reply.json["email"] == "till@canteen.example"
    assert reply.json["invited"] is True
    idp = boto3.client("cognito-idp", region_name="us-east-1")
    pool = os.environ["USER_POOL_ID"]
    users = idp.list_users(UserPoolId=pool, Filter='email = "till@canteen.example"')["Users"]
    assert len(users) == 1
    groups = idp.admin_list_groups_for_user(UserPoolId=pool, Username=users[0]["Username"])["Groups"]
    assert [group["GroupName"] for group in groups] == ["voucher_desk"]

    again = api.call("POST", "/v1/desks/cafe/accounts", body={"email": "till@canteen.example"})
    assert (again.status, again.json["subject"], again.json["invited"]) == (200, reply.json["subject"], False)
    assert len(idp.list_users(UserPoolId=pool, Filter='email = "till@canteen.example"')["Users"]) == 1

    assert api.call("PUT", "/v1/desks/spa", body=SPA).status == 201
    taken = api.call("POST", "/v1/desks/spa/accounts", body={"email": "till@canteen.example"})
    assert assert_error(taken, 409, "desk_account_taken") == {"desk_id": "cafe"}
    person = api.call("POST", "/v1/desks/spa/accounts", body={"email": "alice@plaudit.example"})
    assert_error(person, 409, "desk_account_is_a_person")
    assert_error(
        api.call("POST", "/v1/desks/none/accounts", body={"email": "a@b.example"}), 404, "desk_not_found"
    )
    assert [e["action"] for e in trail_store.all_entries() if e["action"] == "desk.account_add"] == [
        "desk.account_add"
    ]
    assert_audit_clean()


def test_a_desk_validates_and_redeems_at_its_own_place_whatever_the_request_says(
    api, org, clock, states, monkeypatch
):
    restricted(monkeypatch, locations=["Porto"], vendors=["Spa Co"])
    spa = make_desk(api, "spa", SPA, "spa@spa.example")
    cafe = make_desk(api, "cafe", CAFE, "till@canteen.example")
    voucher_id = issue()
    code = my_codes(api)[voucher_id]["code"]

    assert_error(check(api, spa, "validate", code), 422, "desk_location_needed")  # two locations: which?
    assert_error(check(api, spa, "validate", code, location="Madrid"), 422, "desk_wrong_location")
    assert_error(
        check(api, spa, "validate", code, location="Porto", vendor="Other Co"), 422, "desk_vendor_fixed"
    )
    lisbon = check(api, spa, "validate", code, location="lisbon")
    assert lisbon.status == 200, lisbon.body  # its own place, but the voucher is for Porto
    assert (lisbon.json["usable"], lisbon.json["refusal"]["code"]) == (False, "voucher_wrong_location")
    ok = check(api, spa, "validate", code, location="porto")
    assert (ok.status, ok.json["status"]) == (200, "delivered")

    # the cafeteria's till is another vendor's: the voucher is refused there, whatever the request claims
    assert_error(
        check(api, cafe, "redeem", code, location="Milan", vendor="Spa Co"), 422, "desk_vendor_fixed"
    )
    assert_error(check(api, cafe, "redeem", code), 422, "voucher_wrong_location")

    redeemed = check(api, spa, "redeem", code, location="Porto")
    assert (redeemed.status, redeemed.json["status"]) == (200, "redeemed")
    stored = vouchers.store.get_voucher(redeemed.json["voucher_id"])
    assert (stored["redeemed_by"], stored["location"], stored["vendor"]) == ("desk:spa", "Porto", "Spa Co")
    assert_error(check(api, spa, "redeem", code, location="Porto"), 409, "voucher_already_redeemed")


def pool_user(subject: str) -> dict[str, Any]:
    idp = boto3.client("cognito-idp", region_name="us-east-1")
    pool = os.environ["USER_POOL_ID"]
    return idp.list_users(UserPoolId=pool, Filter=f'sub = "{subject}"')["Users"][0]


def test_a_disabled_desk_checks_nothing_and_its_accounts_are_disabled_in_the_pool(api, org, clock, states):
    cafe = make_desk(api, "cafe", CAFE, "till@canteen.example")
    voucher_id = issue(expires_in=None)
    code = my_codes(api)[voucher_id]["code"]
    assert check(api, cafe, "validate", code).status == 200  # its only location, the desk's vendor
    assert pool_user(cafe["sub"])["Enabled"] is True
    assert api.call("PUT", "/v1/desks/cafe", body=CAFE | {"status": "disabled"}).status == 200
    assert pool_user(cafe["sub"])["Enabled"] is False  # and signed out everywhere (AdminUserGlobalSignOut)
    assert_error(check(api, cafe, "validate", code), 403, "desk_disabled")
    assert_error(check(api, cafe, "redeem", code), 403, "desk_disabled")
    assert api.call("PUT", "/v1/desks/cafe", body=CAFE).status == 200
    assert pool_user(cafe["sub"])["Enabled"] is True
    assert check(api, cafe, "redeem", code).status == 200
    acts = [e["changes"] for e in trail_store.all_entries() if e["action"] == "desk.accounts"]
    assert [(c["enabled"]["after"], c["subjects"]["after"]) for c in acts] == [
        (False, [cafe["sub"]]),
        (True, [cafe["sub"]]),
    ]
    assert verify_trail().ok


def test_a_desk_account_reads_its_own_desk(api, org, clock):
    cafe = make_desk(api, "cafe", CAFE, "till@canteen.example")
    mine = api.call("GET", "/v1/me/desk", claims=cafe)
    assert mine.status == 200, mine.body
    assert (mine.json["id"], mine.json["vendor"], mine.json["locations"]) == ("cafe", "Canteen Co", ["Milan"])
    assert_error(api.call("GET", "/v1/me/desk", as_employee=ALICE), 403, "desk_role_needed")
    no_group = {key: value for key, value in cafe.items() if key != "cognito:groups"}
    assert_error(api.call("GET", "/v1/me/desk", claims=no_group), 403, "desk_role_needed")
    stranger = desk_token("0b7c3c9e-5f7a-4c1e-9a7e-2f3d4c5b6a79")
    assert_error(api.call("GET", "/v1/me/desk", claims=stranger), 403, "desk_not_linked")


def test_a_person_cannot_be_given_the_desk_role(api, org, clock):
    alice = api.call("GET", f"/v1/employees/{ALICE}").json
    fields = {k: v for k, v in alice.items() if k not in ("id", "tier")} | {"roles": ["voucher_desk"]}
    assert_error(api.call("PUT", f"/v1/employees/{ALICE}", body=fields), 422, "invalid_request")


def test_a_desk_token_reaches_no_employee_route(api, org, clock):
    cafe = make_desk(api, "cafe", CAFE, "till@canteen.example")
    for method, path, body in (
        ("GET", "/v1/me", None),
        ("GET", f"/v1/employees/{ALICE}/wallet", None),
        ("POST", "/v1/recognitions", {"recipient_ids": [ALICE], "points": 5, "message": "hi"}),
        ("GET", "/v1/employees", None),
        ("GET", "/v1/desks", None),
    ):
        reply = api.call(method, path, claims=cafe, body=body, headers={"Idempotency-Key": "k1"})
        assert reply.status == 403, (path, reply.status, reply.body)


def test_a_desk_check_needs_both_the_group_and_the_desk(api, org, clock):
    cafe = make_desk(api, "cafe", CAFE, "till@canteen.example")
    voucher_id = issue(expires_in=None)
    code = my_codes(api)[voucher_id]["code"]
    stranger = desk_token("0b7c3c9e-5f7a-4c1e-9a7e-2f3d4c5b6a79")  # in the group, tied to no desk
    assert_error(check(api, stranger, "validate", code), 403, "desk_not_linked")
    no_group = {key: value for key, value in cafe.items() if key != "cognito:groups"}  # tied, not in it
    assert_error(check(api, no_group, "validate", code), 403, "desk_role_needed")
    assert_error(check(api, no_group, "redeem", code), 403, "desk_role_needed")
    assert_error(check(api, {"sub": ALICE, "iss": "x", "aud": "y"}, "validate", code), 403, "forbidden")


def test_a_desk_disabled_while_the_pool_fails_is_closed_and_the_sync_disables_its_accounts(
    api, org, clock, monkeypatch
):
    cafe = make_desk(api, "cafe", CAFE, "till@canteen.example")
    voucher_id = issue(expires_in=None)
    code = my_codes(api)[voucher_id]["code"]
    monkeypatch.setattr(cognito, "disable", _pool_down)
    assert api.call("PUT", "/v1/desks/cafe", body=CAFE | {"status": "disabled"}).status == 200
    assert pool_user(cafe["sub"])["Enabled"] is True  # the pool failed: the account is still enabled...
    assert_error(check(api, cafe, "validate", code), 403, "desk_disabled")  # ...but the desk checks nothing
    monkeypatch.undo()
    monkeypatch.setenv("USER_POOL_ID", local_user_pool_id("UserPool"))
    assert accounts.sync_directory(actor="test", dry_run=True).desk_accounts == 1
    assert pool_user(cafe["sub"])["Enabled"] is True
    assert accounts.sync_directory(actor="test").desk_accounts == 1
    assert pool_user(cafe["sub"])["Enabled"] is False
    assert accounts.sync_directory(actor="test").desk_accounts == 0


def _pool_down(*args: Any) -> None:
    raise ClientError({"Error": {"Code": "InternalErrorException", "Message": "down"}}, "AdminDisableUser")
