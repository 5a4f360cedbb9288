"""Slack credentials: from the environment (local stack), else from the Secrets Manager secret."""

import os
from dataclasses import dataclass

SECRET_MAX_AGE_SECONDS = 300


@dataclass(frozen=True)
class SlackConfig:
    signing_secret: str
    bot_token: str

    def __repr__(self) -> str:  # never print the secrets
        return "SlackConfig(...)"


def load_config() -> SlackConfig:
    """SLACK_SIGNING_SECRET and PLAUDIT_SLACK_BOT_TOKEN when both are set; otherwise the JSON secret
    {"signing_secret", "bot_token"} at SLACK_SECRET_ARN, read through Powertools (cached)."""
    signing_secret = os.environ.get("SLACK_SIGNING_SECRET")
    bot_token = os.environ.get("PLAUDIT_SLACK_BOT_TOKEN")
    if signing_secret and bot_token:
        return SlackConfig(signing_secret, bot_token)
    secret_arn = os.environ.get("SLACK_SECRET_ARN")
    if not secret_arn:
        raise RuntimeError("Set SLACK_SECRET_ARN, or SLACK_SIGNING_SECRET and PLAUDIT_SLACK_BOT_TOKEN")
    from aws_lambda_powertools.utilities.parameters import get_secret

    secret = get_secret(secret_arn, transform="json", max_age=SECRET_MAX_AGE_SECONDS)
    return SlackConfig(secret["signing_secret"], secret["bot_token"])
