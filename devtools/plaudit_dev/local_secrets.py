"""The webhook secrets the local stack's functions verify HRIS requests with (in AWS they come from Secrets
Manager): the developer's HRIS_WEBHOOK_SECRET / BAMBOOHR_WEBHOOK_KEY, else documented dev defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

DEV_WEBHOOK_SECRETS = {  # documented dev values (README, "Two commands"), like the dev JWT key
    "HRIS_WEBHOOK_SECRET": "plaudit-dev-hris-secret",
    "BAMBOOHR_WEBHOOK_KEY": "plaudit-dev-bamboohr-key",
}


def webhook_secrets(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """Each secret's variable and value: the environment's when set, else the dev default."""
    return {name: environ.get(name) or default for name, default in DEV_WEBHOOK_SECRETS.items()}


def voucher_secrets(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The voucher codes' hash key (in AWS: the VoucherHashSecret): the developer's
    VOUCHER_HASH_KEY, else the documented dev default."""
    from plaudit.integrations.voucher_crypto import DEV_HASH_KEY

    return {"VOUCHER_HASH_KEY": environ.get("VOUCHER_HASH_KEY") or DEV_HASH_KEY}


def create_voucher_key(kms: Any, alias: str | None) -> str:
    """The voucher codes' KMS key in moto (in AWS: VoucherKey), under the alias the functions' VOUCHER_KEY_ID
    names when it is one; returns the key id."""
    key_id: str = kms.create_key(Description="Plaudit voucher codes (local)")["KeyMetadata"]["KeyId"]
    if alias and alias.startswith("alias/"):
        kms.create_alias(AliasName=alias, TargetKeyId=key_id)
    return key_id
