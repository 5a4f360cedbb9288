"""The Slack Web API client: the real API, or the URL in SLACK_API_URL (the local stack's fake Slack)."""

from slack_sdk import WebClient

from plaudit.environment import environment


def web_client(token: str | None = None) -> WebClient:
    """A client for `token`; Bolt's listeners get one carrying the bot token of the request's workspace."""
    base_url = environment().slack_api_url or WebClient.BASE_URL
    return WebClient(token=token, base_url=base_url.rstrip("/") + "/", timeout=5)
