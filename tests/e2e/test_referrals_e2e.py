"""Referrals over HTTP on a local stack of their own: the README's "Referrals" block runs as written (a
budget, a referral rule, a hire over REST, a CSV through `plaudit referrals import`, the hourly function
paying a later part that fell due), then the same hire reported again by the signed HRIS webhook and over
REST pays nothing twice, a bad CSV is refused line by line, and `plaudit audit` stays green."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
README_URL = "http://127.0.0.1:3000"
DANA, CARLOS, BOB, HUGO, JON = "E1006", "E1005", "E1004", "E1010", "E1012"


def referrals_block() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Referrals\n", 1)[1].split("\n## ", 1)[0]
    [block] = re.findall(r"```bash\n(.*?)```", section, flags=re.S)
    return block


def referral_awards(stack: Any, token: str, employee_id: str) -> list[int]:
    reply = stack.request("GET", f"/v1/milestones/awards?employee={employee_id}", token=token)
    assert reply.status == 200, reply.body
    return sorted(award["points"] for award in reply.json["items"] if award["source"] == "referral")


def test_the_readme_block_and_replays(tmp_path: Path, start_stack: Callable[..., Any]) -> None:
    cli = f"{shlex.quote(sys.executable)} -m plaudit_dev.cli"
    script = referrals_block().replace(README_URL, "$PLAUDIT_URL").replace(".venv/bin/plaudit", cli)
    with start_stack(tmp_path) as stack:
        run = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            env=stack.env | {"PLAUDIT_URL": stack.api_url},
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert run.returncode == 0, run.stderr[-2000:]
        assert '"error"' not in run.stdout, run.stdout[-2000:]
        assert f"{HUGO} referred by {CARLOS}: 400 points now, then 600 on 2025-04-06" in run.stdout
        hr = stack.token("--role", "hr_admin")
        listed = {r["hire_id"]: r for r in stack.request("GET", "/v1/referrals", token=hr).json["items"]}
        assert [p["status"] for p in listed[HUGO]["parts"]] == ["awarded", "awarded"]  # paid by the run
        assert [p["status"] for p in listed[JON]["parts"]] == ["awarded", "scheduled"]
        assert (referral_awards(stack, hr, DANA), referral_awards(stack, hr, CARLOS)) == ([400], [400, 600])

        again = {"hire_id": JON, "referrer_id": BOB, "hired_on": "2026-11-02"}
        replay = stack.request("POST", "/v1/referrals", token=hr, body=again)
        assert (replay.status, replay.json["error"]["code"]) == (409, "referral_already_recorded")
        assert replay.json["error"]["details"]["referrer_id"] == DANA
        event = {"type": "referral.hired", **again}
        delivery = {"id": "e2e-referral-1", "events": [event]}
        stack.deliver_hris(delivery)
        assert stack.request("GET", "/_local/idle?timeout=30").status == 200
        assert (referral_awards(stack, hr, DANA), referral_awards(stack, hr, BOB)) == ([400], [])

        bad = tmp_path / "bad.csv"
        bad.write_text(f"hire_id,referrer_id,hired_on\nE3001,E9999,2026-11-30\n{JON},{BOB},2026-11-02\n")
        refused = stack.cli("referrals", "import", str(bad))
        assert refused.returncode == 1, refused.stdout
        assert "referral_csv_invalid" in refused.stderr
        assert "line 2: The referrer is not in the directory." in refused.stderr
        audit = stack.cli("audit")
        assert audit.returncode == 0, audit.stdout + audit.stderr
