"""The one request-body policy of every JSON route, applied before any handler work.

A body must be `application/json` (media types compare case-insensitively; a missing Content-Type is
read as JSON; a charset, if given, must be UTF-8), at most `MAX_BODY_BYTES` long, nested at most
`MAX_DEPTH` deep, and hold no number longer than `MAX_NUMBER_CHARS` characters (nor NaN or Infinity,
which are not JSON). Each refusal is a PlauditError, so the resolver answers it in the error shape:
415 for the media type, 413 for the size, 400 for what cannot be parsed within the limits.
"""

import base64
import binascii
import json
import math
from collections.abc import Collection
from typing import Any

from plaudit.domain.errors import InvalidRequest, PayloadTooLarge, UnsupportedMediaType

MAX_BODY_BYTES = 256 * 1024
MAX_DEPTH = 32
MAX_NUMBER_CHARS = 64
JSON_MEDIA_TYPE = "application/json"
UTF8_CHARSETS = {"utf-8", "utf8"}


def media_type(content_type: str | None) -> tuple[str, dict[str, str]]:
    """(the media type in lower case, its parameters with lower-case names): `""` when there is none."""
    kind, *parameters = (content_type or "").split(";")
    params = {}
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        params[name.strip().lower()] = value.strip().strip('"')
    return kind.strip().lower(), params


def check_json_media_type(content_type: str | None, *, also: Collection[str] = ()) -> None:
    """Refuse (415) a media type other than JSON or one of `also` (e.g. application/merge-patch+json)."""
    kind, params = media_type(content_type)
    accepted = {"", JSON_MEDIA_TYPE, *also}
    if kind not in accepted or params.get("charset", "utf-8").lower() not in UTF8_CHARSETS:
        raise UnsupportedMediaType("error.json_media_type")


def read_json_body(body: str | None, *, base64_encoded: bool = False) -> Any:
    """The body's JSON value (None for no body), within the policy's limits."""
    if not body:
        return None
    return load_json(read_text_body(body, base64_encoded=base64_encoded, kind="JSON", code="malformed_json"))


def read_text_body(
    body: str | None, *, base64_encoded: bool = False, kind: str = "text", code: str = "malformed_body"
) -> str:
    """The body as UTF-8 text ("" for no body), at most `MAX_BODY_BYTES` long: the policy's size limit
    for a body a handler reads itself (a CSV upload), and the first step of every JSON body."""
    if not body:
        return ""
    if len(body) > (MAX_BODY_BYTES * 4 // 3 + 4 if base64_encoded else MAX_BODY_BYTES):
        raise _too_large()
    try:
        raw = base64.b64decode(body, validate=True) if base64_encoded else body.encode()
        text = raw.decode()
    except (binascii.Error, UnicodeError) as exc:
        raise InvalidRequest(
            "error.malformed_utf8_json" if kind == "JSON" else "error.body_not_utf8", code=code
        ) from exc
    if len(raw) > MAX_BODY_BYTES:
        raise _too_large()
    return text


def load_json(text: str) -> Any:
    """`text` parsed as strict JSON within the depth and number-size limits."""
    try:
        value = json.loads(text, parse_int=_integer, parse_float=_real, parse_constant=_not_json)
    except json.JSONDecodeError as exc:
        raise InvalidRequest("error.malformed_json", code="malformed_json") from exc
    except RecursionError as exc:
        raise _too_deep() from exc
    if _depth(value) > MAX_DEPTH:
        raise _too_deep()
    return value


def _integer(literal: str) -> int:
    if len(literal) > MAX_NUMBER_CHARS:
        raise _number_too_large()
    return int(literal)


def _real(literal: str) -> float:
    number = float(literal) if len(literal) <= MAX_NUMBER_CHARS else math.inf
    if not math.isfinite(number):
        raise _number_too_large()
    return number


def _not_json(literal: str) -> Any:
    raise InvalidRequest("error.not_a_json_number", code="malformed_json", literal=literal)


def _depth(value: Any) -> int:
    """How deeply containers nest in `value` (a scalar is 0), without recursion."""
    deepest = 0
    pending = [(value, 1)]
    while pending:
        current, level = pending.pop()
        children = (
            current.values() if isinstance(current, dict) else current if isinstance(current, list) else None
        )
        if children is None:
            continue
        deepest = max(deepest, level)
        pending.extend((child, level + 1) for child in children)
    return deepest


def _too_large() -> PayloadTooLarge:
    return PayloadTooLarge(
        "error.body_too_large", details={"limit_bytes": MAX_BODY_BYTES}, kib=MAX_BODY_BYTES // 1024
    )


def _too_deep() -> InvalidRequest:
    return InvalidRequest(
        "error.body_too_deep",
        code="body_too_deep",
        depth=MAX_DEPTH,
        details={"limit_depth": MAX_DEPTH},
    )


def _number_too_large() -> InvalidRequest:
    return InvalidRequest(
        "error.number_too_large",
        code="number_too_large",
        length=MAX_NUMBER_CHARS,
        details={"limit_chars": MAX_NUMBER_CHARS},
    )
