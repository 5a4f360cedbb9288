"""The DynamoDB client and table name: created lazily once per container, replaceable in tests."""

from typing import Any

import boto3
from botocore.config import Config

from plaudit.environment import environment

_client: Any = None

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 4}, connect_timeout=2, read_timeout=5)


def dynamodb() -> Any:
    global _client
    if _client is None:
        _client = boto3.client("dynamodb", config=_CONFIG)
    return _client


def use_client(client: Any) -> None:
    """Swap the client (tests, local stack). None resets to lazy creation."""
    global _client
    _client = client


def table_name() -> str:
    return environment().table_name
