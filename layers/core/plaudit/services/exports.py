"""Export jobs, built once for every kind of export: a request is queued (202 with the job), a worker streams
the rows into a CSV file in S3 part by part, and the requester downloads it through a short-lived link.

- `request` checks who may export the kind, writes the job with its administrative trail entry (one
  transaction: the export is an administrative act) and queues {"export_id"} on EXPORT_QUEUE_URL. An
  Idempotency-Key derives the job's id: a replay answers the first job and queues nothing more.
- `run` (the worker) starts a multipart upload, streams the kind's rows through a PartWriter (one part
  in memory at a time), records progress per part and completes the upload; a redelivered message finds
  the job done (or failed) and writes nothing; an attempt that died is restarted from the beginning, its
  upload aborted. A failure that retrying cannot cure fails the job with a reason code.
- `backfill_day_index` (`plaudit exports backfill`) indexes the transactions written before the by-day
  index existed, so an organisation that upgrades with history exports all of it.
- `view` and `download` show a job to the one who requested it only (404 to anyone else): download is a
  presigned link while the file is kept, 409 before it is done, 410 once it has expired.
- A file is kept settings.retention.export_days after it was written (the job keeps `file_expires_at`);
  then `delete_expired_files` (the hourly schedule) deletes it, and the job's record answers 410 until
  its TTL (RECORD_DAYS later). The bucket's lifecycle rule deletes anything older than the setting's
  upper bound, should a run be missed.

- `request_person` queues the export of everything held about one person (the person, or HR): a zip
  archive with the whole as JSON and a CSV per section (store.person_data says what is in it).

The file never holds a voucher code: ledger postings and trail entries carry none, and a person's archive
leaves out their vouchers' codes (the person reads them at GET /v1/vouchers/mine).
"""

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

from aws_lambda_powertools import Logger
from botocore.exceptions import ClientError

from plaudit.domain.access import Caller, require_role
from plaudit.domain.errors import Conflict, Gone, NotFound, RuleViolation
from plaudit.domain.exports import (
    COLUMNS,
    KIND_ROLES,
    LINK_SECONDS,
    RECORD_DAYS,
    ExportKind,
    ExportRequest,
    ExportStatus,
    ExportView,
    PartWriter,
    TooManyParts,
    months_between,
    person_archive,
)
from plaudit.domain.ids import derived_id, fingerprint
from plaudit.domain.model import Model
from plaudit.domain.trail import canonical
from plaudit.environment import environment
from plaudit.integrations import aws, correlation, export_files
from plaudit.services import money_reports, trail
from plaudit.services.replays import key_expired, replayed
from plaudit.services.runtime import new_id, now, stored_now
from plaudit.store import exports as store
from plaudit.store import keys, person_data, snapshots
from plaudit.store.ledger import index_by_day, unindexed_transactions
from plaudit.store.replays import first_response_write
from plaudit.store.transact import WriteRefused

logger = Logger(child=True)

# Why a job failed (ExportView.failure): retrying would not help.
FAILURE_TOO_LARGE = "too_large"  # more parts than one upload may have
FAILURE_STORAGE = "storage_unavailable"  # the bucket is missing or refuses the worker
STORAGE_ERRORS = {"NoSuchBucket", "AccessDenied", "AllAccessDisabled", "InvalidBucketName"}
FAILURE_RETRIES_EXHAUSTED = "retries_exhausted"  # failed on its last delivery


def request(
    caller: Caller, body: ExportRequest, *, idempotency_key: str | None = None
) -> tuple[ExportView, bool]:
    """Queue an export. Returns the job and whether it was created now (False: a replay)."""
    actor = trail.actor_of(caller)
    job_id = derived_id("exp", actor, idempotency_key) if idempotency_key else new_id("exp")
    request_hash = fingerprint(canonical(body.model_dump(mode="json", by_alias=True)).encode())
    snap = snapshots.load(
        employees=[caller.employee_id],
        first_responses=[job_id] if idempotency_key else [],
        settings=bool(idempotency_key),
    )
    keep_days, made = snap.settings().retention.idempotency_days, {"export_id": job_id}
    first = snap.first_response_item(job_id)
    replay = replayed(first, request_hash, ExportView, at=now(), keep_days=keep_days, made=made)
    if replay is not None:
        return replay, False
    require_role(snap.identify(caller), *KIND_ROLES[body.kind])
    at = stored_now()
    if body.since > at.date():
        raise RuleViolation("error.period_in_future", code="period_in_future", period=body.since.isoformat())
    job = {
        "id": job_id,
        "owner": actor,
        "kind": body.kind.value,
        "since": body.since.isoformat(),
        "until": body.until.isoformat(),
        "format": body.format,
        "report": body.report,
        "status": ExportStatus.QUEUED.value,
        "rows": 0,
        "bytes": 0,
        "parts": 0,
        "failure": None,
        "created_at": keys.iso(at),
        "finished_at": None,
        "file_expires_at": None,
    }
    view = view_of(job)
    writes = [store.job_write(job, at + timedelta(days=RECORD_DAYS))]
    if idempotency_key:
        writes.append(first_response_write(job_id, request_hash, view, at=at, keep_days=keep_days))
    act = trail.Act(
        actor,
        "export.request",
        f"export:{job_id}",
        after={"kind": job["kind"], "from": job["since"], "to": job["until"], "format": job["format"]}
        | ({"report": body.report} if body.report else {}),
    )
    try:
        trail.record(writes, act)
    except WriteRefused as refused:
        if not refused.refused(store.LABEL):
            raise
        # the job under this key exists: a duplicate sent at the same time replays, a late retry is expired
        again = snapshots.load(first_responses=[job_id]).first_response_item(job_id)
        replay = replayed(again, request_hash, ExportView, at=now(), keep_days=keep_days, made=made)
        if replay is not None:
            return replay, False
        raise key_expired(keep_days, made) from None
    message = {"QueueUrl": environment().export_queue_url, "MessageBody": json.dumps({"export_id": job_id})}
    aws.client("sqs").send_message(**correlation.on_message(message))
    return view, True


def request_person(caller: Caller, employee_id: str) -> ExportView:
    """Queue the export of everything held about one person: the person themselves, or HR. Its period is
    the day it was asked for (the data as it is then)."""
    snap = snapshots.load(employees=[caller.employee_id, employee_id])
    who = snap.identify(caller)
    if snap.employee(employee_id) is None:
        require_role(who, *KIND_ROLES[ExportKind.PERSON])  # nobody else learns who is in the directory
        raise NotFound("error.employee_not_found", code="employee_not_found")
    if not (who.is_person and who.employee_id == employee_id):
        require_role(who, *KIND_ROLES[ExportKind.PERSON])
    actor = trail.actor_of(caller)
    at = stored_now()
    job_id = new_id("exp")
    job = {
        "id": job_id,
        "owner": actor,
        "kind": ExportKind.PERSON.value,
        "employee_id": employee_id,
        "since": at.date().isoformat(),
        "until": at.date().isoformat(),
        "format": "zip",
        "report": None,
        "status": ExportStatus.QUEUED.value,
        "rows": 0,
        "bytes": 0,
        "parts": 0,
        "failure": None,
        "created_at": keys.iso(at),
        "finished_at": None,
        "file_expires_at": None,
    }
    act = trail.Act(
        actor, "export.request", f"export:{job_id}", after={"kind": job["kind"], "employee_id": employee_id}
    )
    trail.record([store.job_write(job, at + timedelta(days=RECORD_DAYS))], act)
    message = {"QueueUrl": environment().export_queue_url, "MessageBody": json.dumps({"export_id": job_id})}
    aws.client("sqs").send_message(**correlation.on_message(message))
    return view_of(job)


def view_of(job: dict[str, Any]) -> ExportView:
    return ExportView.model_validate({name: job.get(name) for name in ExportView.model_fields})


def _own_job(caller: Caller, job_id: str) -> dict[str, Any]:
    """The caller's job; anyone else's, or none, is a 404 (no enumeration)."""
    job = store.job(job_id)
    if job is None or job["owner"] != trail.actor_of(caller):
        raise NotFound("error.export_not_found", code="export_not_found")
    return job


def view(caller: Caller, job_id: str) -> ExportView:
    return view_of(_own_job(caller, job_id))


def download(caller: Caller, job_id: str) -> str:
    """A presigned link to the file, valid LINK_SECONDS."""
    job = _own_job(caller, job_id)
    status = ExportStatus(job["status"])
    if status is ExportStatus.FAILED:
        raise Conflict("error.export_failed", code="export_failed")
    if status is not ExportStatus.DONE:
        raise Conflict("error.export_not_ready", code="export_not_ready")
    if job["file_expires_at"] <= keys.iso(stored_now()) or job.get("file_deleted_at"):
        raise Gone("error.export_expired", code="export_expired")
    if job["kind"] == ExportKind.PERSON.value:
        filename = f"plaudit-person-{job['employee_id']}-{job['since']}.zip"
    else:
        filename = f"plaudit-{job.get('report') or job['kind']}-{job['since']}-{job['until']}.csv"
    return export_files.link(_object_of(job), filename, LINK_SECONDS)


def _object_of(job: dict[str, Any]) -> str:
    return keys.export_object(job["id"], job.get("format") or "csv")


def run(job_id: str, *, last_attempt: bool = False) -> ExportStatus | None:
    """Write the job's file (the worker). Returns its final status, or None when there was nothing to do
    (no such job, or already done or failed: a redelivery)."""
    job = store.job(job_id)
    if job is None or job["status"] in (ExportStatus.DONE.value, ExportStatus.FAILED.value):
        return None
    key = _object_of(job)
    if job.get("upload_id"):  # an attempt that died: its parts go, the file is written again
        export_files.abort(key, job["upload_id"])
    try:
        upload_id = export_files.start(key)
    except ClientError as error:
        if _code(error) in STORAGE_ERRORS:
            store.fail_queued(job_id, FAILURE_STORAGE, keys.iso(stored_now()))
            logger.warning("Export failed", extra={"export_id": job_id, "failure": FAILURE_STORAGE})
            return ExportStatus.FAILED
        raise
    if not store.start(job_id, upload_id):
        export_files.abort(key, upload_id)
        return None
    try:
        return _write(job, key, upload_id)
    except TooManyParts:
        return _failed(job_id, key, upload_id, FAILURE_TOO_LARGE)
    except Exception as error:
        if _code(error) in STORAGE_ERRORS:
            return _failed(job_id, key, upload_id, FAILURE_STORAGE)
        if last_attempt:
            return _failed(job_id, key, upload_id, FAILURE_RETRIES_EXHAUSTED)
        raise  # delivered again: the next attempt starts over


def _write(job: dict[str, Any], key: str, upload_id: str) -> ExportStatus | None:
    job_id, kind = job["id"], ExportKind(job["kind"])
    if kind is ExportKind.PERSON:
        return _write_archive(job, key, upload_id)
    etags: list[str] = []
    writer: PartWriter

    def upload(number: int, data: bytes) -> None:
        etags.append(export_files.upload_part(key, upload_id, number, data))
        store.progress(job_id, upload_id, rows=writer.rows, size=writer.bytes, parts=number)

    writer = PartWriter(COLUMNS[kind], upload)
    for row in rows(kind, job):
        writer.write(row)
    writer.close()
    export_files.complete(key, upload_id, etags)
    return _done(job_id, upload_id, rows=writer.rows, size=writer.bytes, parts=writer.parts)


def _write_archive(job: dict[str, Any], key: str, upload_id: str) -> ExportStatus | None:
    """A person's archive: small (one person's records), built in memory and uploaded as one part."""
    job_id = job["id"]
    at = stored_now()
    found = person_data.sections(job["employee_id"], at)
    data = person_archive(job["employee_id"], keys.iso(at), found)
    etag = export_files.upload_part(key, upload_id, 1, data)
    rows = sum(len(items) for items in found.values())
    store.progress(job_id, upload_id, rows=rows, size=len(data), parts=1)
    export_files.complete(key, upload_id, [etag])
    return _done(job_id, upload_id, rows=rows, size=len(data), parts=1)


def _done(job_id: str, upload_id: str, *, rows: int, size: int, parts: int) -> ExportStatus | None:
    """The file is written: it can be downloaded for settings.retention.export_days (read now), and the
    job's record is kept RECORD_DAYS longer (a late download answers 410)."""
    finished = stored_now()
    file_expires_at = finished + timedelta(
        days=snapshots.load(settings=True).settings().retention.export_days
    )
    figures = {"rows": rows, "bytes": size, "parts": parts, "finished_at": keys.iso(finished)}
    done = store.done(
        job_id,
        upload_id,
        {"status": ExportStatus.DONE.value, **figures},
        file_expires_at,
        file_expires_at + timedelta(days=RECORD_DAYS),
    )
    logger.info("Export done", extra={"export_id": job_id, "rows": rows, "parts": parts})
    return ExportStatus.DONE if done else None


class ExpiredFiles(Model):
    files_deleted: int = 0
    behind: bool = False  # stopped at the bound: the next run goes on


FILES_PER_RUN = 500


def delete_expired_files(at: datetime) -> ExpiredFiles:
    """Delete the files of the exports whose download ended by `at` (settings.retention.export_days after
    each was written), at most FILES_PER_RUN a run (the hourly schedule); each job keeps its record, whose
    download answers 410, until its TTL. Deleting a file already gone is fine (S3), so a rerun is too."""
    due = store.files_due(at, FILES_PER_RUN)
    return ExpiredFiles(files_deleted=_delete_files(due, at), behind=len(due) == FILES_PER_RUN)


def delete_person_files(employee_id: str, at: datetime) -> int:
    """Delete the files of the exports of one person's data still kept (their erasure: the archive holds
    their name and everything else); their download then answers 410. Returns how many."""
    return _delete_files(store.person_files(employee_id), at)


def _delete_files(jobs: list[dict[str, Any]], at: datetime) -> int:
    for job in jobs:
        export_files.delete(_object_of(job))
        store.file_deleted(job["id"], at)
    return len(jobs)


def _failed(job_id: str, key: str, upload_id: str, failure: str) -> ExportStatus:
    export_files.abort(key, upload_id)
    store.finish(
        job_id,
        upload_id,
        {"status": ExportStatus.FAILED.value, "failure": failure, "finished_at": keys.iso(stored_now())},
    )
    logger.warning("Export failed", extra={"export_id": job_id, "failure": failure})
    return ExportStatus.FAILED


def rows(kind: ExportKind, job: dict[str, Any]) -> Iterator[list[Any]]:
    """The rows of the job's kind over its period, oldest first, streamed from the table."""
    since, until = datetime.fromisoformat(job["since"]).date(), datetime.fromisoformat(job["until"]).date()
    if kind is ExportKind.REPORT:
        settings = snapshots.load(settings=True).settings()
        yield from money_reports.taxable_export(months_between(since, until), settings)
    elif kind is ExportKind.LEDGER:
        for txn in store.transactions(since, until):
            for posting in txn["postings"]:
                yield [
                    txn["at"],
                    txn["id"],
                    txn["kind"],
                    posting["account"],
                    posting["amount"],
                    posting.get("memo") or "",
                    canonical(txn["ref"]) if txn.get("ref") else "",
                ]
    else:
        start = datetime.combine(since, time(), UTC)
        end = datetime.combine(until, time(), UTC) + timedelta(days=1)
        for entry in store.trail_entries(start, end):
            entry["changes"] = canonical(entry["changes"])
            yield [entry.get(column) for column in COLUMNS[kind]]


def _code(error: Exception) -> str:
    return getattr(error, "response", {}).get("Error", {}).get("Code", "")


def backfill_day_index(progress: Callable[[int, int], None] | None = None) -> int:
    """Give every ledger transaction written before the by-day index existed its entry (`TXNS#<day>`), so
    an export of their days finds them. Idempotent: a transaction indexed already is left as it is.
    progress(done, total) after each. Returns how many were indexed now."""
    todo = unindexed_transactions()
    indexed = 0
    for done, (txn_id, at) in enumerate(todo, start=1):
        indexed += index_by_day(txn_id, at)
        if progress is not None:
            progress(done, len(todo))
    return indexed
