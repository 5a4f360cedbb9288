"""Slack's request signature, checked over the raw body before Bolt parses anything
(api.slack.com/authentication/verifying-requests-from-slack).

`X-Slack-Signature: v0=<hex HMAC-SHA256(signing secret, "v0:<X-Slack-Request-Timestamp>:" + raw body)>`,
with a timestamp of unix seconds within five minutes of Plaudit's clock. Anything else (no headers, a
timestamp that is not a number, a forged or stale signature) is one answer: 401. Checked here rather than
by Bolt's own middleware, which runs after Bolt has parsed the body (a malformed one was a 500) and
which crashes on a timestamp that is not a number.
"""

import hashlib
import hmac
import re

from plaudit.domain.errors import Unauthenticated
from plaudit.services.runtime import now

WINDOW_S = 5 * 60
TIMESTAMP = "x-slack-request-timestamp"
SIGNATURE = "x-slack-signature"


def sign(signing_secret: str, timestamp: str, body: bytes) -> str:
    """The X-Slack-Signature value Slack sends for `body` with that timestamp header."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


def verify(signing_secret: str, body: bytes, headers: dict[str, str]) -> None:
    """Raise Unauthenticated (`invalid_signature` or `stale_request`) unless the request is genuine and
    fresh. `headers` have lower-case names, as API Gateway's HTTP API passes them."""
    timestamp = (headers.get(TIMESTAMP) or "").strip()
    signature = (headers.get(SIGNATURE) or "").strip()
    if not re.fullmatch(r"[0-9]{1,12}", timestamp) or not hmac.compare_digest(
        signature.encode(), sign(signing_secret, timestamp, body).encode()
    ):
        raise Unauthenticated("error.invalid_signature", code="invalid_signature")
    if abs(now().timestamp() - int(timestamp)) > WINDOW_S:
        raise Unauthenticated("error.stale_request", code="stale_request")
