"""Slack: slash commands, interactivity and events on POST /slack/events, verified and acked by Bolt;
the work runs in lazy listeners, which Bolt runs by invoking this function again asynchronously."""

import gc

gc.disable()  # cold start: imports only create long-lived objects; collecting now is wasted time

from aws_lambda_powertools import Logger
from slack_bolt.adapter.aws_lambda import SlackRequestHandler

from plaudit.slack.app import create_app
from plaudit.slack.config import load_config

logger = Logger()
handler = SlackRequestHandler(create_app(load_config()))
gc.freeze()  # keep them out of every later collection
gc.enable()


@logger.inject_lambda_context
def lambda_handler(event: dict, context: object) -> dict:
    return handler.handle(event, context)
