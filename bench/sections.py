"""Sections of docs/performance.md that a benchmark of their own writes between `<!-- bench.X: start -->`
and `<!-- bench.X: end -->` markers (milestones, catalog, redemptions...): `python -m bench` rewrites the
rest of the file and keeps every such section as it was."""

from __future__ import annotations

import re
from pathlib import Path

SECTION = re.compile(r"<!-- bench\.([\w-]+): start -->.*?<!-- bench\.\1: end -->", re.DOTALL)


def insert(text: str, section: str) -> str:
    """`section` put before the report's "## Machine" heading (or at the end)."""
    if "\n## Machine" in text:
        head, _, tail = text.partition("\n## Machine")
        return f"{head.rstrip()}\n\n{section}\n\n## Machine{tail}"
    return f"{text.rstrip()}\n\n{section}\n"


def write(path: Path, section: str) -> None:
    """Put a marked `section` into the report at `path`: replace its earlier version, or insert it."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    name = SECTION.match(section)
    if name is None:
        raise ValueError("a section starts with its <!-- bench.X: start --> marker")
    for match in SECTION.finditer(text):
        if match.group(1) == name.group(1):
            path.write_text(text[: match.start()] + section + text[match.end() :], encoding="utf-8")
            return
    path.write_text(insert(text, section), encoding="utf-8")


def carry_over(path: Path, report: str) -> str:
    """`report` with every marked section the file at `path` holds that the report does not, in the file's
    order."""
    previous = path.read_text(encoding="utf-8") if path.exists() else ""
    for match in SECTION.finditer(previous):
        if f"<!-- bench.{match.group(1)}: start -->" not in report:
            report = insert(report, match.group(0))
    return report
