"""DynamoDB stream consumers, run inline: `StreamPump.drain()` reads what the tables' streams gained since the
last drain (from moto), filters it with the template's FilterCriteria and delivers it to the consumer
functions in batches, the way Lambda's event source mappings do.

Each consumer reads from the start of the stack's streams (moto is fresh at every start, so TRIM_HORIZON and
LATEST only differ for seed data, which consumers then see too). A batch whose function fails, or that
reports `batchItemFailures`, is redelivered from the first failed record, up to the template's
MaximumRetryAttempts (bounded locally when the template leaves it infinite); after that it is logged and
dropped: the on-failure destination is not emulated.
"""

from __future__ import annotations

import base64
import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from plaudit_dev.event_filter import matches
from plaudit_dev.invoker import FunctionError, Invoker
from plaudit_dev.local_aws import client
from plaudit_dev.template import StreamSource, Template

log = logging.getLogger(__name__)

LOCAL_RETRY_LIMIT = 2  # retries when the template allows infinitely many
MAX_ROUNDS = 10  # drain rounds per call: consumers writing to a stream they read can loop


class StreamPump:
    """Delivers new stream records to the template's stream consumers; thread-safe, never delivers twice."""

    def __init__(
        self,
        template: Template,
        invoker: Invoker,
        aws_endpoint_url: str,
        trim: Callable[[str, int], object] | None = None,
    ) -> None:
        """`trim(table name, sequence number)`: drops the records every consumer has read, through that
        sequence number (moto keeps every stream record otherwise)."""
        self._invoker = invoker
        self._trim = trim
        dynamodb, streams = client("dynamodb", aws_endpoint_url), client("dynamodbstreams", aws_endpoint_url)
        self._consumers = [
            _Consumer(StreamCursor(source, template.tables[source.table_id].name, dynamodb, streams))
            for source in template.stream_sources
        ]

    def drain(self) -> int:
        """Deliver everything new, again while the consumers' own writes add records; returns how many
        records were delivered (records the filters reject are read but not delivered)."""
        delivered = 0
        for _ in range(MAX_ROUNDS):
            read = 0
            for consumer in self._consumers:
                round_read, round_delivered = self._drain(consumer)
                read += round_read
                delivered += round_delivered
            if not read:
                break
        else:
            log.warning(
                "streams still had new records after %d rounds: a consumer may feed itself", MAX_ROUNDS
            )
        self._trim_read()
        return delivered

    def _trim_read(self) -> None:
        """Drop each table's stream records that every consumer of the table has read."""
        if self._trim is None:
            return
        by_table: dict[str, list[int | None]] = {}
        for consumer in self._consumers:
            by_table.setdefault(consumer.cursor.table_name, []).append(consumer.cursor.last_read())
        for table_name, positions in by_table.items():
            if None not in positions:
                self._trim(table_name, min(p for p in positions if p is not None))

    def _drain(self, consumer: _Consumer) -> tuple[int, int]:
        with consumer.lock:
            read, accepted = consumer.cursor.read()
            size = consumer.cursor.source.batch_size
            for start in range(0, len(accepted), size):
                self._deliver(consumer.cursor.source, accepted[start : start + size])
            return read, len(accepted)

    def _deliver(self, source: StreamSource, batch: list[dict[str, Any]]) -> None:
        retries = LOCAL_RETRY_LIMIT if source.max_retries is None else source.max_retries
        for attempt in range(retries + 1):
            failed_from = self._invoke(source, batch)
            if failed_from is None:
                return
            batch = batch[failed_from:]
            if attempt < retries:
                log.warning(
                    "%s: redelivering %d record(s) from sequence number %s (retry %d of %d)",
                    source.function_id,
                    len(batch),
                    batch[0]["dynamodb"]["SequenceNumber"],
                    attempt + 1,
                    retries,
                )
        log.error(
            "%s: dropped %d record(s) from sequence number %s after %d retries",
            source.function_id,
            len(batch),
            batch[0]["dynamodb"]["SequenceNumber"],
            retries,
        )

    def _invoke(self, source: StreamSource, batch: list[dict[str, Any]]) -> int | None:
        """Invoke the consumer; returns the index to redeliver from, or None when the batch succeeded."""
        try:
            result = self._invoker.invoke(source.function_id, {"Records": batch})
        except FunctionError as exc:
            log.error("%s failed on a batch of %d record(s): %s", source.function_id, len(batch), exc)
            return 0
        failures = result.get("batchItemFailures") if isinstance(result, dict) else None
        if not (source.report_batch_item_failures and failures):
            return None
        sequence_numbers = [record["dynamodb"]["SequenceNumber"] for record in batch]
        identifiers = [failure.get("itemIdentifier") for failure in failures]
        if any(identifier not in sequence_numbers for identifier in identifiers):
            return 0  # Lambda treats a missing or unknown itemIdentifier as a failure of the whole batch
        return min(sequence_numbers.index(identifier) for identifier in identifiers)


class _Consumer:
    def __init__(self, cursor: StreamCursor) -> None:
        self.cursor = cursor
        self.lock = threading.Lock()


class StreamCursor:
    """Reads one table's stream onwards from where it last stopped, as an event source mapping does:
    records shaped as Lambda delivers them, and those the mapping's FilterCriteria accept."""

    def __init__(self, source: StreamSource, table_name: str, dynamodb: Any, streams: Any) -> None:
        self.source = source
        self.table_name = table_name
        self._dynamodb = dynamodb
        self._streams = streams
        self._positions: dict[
            tuple[str, str], str
        ] = {}  # (stream ARN, shard id) -> last sequence number read

    def last_read(self) -> int | None:
        """The sequence number of the last record read from the table's current stream (None: none yet)."""
        if len(self._positions) != 1:  # none read yet, or the stream was replaced: trim nothing
            return None
        return int(next(iter(self._positions.values())))

    def read(self) -> tuple[int, list[dict[str, Any]]]:
        """(how many new records there were, the new records the filters accept), oldest first."""
        stream_arn = self._dynamodb.describe_table(TableName=self.table_name)["Table"].get("LatestStreamArn")
        if not stream_arn:
            return 0, []
        records: list[dict[str, Any]] = []
        for shard in self._streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]:
            position_key = (stream_arn, shard["ShardId"])
            shard_records = self._read_shard(stream_arn, shard["ShardId"], self._positions.get(position_key))
            if shard_records:
                self._positions[position_key] = shard_records[-1]["dynamodb"]["SequenceNumber"]
                records += shard_records
        return len(records), [record for record in records if self._accepts(record)]

    def _read_shard(self, stream_arn: str, shard_id: str, after: str | None) -> list[dict[str, Any]]:
        """Every record of the shard after sequence number `after` (from the start when None)."""
        position = (
            {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": after}
            if after
            else {"ShardIteratorType": "TRIM_HORIZON"}
        )
        iterator = self._streams.get_shard_iterator(StreamArn=stream_arn, ShardId=shard_id, **position)
        next_iterator = iterator["ShardIterator"]
        records: list[dict[str, Any]] = []
        while next_iterator:
            page = self._streams.get_records(ShardIterator=next_iterator, Limit=1000)
            if not page["Records"]:
                break
            records += [lambda_record(record, stream_arn) for record in page["Records"]]
            next_iterator = page.get("NextShardIterator")
        return records

    def _accepts(self, record: dict[str, Any]) -> bool:
        patterns = self.source.filter_patterns
        return not patterns or any(matches(pattern, record) for pattern in patterns)


def lambda_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """A stream record as boto3 returns it, reshaped the way Lambda delivers it: timestamps in epoch
    seconds, binary attribute values base64-encoded, and the stream's ARN as `eventSourceARN`."""
    return {**_as_json(record), "eventSourceARN": stream_arn}


def _as_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_json(item) for item in value]
    if isinstance(value, datetime):
        return int(value.timestamp())
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value
