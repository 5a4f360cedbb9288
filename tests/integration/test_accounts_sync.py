"""Sign-in accounts follow the directory, against moto's Cognito (the template's own pool and groups): the
HRIS worker invites a new person and disables and signs out a leaver, through the real handlers with their IAM
policies; `sync_directory` invites everyone, puts them in their roles' groups, finds an account made by hand
instead of making a second one, and changes nothing when run again."""

from __future__ import annotations

import os
from typing import Any

import boto3
import pytest
from api_checks import assert_audit_clean
from botocore.exceptions import ClientError
from test_hris_webhooks import deliver

from plaudit.domain.employees import Employee
from plaudit.domain.hris import EmployeeUpsert, Termination
from plaudit.environment import environment
from plaudit.integrations import aws as aws_clients
from plaudit.services import accounts, pool_repairs
from plaudit.services.directory_sync import apply_change
from plaudit.services.trail import verify_trail
from plaudit.store import snapshots
from plaudit.store import trail as trail_store
from plaudit.store.accounts import employee_id_by_subject
from plaudit_dev.cli import main
from plaudit_dev.iam import Roles, translate_roles
from plaudit_dev.jwt_local import TEMPLATE_PARAMETERS
from plaudit_dev.paths import TEMPLATE_PATH
from plaudit_dev.seed import PEOPLE
from plaudit_dev.template import local_user_pool_id

HR, MAYA, ALICE, BOB = "E1001", "E1002", "E1003", "E1004"
ZOE = {"email": "zoe@plaudit.example", "name": "Zoe Park", "manager_id": MAYA, "locale": "it"}
WRITES = {
    "AdminCreateUser",
    "AdminAddUserToGroup",
    "AdminRemoveUserFromGroup",
    "AdminDisableUser",
    "AdminEnableUser",
    "AdminUserGlobalSignOut",
    "AdminUpdateUserAttributes",
}


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
def idp(aws: Any) -> Any:
    """moto's Cognito, and the operations the functions called on it (`idp.calls`)."""
    client = boto3.client("cognito-idp", region_name="us-east-1")
    client.calls = []  # type: ignore[attr-defined]
    client.meta.events.register(
        "before-call.cognito-idp.*", lambda model, **_: client.calls.append(model.name)
    )
    aws_clients.use_client("cognito-idp", client)
    return client


def pool() -> str:
    return os.environ["USER_POOL_ID"]


def account(idp: Any, email: str, *, with_sub: bool = False) -> dict[str, Any] | None:
    users = idp.list_users(UserPoolId=pool(), Filter=f'email = "{email}"')["Users"]
    if not users:
        return None
    user = users[0]
    groups = idp.admin_list_groups_for_user(UserPoolId=pool(), Username=user["Username"])["Groups"]
    attributes = {a["Name"]: a["Value"] for a in user["Attributes"]}
    return {
        "enabled": user["Enabled"],
        "status": user["UserStatus"],
        "groups": sorted(group["GroupName"] for group in groups),
        **{name: attributes.get(name) for name in ("email", "email_verified", "locale", "name")},
        **({"sub": attributes["sub"]} if with_sub else {}),
    }


def person(employee_id: str) -> Employee:
    found = snapshots.load(employees=[employee_id]).employee(employee_id)
    assert found is not None
    return found


def writes(idp: Any) -> list[str]:
    return [name for name in idp.calls if name in WRITES]


def account_acts() -> list[dict[str, Any]]:
    return [entry for entry in trail_store.all_entries() if entry["action"] == "account.sync"]


def test_the_hris_worker_invites_a_new_person_and_disables_and_signs_out_a_leaver(api, org, clock, idp):
    reply = deliver(
        api,
        clock,
        {"id": "hris-a1", "events": [{"type": "employee.upserted", "employee_id": "E2001", "fields": ZOE}]},
    )
    assert reply.status == 202, reply.body
    assert not api.queue_failures
    assert account(idp, "zoe@plaudit.example") == {
        "enabled": True,
        "status": "FORCE_CHANGE_PASSWORD",  # invited: Cognito emailed a temporary password
        "groups": [],
        "email": "zoe@plaudit.example",
        "email_verified": "true",
        "locale": "it",
        "name": "Zoe Park",
    }
    assert writes(idp) == ["AdminCreateUser"]
    zoe = account(idp, "zoe@plaudit.example", with_sub=True)
    assert employee_id_by_subject(zoe["sub"]) == "E2001"  # her access tokens find her
    invited = account_acts()[-1]
    assert (invited["actor"], invited["target"]) == ("hris:hris_webhook", "employee:E2001")
    assert invited["changes"]["steps"]["after"] == ["invite", "link"]

    idp.calls.clear()
    reply = deliver(
        api, clock, {"id": "hris-a2", "events": [{"type": "employee.terminated", "employee_id": "E2001"}]}
    )
    assert reply.status == 202, reply.body
    assert not api.queue_failures
    assert account(idp, "zoe@plaudit.example")["enabled"] is False
    assert writes(idp) == ["AdminDisableUser", "AdminUserGlobalSignOut"]
    assert account_acts()[-1]["changes"]["steps"]["after"] == ["disable"]

    idp.calls.clear()  # the same termination again (a replay under another delivery id): nothing to do
    deliver(
        api, clock, {"id": "hris-a3", "events": [{"type": "employee.terminated", "employee_id": "E2001"}]}
    )
    assert not api.queue_failures
    assert writes(idp) == []
    assert verify_trail().ok


def test_sync_invites_everyone_into_their_roles_groups_and_a_rerun_changes_nothing(aws, org, clock, idp):
    preview = accounts.sync_directory(actor="test", dry_run=True)
    assert preview.dry_run
    assert len(preview.changed) == len(PEOPLE)
    assert writes(idp) == []
    assert account(idp, "hana@plaudit.example") is None
    hana = next(change for change in preview.changed if change.employee_id == HR)
    assert [str(step) for step in hana.steps] == ["invite", "add_group hr_admin", "add_group manager"]

    done = accounts.sync_directory(actor="test")
    assert [change.model_dump() for change in done.changed] == [
        change.model_dump() for change in preview.changed
    ]
    hana_account = account(idp, "hana@plaudit.example")
    assert hana_account is not None
    assert hana_account["groups"] == ["hr_admin", "manager"]
    assert hana_account["locale"] == "en"  # no locale of her own: the organisation's
    assert len(account_acts()) == len(PEOPLE)

    idp.calls.clear()
    again = accounts.sync_directory(actor="test")
    assert (again.changed, again.unchanged) == ([], len(PEOPLE) + 1)  # and the bot, who has none
    assert writes(idp) == []
    assert len(account_acts()) == len(PEOPLE)
    assert_audit_clean()


def put_fields(api, employee_id: str, **changes: Any):
    current = api.call("GET", f"/v1/employees/{employee_id}").json
    body = {k: v for k, v in current.items() if k not in ("id", "tier")} | changes
    return api.call("PUT", f"/v1/employees/{employee_id}", body=body)


def test_roles_changed_by_hr_move_the_account_between_groups_at_once(api, org, clock, idp):
    accounts.sync_directory(actor="test")
    alice = api.call("GET", f"/v1/employees/{ALICE}").json
    hana = api.call("GET", f"/v1/employees/{HR}").json
    idp.calls.clear()
    assert put_fields(api, ALICE, roles=["employee", "finance"]).status == 200
    assert writes(idp) == ["AdminAddUserToGroup"]
    assert put_fields(api, HR, roles=["employee", "hr_admin"]).status == 200
    assert writes(idp) == ["AdminAddUserToGroup", "AdminRemoveUserFromGroup"]
    assert account(idp, alice["email"])["groups"] == ["finance"]
    assert account(idp, hana["email"])["groups"] == ["hr_admin"]
    assert [a["changes"]["steps"]["after"] for a in account_acts()[-2:]] == [
        ["add_group finance"],
        ["remove_group manager"],
    ]

    idp.calls.clear()
    report = accounts.sync_directory(actor="test")
    assert report.changed == []  # nothing left for the sync
    assert writes(idp) == []


def test_an_email_or_language_change_reaches_the_account_at_once(api, org, clock, idp):
    accounts.sync_directory(actor="test")
    idp.calls.clear()
    assert put_fields(api, ALICE, email="alice.new@plaudit.example").status == 200  # REST
    assert writes(idp) == ["AdminUpdateUserAttributes"]
    assert account(idp, "alice@plaudit.example") is None
    moved = account(idp, "alice.new@plaudit.example")
    assert (moved["email_verified"], moved["enabled"]) == ("true", True)  # signs in with the new one at once

    idp.calls.clear()
    assert api.call("PATCH", "/v1/me", body={"locale": "fr"}, as_employee=ALICE).status == 200  # her own
    assert account(idp, "alice.new@plaudit.example")["locale"] == "fr"  # the pool's emails speak French

    idp.calls.clear()
    change = EmployeeUpsert(employee_id=BOB, fields={"email": "robert@plaudit.example"})  # an HRIS
    assert apply_change(change, source="csv").action == "updated"
    assert writes(idp) == ["AdminUpdateUserAttributes"]
    assert account(idp, "robert@plaudit.example")["email_verified"] == "true"
    assert accounts.sync_directory(actor="test").changed == []
    assert verify_trail().ok


def test_a_pool_that_fails_does_not_fail_the_change_and_the_next_sync_repairs_it(
    api, org, clock, idp, monkeypatch, caplog
):
    """Zoe's account is linked to her entry (the HRIS worker invited her), as every account the sync or a
    first sign-in made is: the sync finds it by that link whatever its email says."""
    apply_change(EmployeeUpsert(employee_id="E2001", fields=ZOE), source="csv")
    counted: list[str] = []
    monkeypatch.setattr(pool_repairs, "count", counted.append)
    real = idp._make_api_call

    def down(operation: str, params: dict[str, Any]) -> Any:
        if operation.startswith("Admin") and operation != "AdminListGroupsForUser":
            raise ClientError(
                {"Error": {"Code": "TooManyRequestsException", "Message": "slow down"}}, operation
            )
        return real(operation, params)

    monkeypatch.setattr(idp, "_make_api_call", down)
    reply = put_fields(api, "E2001", email="zoe.new@plaudit.example", roles=["employee", "finance"])
    assert reply.status == 200, reply.body  # the directory changed; the pool did not
    assert reply.json["email"] == "zoe.new@plaudit.example"
    (warning,) = [record for record in caplog.records if record.name.endswith("pool_repairs")]
    assert "left for plaudit accounts sync" in warning.getMessage()
    assert (warning.target, warning.error) == ("employee:E2001", "TooManyRequestsException")
    assert "zoe" not in caplog.text.lower()  # no personal data
    assert counted == ["AccountChangesDeferred"]
    assert account(idp, "zoe@plaudit.example")["groups"] == []

    monkeypatch.setattr(idp, "_make_api_call", real)
    report = accounts.sync_directory(actor="test")
    zoe = next(change for change in report.changed if change.employee_id == "E2001")
    assert [str(step) for step in zoe.steps] == ["set_email", "add_group finance"]
    assert account(idp, "zoe.new@plaudit.example")["groups"] == ["finance"]
    assert account(idp, "zoe@plaudit.example") is None


def test_an_account_made_by_hand_is_kept_not_duplicated_and_a_group_given_by_hand_stays(aws, org, clock, idp):
    made = idp.admin_create_user(
        UserPoolId=pool(),
        Username="bob@plaudit.example",
        UserAttributes=[{"Name": "email", "Value": "bob@plaudit.example"}],
        MessageAction="SUPPRESS",
    )["User"]
    idp.admin_add_user_to_group(UserPoolId=pool(), Username=made["Username"], GroupName="voucher_desk")
    idp.admin_disable_user(UserPoolId=pool(), Username=made["Username"])

    idp.calls.clear()
    change = accounts.follow(person(BOB), actor="test")
    assert change is not None
    assert [str(step) for step in change.steps] == ["enable"]
    assert writes(idp) == ["AdminEnableUser"]
    users = idp.list_users(UserPoolId=pool(), Filter='email = "bob@plaudit.example"')["Users"]
    assert len(users) == 1
    assert account(idp, "bob@plaudit.example")["groups"] == ["voucher_desk"]  # not a role's group


def test_an_account_that_exists_for_a_new_person_is_linked_not_duplicated(aws, org, clock, idp):
    made = idp.admin_create_user(
        UserPoolId=pool(),
        Username="zoe@plaudit.example",
        UserAttributes=[{"Name": "email", "Value": "zoe@plaudit.example"}],
        MessageAction="SUPPRESS",
    )["User"]
    sub = next(a["Value"] for a in made["Attributes"] if a["Name"] == "sub")
    idp.calls.clear()
    apply_change(EmployeeUpsert(employee_id="E2001", fields=ZOE), source="test")
    assert writes(idp) == ["AdminUpdateUserAttributes"]  # no second account; her language (it) is its own
    assert employee_id_by_subject(sub) == "E2001"
    assert account_acts()[-1]["changes"]["steps"]["after"] == ["link", "set_locale"]
    assert account(idp, "zoe@plaudit.example")["locale"] == "it"
    assert accounts.sync_person(person("E2001"), actor="test").steps == []  # a rerun: nothing


def test_a_returning_person_is_enabled_again(aws, org, clock, idp):
    apply_change(Termination(employee_id=ALICE), source="test")  # no account yet: nothing to disable
    assert writes(idp) == []
    apply_change(EmployeeUpsert(employee_id=ALICE, fields={"status": "active"}), source="test")
    assert writes(idp) == ["AdminCreateUser"]
    apply_change(Termination(employee_id=ALICE), source="test")
    apply_change(EmployeeUpsert(employee_id=ALICE, fields={"status": "active"}), source="test")
    assert writes(idp) == ["AdminCreateUser", "AdminDisableUser", "AdminUserGlobalSignOut", "AdminEnableUser"]


def test_without_a_user_pool_nothing_is_called(aws, org, clock, idp, monkeypatch):
    monkeypatch.delenv("USER_POOL_ID")
    environment.cache_clear()
    apply_change(EmployeeUpsert(employee_id="E2001", fields=ZOE), source="test")
    apply_change(Termination(employee_id="E2001"), source="test")
    assert idp.calls == []


def test_the_cli_prints_the_diff_in_a_dry_run_then_syncs(aws, org, clock, idp, capsys):
    assert main(["accounts", "sync", "--dry-run", "--table", os.environ["TABLE_NAME"]]) == 0
    printed = capsys.readouterr().out
    assert f"  {HR}: invite, add_group hr_admin, add_group manager\n" in printed
    assert printed.endswith(
        f"accounts would change: {len(PEOPLE)}; already as the directory says: 1 (dry run: nothing changed)\n"
    )
    assert writes(idp) == []

    assert main(["accounts", "sync", "--table", os.environ["TABLE_NAME"]]) == 0
    assert capsys.readouterr().out.endswith(
        f"accounts changed: {len(PEOPLE)}; already as the directory says: 1\n"
    )
    assert account_acts()[-1]["actor"] == "plaudit-cli"
    assert main(["accounts", "sync", "--table", os.environ["TABLE_NAME"]]) == 0
    assert (
        capsys.readouterr().out == f"accounts changed: 0; already as the directory says: {len(PEOPLE) + 1}\n"
    )
