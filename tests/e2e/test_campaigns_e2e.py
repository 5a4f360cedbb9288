"""Campaigns over HTTP on the local stack: HR funds a budget, `plaudit campaign preview` and `run` a CSV
(the chunks go through the stack's SQS queue to the worker), the progress and the report over REST say
who was paid and who skipped; the same command again pays nobody twice; a bad CSV is refused line by line;
`plaudit audit` stays green."""

from __future__ import annotations

import csv
import io

import pytest

pytestmark = pytest.mark.e2e

HUGO, IRIS, JON = "E1010", "E1011", "E1012"  # the People department; in no other e2e campaign
BUDGET = "e2e-campaigns"


def test_a_campaign_from_a_csv_pays_each_person_once(stack, tmp_path):
    hr = stack.token("--role", "hr_admin")
    made = stack.request(
        "POST",
        "/v1/budgets",
        token=hr,
        body={"id": BUDGET, "name": "E2E campaigns", "kind": "program", "departments": ["People"]},
    )
    assert made.status in (201, 409), made.body
    topped = stack.request(
        "POST",
        f"/v1/budgets/{BUDGET}/top-ups",
        token=hr,
        body={"points": 1_000},
        headers={"Idempotency-Key": "e2e-campaign-funds"},
    )
    assert topped.status == 201, topped.body
    before = {
        p: stack.request("GET", f"/v1/employees/{p}/wallet", token=hr).json["points"] for p in (HUGO, IRIS)
    }

    sheet = tmp_path / "thanks.csv"
    sheet.write_text(f"employee_id,points,message\n{HUGO},30,Thank you\n{IRIS},20,\nE9999,5,\nE1003,5,\n")
    preview = stack.cli("campaign", "preview", str(sheet), "--budget", BUDGET, "--name", "Quarter thanks")
    assert preview.returncode == 0, preview.stderr
    assert "2 people, 50 points" in preview.stdout
    assert "line 4 (E9999): unknown" in preview.stdout
    assert "line 5 (E1003): outside_budget_scope" in preview.stdout

    args = ("campaign", "run", str(sheet), "--budget", BUDGET, "--name", "Quarter thanks", "--public")
    ran = stack.cli(*args)
    assert ran.returncode == 0, (ran.stdout, ran.stderr)
    assert "done: 2 paid, 0 pending for the budget, 0 failed, 2 skipped" in ran.stdout
    campaign_id = ran.stdout.split()[1].rstrip(":")
    again = stack.cli(*args)  # resubmitted: the same campaign, nobody paid twice
    assert again.returncode == 0, again.stderr
    assert again.stdout.split()[1].rstrip(":") == campaign_id

    after = {
        p: stack.request("GET", f"/v1/employees/{p}/wallet", token=hr).json["points"] for p in (HUGO, IRIS)
    }
    assert (after[HUGO] - before[HUGO], after[IRIS] - before[IRIS]) == (30, 20)
    progress = stack.request("GET", f"/v1/campaigns/{campaign_id}", token=hr).json
    assert (progress["status"], progress["paid"], progress["remaining"]) == ("done", 2, 0)
    report = stack.request("GET", f"/v1/campaigns/{campaign_id}/report", token=hr)
    assert report.status == 200
    rows = {row["employee_id"]: row for row in csv.DictReader(io.StringIO(report.body.decode()))}
    assert (rows[HUGO]["outcome"], rows["E9999"]["outcome"], rows["E1003"]["reason"]) == (
        "paid",
        "skipped",
        "outside_budget_scope",
    )
    alice = stack.token("--employee", "E1003")
    assert stack.request("GET", f"/v1/campaigns/{campaign_id}", token=alice).status == 403

    bad = tmp_path / "bad.csv"
    bad.write_text(f"employee_id,points\n{JON},-1\n,3\n")
    refused = stack.cli("campaign", "run", str(bad), "--budget", BUDGET)
    assert refused.returncode == 1
    assert "campaign_csv_invalid" in refused.stderr
    assert "line 2.points" in refused.stderr
    assert "line 3" in refused.stderr
    assert stack.cli("audit").returncode == 0
