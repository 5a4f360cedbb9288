"""Export jobs' items, and the reads an export streams: a period's ledger transactions (GSI1, one partition
per UTC day) and a period's trail entries.

A job moves queued -> running -> done | failed by conditional updates, so a redelivered job message finds
it done and writes nothing, and a worker that lost its upload to a newer attempt cannot mark it done.
"""

from collections.abc import Iterator
from datetime import date, datetime
from itertools import islice
from typing import Any

from plaudit.domain.exports import ExportStatus, days
from plaudit.store import keys
from plaudit.store.client import dynamodb, table_name
from plaudit.store.codec import to_attr
from plaudit.store.reads import get_one, query_all
from plaudit.store.trail import entry_from
from plaudit.store.transact import Write, put_new

LABEL = "export"


def job_write(job: dict[str, Any], expires_at: datetime) -> Write:
    """The new job (refused under LABEL if its id exists); the table's TTL removes it at `expires_at`."""
    pk, sk = keys.export_job(job["id"])
    return put_new(
        LABEL, {"PK": pk, "SK": sk, "type": "export", **job, "expires_at": int(expires_at.timestamp())}
    )


def job(job_id: str) -> dict[str, Any] | None:
    return get_one(keys.export_job(job_id))


def _update(job_id: str, sets: dict[str, Any], condition: str, values: dict[str, Any]) -> bool:
    """Set `sets` if `condition` holds; False when it does not."""
    names = {f"#{name}": name for name in sets}
    expression = "SET " + ", ".join(f"#{name} = :{name}" for name in sets)
    attributes = {f":{name}": to_attr(value) for name, value in sets.items()}
    attributes |= {name: to_attr(value) for name, value in values.items()}
    try:
        dynamodb().update_item(
            TableName=table_name(),
            Key=keys.as_attrs(keys.export_job(job_id)),
            UpdateExpression=expression,
            ConditionExpression=condition,
            ExpressionAttributeNames={**names, "#status": "status"},
            ExpressionAttributeValues=attributes,
        )
    except dynamodb().exceptions.ConditionalCheckFailedException:
        return False
    return True


def start(job_id: str, upload_id: str) -> bool:
    """queued (or running: an attempt that died) -> running with this upload; False once done or failed."""
    sets = {"status": ExportStatus.RUNNING.value, "upload_id": upload_id, "rows": 0, "bytes": 0, "parts": 0}
    condition = "attribute_exists(PK) AND #status IN (:queued, :running)"
    values = {":queued": ExportStatus.QUEUED.value, ":running": ExportStatus.RUNNING.value}
    return _update(job_id, sets, condition, values)


def progress(job_id: str, upload_id: str, *, rows: int, size: int, parts: int) -> bool:
    """What the running attempt has uploaded so far; False once another attempt took over."""
    return _update(
        job_id,
        {"rows": rows, "bytes": size, "parts": parts},
        "#status = :running AND upload_id = :upload",
        {":running": ExportStatus.RUNNING.value, ":upload": upload_id},
    )


def finish(job_id: str, upload_id: str, sets: dict[str, Any]) -> bool:
    """The running attempt's end (done or failed, with its figures); False once another attempt took over."""
    return _update(
        job_id,
        sets,
        "#status = :running AND upload_id = :upload",
        {":running": ExportStatus.RUNNING.value, ":upload": upload_id},
    )


def done(
    job_id: str, upload_id: str, sets: dict[str, Any], file_expires_at: datetime, record_until: datetime
) -> bool:
    """The running attempt done (`sets`: its figures): its file kept until `file_expires_at` (indexed, so the
    hourly run finds it due for deletion), its record until `record_until` (TTL); False once another attempt
    took over."""
    kept = {
        "file_expires_at": keys.iso(file_expires_at),
        "expires_at": int(record_until.timestamp()),
        "GSI1PK": keys.EXPORT_FILES_PARTITION,
        "GSI1SK": keys.export_file_sort(file_expires_at, job_id),
    }
    return finish(job_id, upload_id, sets | kept)


def files_due(at: datetime, limit: int) -> list[dict[str, Any]]:
    """At most `limit` done jobs whose file's end is at or before `at` and whose file is still there, the
    oldest end first: one Query of GSI1 (EXPORT_FILES) bounded by `at` and by `limit`."""
    params = {
        "IndexName": keys.EXPORT_FILE_INDEX,
        "KeyConditionExpression": "GSI1PK = :pk AND GSI1SK <= :high",
        "ExpressionAttributeValues": {
            ":pk": {"S": keys.EXPORT_FILES_PARTITION},
            ":high": {"S": keys.export_files_through(at)},
        },
        "Limit": limit,
    }
    return list(islice(query_all(params), limit))


def person_files(employee_id: str) -> list[dict[str, Any]]:
    """The done exports of one person's data whose file is still kept: the index of files kept (GSI1
    EXPORT_FILES, only the exports of the last `export_days` at most) read whole, filtered to theirs."""
    params = {
        "IndexName": keys.EXPORT_FILE_INDEX,
        "KeyConditionExpression": "GSI1PK = :pk",
        "FilterExpression": "employee_id = :id",
        "ExpressionAttributeValues": {":pk": {"S": keys.EXPORT_FILES_PARTITION}, ":id": {"S": employee_id}},
    }
    return list(query_all(params))


def file_deleted(job_id: str, at: datetime) -> None:
    """The job's file is gone: it leaves the index of files kept (the record stays until its TTL)."""
    dynamodb().update_item(
        TableName=table_name(),
        Key=keys.as_attrs(keys.export_job(job_id)),
        UpdateExpression="SET file_deleted_at = :at REMOVE GSI1PK, GSI1SK",
        ConditionExpression="attribute_exists(PK)",
        ExpressionAttributeValues={":at": to_attr(keys.iso(at))},
    )


def fail_queued(job_id: str, failure: str, finished_at: str) -> bool:
    """A job that failed before any upload began (queued or running)."""
    return _update(
        job_id,
        {"status": ExportStatus.FAILED.value, "failure": failure, "finished_at": finished_at},
        "#status IN (:queued, :running)",
        {":queued": ExportStatus.QUEUED.value, ":running": ExportStatus.RUNNING.value},
    )


def transactions(since: date, until: date) -> Iterator[dict[str, Any]]:
    """The ledger transactions of the UTC days `since` to `until` (included), oldest first."""
    for day in days(since, until):
        yield from query_all(
            {
                "IndexName": keys.LEDGER_DAY_INDEX,
                "KeyConditionExpression": "GSI1PK = :day",
                "ExpressionAttributeValues": {":day": {"S": keys.ledger_day(day)}},
            }
        )


def trail_entries(since: datetime, until: datetime) -> Iterator[dict[str, Any]]:
    """The trail's entries written at or after `since` and before `until`, oldest first (one range of the
    trail's key: entries sort by when they were written)."""
    yield from (
        entry_from(item)
        for item in query_all(
            {
                "KeyConditionExpression": "PK = :pk AND SK BETWEEN :since AND :until",
                "ExpressionAttributeValues": {
                    ":pk": {"S": keys.AUDIT_PARTITION},
                    ":since": {"S": keys.audit_entry_sort(since)},
                    ":until": {"S": keys.audit_entry_sort(until)},
                },
            }
        )
    )
