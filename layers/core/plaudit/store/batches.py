"""BatchWriteItem, the one way: for writes that need no transaction (backfills, rebuilds, index upkeep
whose puts and deletes are idempotent).

The requests go in batches of 25 (the API's limit). DynamoDB may hand part of a batch back unwritten
(`UnprocessedItems`, under load, without an error): that part is sent again after a growing pause, as AWS
asks, until nothing is left.
"""

import time
from collections.abc import Sequence
from typing import Any

from plaudit.store.client import dynamodb, table_name

BATCH_WRITE_LIMIT = 25
FIRST_PAUSE_S = 0.05
LONGEST_PAUSE_S = 2.0


def write_batches(requests: Sequence[dict[str, Any]]) -> None:
    """Write every request (`{"PutRequest": ...}` or `{"DeleteRequest": ...}` on the table)."""
    for start in range(0, len(requests), BATCH_WRITE_LIMIT):
        pending: dict[str, Any] = {table_name(): list(requests[start : start + BATCH_WRITE_LIMIT])}
        pause = FIRST_PAUSE_S
        while True:
            pending = dynamodb().batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
            if not pending:
                break
            time.sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE_S)
