"""The one interface every fulfilment method implements: given a redemption, deliver its reward.

A Fulfiller answers with an Outcome, or raises TransientFailure when the same call may work later
(a provider's 429/5xx, a timeout, a contended write). Fulfilling the same redemption again must not
deliver twice: the redemption id is the idempotency key of every order or claim a fulfiller makes.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol


@dataclass(frozen=True)
class Completed:
    """The reward exists: its code (never logged), when it expires, and the provider's order id."""

    code: str
    expires_on: date | None = None
    external_order_id: str | None = None

    def __repr__(self) -> str:  # a stray log line must not carry the code
        return f"Completed(expires_on={self.expires_on}, external_order_id={self.external_order_id})"


@dataclass(frozen=True)
class Pending:
    """Ordered, not delivered yet: ask again later."""

    external_order_id: str


@dataclass(frozen=True)
class PermanentFailure:
    """It will never work as asked (declined order, unknown SKU, no codes left): refund."""

    reason: str


Outcome = Completed | Pending | PermanentFailure


class TransientFailure(Exception):
    """Try the same redemption again later (with backoff)."""


class Fulfiller(Protocol):
    def fulfil(self, redemption: dict[str, Any]) -> Outcome: ...
