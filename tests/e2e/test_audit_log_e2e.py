"""The administrative trail over HTTP on the local stack: HR's acts land in GET /v1/audit-log (JSON and CSV)
with the request's id, an employee is refused, and `plaudit audit` proves the chain the stack wrote."""

from __future__ import annotations

import csv
import io

import pytest

pytestmark = pytest.mark.e2e

ALICE, BOB = "E1003", "E1004"


def test_hr_changes_are_in_the_audit_log_as_json_and_csv_and_the_chain_holds(stack):
    hr = stack.token("--role", "hr_admin")
    patch = stack.request(
        "PATCH",
        "/v1/settings",
        token=hr,
        body={"allowances": {"employee": 150}},
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert patch.status == 200, patch.body
    budget = {"id": "e2e-trail", "name": "E2E trail", "kind": "company"}
    assert stack.request("POST", "/v1/budgets", token=hr, body=budget).status == 201
    top_up = stack.request("POST", "/v1/budgets/e2e-trail/top-ups", token=hr, body={"points": 500})
    assert top_up.status == 201, top_up.body

    page = stack.request("GET", "/v1/audit-log?limit=3", token=hr)
    assert page.status == 200, page.body
    newest = page.json["items"]
    assert [(e["action"], e["target"]) for e in newest] == [
        ("budget.top_up", "budget:e2e-trail"),
        ("budget.create", "budget:e2e-trail"),
        ("settings.patch", "settings"),
    ]
    assert newest[2]["changes"]["allowances.employee"]["after"] == 150
    assert newest[0]["prev_hash"] == newest[1]["hash"]
    assert len({e["correlation_id"] for e in newest}) == 3  # each request's own id
    assert page.json["next_cursor"]

    filtered = stack.request("GET", "/v1/audit-log?target=budget:e2e-trail&action=budget.create", token=hr)
    assert [e["seq"] for e in filtered.json["items"]] == [newest[1]["seq"]]

    as_csv = stack.request("GET", "/v1/audit-log?limit=3", token=hr, headers={"Accept": "text/csv"})
    assert as_csv.status == 200, as_csv.body
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.body.decode())))
    assert [int(row["seq"]) for row in rows] == [e["seq"] for e in newest]
    assert as_csv.headers["next-cursor"] == page.json["next_cursor"]

    audit = stack.cli("audit")
    assert audit.returncode == 0, audit.stderr
    assert "trail OK" in audit.stdout


def test_an_employee_is_refused_the_audit_log(stack):
    reply = stack.request("GET", "/v1/audit-log", token=stack.token("--employee", ALICE))
    assert reply.status == 403
    assert reply.json["error"]["code"] == "forbidden"
    bad = stack.request("GET", "/v1/audit-log?from=last-week", token=stack.token("--role", "hr_admin"))
    assert bad.status == 422
    assert bad.json["error"]["code"] == "invalid_request"
