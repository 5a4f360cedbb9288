"""`python -m bench.exports`: the export worker's peak memory, exporting ledgers of growing size.

Ledger transactions (a hundred postings each, over a year) are written into moto's table in process;
the worker (`plaudit.services.exports.run`) then exports the year. S3 is replaced by a sink that counts
the parts and their bytes and keeps nothing, so the figure is the worker's own: `tracemalloc`'s peak while
it runs (Python allocations, after the table was filled). The file is written one part at a time, so the
peak must stay flat once a file is larger than a part (8 MiB): it follows the part size, not the history.

The section is written into docs/performance.md between markers.
"""

from __future__ import annotations

import argparse
import sys
import tracemalloc
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
from moto import mock_aws

from bench import sections
from bench.moto_host import REPO_ROOT
from plaudit_dev.local_aws import DUMMY_CREDENTIALS, REGION, environ
from plaudit_dev.template import load_template

DEFAULT_OUTPUT = REPO_ROOT / "docs" / "performance.md"
START_MARK, END_MARK = "<!-- bench.exports: start -->", "<!-- bench.exports: end -->"
YEAR_START = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)
POSTINGS_PER_TXN = 100  # few items to write into moto; the rows are what the file holds
SIZES = (10_000, 100_000, 200_000)  # ledger lines
QUICK_SIZES = (1_000, 5_000)


@dataclass(frozen=True)
class Measure:
    lines: int
    rows: int
    file_bytes: int
    parts: int
    peak_bytes: int


def measure(sizes: tuple[int, ...]) -> list[Measure]:
    template = load_template()
    env = {
        **DUMMY_CREDENTIALS,
        "AWS_DEFAULT_REGION": REGION,
        "TABLE_NAME": template.tables["DomainTable"].name,
        "EXPORT_BUCKET_NAME": "bench-exports",
        "EXPORT_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/bench",
        "POWERTOOLS_TRACE_DISABLED": "true",
    }
    with environ(env, ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE")), mock_aws():
        from plaudit.store.client import use_client
        from plaudit_dev import moto_patches

        moto_patches.apply()
        results = []
        for lines in sizes:
            client = boto3.client("dynamodb", region_name=REGION)
            table = template.tables["DomainTable"]
            client.create_table(**table.create_kwargs)
            use_client(client)
            try:
                results.append(_measure(client, lines))
                print(f"bench.exports: {results[-1]}", file=sys.stderr, flush=True)
            finally:
                use_client(None)
                client.delete_table(TableName=table.name)
        return results


class _Sink:
    """S3 as the worker sees it, keeping nothing: counts the parts and their bytes."""

    def __init__(self) -> None:
        self.parts = 0
        self.bytes = 0

    def start(self, key: str) -> str:
        return "bench-upload"

    def upload_part(self, key: str, upload_id: str, number: int, data: bytes) -> str:
        self.parts += 1
        self.bytes += len(data)
        return f'"etag-{number}"'

    def complete(self, key: str, upload_id: str, etags: list[str]) -> None:
        pass

    def abort(self, key: str, upload_id: str) -> None:
        pass


def _measure(client: Any, lines: int) -> Measure:
    from plaudit.domain.exports import ExportStatus
    from plaudit.services import exports
    from plaudit.store import exports as export_store
    from plaudit.store import keys

    _fill(client, lines)
    job = {
        "id": f"exp_BENCH{lines:021d}",
        "owner": "bench",
        "kind": "ledger",
        "since": YEAR_START.date().isoformat(),
        "until": (YEAR_START + timedelta(days=364)).date().isoformat(),
        "format": "csv",
        "status": ExportStatus.QUEUED.value,
        "rows": 0,
        "bytes": 0,
        "parts": 0,
        "created_at": keys.iso(YEAR_START),
    }
    write = export_store.job_write(job, YEAR_START + timedelta(days=400))
    client.put_item(TableName=write.operation["Put"]["TableName"], Item=write.operation["Put"]["Item"])
    sink = _Sink()
    real = {
        name: getattr(exports.export_files, name) for name in ("start", "upload_part", "complete", "abort")
    }
    for name in real:
        setattr(exports.export_files, name, getattr(sink, name))
    try:
        tracemalloc.start()
        status = exports.run(job["id"])
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        for name, function in real.items():
            setattr(exports.export_files, name, function)
    assert status is ExportStatus.DONE, status
    done = export_store.job(job["id"])
    return Measure(lines, done["rows"], done["bytes"], sink.parts, peak)


def _fill(client: Any, lines: int) -> None:
    """`lines` postings in transactions of POSTINGS_PER_TXN, spread over the year, written in batches."""
    from plaudit.domain.ledger import Balance, Posting, Transaction, TxnKind, budget_account, employee_account
    from plaudit.store.ledger import transaction_writes

    count = lines // POSTINGS_PER_TXN
    step = timedelta(days=364) / count  # the last one still inside the year the job exports
    batch: list[dict[str, Any]] = []
    for n in range(count):
        postings = [Posting(budget_account("bench"), -(POSTINGS_PER_TXN - 1) * 10, "bench top-up")]
        postings += [
            Posting(employee_account(f"E{2000 + (n + k) % 1000}", Balance.POINTS), 10, "bench")
            for k in range(POSTINGS_PER_TXN - 1)
        ]
        txn = Transaction(
            f"txn_BENCH{n:020d}", TxnKind.MILESTONE_AWARD, YEAR_START + step * n, tuple(postings)
        )
        journal = transaction_writes(txn)[0].operation["Put"]
        batch.append({"PutRequest": {"Item": journal["Item"]}})
        if len(batch) == 25:
            client.batch_write_item(RequestItems={journal["TableName"]: batch})
            batch = []
    if batch:
        client.batch_write_item(RequestItems={journal["TableName"]: batch})


def render(measures: list[Measure]) -> str:
    rows = "\n".join(
        f"| {m.lines:,} | {m.file_bytes / 2**20:,.1f} MiB | {m.parts} | {m.peak_bytes / 2**20:,.1f} MiB |"
        for m in measures
    )
    return f"""{START_MARK}
## Exports: the worker's memory

`python -m bench.exports`: a year of ledger lines (transactions of {POSTINGS_PER_TXN} postings) exported
as CSV by the export worker (`ExportWorkerFunction`, 512 MB) against moto in process, S3 replaced by a sink
that keeps nothing. Peak: `tracemalloc`'s, while the worker runs. The file is uploaded as a multipart upload
one 8 MiB part at a time and the table read a page at a time, so the peak follows the part size (a full
part and its copy for the upload, one DynamoDB page), not the history: flat from one part up.

| ledger lines | file | parts | worker's peak memory |
|---:|---:|---:|---:|
{rows}
{END_MARK}"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.exports", description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="report (docs/performance.md)")
    parser.add_argument("--no-write", action="store_true", help="print the section only")
    parser.add_argument("--quick", action="store_true", help="small sizes, no file written")
    args = parser.parse_args(argv)
    measures = measure(QUICK_SIZES if args.quick else SIZES)
    section = render(measures)
    print(section)
    if not (args.no_write or args.quick):
        sections.write(args.output, section)
        print(f"bench.exports: wrote {args.output}", file=sys.stderr)
    return 0 if all(m.rows == m.lines for m in measures) else 1


if __name__ == "__main__":
    sys.exit(main())
