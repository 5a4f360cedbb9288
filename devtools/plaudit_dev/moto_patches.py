"""Fixes to moto that keep the local stack's memory flat and its time independent of how much data it holds,
and one SQS timing fix. Applied by the local stack, the tests and the benchmarks (where moto's CPU is never
part of a figure); moto is pinned in pyproject.toml and each patch refuses a moto whose code no longer looks
the way it expects. None changes what DynamoDB, its streams or SQS answer.

1. moto records every model object it ever creates (every item version, stream record, shard iterator, SQS
message, and every table copy) in a class-level list, for its web dashboard: nothing is ever freed, and a
long-running local stack grows until the kernel kills it. Here objects are not recorded (the dashboard,
which the local stack does not serve, lists nothing).

2. TransactWriteItems backs up every table it touches, whole (items and stream records), to roll back on
failure: a copy per transaction that grows with the table, which made every write slower than the last.
Here only the items the transaction names are copied first, and the stream's length noted; a cancelled
or refused transaction puts those items back and drops the stream records it added. Requests to moto are
serialized (see moto_server), so nothing else runs in between.

3. Shard iterators are kept forever (GetShardIterator and every GetRecords make one). DynamoDB expires an
iterator after 15 minutes; here the oldest are also forgotten beyond `MAX_SHARD_ITERATORS`, far more than a
consumer holds at once.

4. moto answers every Query by sorting the whole table, then keeping the partition asked for: every read
of a feed or a ledger got slower as the table grew. Here a Query starts from the items its key condition
names (the partition, or for an index the items with that index key), and moto sorts and pages those: the
same answer, as DynamoDB finds it.

5. moto counts a message visible once the clock is strictly past its `visible_at`, so a message a consumer
failed (made visible at once, as the local queue pump does) is skipped by a receive in the same millisecond:
redeliveries would depend on timing. Here it is visible from `visible_at` on, as in SQS.

6. moto keeps a table's items in a defaultdict of partitions: reading a key whose partition does not exist
(every GetItem or conditional Put of a new key) left an empty partition behind, and deleting a partition's
last item kept the partition. Here a read never creates a partition and an emptied partition is dropped.

7. An SQS queue remembers every receipt handle of every message it ever deleted (so a second delete with
the same handle succeeds, as in SQS). Here it remembers the latest `MAX_DELETED_RECEIPT_HANDLES`, far more
than a consumer deletes twice; an older handle is refused as one moto never issued.

8. moto has no SQS message move task (`StartMessageMoveTask`, `ListMessageMoveTasks`), which `plaudit dlq
redrive` starts in AWS. Here a task moves the dead-letter queue's visible messages (body and message
attributes) to the destination at once (`DestinationArn`, else the one queue whose redrive policy targets the
dead-letter queue, as SQS sends messages back to their source) and is listed as COMPLETED: the same request
and answer, so the command runs unchanged on the local stack.

9. Not a fix: Cognito user pools get ids derived from their names (moto's own hash strategy), so the
template's pool id is known before moto creates it (plaudit_dev.local_cognito).

`trim_stream` drops stream records every consumer has read (DynamoDB keeps them 24 hours; the local stack's
consumers are all known, and nothing else reads its streams), for the local stack's stream pump.
"""

from __future__ import annotations

import copy
import inspect
import os
import time
from collections.abc import Iterator
from typing import Any

_PATCHED = "_plaudit_patched"
MAX_SHARD_ITERATORS = 1000
SHARD_ITERATOR_LIFETIME_S = 15 * 60
MAX_DELETED_RECEIPT_HANDLES = 1000


def apply() -> None:
    # user pools get ids derived from their names, so the template resolves them before moto runs
    os.environ["MOTO_COGNITO_IDP_USER_POOL_ID_STRATEGY"] = "HASH"
    _untracked_models()
    _journaled_transactions()
    _expiring_shard_iterators()
    _partition_queries()
    _visible_when_due()
    _no_empty_partitions()
    _bounded_deleted_receipt_handles()
    _message_move_tasks()


def trim_stream(table: Any, through_sequence_number: int) -> int:
    """Drop `table`'s stream records up to and including `through_sequence_number`; returns how many.
    The caller holds moto's request lock."""
    shard = table.stream_shard
    if shard is None:
        return 0
    count = min(max(0, through_sequence_number + 1 - shard.starting_sequence_number), len(shard.items))
    if count:
        del shard.items[:count]
        shard.starting_sequence_number += count
    return count


def _refuse_if_changed(function: Any, expected: str, name: str) -> None:
    if expected not in inspect.getsource(function):
        raise RuntimeError(f"moto's {name} changed: review plaudit_dev.moto_patches")


def _untracked_models() -> None:
    from moto.core.common_models import BaseModel

    if getattr(BaseModel.__new__, _PATCHED, False):
        return
    _refuse_if_changed(BaseModel.__new__, "instances_tracked.append(instance)", "BaseModel.__new__")

    def __new__(cls: type, *args: Any, **kwargs: Any) -> Any:
        return object.__new__(cls)

    setattr(__new__, _PATCHED, True)
    BaseModel.__new__ = __new__  # type: ignore[method-assign]


class _Journal:
    """Copies of the items a transaction names, and its tables' stream lengths, taken before it runs."""

    def __init__(self, backend: Any, transact_items: list[dict[str, Any]]) -> None:
        from moto.dynamodb.models.dynamo_type import DynamoType

        self._items: dict[tuple[str, Any, Any], Any] = {}
        self._streams: dict[str, int] = {}
        for entry in transact_items:
            for operation in entry.values():
                table = backend.tables.get(operation.get("TableName"))
                key = operation.get("Key") or operation.get("Item")
                if table is None or not isinstance(key, dict) or table.hash_key_attr not in key:
                    continue  # moto refuses the transaction before writing anything
                hash_key = DynamoType(key[table.hash_key_attr])
                range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr in key else None
                if table.range_key_attr and range_key is None:
                    continue
                found = table.get_item(hash_key, range_key)
                self._items.setdefault((table.name, hash_key, range_key), copy.deepcopy(found))
                if table.stream_shard is not None:
                    self._streams.setdefault(table.name, len(table.stream_shard.items))
        self._backend = backend

    def restore(self) -> None:
        for (table_name, hash_key, range_key), item in self._items.items():
            table = self._backend.tables[table_name]
            if range_key is not None:
                if item is None:
                    partition = table.items.get(hash_key, {})
                    partition.pop(range_key, None)
                    if not partition:
                        table.items.pop(hash_key, None)
                else:
                    table.items[hash_key][range_key] = item
            elif item is None:
                table.items.pop(hash_key, None)
            else:
                table.items[hash_key] = item
        for table_name, length in self._streams.items():
            shard = self._backend.tables[table_name].stream_shard
            del shard.items[length:]


class _NoTableCopy:
    """Stands in for the `copy` module inside moto.dynamodb.models during one transaction: the table
    "backup" is the table itself (rolling back to it changes nothing; the journal restores the items)."""

    def __init__(self, table_type: type) -> None:
        self._table_type = table_type

    def deepcopy(self, value: Any, memo: dict[int, Any] | None = None) -> Any:
        return value if isinstance(value, self._table_type) else copy.deepcopy(value, memo)

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)


def _journaled_transactions() -> None:
    from moto.dynamodb import models
    from moto.dynamodb.models.table import Table

    backend = models.DynamoDBBackend
    original = backend.transact_write_items
    if getattr(original, _PATCHED, False):
        return
    _refuse_if_changed(original, "original_table_state[table_name] = copy.deepcopy(", "transact_write_items")

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        journal = _Journal(self, transact_items)
        models.copy = _NoTableCopy(Table)  # type: ignore[assignment]
        try:
            return original(self, transact_items)
        except Exception:
            journal.restore()
            raise
        finally:
            models.copy = copy

    setattr(transact_write_items, _PATCHED, True)
    backend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def _expiring_shard_iterators() -> None:
    from moto.dynamodbstreams.models import DynamoDBStreamsBackend, ShardIterator

    original_init = ShardIterator.__init__
    if getattr(original_init, _PATCHED, False):
        return
    _refuse_if_changed(
        DynamoDBStreamsBackend.get_shard_iterator, "self.shard_iterators[", "get_shard_iterator"
    )
    _refuse_if_changed(ShardIterator.get, "self.streams_backend.shard_iterators[", "ShardIterator.get")

    def __init__(self: Any, streams_backend: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, streams_backend, *args, **kwargs)
        self.created = time.monotonic()
        iterators = streams_backend.shard_iterators  # oldest first: dicts keep insertion order
        expired = time.monotonic() - SHARD_ITERATOR_LIFETIME_S
        while iterators:
            oldest = next(iter(iterators))
            if len(iterators) < MAX_SHARD_ITERATORS and getattr(iterators[oldest], "created", 0) > expired:
                break
            del iterators[oldest]

    setattr(__init__, _PATCHED, True)
    ShardIterator.__init__ = __init__  # type: ignore[method-assign]


def _partition_queries() -> None:
    from moto.dynamodb.models.table import Table

    original = Table.query
    if getattr(original, _PATCHED, False):
        return
    _refuse_if_changed(original, "for item in self.all_items()", "Table.query")
    signature = inspect.signature(original)

    def query(self: Any, *args: Any, **kwargs: Any) -> Any:
        asked = signature.bind(self, *args, **kwargs).arguments
        conditions = asked.get("hash_key_conditions") or []
        if asked.get("index_name") is None and asked.get("hash_key") is not None:
            partition = self.items.get(asked["hash_key"], {})
            candidates = list(partition.values()) if self.range_key_attr else [partition]
        elif conditions:
            candidates = [
                item
                for item in _items(self)
                if all(_equal(item.attrs.get(name), value) for name, value in conditions)
            ]
        else:
            return original(self, *args, **kwargs)
        self.all_items = lambda: candidates  # what moto's query reads its candidates from
        try:
            return original(self, *args, **kwargs)
        finally:
            del self.all_items

    setattr(query, _PATCHED, True)
    Table.query = query  # type: ignore[method-assign]


def _equal(found: Any, value: Any) -> bool:
    return found is not None and found == value


def _items(table: Any) -> Iterator[Any]:
    for partition in table.items.values():
        yield from partition.values() if table.range_key_attr else [partition]


def _visible_when_due() -> None:
    from moto.core.utils import unix_time_millis
    from moto.sqs.models import Message

    if getattr(Message.visible.fget, _PATCHED, False):
        return
    _refuse_if_changed(Message.visible.fget, "current_time > self.visible_at", "Message.visible")

    def visible(self: Any) -> bool:
        return unix_time_millis() >= self.visible_at

    setattr(visible, _PATCHED, True)
    Message.visible = property(visible)  # type: ignore[method-assign]


def _no_empty_partitions() -> None:
    from moto.dynamodb.models.table import Table

    original_get, original_delete = Table.get_item, Table.delete_item
    if getattr(original_get, _PATCHED, False):
        return
    _refuse_if_changed(original_get, "result = self.items[hash_key][range_key]", "Table.get_item")
    _refuse_if_changed(original_delete, "item = self.items[hash_key].pop(range_key)", "Table.delete_item")

    def get_item(self: Any, hash_key: Any, range_key: Any = None, *args: Any, **kwargs: Any) -> Any:
        if range_key and hash_key not in self.items:
            return None
        return original_get(self, hash_key, range_key, *args, **kwargs)

    def delete_item(self: Any, hash_key: Any, range_key: Any) -> Any:
        if range_key and hash_key not in self.items:
            return None
        item = original_delete(self, hash_key, range_key)
        if range_key and not self.items[hash_key]:
            del self.items[hash_key]
        return item

    for patched in (get_item, delete_item):
        setattr(patched, _PATCHED, True)
    Table.get_item = get_item  # type: ignore[method-assign]
    Table.delete_item = delete_item  # type: ignore[method-assign]


class _RecentHandles:
    """The set of deleted receipt handles moto's queue keeps, holding only the latest ones."""

    def __init__(self) -> None:
        self._handles: dict[str, None] = {}  # oldest first

    def __contains__(self, handle: object) -> bool:
        return handle in self._handles

    def __len__(self) -> int:
        return len(self._handles)

    def update(self, handles: Any) -> None:
        for handle in handles:
            self._handles.pop(handle, None)
            self._handles[handle] = None
        while len(self._handles) > MAX_DELETED_RECEIPT_HANDLES:
            del self._handles[next(iter(self._handles))]


def _bounded_deleted_receipt_handles() -> None:
    from moto.sqs.models import Queue

    original_init = Queue.__init__
    if getattr(original_init, _PATCHED, False):
        return
    _refuse_if_changed(original_init, "self.deleted_messages: set[str] = set()", "Queue.__init__")
    _refuse_if_changed(Queue.delete_message, "self.deleted_messages.update(", "Queue.delete_message")

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        self.deleted_messages = _RecentHandles()

    setattr(__init__, _PATCHED, True)
    Queue.__init__ = __init__  # type: ignore[method-assign]


def _message_move_tasks() -> None:
    from moto.core.responses import ActionResult
    from moto.sqs.exceptions import SQSException
    from moto.sqs.models import Queue
    from moto.sqs.responses import SQSResponse

    if getattr(SQSResponse, "start_message_move_task", None) is not None:
        return  # moto has its own now (or this ran already)
    _refuse_if_changed(Queue, "self._messages_lock = Condition()", "Queue")

    def start_message_move_task(self: Any) -> Any:
        backend = self.sqs_backend
        source = backend.get_queue(str(self._get_param("SourceArn")).rsplit(":", 1)[-1])
        destination_arn = self._get_param("DestinationArn")
        if destination_arn:
            destination = backend.get_queue(str(destination_arn).rsplit(":", 1)[-1])
        else:
            sources = backend.list_dead_letter_source_queues(source.name)
            if len(sources) != 1:
                raise SQSException(
                    "InvalidParameterValue",
                    f"{source.name} is the dead-letter queue of {len(sources)} queues",
                )
            destination = sources[0]
        with source._messages_lock:
            moving = [message for message in source._messages if message.visible]
            source._messages = [message for message in source._messages if message not in moving]
        for message in moving:
            backend.send_message(
                destination.name, message.body, message_attributes=message.message_attributes or None
            )
        handle = f"{source.queue_arn}#{len(_move_tasks(backend)) + 1}"
        task = {
            "Status": "COMPLETED",  # a running task's entry has its TaskHandle; a finished one has none
            "SourceArn": source.queue_arn,
            "ApproximateNumberOfMessagesMoved": len(moving),
            "ApproximateNumberOfMessagesToMove": len(moving),
            "StartedTimestamp": int(time.time() * 1000),
        }
        if destination_arn:
            task["DestinationArn"] = destination_arn  # given in the request only, as SQS lists it
        _move_tasks(backend).append(task)
        return ActionResult({"TaskHandle": handle})

    def list_message_move_tasks(self: Any) -> Any:
        source_arn = self._get_param("SourceArn")
        tasks = [task for task in _move_tasks(self.sqs_backend) if task["SourceArn"] == source_arn]
        return ActionResult({"Results": list(reversed(tasks))[: int(self._get_param("MaxResults") or 1)]})

    SQSResponse.start_message_move_task = start_message_move_task  # type: ignore[attr-defined]
    SQSResponse.list_message_move_tasks = list_message_move_tasks  # type: ignore[attr-defined]


def _move_tasks(backend: Any) -> list[dict[str, Any]]:
    """The backend's message move tasks, oldest first."""
    if not hasattr(backend, "_plaudit_move_tasks"):
        backend._plaudit_move_tasks = []
    return backend._plaudit_move_tasks  # type: ignore[no-any-return]
