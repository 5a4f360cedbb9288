"""The environment configuration: every variable Plaudit's code reads, parsed and checked once per container.

    from plaudit.environment import environment
    environment().table_name

Each attribute is its variable's name in lower case (TABLE_NAME -> table_name), as template.yaml declares
it for the functions that need it. A function sees only the variables its template entry declares, so:
- reading a required variable that is not set raises MissingVariable, which names it;
- an optional one that is not set (or set to "", as the template's empty parameters are) is None, or its
  default;
- any variable that is set but malformed fails the first `environment()` call with InvalidEnvironment,
  naming every such variable (never its value: some are secrets);
- with STAGE=prod, so does a development stand-in (a local secret, a fake's URL, the sandbox's settings:
  prod reads Secrets Manager and talks to the real services) and a variable prod requires that is unset.

Cheap by design, as cold start is measured: the standard library only, read on first use. pydantic-settings
would add 45-70 ms of imports to every cold start (and pydantic itself to the Slack ack, which loads none).
Tests and the local tools that change os.environ call `environment.cache_clear()`, as a new container
would read it afresh.
"""

import os
import re
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any
from urllib.parse import urlsplit

_ARN = re.compile(r"arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:\S+")


class MissingVariable(RuntimeError):
    def __init__(self, name: str) -> None:
        super().__init__(f"Environment variable {name} is not set (template.yaml declares it per function)")
        self.name = name


class InvalidEnvironment(RuntimeError):
    def __init__(self, problems: dict[str, str]) -> None:
        listed = "; ".join(f"{name}: {problem}" for name, problem in sorted(problems.items()))
        super().__init__(f"Invalid environment: {listed}")
        self.problems = problems


def _text(value: str) -> str:
    return value


def _url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an http(s) URL")
    return value


def _arn(value: str) -> str:
    if not _ARN.fullmatch(value):
        raise ValueError("must be an ARN (arn:aws:<service>:<region>:<account>:<resource>)")
    return value


def _count(value: str) -> int:
    if not value.isdigit():
        raise ValueError("must be a whole number, 0 or more")
    return int(value)


def _stage(value: str) -> str:
    if value not in ("dev", "prod"):
        raise ValueError("must be dev or prod")
    return value


class _Variable:
    """One environment variable: how its text is parsed, and whether code that reads it needs it set."""

    def __init__(
        self,
        parse: Callable[[str], Any] = _text,
        *,
        required: bool = False,
        default: Any = None,
        dev_only: bool = False,
        prod_required: bool = False,
    ):
        self.parse, self.required, self.default = parse, required, default
        self.dev_only, self.prod_required = dev_only, prod_required

    def __set_name__(self, owner: type, attribute: str) -> None:
        self.name = attribute.upper()

    def __get__(self, environment: "Environment | None", owner: type) -> Any:
        if environment is None:
            return self
        value = environment._values.get(self.name)
        if value is None:
            if self.required:
                raise MissingVariable(self.name)
            return self.default
        return value


class Environment:
    """What the functions are configured with. Secrets are here as the local stack sets them; in AWS the
    secret ARNs are, and the secrets are read from Secrets Manager where they are used."""

    stage = _Variable(_stage, default="dev")
    table_name = _Variable(required=True)
    idempotency_table_name = _Variable(required=True)
    hris_queue_url = _Variable(_url, required=True)
    fulfilment_queue_url = _Variable(_url)  # unset: approvals are queued by the re-queue sweep only
    voucher_key_id = _Variable(required=True)  # a KMS key id, ARN or alias
    voucher_hash_secret_arn = _Variable(_arn, prod_required=True)  # VoucherHashSecret (every function)
    voucher_hash_key = _Variable(dev_only=True)  # the local stack's, instead of the secret
    slack_api_url = _Variable(_url, dev_only=True)  # the local stack's fake Slack; unset: slack.com
    slack_secret_arn = _Variable(_arn)
    # with plaudit_slack_bot_token: the local stack's, instead of the secret
    slack_signing_secret = _Variable(dev_only=True)
    plaudit_slack_bot_token = _Variable(dev_only=True)
    hris_secret_arn = _Variable(_arn)
    hris_webhook_secret = _Variable(dev_only=True)
    bamboohr_secret_arn = _Variable(_arn)
    bamboohr_webhook_key = _Variable(dev_only=True)
    bamboohr_api_key = _Variable(dev_only=True)
    bamboohr_company_domain = _Variable(dev_only=True)
    bamboohr_api_url = _Variable(_url, dev_only=True)  # a fake BambooHR; unset: api.bamboohr.com
    mail_from = _Variable()  # unset: email is off
    # the sandbox provider answers 503 this often
    sandbox_transient_failures = _Variable(_count, default=0, dev_only=True)
    sandbox_code_key = _Variable(dev_only=True)
    tremendous_secret_arn = _Variable(_arn)  # TremendousSecret {"api_key", "funding_source_id"}
    tremendous_credentials = _Variable(dev_only=True)  # the local stack's, instead of the secret (same JSON)
    tremendous_api_url = _Variable(_url, dev_only=True)  # the local stack's fake; unset: api.tremendous.com
    tango_secret_arn = _Variable(
        _arn
    )  # TangoSecret {"platform_name", "platform_key", "account_identifier", ...}
    tango_credentials = _Variable(dev_only=True)  # the local stack's, instead of the secret (same JSON)
    tango_api_url = _Variable(_url, dev_only=True)  # the local stack's fake; unset: api.tangocard.com
    export_bucket_name = _Variable(required=True)  # the S3 bucket of export files (ExportBucket)
    export_queue_url = _Variable(_url, required=True)  # export jobs to run (ExportQueue)
    campaign_queue_url = _Variable(
        _url, required=True
    )  # campaign chunks to pay (CampaignQueue; the campaigns function's)
    user_pool_id = _Variable()  # the Cognito user pool accounts follow the directory in; unset: no accounts
    roles_claim = _Variable(default="cognito:groups")  # the one token claim roles come from (JwtRolesClaim)

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._values: dict[str, Any] = {}
        problems: dict[str, str] = {}
        for variable in vars(Environment).values():
            if not isinstance(variable, _Variable) or not environ.get(variable.name):
                continue
            try:
                self._values[variable.name] = variable.parse(environ[variable.name])
            except ValueError as error:
                problems[variable.name] = str(error)
        if self._values.get("STAGE") == "prod":
            problems |= self._prod_problems()
        if problems:
            raise InvalidEnvironment(problems)

    def _prod_problems(self) -> dict[str, str]:
        """What a prod function must not start with: a development stand-in, or no value where prod needs
        one. Named, so the first log line says what to fix (template.yaml, README "Deploy to AWS")."""
        problems = {}
        for variable in vars(Environment).values():
            if not isinstance(variable, _Variable):
                continue
            if variable.dev_only and variable.name in self._values:
                problems[variable.name] = (
                    "a development setting (a local stand-in or the sandbox's), refused in prod"
                )
            elif variable.prod_required and variable.name not in self._values:
                problems[variable.name] = "required in prod, and not set"
        return problems

    def __repr__(self) -> str:  # names only: some values are secrets
        return f"Environment({', '.join(sorted(self._values))})"


@cache
def environment() -> Environment:
    """The environment, read and checked on first use, once per container."""
    return Environment(os.environ)
