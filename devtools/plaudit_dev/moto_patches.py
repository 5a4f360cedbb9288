"""Two fixes to moto: TransactWriteItems deep-copies a table once per item of the transaction, and an SQS
message made visible again (VisibilityTimeout 0) stays invisible for the rest of that millisecond.

1. Keep moto's TransactWriteItems from deep-copying a table once per item of the transaction.

moto 5.2.5 backs up every table a transaction touches (to roll back on failure), but it does so inside the
loop over the transaction's items: a 20-recipient kudos (64 items) deep-copies the whole table 64 times,
and each copy grows with the table. Here the backup is taken once per table per transaction. Behaviour is
unchanged: every copy was taken before anything was written, and all but the last were thrown away.

Applied by the local stack, the tests and the benchmark (where moto's CPU is never part of a figure).
moto is pinned in pyproject.toml; `apply()` refuses a moto whose transaction code no longer looks like this.
Requests to moto are serialized (see moto_server), so swapping its module's `copy` for the duration of a
transaction is safe.

2. moto counts a message visible once the clock is strictly past its `visible_at`, so a message a consumer
failed (made visible at once, as the local queue pump does) is skipped by a receive in the same millisecond:
redeliveries would depend on timing. Here it is visible from `visible_at` on, as in SQS.
"""

from __future__ import annotations

import copy
import inspect
from typing import Any

_PATCHED = "_plaudit_patched"


class _CopyOnce:
    """Stands in for the `copy` module inside moto.dynamodb.models during one transaction."""

    def __init__(self, table_type: type) -> None:
        self._table_type = table_type
        self._copies: dict[int, Any] = {}

    def deepcopy(self, value: Any, memo: dict[int, Any] | None = None) -> Any:
        if not isinstance(value, self._table_type):
            return copy.deepcopy(value, memo)
        if id(value) not in self._copies:
            self._copies[id(value)] = copy.deepcopy(value, memo)
        return self._copies[id(value)]

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)


def apply() -> None:
    _backup_once_per_transaction()
    _visible_when_due()


def _visible_when_due() -> None:
    from moto.core.utils import unix_time_millis
    from moto.sqs.models import Message

    if getattr(Message.visible.fget, _PATCHED, False):
        return
    if "current_time > self.visible_at" not in inspect.getsource(Message.visible.fget):
        raise RuntimeError("moto's Message.visible changed: review plaudit_dev.moto_patches")

    def visible(self: Any) -> bool:
        return unix_time_millis() >= self.visible_at

    setattr(visible, _PATCHED, True)
    Message.visible = property(visible)  # type: ignore[method-assign]


def _backup_once_per_transaction() -> None:
    from moto.dynamodb import models
    from moto.dynamodb.models.table import Table

    backend = models.DynamoDBBackend
    original = backend.transact_write_items
    if getattr(original, _PATCHED, False):
        return
    if "copy.deepcopy(" not in inspect.getsource(original):
        raise RuntimeError("moto's transact_write_items changed: review plaudit_dev.moto_patches")

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        models.copy = _CopyOnce(Table)  # type: ignore[assignment]
        try:
            return original(self, transact_items)
        finally:
            models.copy = copy

    setattr(transact_write_items, _PATCHED, True)
    backend.transact_write_items = transact_write_items  # type: ignore[method-assign]
