"""Slack: slash commands, interactivity and events on POST /slack/events, verified over the raw body
(plaudit.slack.signature) before Bolt parses anything, then acked by Bolt; the work runs in lazy listeners,
which Bolt runs by invoking this function again asynchronously (with the same signed request)."""

import gc

gc.disable()  # cold start: imports only create long-lived objects; collecting now is wasted time

import base64
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from slack_bolt.adapter.aws_lambda import SlackRequestHandler

from plaudit.api.error_shape import refusal_result
from plaudit.domain.errors import Unauthenticated
from plaudit.slack import signature
from plaudit.slack.app import create_app
from plaudit.slack.config import load_config

logger = Logger()
config = load_config()
handler = SlackRequestHandler(create_app(config))
gc.freeze()  # keep them out of every later collection
gc.enable()


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)  # lazy runs too
def lambda_handler(event: dict, context: object) -> dict:
    rejection = _rejection(event)
    if rejection is not None:
        return rejection
    return handler.handle(event, context)


def _rejection(event: dict[str, Any]) -> dict[str, Any] | None:
    """The 401 for a request that is not a genuine, fresh one from Slack (None for one that is)."""
    body = event.get("body") or ""
    raw = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode()
    try:
        signature.verify(config.signing_secret, raw, event.get("headers") or {})
    except Unauthenticated as error:
        logger.warning("Slack request rejected", extra={"code": error.code})
        return refusal_result(error, event.get("headers"))
    return None
