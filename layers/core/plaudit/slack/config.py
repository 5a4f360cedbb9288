"""Slack credentials: from the environment (local stack), else from the Secrets Manager secret."""

from dataclasses import dataclass

from plaudit.environment import environment
from plaudit.integrations import aws

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
    env = environment()
    signing_secret, bot_token = env.slack_signing_secret, env.plaudit_slack_bot_token
    if signing_secret and bot_token:
        return SlackConfig(signing_secret, bot_token)
    secret_arn = env.slack_secret_arn
    if not secret_arn:
        raise RuntimeError("Set SLACK_SECRET_ARN, or SLACK_SIGNING_SECRET and PLAUDIT_SLACK_BOT_TOKEN")
    secret = aws.secret(secret_arn, transform="json", max_age=SECRET_MAX_AGE_SECONDS)
    return SlackConfig(secret["signing_secret"], secret["bot_token"])
