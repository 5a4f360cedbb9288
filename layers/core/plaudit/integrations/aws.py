"""AWS SDK clients and secrets: one client per service per container, all from boto3's default session (so
they share one loader and its parsed endpoint and model data: each further client costs a fraction of the
first at cold start), with one set of timeouts and retries; replaceable in tests and the local stack.
Clients honour AWS_ENDPOINT_URL, so the local stack's moto serves them."""

from typing import Any

import boto3
from botocore.config import Config

CONFIG = Config(retries={"mode": "standard", "max_attempts": 4}, connect_timeout=2, read_timeout=5)
# S3 links are presigned with Signature Version 4, which every region accepts.
SERVICE_CONFIG = {"s3": CONFIG.merge(Config(signature_version="s3v4"))}

_clients: dict[str, Any] = {}
_secrets: Any = None


def client(service: str) -> Any:
    """The container's client for `service` ("dynamodb", "sqs", "kms", "sesv2", ...), created on first use."""
    if service not in _clients:
        _clients[service] = boto3.client(service, config=SERVICE_CONFIG.get(service, CONFIG))
    return _clients[service]


def use_client(service: str, replacement: Any) -> None:
    """Swap the client of `service` (tests, local stack). None resets to lazy creation."""
    if replacement is None:
        _clients.pop(service, None)
    else:
        _clients[service] = replacement


def secret(arn: str, *, max_age: int, transform: str | None = None) -> Any:
    """A Secrets Manager secret through Powertools' parameters utility (cached `max_age` seconds), read with
    the container's own client rather than one from a second boto3 session."""
    global _secrets
    from aws_lambda_powertools.utilities.parameters import SecretsProvider

    if _secrets is None or _secrets.client is not client("secretsmanager"):
        _secrets = SecretsProvider(boto3_client=client("secretsmanager"))
    return _secrets.get(arn, max_age=max_age, transform=transform)
