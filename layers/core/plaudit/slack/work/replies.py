"""Telling the person who clicked a button a sentence, where they clicked."""

from aws_lambda_powertools import Logger
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

logger = Logger(child=True)


def tell(body: dict, client: WebClient, text: str) -> None:
    """Ephemeral under the message, else a DM (the Home tab has no place for one)."""
    user, container = body["user"]["id"], body.get("container") or {}
    try:
        if container.get("type") == "message":
            client.chat_postEphemeral(channel=container["channel_id"], user=user, text=text)
        else:
            client.chat_postMessage(channel=user, text=text)
    except SlackApiError as failed:
        logger.warning("could not tell the user", extra={"error": failed.response.get("error")})
