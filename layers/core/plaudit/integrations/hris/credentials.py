"""HRIS secrets: from the environment (the local stack), else from Secrets Manager (cached 5 minutes).

- Plaudit webhook: HRIS_WEBHOOK_SECRET, else the JSON secret at HRIS_SECRET_ARN: {"signing_secret": "..."}.
- BambooHR: BAMBOOHR_WEBHOOK_KEY (and BAMBOOHR_API_KEY + BAMBOOHR_COMPANY_DOMAIN for the REST API), else
  the JSON secret at BAMBOOHR_SECRET_ARN: {"webhook_key": "...", "api_key": "...", "company_domain": "..."}.
  BAMBOOHR_API_URL overrides https://api.bamboohr.com (a fake in tests or the local stack).
"""

import os
from typing import Any

from plaudit.integrations.hris.bamboohr import HttpBambooHrClient

SECRET_MAX_AGE_SECONDS = 300


def plaudit_signing_secret() -> str:
    return os.environ.get("HRIS_WEBHOOK_SECRET") or _secret("HRIS_SECRET_ARN")["signing_secret"]


def bamboohr_webhook_key() -> str:
    return os.environ.get("BAMBOOHR_WEBHOOK_KEY") or _secret("BAMBOOHR_SECRET_ARN")["webhook_key"]


def bamboohr_client() -> HttpBambooHrClient:
    api_key, domain = os.environ.get("BAMBOOHR_API_KEY"), os.environ.get("BAMBOOHR_COMPANY_DOMAIN")
    if not (api_key and domain):
        secret = _secret("BAMBOOHR_SECRET_ARN")
        api_key, domain = secret["api_key"], secret["company_domain"]
    return HttpBambooHrClient(domain, api_key, os.environ.get("BAMBOOHR_API_URL"))


def _secret(arn_variable: str) -> dict[str, Any]:
    arn = os.environ.get(arn_variable)
    if not arn:
        raise RuntimeError(f"HRIS webhook secret not configured: set {arn_variable} or the local variables")
    from aws_lambda_powertools.utilities.parameters import get_secret

    return get_secret(arn, transform="json", max_age=SECRET_MAX_AGE_SECONDS)
