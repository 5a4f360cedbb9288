"""HRIS secrets: from the environment (the local stack), else from Secrets Manager (cached 5 minutes).

- Plaudit webhook: HRIS_WEBHOOK_SECRET, else the JSON secret at HRIS_SECRET_ARN: {"signing_secret": "..."}.
- BambooHR: BAMBOOHR_WEBHOOK_KEY (and BAMBOOHR_API_KEY + BAMBOOHR_COMPANY_DOMAIN for the REST API), else
  the JSON secret at BAMBOOHR_SECRET_ARN: {"webhook_key": "...", "api_key": "...", "company_domain": "..."}.
  BAMBOOHR_API_URL overrides https://api.bamboohr.com (a fake in tests or the local stack).
"""

from typing import Any

from plaudit.environment import environment
from plaudit.integrations import aws
from plaudit.integrations.hris.bamboohr import HttpBambooHrClient

SECRET_MAX_AGE_SECONDS = 300


def plaudit_signing_secret() -> str:
    env = environment()
    return env.hris_webhook_secret or _secret(env.hris_secret_arn, "HRIS_SECRET_ARN")["signing_secret"]


def bamboohr_webhook_key() -> str:
    env = environment()
    return env.bamboohr_webhook_key or _secret(env.bamboohr_secret_arn, "BAMBOOHR_SECRET_ARN")["webhook_key"]


def bamboohr_client() -> HttpBambooHrClient:
    env = environment()
    api_key, domain = env.bamboohr_api_key, env.bamboohr_company_domain
    if not (api_key and domain):
        secret = _secret(env.bamboohr_secret_arn, "BAMBOOHR_SECRET_ARN")
        api_key, domain = secret["api_key"], secret["company_domain"]
    return HttpBambooHrClient(domain, api_key, env.bamboohr_api_url)


def _secret(arn: str | None, arn_variable: str) -> dict[str, Any]:
    if not arn:
        raise RuntimeError(f"HRIS webhook secret not configured: set {arn_variable} or the local variables")
    return aws.secret(arn, transform="json", max_age=SECRET_MAX_AGE_SECONDS)
