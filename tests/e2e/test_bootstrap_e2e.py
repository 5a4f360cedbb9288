"""`plaudit bootstrap` against the running local stack, as a company applies its organisation file: through
the HTTP API, a rerun changing nothing, a dry run printing the diff, and a top-up never made twice, even
by someone else. Uses a budget of its own so the other stories' figures stay as they are."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
BUDGET = "bootstrap-e2e"
ORG = f"""\
settings:
  currency: USD
budgets:
  - id: {BUDGET}
    name: Bootstrap story
    kind: program
    top_ups:
      - {{key: launch, points: 300, note: Launch}}
"""
SECOND = "      - {key: second, points: 200}\n"


def balance(stack, token: str) -> int:
    reply = stack.request("GET", f"/v1/budgets/{BUDGET}", token=token)
    assert reply.status == 200, reply.body
    return reply.json["balance"]


def test_the_demo_organisation_is_what_examples_org_yaml_says(stack):
    """The seed applied it through the same command: a dry run finds the definitions in place."""
    run = stack.cli("bootstrap", str(ROOT / "examples" / "org.yaml"), "--dry-run")
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip().splitlines()[-1].startswith("dry run (nothing written): ")
    for kind in ("catalog item", "milestone rule", "badge", "budget"):
        assert f"create {kind}" not in run.stdout


def test_a_rerun_changes_only_what_the_file_changed(stack, tmp_path):
    hr = stack.token("--role", "hr_admin")
    org = tmp_path / "org.yaml"
    org.write_text(ORG)

    first = stack.cli("bootstrap", str(org))
    assert first.returncode == 0, first.stdout + first.stderr
    assert first.stdout.strip().splitlines()[-1] == "2 changed, 1 unchanged"  # budget, top-up; settings equal
    assert balance(stack, hr) == 300

    again = stack.cli("bootstrap", str(org))
    assert again.stdout.strip().splitlines() == ["0 changed, 2 unchanged"]

    org.write_text(ORG + SECOND)
    preview = stack.cli("bootstrap", str(org), "--dry-run")
    assert preview.stdout.strip().splitlines() == [
        f"top up budget '{BUDGET}' (second)",
        "    +200 points",
        "dry run (nothing written): 1 to change, 1 unchanged",
    ]
    assert balance(stack, hr) == 300

    applied = stack.cli("bootstrap", str(org))
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert balance(stack, hr) == 500

    # finance (another caller, so another idempotency scope) applies the budgets again: the ledger's notes
    # say both top-ups are made
    budgets_only = tmp_path / "budgets.yaml"
    budgets_only.write_text((ORG + SECOND).split("budgets:\n", 1)[1].join(["budgets:\n", ""]))
    finance = stack.token("--employee", "E1009")
    by_finance = stack.cli("bootstrap", str(budgets_only), "--token", finance)
    assert by_finance.stdout.strip().splitlines() == ["0 changed, 1 unchanged"], by_finance.stderr
    assert balance(stack, hr) == 500
    ledger = stack.request("GET", f"/v1/budgets/{BUDGET}/ledger", token=hr).json["items"]
    assert sorted(line["memo"] for line in ledger) == ["Launch [bootstrap:launch]", "[bootstrap:second]"]


def test_a_bad_file_names_its_lines_and_changes_nothing(stack, tmp_path):
    org = tmp_path / "org.yaml"
    org.write_text(ORG.replace("kind: program", "kind: forever").replace("points: 300", "points: -1"))
    run = stack.cli("bootstrap", str(org))
    assert run.returncode == 2
    assert run.stdout.splitlines() == [
        f"{org}:6: budgets.0.kind: Input should be 'company', 'department' or 'program'",
        f"{org}:8: budgets.0.top_ups.0.points: Input should be greater than or equal to 1",
    ]
