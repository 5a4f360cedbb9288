"""The correlation id of the work being done, carried from the request that caused it to the queue and stream
workers it sets going, so one search finds every log line of a request (docs/operations.md).

It is Powertools' correlation id: an API handler's Logger takes API Gateway's request id, the CLI sets a
generated one. Messages a request queues carry it as the SQS message attribute `correlation_id`; items its
transactions write carry it as the attribute `correlation_id` (plaudit.store.transact), which the table's
stream hands to its consumers. A worker adopts the id of the message or record it is working on.
"""

from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools import Logger

ATTRIBUTE = "correlation_id"

_logger = Logger()  # Loggers of one service share their correlation id


def current() -> str | None:
    return _logger.get_correlation_id()


def adopt(correlation_id: str | None) -> None:
    """A worker's next message or record: log (and stamp what is written) under its `correlation_id`, or
    under none when it carries none (not under the previous one's)."""
    _logger.set_correlation_id(correlation_id)


def on_message(message: dict[str, Any]) -> dict[str, Any]:
    """`message` (SendMessage's arguments, or a SendMessageBatch entry) with the current correlation id as
    a message attribute; as it is outside a request."""
    cid = current()
    if not cid:
        return message
    return message | {"MessageAttributes": {ATTRIBUTE: {"DataType": "String", "StringValue": cid}}}


def of_message(record: Mapping[str, Any]) -> str | None:
    """The correlation id of an SQS record as Lambda delivers it (`messageAttributes`, `stringValue`)."""
    return ((record.get("messageAttributes") or {}).get(ATTRIBUTE) or {}).get("stringValue")


def of_image(image: Mapping[str, Any] | None) -> str | None:
    """The correlation id of a stream record's image (DynamoDB JSON)."""
    return ((image or {}).get(ATTRIBUTE) or {}).get("S")
