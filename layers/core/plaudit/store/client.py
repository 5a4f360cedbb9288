"""The DynamoDB client and table name: created lazily once per container, replaceable in tests."""

import os
from typing import Any

import boto3
from botocore.config import Config

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
    return os.environ["TABLE_NAME"]
