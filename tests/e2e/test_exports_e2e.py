"""Exports over HTTP on the local stack: HR asks for a ledger export, polls the job until the worker has
written it to the stack's S3 (moto), follows the download's redirect to the presigned link from this
machine and gets the CSV, whose rows hold every line of the ledger as the wallet's ledger shows it; an
employee is refused and sees no one else's job."""

from __future__ import annotations

import csv
import io
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime

import pytest

pytestmark = pytest.mark.e2e

FATIMA, BOB = "E1008", "E1004"  # Fatima gives in no other e2e test: her allowance is hers alone
POLL_SECONDS = 60


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _download(stack, path: str, token: str) -> tuple[int, dict[str, str]]:
    headers = {"Authorization": f"Bearer {token}"}
    request = urllib.request.Request(stack.api_url + path, headers=headers)  # noqa: S310 - loopback only
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=30) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}


def test_a_ledger_export_over_http_downloads_the_ledger_as_csv(stack):
    hr, fatima = stack.token("--role", "hr_admin"), stack.token("--employee", FATIMA)
    kudos = {"recipient_ids": [BOB], "points": 7, "message": "For the export"}
    given = stack.request(
        "POST", "/v1/recognitions", token=fatima, body=kudos, headers={"Idempotency-Key": "e2e-x"}
    )
    assert given.status == 201, given.body

    today = datetime.now(UTC).date().isoformat()
    body = {"kind": "ledger", "from": f"{today[:4]}-01-01", "to": today}
    queued = stack.request(
        "POST", "/v1/exports", token=hr, body=body, headers={"Idempotency-Key": "e2e-export"}
    )
    assert queued.status == 202, queued.body
    job_id = queued.json["id"]

    deadline = time.monotonic() + POLL_SECONDS
    while True:
        job = stack.request("GET", f"/v1/exports/{job_id}", token=hr).json
        if job["status"] in ("done", "failed") or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert job["status"] == "done", job

    status, headers = _download(stack, f"/v1/exports/{job_id}/download", hr)
    assert status == 303
    link = headers.get("Location") or headers["location"]
    assert link.startswith("http://127.0.0.1:")  # the local stack's S3, reachable from this machine
    with urllib.request.urlopen(link, timeout=30) as response:  # noqa: S310 - the local stack's link
        text = response.read().decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == job["rows"]

    ledger = stack.request("GET", f"/v1/employees/{FATIMA}/ledger?limit=100", token=hr).json["items"]
    exported = {(row["txn_id"], row["account"], int(row["amount"])) for row in rows}
    for line in ledger:
        assert (line["txn_id"], f"emp:{FATIMA}:{line['balance']}", line["amount"]) in exported, line

    assert stack.request("GET", f"/v1/exports/{job_id}", token=fatima).status == 404
    refused = stack.request("POST", "/v1/exports", token=fatima, body=body)
    assert refused.status == 403, refused.body
