"""Stack floors: what a cold start costs before any Plaudit code runs, for each kind of function.

A floor process imports boto3 and creates a DynamoDB client, as the baseline does, plus what every function
of its kind loads from the libraries the product is built on (Powertools, pydantic, Bolt), and creates the
objects each handler module creates at import. A function's cold start over its floor is Plaudit's own
share; the floor over the baseline is the stack's.
"""

from __future__ import annotations

from bench.coldstart import Statements

_BOTO3 = "import boto3"
_CLIENT = 'boto3.client("dynamodb")'

BASELINE = Statements(_BOTO3, _CLIENT)

# Every HTTP API function: Logger, Metrics and Tracer, the validating HTTP API resolver (Plaudit's routes
# declare their parameters with Powertools' openapi params).
HTTP = Statements(
    "\n".join(
        [
            _BOTO3,
            "from aws_lambda_powertools import Logger, Metrics, Tracer",
            "from aws_lambda_powertools.event_handler import APIGatewayHttpResolver",
            "from aws_lambda_powertools.event_handler.openapi.params import Path, Query",
        ]
    ),
    "\n".join(
        [_CLIENT, "Logger()", "Metrics()", "Tracer()", "APIGatewayHttpResolver(enable_validation=True)"]
    ),
)

# Stream, queue and schedule functions: Logger, Metrics and Tracer, and pydantic (the domain's models).
EVENTS = Statements(
    "\n".join([_BOTO3, "from aws_lambda_powertools import Logger, Metrics, Tracer", "import pydantic"]),
    "\n".join([_CLIENT, "Logger()", "Metrics()", "Tracer()"]),
)

# The Slack ack: Logger and Bolt's Lambda adapter (which imports boto3 for its lazy listeners).
SLACK = Statements(
    "\n".join(
        [
            _BOTO3,
            "from aws_lambda_powertools import Logger",
            "from slack_bolt import App",
            "from slack_bolt.adapter.aws_lambda import SlackRequestHandler",
        ]
    ),
    "\n".join(
        [
            _CLIENT,
            "Logger()",
            'SlackRequestHandler(App(name="floor", signing_secret="x", request_verification_enabled=False,'
            " process_before_response=True, authorize=lambda **_: None))",
        ]
    ),
)
