"""Export jobs: what can be exported and by whom, a job's life, and the CSV file written in parts.

A file too large for an HTTP response is written by a worker to object storage as a multipart upload:
`PartWriter` turns rows into CSV and hands each part to an upload callback once it holds `part_size` bytes,
so memory holds one part, never the file. S3 requires every part but the last to be at least 5 MiB and at
most 10,000 parts per upload.
"""

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, Literal

from pydantic import ConfigDict, Field, model_validator

from plaudit.domain.employees import Role
from plaudit.domain.model import Model
from plaudit.domain.problems import invalid

MIN_PART_BYTES = 5 * 1024 * 1024  # S3: every part but the last
PART_BYTES = 8 * 1024 * 1024
MAX_PARTS = 10_000  # S3: parts per upload
MAX_DAYS = 366  # the longest period one export covers
# An export's file is kept settings.retention.export_days after it was written. The job's record is kept
# RECORD_DAYS after it was asked for and, once done, RECORD_DAYS after its file's end: until then its
# download answers 410, not 404.
RECORD_DAYS = 30
LINK_SECONDS = 300  # a download link's lifetime


class ExportKind(StrEnum):
    LEDGER = "ledger"  # every posting of every ledger transaction in the period
    AUDIT_LOG = "audit-log"  # the administrative trail's entries in the period
    REPORT = "report"  # a report's rows over the period (`report` names it: taxable-rewards)
    PERSON = "person"  # everything held about one person (POST /v1/employees/{id}/exports): a zip archive


# Who may export each kind (admins may do anything).
KIND_ROLES: dict[ExportKind, tuple[Role, ...]] = {
    ExportKind.LEDGER: (Role.HR_ADMIN, Role.FINANCE),
    ExportKind.AUDIT_LOG: (Role.HR_ADMIN,),
    ExportKind.REPORT: (Role.HR_ADMIN, Role.FINANCE),
    ExportKind.PERSON: (Role.HR_ADMIN,),  # and the person themselves
}

LEDGER_COLUMNS = ("at", "txn_id", "kind", "account", "amount", "memo", "ref")
AUDIT_COLUMNS = (
    "seq",
    "id",
    "at",
    "actor",
    "action",
    "target",
    "changes",
    "correlation_id",
    "prev_hash",
    "hash",
)
TAXABLE_COLUMNS = ("employee_id", "name", "country", "period", "currency", "amount")
COLUMNS: dict[ExportKind, tuple[str, ...]] = {
    ExportKind.LEDGER: LEDGER_COLUMNS,
    ExportKind.AUDIT_LOG: AUDIT_COLUMNS,
    ExportKind.REPORT: TAXABLE_COLUMNS,  # the one report exported so far: taxable-rewards, for payroll
}
ExportedReport = Literal["taxable-rewards"]


class ExportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ExportRequest(Model):
    """What to export: a kind over a period of UTC days, `from` and `to` both included."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    kind: ExportKind
    since: date = Field(alias="from", description="First day (UTC) included")
    until: date = Field(alias="to", description="Last day (UTC) included")
    format: Literal["csv"] = "csv"
    report: ExportedReport | None = Field(
        default=None,
        description="kind `report` only: which report. taxable-rewards: every pay period (month, in the "
        "organisation's zone) from the month of `from` to the month of `to`, for payroll",
    )

    @model_validator(mode="after")
    def _period(self) -> "ExportRequest":
        if (self.kind is ExportKind.REPORT) != (self.report is not None):
            raise invalid("problem.export_report_name")
        if self.until < self.since:
            raise invalid("problem.export_period_order")
        if (self.until - self.since).days + 1 > MAX_DAYS:
            raise invalid("problem.export_period_length", days=MAX_DAYS)
        return self


class ExportView(Model):
    model_config = ConfigDict(populate_by_name=True)

    id: str
    kind: ExportKind
    report: ExportedReport | None = None
    since: date = Field(alias="from")
    until: date = Field(alias="to")
    format: Literal["csv", "zip"]
    employee_id: str | None = Field(default=None, description="kind `person`: whose data it holds")
    status: ExportStatus
    rows: int = Field(description="Rows written so far (the header not counted)")
    bytes: int = Field(description="Bytes written so far")
    parts: int = Field(description="Parts uploaded so far")
    failure: str | None = Field(description="Why it failed (a code), once failed")
    created_at: str
    finished_at: str | None
    file_expires_at: str | None = Field(description="Once done: the download answers 410 from then on")


def spreadsheet_safe(value: Any) -> Any:
    """A text that a spreadsheet would run as a formula is quoted as text."""
    return f"'{value}" if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") else value


def days(since: date, until: date) -> Iterable[date]:
    day = since
    while day <= until:
        yield day
        day += timedelta(days=1)


def months_between(since: date, until: date) -> list[str]:
    """The months (YYYY-MM) from the month of `since` to the month of `until`, both included."""
    months, day = [], since.replace(day=1)
    while day <= until:
        months.append(f"{day.year}-{day.month:02d}")
        day = (day + timedelta(days=31)).replace(day=1)
    return months


class TooManyParts(Exception):
    """The file would need more parts than an upload may have."""


class PartWriter:
    """CSV rows in, parts of at least `part_size` bytes out (the last may be smaller), each passed to
    `upload(part_number, data)` as soon as it is full. Holds at most one part and one row."""

    def __init__(
        self,
        columns: Sequence[str],
        upload: Callable[[int, bytes], None],
        part_size: int = PART_BYTES,
        max_parts: int = MAX_PARTS,
    ) -> None:
        if part_size < MIN_PART_BYTES:
            raise ValueError(f"a part holds at least {MIN_PART_BYTES} bytes")
        self._upload, self._part_size, self._max_parts = upload, part_size, max_parts
        self._text = io.StringIO()
        self._csv = csv.writer(self._text)
        self._buffer = bytearray()
        self.rows = self.bytes = self.parts = 0
        self._write(columns)

    def write(self, row: Sequence[Any]) -> None:
        self._write([spreadsheet_safe(value) for value in row])
        self.rows += 1
        if len(self._buffer) >= self._part_size:
            self._flush()

    def close(self) -> None:
        """Upload what is left as the last part (an empty export is its header alone)."""
        if self._buffer or not self.parts:
            self._flush()

    def _write(self, row: Sequence[Any]) -> None:
        self._csv.writerow(row)
        data = self._text.getvalue().encode()
        self._text.seek(0)
        self._text.truncate()
        self._buffer += data
        self.bytes += len(data)

    def _flush(self) -> None:
        if self.parts >= self._max_parts:
            raise TooManyParts(f"more than {self._max_parts} parts")
        self.parts += 1
        self._upload(self.parts, bytes(self._buffer))
        self._buffer.clear()


def person_archive(employee_id: str, exported_at: str, sections: dict[str, list[dict[str, Any]]]) -> bytes:
    """One zip: `person.json` with every section whole, and `<section>.csv` for each section that holds
    something (a column per field any of its items has; nested values as JSON)."""
    document = {"employee_id": employee_id, "exported_at": exported_at, "sections": sections}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("person.json", json.dumps(document, ensure_ascii=False, indent=2, default=str))
        for name, items in sections.items():
            if not items:
                continue
            columns = sorted({field for item in items for field in item})
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerow(columns)
            for item in items:
                writer.writerow([spreadsheet_safe(_cell(item.get(column))) for column in columns])
            archive.writestr(f"{name}.csv", text.getvalue())
    return out.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return "" if value is None else value
