"""`plaudit import employees.csv`: the directory from a CSV, validated whole before anything is written
(the rules: plaudit.services.directory_import, which the console's import preview shares); a dry run
prints the diff per person, a run applies the good rows with a progress bar.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from plaudit.domain.csv_table import UnusableFile
from plaudit.services.directory_import import (
    apply,
    diff_lines,
    ids_to_load,
    load_directory,
    read_rows,
    validate,
)
from plaudit.services.directory_sync import outcome_of


def run_import(path: str, *, dry_run: bool, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """The command: 0 if every row was applied (or would be), 1 if any was bad, 2 if the file is unusable.
    The store must already point at the target table. Reports go to `out`, bad rows to `err`."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        rows = read_rows(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, UnusableFile) as error:
        print(f"plaudit import: {path}: {error}", file=err)
        return 2
    plan = validate(rows, load_directory(ids_to_load(rows)))
    if dry_run:
        counts: Counter[str] = Counter()
        for row in plan.rows:
            counts[outcome_of(row.previous, row.employee).action] += 1
            for text in diff_lines(row):
                print(text, file=out)
        bad = plan.bad
    else:
        with _progress(len(plan.rows)) as advance:
            counts, failed = apply(plan, advance)
        bad = sorted([*plan.bad, *failed], key=lambda row: row.line)
    for row in bad:
        who = f" ({row.employee_id})" if row.employee_id else ""
        print(f"line {row.line}{who}: {'; '.join(row.reasons)}", file=err)
    summary = ", ".join(
        f"{counts[action]} {action}" for action in ("created", "updated", "unchanged", "deactivated")
    )
    if counts["reactivated"]:
        summary += f", {counts['reactivated']} reactivated"
    prefix = "dry run (nothing written): " if dry_run else ""
    print(f"{prefix}{summary}, {len(bad)} bad row{'s' if len(bad) != 1 else ''}", file=out)
    return 1 if bad else 0


@contextmanager
def _progress(total: int) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr (rich, shipped with the dev tools); silent when stderr is not a terminal."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    columns = (TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task("import", total=total)
        yield lambda: bar.advance(task)
