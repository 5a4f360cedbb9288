"""`python -m bench.ci_time [STAGE_TIMES]`: the "CI time" section of docs/performance.md, from the stage
times `make test` recorded (devtools/stage.sh writes `.make-test-stages`: one `name seconds status` line per
stage). Measure from a fresh clone (`git clone ... && cd ... && make test`), so the install stage is the
first one's; then run this with that clone's file. The section is kept between markers when `python -m bench`
rewrites the rest of the file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.machine import describe
from bench.moto_host import REPO_ROOT
from bench.sections import write

DEFAULT_OUTPUT = REPO_ROOT / "docs" / "performance.md"
LIMIT_MIN = 45  # issue 9: the whole run, on 2 cores, with room for the browser tests still to come


def render(stages: list[tuple[str, int, str]], note: str) -> str:
    machine = describe()
    total = sum(seconds for _, seconds, _ in stages)
    lines = [
        "<!-- bench.ci-time: start -->",
        "## CI time",
        "",
        f"`make test` {note}.",
        "",
        f"Written on {machine.date}: {machine.cpus} CPUs ({machine.cpu_model}), {machine.python}, load "
        f"average {machine.load_at_start} at the time. Each stage's time as `make test` printed it "
        "(devtools/stage.sh):",
        "",
        "| stage | time | result |",
        "|---|---|---|",
        *(f"| {name} | {_minutes(seconds)} | {status} |" for name, seconds, status in stages),
        f"| **total** | **{_minutes(total)}** | limit {LIMIT_MIN} min: {_verdict(stages, total)} |",
        "<!-- bench.ci-time: end -->",
    ]
    return "\n".join(lines)


def _verdict(stages: list[tuple[str, int, str]], total: int) -> str:
    if total > LIMIT_MIN * 60:
        return "**exceeded**"
    if any(status != "ok" for _, _, status in stages):
        return "not known (a stage failed, so make test stopped there)"
    return "met"


def _minutes(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ci_time", description=__doc__)
    parser.add_argument("stage_times", type=Path, nargs="?", default=REPO_ROOT / ".make-test-stages")
    parser.add_argument("--note", default="from a fresh clone", help="how it was run (from a fresh clone)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    stages = []
    for line in args.stage_times.read_text(encoding="utf-8").splitlines():
        name, seconds, status = line.split(" ", 2)
        stages.append((name, int(seconds), status))
    section = render(stages, args.note)
    print(section)
    write(args.output, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
