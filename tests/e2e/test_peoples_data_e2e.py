"""People's data over HTTP on the local stack (issue 15), with two newcomers of its own so no other test's
people change: HR hides a kudos that broke the rules (it leaves the giver's feed), downloads a person's
data (a zip whose person.json holds their kudos and the notices DMed to them), erases her (the API names
her "Former employee", her kudos' messages are gone); then, with erasure after termination at 0 days and
retention on, the directory deactivates the other newcomer and the hourly schedule's run erases him by the
system and reports its retention counts (kudos messages, export files); the settings are put back and
`plaudit audit` proves the ledger, the aggregates and the trail's chain."""

from __future__ import annotations

import io
import json
import time
import urllib.request
import zipfile

import pytest

pytestmark = pytest.mark.e2e

NINA, OMAR, IRIS = "E9301", "E9302", "E1011"
POLL_SECONDS = 60
MERGE = {"Content-Type": "application/merge-patch+json"}


def _newcomer(stack, hr: str, employee_id: str, name: str, **more: str) -> None:
    first = name.split()[0].lower()
    entry = {"email": f"{first}.newcomer@plaudit.example", "name": name, "manager_id": "E1001", **more}
    reply = stack.request("PUT", f"/v1/employees/{employee_id}", token=hr, body=entry)
    assert reply.status in (200, 201), reply.body


def _give(stack, token: str, to: str, message: str) -> str:
    body = {"recipient_ids": [to], "points": 5, "message": message}
    reply = stack.request("POST", "/v1/recognitions", token=token, body=body)
    assert reply.status == 201, reply.body
    return reply.json["id"]


def _idle(stack) -> None:
    with urllib.request.urlopen(f"{stack.api_url}/_local/idle?timeout=30", timeout=60) as reply:  # noqa: S310
        reply.read()


def _settings(stack, hr: str, patch: dict) -> None:
    reply = stack.request("PATCH", "/v1/settings", token=hr, body=patch, headers=MERGE)
    assert reply.status == 200, reply.body


def _export(stack, hr: str, employee_id: str) -> dict:
    queued = stack.request("POST", f"/v1/employees/{employee_id}/exports", token=hr)
    assert queued.status == 202, queued.body
    deadline = time.monotonic() + POLL_SECONDS
    while True:
        job = stack.request("GET", f"/v1/exports/{queued.json['id']}", token=hr).json
        if job["status"] in ("done", "failed") or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert job["status"] == "done", job
    request = urllib.request.Request(  # noqa: S310 - loopback only; the redirect's link is presigned
        f"{stack.api_url}/v1/exports/{job['id']}/download", headers={"Authorization": f"Bearer {hr}"}
    )
    with urllib.request.urlopen(request, timeout=30) as reply:  # noqa: S310
        archive = zipfile.ZipFile(io.BytesIO(reply.read()))
    return json.loads(archive.read("person.json"))["sections"]


def test_hide_export_erase_and_the_scheduled_erasure_over_http(stack):
    hr = stack.token("--role", "hr_admin")
    _newcomer(stack, hr, NINA, "Nina Newcomer", slack_user_id="U9301NINA")  # the kudos are DMed to her
    _newcomer(stack, hr, OMAR, "Omar Newcomer")
    omar = stack.token("--employee", OMAR)
    kept = _give(stack, omar, NINA, "Thanks Nina for the onboarding")
    rude = _give(stack, omar, NINA, "Something that broke the rules")
    _idle(stack)

    hidden = stack.request(
        "POST",
        f"/v1/recognitions/{rude}/hide",
        token=hr,
        body={"reason": "Broke the rules", "points": "keep"},
    )
    assert hidden.status == 200, hidden.body
    _idle(stack)
    feed = stack.request("GET", f"/v1/recognitions?giver={OMAR}", token=omar)
    assert feed.status == 200, feed.body
    assert [item["id"] for item in feed.json["items"]] == [kept]

    person = _export(stack, hr, NINA)
    assert [kudos["message"] for kudos in person["kudos_received"] if kudos["id"] == kept] == [
        "Thanks Nina for the onboarding"
    ]
    told = [
        (notice["kind"], notice["channel"])
        for notice in person["notifications"]
        if notice["subject_id"] == kept
    ]
    assert told == [("kudos", "slack_dm")]  # the log of what she was sent, never its text

    erased = stack.request("POST", f"/v1/employees/{NINA}/erasure", token=hr, body={"reason": "Asked (e2e)"})
    assert erased.status == 201, erased.body
    assert erased.json["points_expired"] == 10  # both kudos: the hidden one kept its points
    _idle(stack)
    assert stack.request("GET", f"/v1/employees/{NINA}", token=hr).json["name"] == "Former employee"
    assert stack.request("GET", f"/v1/recognitions/{kept}", token=hr).json["message"] == ""

    _settings(stack, hr, {"erasure": {"after_termination_days": 0}, "retention": {"kudos_message_days": 30}})
    try:
        entry = stack.request("GET", f"/v1/employees/{OMAR}", token=hr).json
        leaving = {k: v for k, v in entry.items() if k != "id"} | {"status": "deactivated"}
        assert stack.request("PUT", f"/v1/employees/{OMAR}", token=hr, body=leaving).status == 200
        fired = stack.cli("schedule", "fire", "MilestonesScheduleFunction")
        assert fired.returncode == 0, fired.stdout + fired.stderr
        result = json.loads(fired.stdout)["result"]
        assert result["erasures_erased"] == 1, result
        assert "retention_messages_blanked" in result  # nothing here is 30 days old: counted, not blanked
        # the export files' cleanup ran under the schedule's own role (no file here has reached its day)
        assert (result["export_files_deleted"], result["export_behind"]) == (0, 0), result
    finally:
        _settings(
            stack,
            hr,
            {"erasure": {"after_termination_days": None}, "retention": {"kudos_message_days": None}},
        )
    assert stack.request("GET", f"/v1/employees/{OMAR}", token=hr).json["status"] == "erased"
    trail = stack.request("GET", "/v1/audit-log?action=employee.erase", token=hr).json["items"]
    assert {(act["target"], act["actor"]) for act in trail} >= {
        (f"employee:{NINA}", "E1001"),
        (f"employee:{OMAR}", "plaudit-system"),
    }

    _idle(stack)
    audit = stack.cli("audit")
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert "ledger OK" in audit.stdout
