"""Event source filters (moto's EventBridge matcher, as plaudit_dev.event_filter uses it) and the stream
record shape of plaudit_dev.streams."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from plaudit_dev.event_filter import matches, parse
from plaudit_dev.streams import lambda_record

RECORD = {
    "eventName": "INSERT",
    "dynamodb": {
        "Keys": {"PK": {"S": "REC#1"}},
        "NewImage": {"type": {"S": "recognition"}, "points": {"N": "10"}, "tags": {"L": [{"S": "a"}]}},
        "SizeBytes": 120,
    },
    "tags": ["x", "y"],
}
TEMPLATE_PATTERN = {"dynamodb": {"NewImage": {"type": {"S": ["recognition"]}}}}


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (TEMPLATE_PATTERN, True),
        ({"dynamodb": {"NewImage": {"type": {"S": ["wallet", "ledger"]}}}}, False),
        ({"eventName": ["INSERT", "MODIFY"], **TEMPLATE_PATTERN}, True),
        ({"eventName": ["REMOVE"], **TEMPLATE_PATTERN}, False),
        ({"dynamodb": {"OldImage": {"type": {"S": ["recognition"]}}}}, False),  # absent field
        ({"dynamodb": {"OldImage": [{"exists": False}]}}, True),
        ({"dynamodb": {"NewImage": {"points": {"N": [{"exists": True}]}}}}, True),
        ({"dynamodb": {"NewImage": [{"exists": True}]}}, False),  # moto: `exists` sees leaf values only
        ({"dynamodb": {"Keys": {"PK": {"S": [{"prefix": "REC#"}]}}}}, True),
        ({"dynamodb": {"Keys": {"PK": {"S": [{"suffix": "#2"}]}}}}, False),
        ({"dynamodb": {"Keys": {"PK": {"S": [{"equals-ignore-case": "rec#1"}]}}}}, True),
        ({"eventName": [{"anything-but": ["REMOVE"]}]}, True),
        ({"eventName": [{"anything-but": {"prefix": "INS"}}]}, False),
        ({"dynamodb": {"SizeBytes": [{"numeric": [">", 100, "<=", 120]}]}}, True),
        ({"dynamodb": {"SizeBytes": [{"numeric": ["<", 100]}]}}, False),
        ({"dynamodb": {"SizeBytes": ["120"]}}, False),  # a string never equals a number
        ({"tags": ["y"]}, True),  # any element of a list may match
    ],
)
def test_event_patterns(pattern: dict, expected: bool) -> None:
    assert matches(pattern, RECORD) is expected


def test_a_pattern_eventbridge_refuses_is_refused_when_the_template_loads() -> None:
    assert parse('{"eventName": ["INSERT"]}') == {"eventName": ["INSERT"]}
    with pytest.raises(ValueError, match="Empty arrays are not allowed"):
        parse('{"eventName": []}')
    with pytest.raises(ValueError, match="must be an object or an array"):
        parse('{"eventName": "INSERT"}')


def test_lambda_record_shape() -> None:
    """boto3 gives datetimes and bytes; Lambda delivers epoch seconds and base64."""
    created = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    boto_record = {
        "eventID": "e1",
        "eventName": "INSERT",
        "dynamodb": {
            "ApproximateCreationDateTime": created,
            "NewImage": {"blob": {"B": b"\x00\xff"}, "blobs": {"BS": [b"a"]}},
            "SequenceNumber": "1100000000017454423009",
        },
    }
    record = lambda_record(boto_record, "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x")
    assert record["dynamodb"]["ApproximateCreationDateTime"] == int(created.timestamp())
    assert record["dynamodb"]["NewImage"] == {"blob": {"B": "AP8="}, "blobs": {"BS": ["YQ=="]}}
    assert record["eventSourceARN"] == "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x"
    assert boto_record["dynamodb"]["ApproximateCreationDateTime"] is created  # the input is left alone
