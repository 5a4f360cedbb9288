"""HRIS secrets: from the environment (the local stack), else from Secrets Manager (cached 5 minutes). The
template generates the Plaudit webhook's secret and creates BambooHR's empty: while it is, SecretEmpty (503).

- Plaudit webhook: HRIS_WEBHOOK_SECRET, else the JSON secret at HRIS_SECRET_ARN: {"signing_secret": "..."}.
- BambooHR: BAMBOOHR_WEBHOOK_KEY (and BAMBOOHR_API_KEY + BAMBOOHR_COMPANY_DOMAIN for the REST API), else
  the JSON secret at BAMBOOHR_SECRET_ARN: {"webhook_key": "...", "api_key": "...", "company_domain": "..."}.
  BAMBOOHR_API_URL overrides https://api.bamboohr.com (a fake in tests or the local stack).
"""

from typing import Any

from plaudit.environment import MissingVariable, environment
from plaudit.integrations import secrets
from plaudit.integrations.hris.bamboohr import HttpBambooHrClient


def plaudit_signing_secret() -> str:
    env = environment()
    if env.hris_webhook_secret:
        return env.hris_webhook_secret
    return _secret(env.hris_secret_arn, "HRIS_SECRET_ARN", "hris_webhook", ("signing_secret",))[
        "signing_secret"
    ]


def bamboohr_webhook_key() -> str:
    env = environment()
    if env.bamboohr_webhook_key:
        return env.bamboohr_webhook_key
    return _secret(env.bamboohr_secret_arn, "BAMBOOHR_SECRET_ARN", "bamboohr", ("webhook_key",))[
        "webhook_key"
    ]


def bamboohr_client() -> HttpBambooHrClient:
    env = environment()
    api_key, domain = env.bamboohr_api_key, env.bamboohr_company_domain
    if not (api_key and domain):
        secret = _secret(
            env.bamboohr_secret_arn, "BAMBOOHR_SECRET_ARN", "bamboohr", ("api_key", "company_domain")
        )
        api_key, domain = secret["api_key"], secret["company_domain"]
    return HttpBambooHrClient(domain, api_key, env.bamboohr_api_url)


def _secret(arn: str | None, arn_variable: str, name: str, fields: tuple[str, ...]) -> dict[str, Any]:
    if not arn:
        raise MissingVariable(arn_variable)
    return secrets.json_secret(arn, name, fields)
