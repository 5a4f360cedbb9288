"""Corrections over HTTP on the local stack: the README's Corrections block runs as written (a kudos given,
part of it taken back); a campaign's payment is corrected in part, then the rest, then 409
`already_reversed`; more than remains is a 409 `exceeds_paid`; an Idempotency-Key replays; a budget holder
who is not HR is refused; the budget gets its points back; the person's ledger shows the compensating
transaction; a direct award of a catalogue item delivered as a Plaudit voucher is taken back (the voucher
cancelled, the budget's points back, a second try 409 `already_reversed`); `plaudit audit` (ledger,
aggregates, chain) is green after each."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from polling import eventually

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
README_URL = "http://127.0.0.1:3000"
GRACE = "E9311"  # made here: paid by this module's campaign only
BUDGET = "e2e-corrections"


def corrections_block() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n**Corrections.**", 1)[1]
    found = re.search(r"```bash\n(.*?)```", section, flags=re.S)  # the paragraph's own block comes first
    assert found is not None
    return found.group(1)


def last_json(output: str) -> dict[str, Any]:
    start = output.rindex('{"id"')
    document, _ = json.JSONDecoder().raw_decode(output, start)
    return document


def test_the_readme_block_takes_back_part_of_a_kudos(stack):
    cli = f"{shlex.quote(sys.executable)} -m plaudit_dev.cli"  # the README's .venv/bin/plaudit
    script = corrections_block().replace(README_URL, "$PLAUDIT_URL").replace(".venv/bin/plaudit", cli)
    run = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        env=stack.env | {"PLAUDIT_URL": stack.api_url},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, (run.stdout[-2000:], run.stderr[-2000:])
    assert '"error"' not in run.stdout, run.stdout[-2000:]
    correction = last_json(run.stdout)
    assert correction["reversed"] == {"E1004": 4}
    assert correction["to"] == "org:forfeited"


def grace_and_budget(stack, hr: str, funds_key: str) -> None:
    """Grace in the directory and this module's budget, topped up by 500 points once per `funds_key`."""
    person = {"email": "grace.lin@plaudit.example", "name": "Grace Lin", "department": "Support"}
    hired = stack.request("PUT", f"/v1/employees/{GRACE}", token=hr, body=person)
    assert hired.status in (200, 201), hired.body
    made = stack.request(
        "POST", "/v1/budgets", token=hr, body={"id": BUDGET, "name": "E2E corrections", "kind": "company"}
    )
    assert made.status in (201, 409), made.body
    topped = stack.request(
        "POST",
        f"/v1/budgets/{BUDGET}/top-ups",
        token=hr,
        body={"points": 500},
        headers={"Idempotency-Key": funds_key},
    )
    assert topped.status == 201, topped.body


def test_a_campaign_payment_is_corrected_bounded_and_audited(stack, tmp_path):
    hr = stack.token("--role", "hr_admin")
    grace_and_budget(stack, hr, "e2e-corrections-funds")
    sheet = tmp_path / "paid.csv"
    sheet.write_text(f"employee_id,points,message\n{GRACE},40,Launch thanks\n")
    ran = stack.cli("campaign", "run", str(sheet), "--budget", BUDGET, "--name", "Paid in error")
    assert ran.returncode == 0, (ran.stdout, ran.stderr)
    campaign_id = ran.stdout.split()[1].rstrip(":")
    awards = stack.request("GET", f"/v1/milestones/awards?employee={GRACE}&limit=100", token=hr).json
    (award,) = [a for a in awards["items"] if a["rule_id"] == f"campaign:{campaign_id}"]
    budget = stack.request("GET", f"/v1/budgets/{BUDGET}", token=hr).json["balance"]

    def correct(token: str = hr, key: str | None = None, **fields: Any):
        body = {"award_id": award["id"], "reason": "Paid to the wrong person"} | fields
        headers = {"Idempotency-Key": key} if key else None
        return stack.request("POST", "/v1/corrections", token=token, body=body, headers=headers)

    grace = stack.token("--employee", GRACE)
    assert correct(token=grace).status == 403
    first = correct(points=15, key=f"e2e-fix-{award['id']}")
    assert first.status == 201, first.body
    assert (first.json["reversed"], first.json["to"]) == ({GRACE: 15}, f"budget:{BUDGET}")
    again = correct(points=15, key=f"e2e-fix-{award['id']}")
    assert (again.status, again.json, again.headers.get("idempotent-replayed")) == (201, first.json, "true")
    over = correct(points=26)
    assert (over.status, over.json["error"]["code"]) == (409, "exceeds_paid")
    assert over.json["error"]["details"]["remaining"] == 25
    rest = correct()
    assert rest.status == 201, rest.body
    assert rest.json["reversed"] == {GRACE: 25}
    done = correct()
    assert (done.status, done.json["error"]["code"]) == (409, "already_reversed")
    assert stack.request("GET", f"/v1/budgets/{BUDGET}", token=hr).json["balance"] == budget + 40
    ledger = stack.request("GET", f"/v1/employees/{GRACE}/ledger", token=hr).json["items"]
    assert sorted(line["amount"] for line in ledger if line["kind"] == "correction") == [-25, -15]
    trail = stack.request("GET", "/v1/audit-log?action=ledger.correct", token=hr).json["items"]
    assert {entry["target"] for entry in trail} >= {f"award:{award['id']}"}
    audit = stack.cli("audit")
    assert audit.returncode == 0, (audit.stdout, audit.stderr)


def test_a_direct_item_award_is_taken_back_while_its_voucher_is_unused(stack):
    hr = stack.token("--role", "hr_admin")
    grace_and_budget(stack, hr, "e2e-corrections-item-funds")
    perk = {
        "name": "E2E corrections: late start",
        "category": "perks",
        "type": "company_perk",
        "currency": "USD",
        "denominations": {"fixed": ["5"]},
        "fulfilment": "internal",
    }
    item = stack.request("POST", "/v1/catalog/items", token=hr, body=perk)
    assert item.status == 201, item.body
    budget = stack.request("GET", f"/v1/budgets/{BUDGET}", token=hr).json["balance"]
    body = {"employee_id": GRACE, "item_id": item.json["id"], "denomination": "5", "budget_id": BUDGET}
    given = stack.request("POST", "/v1/awards", token=hr, body=body, headers={"Idempotency-Key": "e2e-item"})
    assert given.status == 201, given.body
    rid = given.json["id"]

    def delivered() -> str | None:
        found = stack.request("GET", f"/v1/redemptions/{rid}", token=hr).json
        return found["voucher_id"] if found["status"] == "fulfilled" else None

    voucher_id = eventually(delivered, f"award {rid} delivered")
    correct = {"award_id": rid, "reason": "Given to the wrong Grace"}
    done = stack.request("POST", "/v1/corrections", token=hr, body=correct)
    assert done.status == 201, done.body
    assert done.json["cancelled"] == f"voucher:{voucher_id}"
    assert stack.request("GET", f"/v1/budgets/{BUDGET}", token=hr).json["balance"] == budget
    mine = stack.request("GET", "/v1/vouchers/mine", token=stack.token("--employee", GRACE)).json["items"]
    assert [v["status"] for v in mine if v["id"] == voucher_id] == ["cancelled"]
    again = stack.request("POST", "/v1/corrections", token=hr, body=correct)
    assert (again.status, again.json["error"]["code"]) == (409, "already_reversed")
    trail = stack.request("GET", "/v1/audit-log?action=ledger.correct", token=hr).json["items"]
    assert f"redemption:{rid}" in {entry["target"] for entry in trail}
    assert stack.request("DELETE", f"/v1/catalog/items/{item.json['id']}", token=hr).status in (200, 204)
    audit = stack.cli("audit")
    assert audit.returncode == 0, (audit.stdout, audit.stderr)
