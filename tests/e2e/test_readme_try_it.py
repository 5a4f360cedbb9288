"""The README's "Try it" block runs start to finish as written, against a freshly seeded local stack: the
kudos, the HRIS bonus, the redemption, the approval and the voucher taken at the cafeteria."""

from __future__ import annotations

import json
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


def try_it_block() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Try it\n", 1)[1].split("\n## ", 1)[0]
    [block] = re.findall(r"```bash\n(.*?)```", section, flags=re.S)
    return block


def test_the_try_it_block_runs_start_to_finish(tmp_path: Path, start_stack: Callable[..., Any]) -> None:
    cli = f"{shlex.quote(sys.executable)} -m plaudit_dev.cli"  # the README's .venv/bin/plaudit
    script = try_it_block().replace(README_URL, "$PLAUDIT_URL").replace(".venv/bin/plaudit", cli)
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
    assert run.stdout.rstrip().endswith("}")
    assert last_json(run.stdout)["status"] == "redeemed"  # the voucher, used up at the cafeteria


def last_json(output: str) -> dict[str, Any]:
    """The last JSON document printed (curl's answers follow each other without a newline)."""
    line, decoder, documents, at = output.rstrip().splitlines()[-1], json.JSONDecoder(), [], 0
    while at < len(line):
        start = line.index("{", at)
        document, at = decoder.raw_decode(line, start)
        documents.append(document)
    return documents[-1]
