"""Accounts follow the directory on the local stack (`plaudit dev`): a hire from the HRIS webhook is invited
to the stack's user pool (moto's Cognito, created from the template), a termination disables the account, and
`plaudit accounts sync` brings the rest of the directory in, then finds nothing to change."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from test_milestones_and_hris_e2e import cli, deliver, eventually, newcomer

from plaudit_dev.template import local_user_pool_id

pytestmark = pytest.mark.e2e

HIRE = "E3101"


def pool(stack) -> tuple[Any, str]:
    state = json.loads((Path(stack.env["PLAUDIT_STATE_DIR"]) / "local.json").read_text())
    client = boto3.client(
        "cognito-idp",
        endpoint_url=state["aws_endpoint_url"],
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    return client, local_user_pool_id("UserPool")


def account(stack, email: str) -> dict[str, Any] | None:
    client, pool_id = pool(stack)
    users = client.list_users(UserPoolId=pool_id, Filter=f'email = "{email}"')["Users"]
    return users[0] if users else None


def test_a_hire_is_invited_a_leaver_disabled_and_the_sync_completes_the_directory(stack) -> None:
    email = f"{HIRE.lower()}@plaudit.example"
    assert deliver(stack, "e2e-acct-1", newcomer(HIRE, "Ada Account")).status == 202
    invited = eventually(lambda: account(stack, email), "the hire's account")
    assert invited["Enabled"] is True
    assert invited["UserStatus"] == "FORCE_CHANGE_PASSWORD"

    assert deliver(stack, "e2e-acct-2", {"type": "employee.terminated", "employee_id": HIRE}).status == 202
    eventually(lambda: (found := account(stack, email)) is not None and not found["Enabled"], "disabled")

    preview = cli(stack, "accounts", "sync", "--dry-run")
    assert preview.returncode == 0, preview.stderr
    assert "(dry run: nothing changed)" in preview.stdout
    assert HIRE not in preview.stdout  # already as the directory says

    done = cli(stack, "accounts", "sync")
    assert done.returncode == 0, done.stderr
    hana = account(stack, "hana@plaudit.example")
    assert hana is not None
    client, pool_id = pool(stack)
    groups = client.admin_list_groups_for_user(UserPoolId=pool_id, Username=hana["Username"])["Groups"]
    assert {group["GroupName"] for group in groups} >= {"hr_admin", "manager"}

    again = cli(stack, "accounts", "sync")
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("accounts changed: 0;"), again.stdout
