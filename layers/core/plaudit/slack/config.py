"""Slack credentials: from the environment (local stack), else from the Secrets Manager secret the template
creates empty (SlackSecret): while it is, SecretEmpty (a 503 the Slack function answers)."""

from dataclasses import dataclass

from plaudit.environment import MissingVariable, environment
from plaudit.integrations import secrets


@dataclass(frozen=True)
class SlackConfig:
    signing_secret: str
    bot_token: str

    def __repr__(self) -> str:  # never print the secrets
        return "SlackConfig(...)"


def load_config() -> SlackConfig:
    """SLACK_SIGNING_SECRET and PLAUDIT_SLACK_BOT_TOKEN when both are set; otherwise the JSON secret
    {"signing_secret", "bot_token"} at SLACK_SECRET_ARN, read through Powertools (cached 5 minutes)."""
    env = environment()
    signing_secret, bot_token = env.slack_signing_secret, env.plaudit_slack_bot_token
    if signing_secret and bot_token:
        return SlackConfig(signing_secret, bot_token)
    secret_arn = env.slack_secret_arn
    if not secret_arn:
        raise MissingVariable("SLACK_SECRET_ARN")
    secret = secrets.json_secret(secret_arn, "slack", ("signing_secret", "bot_token"))
    return SlackConfig(secret["signing_secret"], secret["bot_token"])
