"""Secrets a person fills in after deploying (Slack's, BambooHR's, a rewards provider's API key).

The template creates each of them with its JSON fields empty (`{"signing_secret": "", "bot_token": ""}`), so
a stack deploys without them and nobody has to create a secret by hand. While a field is still empty, the
code that needs it gets `SecretEmpty`: a 503 in the one error shape, naming the secret (never a value), which
the function answers instead of crashing. The first time in a container it is logged (an error, once), and
every refusal counts one `SecretEmpty` metric (dimension `secret`), which an alarm watches.

Values are read through Powertools' parameters utility (aws.secret), cached `max_age` seconds: a secret put
after the deploy is seen within that time, without a redeploy.
"""

from typing import Any

from plaudit.domain.errors import ServiceUnavailable
from plaudit.integrations import aws

MAX_AGE_SECONDS = 300
METRIC = "SecretEmpty"
_logged: set[str] = set()


class SecretEmpty(ServiceUnavailable):
    """A secret the template created empty has not been filled in yet."""

    def __init__(self, name: str) -> None:
        super().__init__("error.secret_empty", code="secret_empty", details={"secret": name}, secret=name)
        self.secret = name


def json_secret(
    arn: str, name: str, fields: tuple[str, ...], *, max_age: int = MAX_AGE_SECONDS
) -> dict[str, Any]:
    """The JSON secret at `arn` (called `name` in messages and the metric), each of `fields` filled in;
    SecretEmpty (reported) while one is empty or missing."""
    value = aws.secret(arn, transform="json", max_age=max_age)
    if not isinstance(value, dict) or not all(isinstance(value.get(f), str) and value[f] for f in fields):
        raise report_empty(name)
    return value


def report_empty(name: str) -> SecretEmpty:
    """Log (once per container) and count that secret `name` is empty; the error to raise."""
    from aws_lambda_powertools import Logger
    from aws_lambda_powertools.metrics import MetricUnit, single_metric

    if name not in _logged:
        _logged.add(name)
        Logger(child=True).error(
            "A secret is empty: requests that need it are refused (503) until it is filled in",
            extra={"secret": name, "runbook": "README, Secrets"},
        )
    with single_metric(name=METRIC, unit=MetricUnit.Count, value=1, default_dimensions={"secret": name}):
        pass
    return SecretEmpty(name)
