"""The template's Cognito user pools and their groups, created in moto for the tests (the local stack runs
with the dev issuer, so its template has no pool and accounts are off there).

A pool is created with its local name alone, under moto's hash id strategy (set by plaudit_dev.moto_patches),
so its id is the one the template resolved for it beforehand (plaudit_dev.template.local_user_pool_id)."""

from __future__ import annotations

from typing import Any

from plaudit_dev.template import Template, local_user_pool_id, local_user_pool_name


def create_user_pools(cognito: Any, template: Template) -> dict[str, str]:
    """Create each pool of `template` and its groups (idempotent); returns each pool's id by logical id."""
    created = {}
    existing = {pool["Id"] for pool in cognito.list_user_pools(MaxResults=60)["UserPools"]}
    for logical_id, groups in template.user_pools.items():
        pool_id = local_user_pool_id(logical_id)
        if pool_id not in existing:
            made = cognito.create_user_pool(PoolName=local_user_pool_name(logical_id))["UserPool"]["Id"]
            if made != pool_id:
                raise RuntimeError(
                    f"moto gave {logical_id} the id {made}, not {pool_id}: is the hash strategy set?"
                )
        have = {group["GroupName"] for group in cognito.list_groups(UserPoolId=pool_id)["Groups"]}
        for group in groups:
            if group not in have:
                cognito.create_group(UserPoolId=pool_id, GroupName=group)
        created[logical_id] = pool_id
    return created
