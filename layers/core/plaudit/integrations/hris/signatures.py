"""Signatures of HRIS webhooks, checked over the raw body before anything parses it.

Plaudit's generic webhook: `X-Plaudit-Timestamp: <unix seconds>` and
`X-Plaudit-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." + raw body)>`.

BambooHR: `X-BambooHR-Timestamp` and `X-BambooHR-Signature: <hex HMAC-SHA256(private key, raw body +
timestamp)>`: the timestamp header's text is appended to the body as sent (BambooHR's documented PHP
check is `hash_hmac('sha256', $body . $timestamp, $key)`). The timestamp is read as unix seconds, or as
ISO 8601 should BambooHR send a date.

Both reject a request signed more than five minutes from Plaudit's clock (either way): a captured delivery
cannot be replayed later. Comparisons are constant-time; nothing here logs a secret or a signature.
"""

import hashlib
import hmac
import re
from datetime import UTC, datetime, timedelta

from plaudit.domain.errors import Unauthenticated
from plaudit.services.runtime import now

WINDOW = timedelta(minutes=5)
PLAUDIT_TIMESTAMP = "x-plaudit-timestamp"
PLAUDIT_SIGNATURE = "x-plaudit-signature"
BAMBOOHR_TIMESTAMP = "x-bamboohr-timestamp"
BAMBOOHR_SIGNATURE = "x-bamboohr-signature"
_SCHEME = "sha256="


def sign_plaudit(secret: str, timestamp: int, body: bytes) -> str:
    """The X-Plaudit-Signature value for `body` sent at `timestamp` (unix seconds)."""
    return _SCHEME + _hmac_hex(secret, f"{timestamp}.".encode() + body)


def sign_bamboohr(key: str, timestamp: str, body: bytes) -> str:
    """The X-BambooHR-Signature value BambooHR sends for `body` with that X-BambooHR-Timestamp text."""
    return _hmac_hex(key, body + timestamp.encode())


def verify_plaudit(secret: str, body: bytes, headers: dict[str, str]) -> None:
    """Raise Unauthenticated (`invalid_signature` or `stale_request`) unless the delivery is genuine and
    fresh. `headers` have lower-case names, as API Gateway's HTTP API passes them."""
    timestamp, signature = _required(headers, PLAUDIT_TIMESTAMP, PLAUDIT_SIGNATURE)
    unix = _unix(timestamp)
    expected = sign_plaudit(secret, unix, body) if unix is not None else None
    _check(signature, expected, _parse_time(timestamp))


def verify_bamboohr(key: str, body: bytes, headers: dict[str, str]) -> None:
    """As verify_plaudit, for BambooHR's scheme."""
    timestamp, signature = _required(headers, BAMBOOHR_TIMESTAMP, BAMBOOHR_SIGNATURE)
    _check(signature.lower(), sign_bamboohr(key, timestamp, body), _parse_time(timestamp))


def _hmac_hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _required(headers: dict[str, str], *names: str) -> list[str]:
    values = [(headers.get(name) or "").strip() for name in names]
    if not all(values):
        raise Unauthenticated("error.unsigned_request", code="invalid_signature", headers=list(names))
    return values


def _unix(text: str) -> int | None:
    return int(text) if re.fullmatch(r"[0-9]{1,12}", text) else None


def _parse_time(text: str) -> datetime | None:
    try:
        if (unix := _unix(text)) is not None:
            return datetime.fromtimestamp(unix, UTC)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _check(signature: str, expected: str | None, signed_at: datetime | None) -> None:
    if (
        expected is None
        or signed_at is None
        or not hmac.compare_digest(signature.encode(), expected.encode())
    ):
        raise Unauthenticated("error.invalid_signature", code="invalid_signature")
    if abs(now() - signed_at) > WINDOW:
        raise Unauthenticated("error.stale_request", code="stale_request")
