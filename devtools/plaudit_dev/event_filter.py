"""Lambda event source FilterCriteria: EventBridge patterns, parsed and matched by moto's own EventBridge
implementation (the local stack's AWS), not by a matcher of ours.

Lambda matches a pattern against the record it would deliver (a DynamoDB stream record; an SQS record whose
body is JSON). moto's matcher flattens the record into dotted paths, so `exists` applies to leaf values
only: `{"dynamodb": {"NewImage": [{"exists": true}]}}` (a whole object) does not match locally. The
template's filters match leaf values only.
"""

from __future__ import annotations

from typing import Any


def parse(text: str) -> dict[str, Any]:
    """A FilterCriteria `Pattern`, validated as EventBridge does (ValueError when it is not a pattern)."""
    from moto.events.exceptions import InvalidEventPatternException
    from moto.events.models import EventPatternParser

    try:
        return EventPatternParser(text).parse()
    except InvalidEventPatternException as exc:
        raise ValueError(f"invalid event pattern {text!r}: {exc.message}") from exc


def matches(pattern: dict[str, Any], event: Any) -> bool:
    """Whether `event` matches `pattern`."""
    from moto.events.models import EventPattern

    return EventPattern(None, pattern).matches_event(event)
