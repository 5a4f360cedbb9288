"""The webhook secrets the local stack's functions verify HRIS requests with (in AWS they come from Secrets
Manager): the developer's HRIS_WEBHOOK_SECRET / BAMBOOHR_WEBHOOK_KEY, else documented dev defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping

DEV_WEBHOOK_SECRETS = {  # documented dev values (README, "Two commands"), like the dev JWT key
    "HRIS_WEBHOOK_SECRET": "plaudit-dev-hris-secret",
    "BAMBOOHR_WEBHOOK_KEY": "plaudit-dev-bamboohr-key",
}


def webhook_secrets(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """Each secret's variable and value: the environment's when set, else the dev default."""
    return {name: environ.get(name) or default for name, default in DEV_WEBHOOK_SECRETS.items()}
