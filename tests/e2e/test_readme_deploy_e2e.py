"""README's "From zero to a live organisation" runs as far as an offline machine allows: its `plaudit`
commands, line by line as written, against a local stack of their own (the local stack instead of
`--stack`, examples/employees.csv and examples/org.yaml for the company's files, a dev token as
PLAUDIT_TOKEN), `sam validate --lint` as written; `make build` runs in the template stage; what needs an AWS
account (`sam deploy`, `aws`) is a list checked here, so a new such command is a visible change."""

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
NEEDS_AN_ACCOUNT = {"sam deploy", "aws secretsmanager", "aws cloudformation", "aws s3"}
SETUP = ("STACK=", "export PLAUDIT_TOKEN=", "cp examples/org.yaml org.yaml")
BUILD = {
    "make build",
    "make console",
}  # the template stage runs a real sam build, the browser stage the console


def commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n### From zero to a live organisation\n", 1)[1].split("\n## ", 1)[0]
    [block] = re.findall(r"```bash\n(.*?)```", section, flags=re.S)
    joined = block.replace("\\\n", " ")
    return [
        line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]


def kind(command: str) -> str:
    words = command.replace(".venv/bin/", "").split()
    return " ".join(words[:2])


def test_every_command_is_run_here_or_listed_as_needing_an_account():
    seen = {kind(command) for command in commands() if not command.startswith(SETUP)}
    runnable = {name for name in seen if name.startswith(("plaudit ", "sam validate"))}
    assert seen - runnable - BUILD == NEEDS_AN_ACCOUNT
    assert runnable >= {"plaudit import", "plaudit bootstrap", "plaudit audit", "sam validate"}


def local(command: str) -> list[str]:
    """The README's line for the local stack: no --stack, the example files for the company's own."""
    words = shlex.split(command.replace("$STACK", "STACK"))
    if "--stack" in words:
        at = words.index("--stack")
        del words[at : at + 2]
    files = {"people.csv": "examples/employees.csv", "org.yaml": "examples/org.yaml"}
    words = [files.get(word, word) for word in words]
    if words[0] == ".venv/bin/plaudit":
        return [sys.executable, "-m", "plaudit_dev.cli", *words[1:]]
    assert words[0] == ".venv/bin/sam"
    return [str(Path(sys.executable).parent / "sam"), *words[1:]]


def test_the_plaudit_commands_run_against_a_local_stack(tmp_path: Path, start_stack: Callable[..., Any]):
    lines = [command for command in commands() if kind(command).startswith(("plaudit ", "sam validate"))]
    with start_stack(tmp_path) as stack:
        env = stack.env | {"PLAUDIT_TOKEN": stack.token("--role", "hr_admin"), "SAM_CLI_TELEMETRY": "0"}
        env.setdefault("AWS_DEFAULT_REGION", "us-east-1")
        outputs = []
        for command in lines:
            run = subprocess.run(
                local(command), env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
            )
            assert run.returncode == 0, f"{command}\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}"
            outputs.append(run.stdout)
    by_command = dict(zip(lines, outputs, strict=True))
    bootstrap = [out for command, out in by_command.items() if kind(command) == "plaudit bootstrap"]
    assert bootstrap[-1].strip().splitlines()[-1].startswith("0 changed")  # the seed applied the same file
    audit = next(out for command, out in by_command.items() if kind(command) == "plaudit audit")
    assert "ledger OK" in audit
