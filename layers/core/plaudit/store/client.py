"""The DynamoDB client and table name: created lazily once per container, replaceable in tests."""

from typing import Any

from plaudit.environment import environment
from plaudit.integrations import aws


def dynamodb() -> Any:
    return aws.client("dynamodb")


def use_client(client: Any) -> None:
    """Swap the client (tests, local stack). None resets to lazy creation."""
    aws.use_client("dynamodb", client)


def table_name() -> str:
    return environment().table_name
