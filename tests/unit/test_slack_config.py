"""Slack credentials come from the environment when set (local stack), else from Secrets Manager."""

import json

import boto3
import pytest
from moto import mock_aws

from plaudit.environment import environment
from plaudit.slack.config import load_config


@pytest.fixture(autouse=True)
def _no_slack_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SLACK_SIGNING_SECRET", "PLAUDIT_SLACK_BOT_TOKEN", "SLACK_SECRET_ARN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")


def test_environment_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "dev-secret")
    monkeypatch.setenv("PLAUDIT_SLACK_BOT_TOKEN", "xoxb-dev")
    monkeypatch.setenv("SLACK_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:unused")
    environment.cache_clear()  # a new container would read it afresh
    config = load_config()
    assert (config.signing_secret, config.bot_token) == ("dev-secret", "xoxb-dev")
    assert "dev-secret" not in repr(config)


def test_secret_is_read_from_secrets_manager(monkeypatch: pytest.MonkeyPatch) -> None:
    with mock_aws():
        secret = boto3.client("secretsmanager", region_name="us-east-1").create_secret(
            Name="plaudit/test/slack",
            SecretString=json.dumps({"signing_secret": "from-sm", "bot_token": "xoxb-sm"}),
        )
        monkeypatch.setenv("SLACK_SECRET_ARN", secret["ARN"])
        environment.cache_clear()  # a new container would read it afresh
        config = load_config()
    assert (config.signing_secret, config.bot_token) == ("from-sm", "xoxb-sm")


def test_nothing_configured_says_what_to_set() -> None:
    with pytest.raises(RuntimeError, match="SLACK_SECRET_ARN"):
        load_config()
