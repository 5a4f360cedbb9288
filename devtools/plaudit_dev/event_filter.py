"""EventBridge-style event patterns, as Lambda's event source FilterCriteria use them.

A pattern is a dict mirroring the event: nested dicts descend into the event, and a list at a leaf holds the
accepted values; the field matches when any of them does (when the event's value is a list, any element
may match). Besides literal values, the content filters `prefix`, `suffix`, `equals-ignore-case`,
`anything-but`, `numeric` and `exists` are supported.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

_MISSING = object()
_NUMERIC: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def matches(pattern: dict[str, Any], event: Any) -> bool:
    """Whether `event` matches `pattern` (every field of the pattern must match)."""
    for key, expected in pattern.items():
        value = event.get(key, _MISSING) if isinstance(event, dict) else _MISSING
        if isinstance(expected, dict):
            if not matches(expected, value if isinstance(value, dict) else {}):
                return False
        elif not _field_matches(expected, value):
            return False
    return True


def _field_matches(matchers: list[Any], value: Any) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(_matches_one(matcher, item) for matcher in matchers for item in values)


def _matches_one(matcher: Any, value: Any) -> bool:
    if not isinstance(matcher, dict):
        return value is not _MISSING and _equal(matcher, value)
    (name, argument), *rest = matcher.items()
    if rest:
        raise ValueError(f"a content filter has exactly one operator: {matcher}")
    if name == "exists":
        return (value is not _MISSING) is bool(argument)
    if value is _MISSING:
        return False
    if name == "prefix":
        return isinstance(value, str) and value.startswith(argument)
    if name == "suffix":
        return isinstance(value, str) and value.endswith(argument)
    if name == "equals-ignore-case":
        return isinstance(value, str) and value.lower() == argument.lower()
    if name == "anything-but":
        if isinstance(argument, dict):
            return not _matches_one(argument, value)
        excluded = argument if isinstance(argument, list) else [argument]
        return not any(_equal(item, value) for item in excluded)
    if name == "numeric":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        pairs = zip(argument[::2], argument[1::2], strict=True)
        return all(_NUMERIC[op](value, bound) for op, bound in pairs)
    raise ValueError(f"unsupported filter operator: {name}")


def _equal(expected: Any, value: Any) -> bool:
    """JSON equality: 1 equals 1.0, but neither equals true nor "1"."""
    if isinstance(expected, bool) or isinstance(value, bool):
        return expected is value
    return bool(expected == value)
