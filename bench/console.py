"""`python -m bench.console`: the web console's first load, computed from its prod build (console/dist,
`make console`): what a browser fetches to show the first page (index.html, then the scripts, stylesheets
and preloads it names), each file's bytes and gzipped bytes, and the request count. Counts, never time.

Exit status 1 when the JavaScript and CSS of the first load exceed the budget gzipped (150 KB, issue 13).
`--quick` (make test) checks and prints only; otherwise the section between the bench.console markers of
docs/performance.md is rewritten.
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import sections
from bench.moto_host import REPO_ROOT

BUILD = REPO_ROOT / "console" / "dist"
DEFAULT_OUTPUT = REPO_ROOT / "docs" / "performance.md"
BUDGET_GZIPPED = 150 * 1024  # JS + CSS of the first load
REFERENCE = re.compile(r'<(?:script|link)\b[^>]*?\b(?:src|href)="(/[^"]+)"')
ASSETS_IN_JS = re.compile(r'["\'`](?:/|\./)?(assets/[\w.-]+\.(?:js|css))["\'`]')


@dataclass(frozen=True)
class Fetched:
    path: str
    raw: int
    gzipped: int


def first_load(build: Path = BUILD) -> list[Fetched]:
    """index.html and every file its tags name (and, transitively, any asset a named script imports
    statically by name), in order."""
    index = build / "index.html"
    if not index.is_file():
        raise SystemExit(f"bench.console: no {index}; run `make console` first")
    order = ["index.html"]
    pending = [ref.lstrip("/") for ref in REFERENCE.findall(index.read_text(encoding="utf-8"))]
    while pending:
        name = pending.pop(0)
        if name in order or not (build / name).is_file():
            continue
        order.append(name)
        if name.endswith(".js"):
            pending += ASSETS_IN_JS.findall((build / name).read_text(encoding="utf-8"))
    return [_measure(build / name, name) for name in order]


def _measure(path: Path, name: str) -> Fetched:
    data = path.read_bytes()
    return Fetched(name, len(data), len(gzip.compress(data, compresslevel=9, mtime=0)))


def code_gzipped(files: list[Fetched]) -> int:
    return sum(f.gzipped for f in files if f.path.endswith((".js", ".css")))


def render(files: list[Fetched]) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    rows = "\n".join(f"| `{f.path}` | {f.raw:,} | {f.gzipped:,} |" for f in files)
    code = code_gzipped(files)
    return f"""<!-- bench.console: start -->
## Web console: first load

Measured by `.venv/bin/python -m bench.console` on {when} from the prod build (`console/dist`, `make
console`): what the browser fetches to show the first page, before any API call. {len(files)} requests;
JavaScript and CSS {code:,} bytes gzipped (budget {BUDGET_GZIPPED:,}: `make test`'s quick benchmark fails
above it). API calls per page, from the page's code: feed 1 (+1 per "show more"), give kudos 0 (+1 per pause
while typing a name in the recipient picker, +1 to send),
wallet 1, catalogue 2 (items and wallet; +1 per filter change or redemption), my rewards 2 (redemptions and
vouchers), badges and tier 1, leaderboard 1 (+1 per choice), profile 0 (+1 to change the language), plus
GET /v1/me once per sign-in (the browser tests assert at most 3 per page).

| file | bytes | gzipped |
|---|---:|---:|
{rows}
<!-- bench.console: end -->"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.console", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="check and print only (make test)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    files = first_load()
    section = render(files)
    print(section)
    if not args.quick:
        sections.write(args.output, section)
    if (code := code_gzipped(files)) > BUDGET_GZIPPED:
        print(f"bench.console: first load {code:,} bytes gzipped > {BUDGET_GZIPPED:,}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
