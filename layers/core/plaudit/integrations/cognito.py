"""The Cognito user pool's accounts (cognito-idp admin API), in the pool USER_POOL_ID names. Without it there
is no pool to keep (the company signs in through its own issuer) and `pool_id()` is None.

An account is found by its `sub` (the subject linked on the directory entry) or else by its verified email,
and every later call names it by its pool username (a UUID in a pool whose usernames are emails). Nothing
personal is logged here; errors raise as botocore's ClientError (throttling is retried by the client)."""

from dataclasses import dataclass
from typing import Any

from plaudit.environment import environment
from plaudit.integrations import aws


@dataclass(frozen=True)
class Account:
    username: str
    subject: str
    email: str | None
    enabled: bool
    groups: frozenset[str]
    locale: str | None = None


def pool_id() -> str | None:
    return environment().user_pool_id


def _idp() -> Any:
    return aws.client("cognito-idp")


def find(*, subject: str | None = None, email: str | None = None) -> Account | None:
    """The pool's account with this `sub`, else the one with this email (None: neither exists)."""
    for name, value in (("sub", subject), ("email", email)):
        if value is None:
            continue
        quoted = value.replace("\\", "\\\\").replace('"', '\\"')
        users = _idp().list_users(UserPoolId=_pool(), Filter=f'{name} = "{quoted}"', Limit=2)["Users"]
        if users:
            return _account(users[0]["Username"], users[0]["Attributes"], users[0]["Enabled"])
    return None


def invite(*, email: str, name: str, locale: str) -> Account:
    """Create the account with a verified email and let Cognito email the invitation (temporary password).
    UsernameExistsException (a ClientError) when the address already has one."""
    created = _idp().admin_create_user(
        UserPoolId=_pool(),
        Username=email,
        UserAttributes=[
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "name", "Value": name},
            {"Name": "locale", "Value": locale},
        ],
        DesiredDeliveryMediums=["EMAIL"],
    )["User"]
    return _account(created["Username"], created["Attributes"], created["Enabled"], groups=frozenset())


def add_to_group(account: Account, group: str) -> None:
    _idp().admin_add_user_to_group(UserPoolId=_pool(), Username=account.username, GroupName=group)


def remove_from_group(account: Account, group: str) -> None:
    _idp().admin_remove_user_from_group(UserPoolId=_pool(), Username=account.username, GroupName=group)


def disable(account: Account) -> None:
    """Disable the account and sign it out everywhere: its refresh tokens stop working at once instead of
    living on for their whole validity."""
    _idp().admin_disable_user(UserPoolId=_pool(), Username=account.username)
    _idp().admin_user_global_sign_out(UserPoolId=_pool(), Username=account.username)


def update(account: Account, *, email: str | None = None, locale: str | None = None) -> None:
    """Change the account's email (marked verified, as the directory vouches for it: Cognito then changes it
    at once instead of waiting for the person to confirm a code) and/or its language."""
    attributes = []
    if email is not None:
        attributes += [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}]
    if locale is not None:
        attributes.append({"Name": "locale", "Value": locale})
    _idp().admin_update_user_attributes(
        UserPoolId=_pool(), Username=account.username, UserAttributes=attributes
    )


def enable(account: Account) -> None:
    _idp().admin_enable_user(UserPoolId=_pool(), Username=account.username)


def delete(account: Account) -> None:
    """Delete the account for good (erasure): its tokens stop working and its attributes are gone."""
    _idp().admin_delete_user(UserPoolId=_pool(), Username=account.username)


def _pool() -> str:
    pool = pool_id()
    if pool is None:
        raise RuntimeError("USER_POOL_ID is not set: there is no user pool to keep accounts in")
    return pool


def _account(
    username: str, attributes: list[dict[str, str]], enabled: bool, groups: frozenset[str] | None = None
) -> Account:
    values = {attribute["Name"]: attribute["Value"] for attribute in attributes}
    if groups is None:
        pages = _idp().get_paginator("admin_list_groups_for_user")
        listed = pages.paginate(UserPoolId=_pool(), Username=username)
        groups = frozenset(group["GroupName"] for page in listed for group in page["Groups"])
    return Account(username, values["sub"], values.get("email"), enabled, groups, values.get("locale"))
