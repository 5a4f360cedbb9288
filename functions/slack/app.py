"""Slack: slash commands, interactivity and events on POST /slack/events, verified over the raw body
(plaudit.slack.signature) before Bolt parses anything, then acked by Bolt; the work runs in lazy listeners,
which Bolt runs by invoking this function again asynchronously (with the same signed request).

The credentials are read on the first request, not at import: while the Slack secret the template created is
still empty, every request is answered 503 (secret_empty), which Slack retries, instead of a crash."""

import gc

gc.disable()  # cold start: imports only create long-lived objects; collecting now is wasted time

import base64
import contextlib
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from slack_bolt.adapter.aws_lambda import SlackRequestHandler

from plaudit.api.error_shape import refusal_result
from plaudit.domain.errors import PlauditError, ServiceUnavailable
from plaudit.services.metrics import publisher
from plaudit.slack import signature
from plaudit.slack.app import create_app
from plaudit.slack.config import SlackConfig, load_config
from plaudit.slack.lazy import FailingLazyRunner

logger = Logger()
metrics = publisher()  # what the use cases count: kudos given in Slack too


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)  # lazy runs too
@metrics.log_metrics
def lambda_handler(event: dict, context: object) -> dict:
    try:
        config, handler = _slack()
        _verify(config, event)
    except PlauditError as error:  # 401: not a genuine, fresh request from Slack; 503: the secret is empty
        logger.warning("Slack request refused", extra={"code": error.code})
        return refusal_result(error, event.get("headers"))
    return handler.handle(event, context)


@cache
def _slack() -> tuple[SlackConfig, SlackRequestHandler]:
    """The credentials and the Bolt app, once per container (not cached while the secret is empty)."""
    config = load_config()
    handler = SlackRequestHandler(create_app(config))
    # a lazy listener's exception fails the invocation (plaudit.slack.lazy), so the DLQ keeps it
    handler.app.listener_runner.lazy_listener_runner = FailingLazyRunner(handler.logger)
    return config, handler


# at import, as Lambda's init phase is where cold-start work belongs; while the secret is empty (logged and
# counted), each request answers 503 until it is not
with contextlib.suppress(ServiceUnavailable):
    _slack()
gc.freeze()  # keep them out of every later collection
gc.enable()


def _verify(config: SlackConfig, event: dict[str, Any]) -> None:
    body = event.get("body") or ""
    raw = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode()
    signature.verify(config.signing_secret, raw, event.get("headers") or {})
