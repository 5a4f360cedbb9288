"""The API fuzzer: schemathesis generates valid and invalid requests for every operation of the OpenAPI
document the local stack publishes (/openapi.json), as an employee and as an HR admin, and checks that no
answer is a 5xx and that every answer is documented: its status, content type and body schema.

Its own stage (`pytest -m fuzz`, in `make test`), bounded by FUZZ_EXAMPLES per operation and role and a
fixed seed, so a run is repeatable. It drives schemathesis' own runner (`st run`), whose report of a
failure is a minimal reproduction: the check that failed, the response, and a curl command.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.fuzz

FUZZ_EXAMPLES = os.environ.get("FUZZ_EXAMPLES", "10")
FUZZ_SEED = os.environ.get("FUZZ_SEED", "20261204")
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
# (the token's `plaudit token` arguments, the phases): an HR admin reaches every operation's logic, so its
# run adds the coverage phase (boundary and wrong-type values of every parameter: the slow part); an
# employee's is mostly refused, so random examples suffice
ROLES = {
    "employee": (("--employee", "E1003"), "fuzzing"),
    "hr_admin": (("--role", "hr_admin"), "coverage,fuzzing"),
}
ST = Path(sys.executable).with_name("st")


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_operation_answers_as_documented_and_never_5xx(stack, role, tmp_path):
    document = stack.request("GET", "/openapi.json")  # merged from every function: slow the first time
    assert document.status == 200, document.body
    (tmp_path / "openapi.json").write_bytes(document.body)
    token_args, phases = ROLES[role]
    token = stack.token(*token_args)
    run = subprocess.run(
        [
            str(ST),
            "run",
            "openapi.json",
            "--url",
            stack.api_url,
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            CHECKS,
            "--max-examples",
            FUZZ_EXAMPLES,
            "--seed",
            FUZZ_SEED,
            "--phases",
            phases,  # never `stateful`: its chains of calls cost far more than they found here
            "--workers",
            "2",
            "--generation-database",
            "none",
            "--no-color",
            "--warnings",
            "off",
        ],
        env={**stack.env, "SCHEMATHESIS_HOOKS": "fuzz_hooks", "PYTHONPATH": str(Path(__file__).parent)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, f"schemathesis as {role}:\n{run.stdout}\n{run.stderr}"
