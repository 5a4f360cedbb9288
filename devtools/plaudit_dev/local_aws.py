"""The fake AWS account the local stack runs in, and how SDK clients reach it (moto)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

from plaudit.environment import environment

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"  # moto's default account
DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
LOCAL_MAIL_FROM = "plaudit@plaudit.local"  # the verified SES sender (the template's RewardMailFrom locally)


def function_arn(name: str) -> str:
    """The ARN of the Lambda function `name` in the local account (what its context reports)."""
    return f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{name}"


def sdk_env(endpoint_url: str) -> dict[str, str]:
    """Environment variables that point every AWS SDK client at moto, with dummy credentials."""
    return {
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        **DUMMY_CREDENTIALS,
    }


def client(service: str, endpoint_url: str) -> Any:
    """A boto3 client for moto that ignores whatever real AWS configuration the host has."""
    import boto3

    return boto3.client(
        service,
        endpoint_url=endpoint_url,
        region_name=REGION,
        aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )


@contextlib.contextmanager
def environ(values: dict[str, str], unset: tuple[str, ...] = ()) -> Iterator[None]:
    """Set `values` (and remove `unset`) in os.environ for the block, then put everything back; plaudit's
    code in this process reads its environment afresh on both sides."""
    saved = {name: os.environ.get(name) for name in [*values, *unset]}
    os.environ.update(values)
    for name in unset:
        os.environ.pop(name, None)
    environment.cache_clear()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        environment.cache_clear()
