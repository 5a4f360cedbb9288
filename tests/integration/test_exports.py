"""Export jobs through the real handlers and the worker, against moto: a request is 202 and queued, the
worker (fed by the queue, as the local stack does) writes the file in parts to S3, the status moves queued ->
running -> done, the download redirects to a presigned link whose CSV matches the ledger; a redelivered job
message writes nothing twice; a storage failure fails the job with a reason; an expired file is 410; only
HR, finance (ledger) and admins export, and a job is seen by its requester only."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from api_checks import assert_audit_clean, assert_error, table_items

from plaudit.domain.exports import LEDGER_COLUMNS, RECORD_DAYS, ExportStatus
from plaudit.domain.settings import RetentionSettings
from plaudit.domain.trail import canonical
from plaudit.services import exports
from plaudit.store import exports as store
from plaudit.store import keys
from plaudit.store import trail as trail_store
from plaudit.store.codec import from_item

HR, MAYA, ALICE, FINANCE = "E1001", "E1002", "E1003", "E1009"


def bucket() -> str:
    return os.environ["EXPORT_BUCKET_NAME"]


def ledger_rows(aws) -> list[list[str]]:
    """Every posting of every ledger transaction in the table, as the export writes them."""
    rows = []
    for page in aws.get_paginator("scan").paginate(TableName=os.environ["TABLE_NAME"]):
        for item in map(from_item, page["Items"]):
            if item.get("type") != "txn":
                continue
            ref = canonical(item["ref"]) if item.get("ref") else ""
            for posting in item["postings"]:
                fields = [posting["account"], str(posting["amount"]), posting.get("memo") or ""]
                rows.append([item["at"], item["id"], item["kind"], *fields, ref])
    return rows


@pytest.fixture
def kudos(api, org, clock) -> int:
    """Some ledger history: three kudos over two days."""
    for n, (giver, recipient) in enumerate([(ALICE, "E1004"), ("E1004", ALICE), (ALICE, "E1005")]):
        body = {"recipient_ids": [recipient], "points": 5 + n, "message": f"Thanks {n}"}
        reply = api.call("POST", "/v1/recognitions", body=body, as_employee=giver)
        assert reply.status == 201, reply.body
        clock.advance(hours=20)
    return 3


def export(api, who: str = HR, kind: str = "ledger", key: str | None = None, **period: str):
    body = {"kind": kind, "from": period.get("since", "2026-01-01"), "to": period.get("until", "2026-12-31")}
    headers = {"Idempotency-Key": key} if key else {}
    return api.call("POST", "/v1/exports", body=body, as_employee=who, headers=headers)


def file_of(job_id: str) -> str:
    body = boto3.client("s3", region_name="us-east-1").get_object(
        Bucket=bucket(), Key=keys.export_object(job_id)
    )
    return body["Body"].read().decode()


def test_a_ledger_export_runs_to_done_and_its_file_is_the_ledger(api, kudos, aws, clock):
    reply = export(api)
    assert reply.status == 202, reply.body
    job = reply.json
    assert job["status"] == "queued"
    assert job["from"] == "2026-01-01"
    assert job["to"] == "2026-12-31"
    assert reply.headers["location"] == f"/v1/exports/{job['id']}"

    shown = api.call("GET", f"/v1/exports/{job['id']}", as_employee=HR)  # the queue ran the worker
    assert shown.status == 200, shown.body
    done = shown.json
    assert done["status"] == "done"
    assert done["parts"] == 1
    assert done["failure"] is None
    assert done["file_expires_at"] > done["finished_at"]

    text = file_of(job["id"])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(LEDGER_COLUMNS)
    expected = ledger_rows(aws)
    assert len(expected) >= 2 * kudos
    assert sorted(rows[1:]) == sorted(expected)
    assert [row[0] for row in rows[1:]] == sorted(row[0] for row in rows[1:])  # oldest first
    assert done["rows"] == len(expected)
    assert done["bytes"] == len(text.encode())

    download = api.call("GET", f"/v1/exports/{job['id']}/download", as_employee=HR)
    assert download.status == 303, download.body
    link = download.headers["location"]
    assert download.json == {"url": link, "expires_in": 300}
    query = parse_qs(urlsplit(link).query)
    assert query["X-Amz-Expires"] == ["300"]
    assert "attachment" in query["response-content-disposition"][0]
    # a web page asks for the link itself (a browser's fetch follows the 303 without showing it the way)
    asked = api.call("GET", f"/v1/exports/{job['id']}/download?redirect=false", as_employee=HR)
    assert (asked.status, "location" in asked.headers) == (200, False), asked.body
    assert asked.json["expires_in"] == 300
    assert parse_qs(urlsplit(asked.json["url"]).query)["X-Amz-Expires"] == ["300"]
    assert_audit_clean()


def test_the_status_moves_queued_running_done(api, org, clock, monkeypatch):
    seen: list[str] = []
    original = store.progress

    def watching(job_id: str, upload_id: str, **figures: Any) -> bool:
        seen.append(store.job(job_id)["status"])
        return original(job_id, upload_id, **figures)

    monkeypatch.setattr(store, "progress", watching)
    job = export(api).json
    assert job["status"] == "queued"
    assert seen == ["running"]  # while the part was uploaded
    assert store.job(job["id"])["status"] == "done"


def test_a_request_is_an_administrative_act_in_the_chain(api, org, clock):
    job = export(api, kind="audit-log", since="2026-01-01", until="2026-12-31").json
    entry = list(trail_store.all_entries())[-1]
    assert entry["action"] == "export.request"
    assert entry["target"] == f"export:{job['id']}"
    assert entry["actor"] == HR
    assert entry["changes"]["kind"] == {"before": None, "after": "audit-log"}
    assert_audit_clean()
    text = file_of(job["id"])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:6] == ["seq", "id", "at", "actor", "action", "target"]
    assert rows[-1][5] == f"export:{job['id']}"  # the trail up to the export itself


def test_an_idempotency_key_replays_the_first_job(api, org, clock):
    first = export(api, key="exp-1")
    again = export(api, key="exp-1")
    assert again.status == 202
    assert again.headers.get("idempotent-replayed") == "true"
    assert again.json["id"] == first.json["id"]
    assert again.json["status"] == "queued"
    other = export(api, key="exp-1", since="2026-02-01")
    assert_error(other, 409, "idempotency_key_reused")
    actions = [entry["action"] for entry in trail_store.all_entries()]
    assert actions.count("export.request") == 1


def test_a_redelivered_message_writes_nothing_twice(api, org, aws, clock, monkeypatch):
    job = export(api).json
    before = table_items(aws)
    uploads: list[Any] = []
    monkeypatch.setattr(exports.export_files, "start", lambda key: uploads.append(key) or "never")
    assert exports.run(job["id"]) is None  # done: nothing to do
    assert uploads == []
    assert table_items(aws) == before


def test_an_attempt_that_died_is_started_over_and_its_upload_aborted(api, org, aws, clock, monkeypatch):
    sent: list[str] = []
    monkeypatch.setattr(exports.aws, "client", _queue_recorder(sent, exports.aws.client))
    job = export(api).json
    assert sent == [json.dumps({"export_id": job["id"]})]

    def crash(*_: Any, **__: Any) -> None:
        raise RuntimeError("the container died")

    with monkeypatch.context() as patch:
        patch.setattr(exports.export_files, "complete", crash)
        with pytest.raises(RuntimeError):
            exports.run(job["id"])
    died = store.job(job["id"])
    assert died["status"] == "running"
    assert died["parts"] == 1
    assert exports.run(job["id"]) is ExportStatus.DONE
    s3 = boto3.client("s3", region_name="us-east-1")
    assert s3.list_multipart_uploads(Bucket=bucket()).get("Uploads", []) == []
    assert store.job(job["id"])["upload_id"] != died["upload_id"]


def _queue_recorder(sent: list[str], real: Any) -> Any:
    class Recorder:
        def send_message(self, QueueUrl: str, MessageBody: str, **attributes: Any) -> None:
            sent.append(MessageBody)  # with the request's correlation id as a message attribute

    return lambda service: Recorder() if service == "sqs" else real(service)


def test_a_missing_bucket_fails_the_job_with_a_reason(api, org, clock, monkeypatch):
    monkeypatch.setenv("EXPORT_BUCKET_NAME", "plaudit-no-such-bucket")
    exports.environment.cache_clear()
    job = export(api).json
    failed = api.call("GET", f"/v1/exports/{job['id']}", as_employee=HR).json
    assert failed["status"] == "failed"
    assert failed["failure"] == "storage_unavailable"
    assert_error(api.call("GET", f"/v1/exports/{job['id']}/download", as_employee=HR), 409, "export_failed")


def test_the_last_delivery_fails_a_job_that_keeps_failing(api, org, clock, monkeypatch):
    sent: list[str] = []
    monkeypatch.setattr(exports.aws, "client", _queue_recorder(sent, exports.aws.client))
    job = export(api).json

    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(exports, "rows", broken)
    with pytest.raises(RuntimeError):
        exports.run(job["id"])
    assert exports.run(job["id"], last_attempt=True) is ExportStatus.FAILED
    assert store.job(job["id"])["failure"] == "retries_exhausted"


def test_not_done_is_409_and_expired_is_410(api, org, clock, monkeypatch):
    sent: list[str] = []
    monkeypatch.setattr(exports.aws, "client", _queue_recorder(sent, exports.aws.client))
    job = export(api).json
    assert_error(
        api.call("GET", f"/v1/exports/{job['id']}/download", as_employee=HR), 409, "export_not_ready"
    )
    exports.run(job["id"])
    assert api.call("GET", f"/v1/exports/{job['id']}/download", as_employee=HR).status == 303
    clock.advance(days=RetentionSettings().export_days, seconds=1)  # the default: 7 days
    assert_error(api.call("GET", f"/v1/exports/{job['id']}/download", as_employee=HR), 410, "export_expired")
    assert store.job(job["id"])["expires_at"] > int((clock() + timedelta(days=RECORD_DAYS - 1)).timestamp())


MERGE = {"Content-Type": "application/merge-patch+json"}
SCHEDULE_EVENT = json.loads(
    (Path(__file__).parents[2] / "events/milestones_schedule/schedule.json").read_text()
)


def scheduled(api) -> dict:
    summary = api.invoke("MilestonesScheduleFunction", SCHEDULE_EVENT)
    api.drain_streams()
    return summary


def test_export_days_bounds_the_download_and_the_hourly_run_deletes_the_file(api, org, aws, clock):
    s3 = boto3.client("s3", region_name="us-east-1")
    for days in (0, 31, 2.5, None):
        body = {"retention": {"export_days": days}}
        reply = api.call("PATCH", "/v1/settings", as_employee=HR, body=body, headers=MERGE)
        assert_error(reply, 422, "invalid_request", body)
    reply = api.call(
        "PATCH", "/v1/settings", as_employee=HR, body={"retention": {"export_days": 2}}, headers=MERGE
    )
    assert reply.status == 200, reply.body
    (change,) = api.call("GET", "/v1/audit-log?action=settings.patch", as_employee=HR).json["items"]
    assert change["changes"]["retention.export_days"] == {"before": 7, "after": 2}

    job = export(api).json
    done = api.call("GET", f"/v1/exports/{job['id']}", as_employee=HR).json
    finished = datetime.fromisoformat(done["finished_at"])
    assert datetime.fromisoformat(done["file_expires_at"]) == finished + timedelta(days=2)
    key = keys.export_object(job["id"])

    clock.at = finished + timedelta(days=2) - timedelta(seconds=1)
    assert api.call("GET", f"/v1/exports/{job['id']}/download", as_employee=HR).status == 303
    assert scheduled(api)["export_files_deleted"] == 0
    assert s3.head_object(Bucket=bucket(), Key=key)["ContentLength"] == done["bytes"]

    clock.at = finished + timedelta(days=2)
    assert_error(api.call("GET", f"/v1/exports/{job['id']}/download", as_employee=HR), 410, "export_expired")
    run = scheduled(api)
    assert (run["export_files_deleted"], run["export_behind"]) == (1, 0)
    assert s3.list_objects_v2(Bucket=bucket(), Prefix="exports/")["KeyCount"] == 0
    # the record stays (a late download is 410, not 404) until its TTL, RECORD_DAYS after the file's end
    assert_error(api.call("GET", f"/v1/exports/{job['id']}/download", as_employee=HR), 410, "export_expired")
    record = store.job(job["id"])
    assert record["file_deleted_at"] == keys.iso(clock())
    assert record["expires_at"] == int((finished + timedelta(days=2 + RECORD_DAYS)).timestamp())
    assert scheduled(api)["export_files_deleted"] == 0  # once
    assert_audit_clean()


@pytest.mark.parametrize(
    ("who", "kind", "status"),
    [
        (HR, "ledger", 202),
        (FINANCE, "ledger", 202),
        (FINANCE, "audit-log", 403),
        (ALICE, "ledger", 403),
        (MAYA, "audit-log", 403),
    ],
)
def test_who_may_export_what(api, org, clock, who, kind, status):
    reply = export(api, who=who, kind=kind)
    if status == 202:
        assert reply.status == 202, reply.body
    else:
        assert_error(reply, status, "forbidden")


def test_a_job_is_its_requesters_only(api, org, clock):
    job = export(api, who=FINANCE).json
    for path in (f"/v1/exports/{job['id']}", f"/v1/exports/{job['id']}/download"):
        assert_error(api.call("GET", path, as_employee=HR), 404, "export_not_found")
        assert_error(api.call("GET", path, as_employee=ALICE), 404, "export_not_found")
    unknown = "exp_" + "0" * 26
    assert_error(api.call("GET", f"/v1/exports/{unknown}", as_employee=HR), 404, "export_not_found")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"kind": "ledger", "from": "2026-03-01", "to": "2026-02-01"}, 422, "invalid_request"),
        ({"kind": "ledger", "from": "2024-01-01", "to": "2025-12-31"}, 422, "invalid_request"),
        ({"kind": "payroll", "from": "2026-01-01", "to": "2026-01-31"}, 422, "invalid_request"),
        (
            {"kind": "ledger", "from": "2026-01-01", "to": "2026-01-31", "format": "xlsx"},
            422,
            "invalid_request",
        ),
        ({"kind": "ledger", "from": "2099-01-01", "to": "2099-01-31"}, 422, "period_in_future"),
    ],
)
def test_bad_requests_are_clear_4xx_and_write_nothing(api, org, aws, clock, body, status, code):
    before = table_items(aws)
    assert_error(api.call("POST", "/v1/exports", body=body, as_employee=HR), status, code)
    assert table_items(aws) == before
