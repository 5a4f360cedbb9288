"""The directory from a CSV (`plaudit import` and the console's import, through POST
/v1/employees/import-preview): one rule for both, validated whole before anything is written.

Every row goes through the same validation as an HRIS change (EmployeeUpsert merged into the person's
profile); bad rows are reported with their line numbers and skipped; the good ones are ordered managers
first and applied each through `directory_sync.apply_change` (each person all or nothing, a rerun changes
nothing). `preview` is the dry run as data: what each row would change, field by field, and the bad rows.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import Field, ValidationError

from plaudit.domain.access import HRIS_SCOPE, Caller, require_role
from plaudit.domain.csv_table import CsvRow, UnusableFile, read_table
from plaudit.domain.employees import EMPLOYEE_ID, Employee, Role
from plaudit.domain.errors import PlauditError, Problem, RuleViolation
from plaudit.domain.hris import EmployeeUpsert
from plaudit.domain.model import Model
from plaudit.domain.problems import problems_from
from plaudit.i18n import DEFAULT_LOCALE, messages
from plaudit.services.directory_sync import UPSERT_FIELDS, apply_change, changed_fields, merged, outcome_of
from plaudit.store import snapshots

COLUMNS = ("id", *UPSERT_FIELDS)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
BOOLEANS = {"true": True, "false": False}
BATCH = 100
STATUSES = ("active", "deactivated")


Reason = Problem | PlauditError  # why a row is bad, said in the reader's language (`said`)


@dataclass(frozen=True)
class BadRow:
    line: int
    employee_id: str | None
    why: tuple[Reason, ...]

    def reasons_in(self, locale: str) -> tuple[str, ...]:
        return tuple(said(reason, locale) for reason in self.why)

    @property
    def reasons(self) -> tuple[str, ...]:
        """In English, as the operator's CLI prints them."""
        return self.reasons_in(DEFAULT_LOCALE)


def said(reason: Reason, locale: str) -> str:
    """ "field: what is wrong" (or the sentence, for a row's own problem) in `locale`."""
    if isinstance(reason, PlauditError):
        problems = reason.details_in(locale).get("errors")
        if problems:
            return "; ".join(f"{problem['field']}: {problem['problem']}" for problem in problems)
        return reason.message_in(locale)
    problem = reason.said(messages(locale))
    return f"{problem['field']}: {problem['problem']}" if problem["field"] else problem["problem"]


@dataclass(frozen=True)
class GoodRow:
    line: int
    change: EmployeeUpsert
    previous: Employee | None
    employee: Employee  # the profile as the row leaves it


@dataclass
class Plan:
    rows: list[GoodRow] = field(default_factory=list)  # managers before their reports
    bad: list[BadRow] = field(default_factory=list)  # in line order


def read_rows(text: str) -> list[CsvRow]:
    """The data rows, with the line each starts on. The header row is required, with an id column; unknown
    columns are refused (a typo would silently drop a field otherwise), and so is a file that stops being
    CSV (an unclosed quote): UnusableFile."""
    table = read_table(text, COLUMNS, required=("id",))
    if table.broken_at is not None:
        raise UnusableFile(COLUMNS, broken_at=table.broken_at)
    return table.rows


def ids_to_load(rows: Iterable[CsvRow]) -> set[str]:
    """Whose directory entries the validation needs: the rows' people and their managers."""
    wanted = set()
    for row in rows:
        wanted |= {row.cells[name] for name in ("id", "manager_id") if name in row.cells}
    return {employee_id for employee_id in wanted if re.match(EMPLOYEE_ID, employee_id)}


def validate(rows: list[CsvRow], directory: Mapping[str, Employee]) -> Plan:
    """Check every row (directory: the current entries of `ids_to_load`), then order the good ones."""
    plan = Plan()
    candidates: list[GoodRow] = []
    for row in rows:
        reasons, change = _parse(row)
        if change is not None:
            try:
                employee = merged(change, directory.get(change.employee_id))
            except PlauditError as error:
                reasons.append(error)
            else:
                if employee.manager_id == employee.id:
                    reasons.append(Problem("manager_id", "problem.manages_self"))
                else:
                    previous = directory.get(change.employee_id)
                    candidates.append(GoodRow(row.line, change, previous, employee))
        if reasons:
            plan.bad.append(BadRow(row.line, row.cells.get("id"), tuple(reasons)))
    candidates = _unique(candidates, rows, plan.bad)
    plan.rows = _managers_first(candidates, directory, plan.bad)
    plan.bad.sort(key=lambda bad: bad.line)
    return plan


def diff_lines(row: GoodRow) -> list[str]:
    """What applying the row would change, as a dry run prints it (nothing: unchanged)."""
    employee, previous = row.employee, row.previous
    if previous is None:
        return [f"+ {employee.id} created ({employee.name}, {employee.email})"]
    changed = changed_fields(previous, employee)
    if not changed:
        return []
    before, after = previous.model_dump(mode="json"), employee.model_dump(mode="json")
    head = f"~ {employee.id} deactivated" if previous.active and not employee.active else f"~ {employee.id}"
    return [head] + [f"    {name}: {_shown(before[name])} → {_shown(after[name])}" for name in changed]


def apply(plan: Plan, on_row: Callable[[], None] = lambda: None) -> tuple[Counter[str], list[BadRow]]:
    """Apply the good rows in order; a row the store refuses (e.g. an email someone else has) is bad."""
    counts: Counter[str] = Counter()
    failed: list[BadRow] = []
    for row in plan.rows:
        try:
            counts[apply_change(row.change, source="csv").action] += 1
        except PlauditError as error:
            failed.append(BadRow(row.line, row.change.employee_id, (error,)))
        on_row()
    return counts, failed


def _parse(row: CsvRow) -> tuple[list[Reason], EmployeeUpsert | None]:
    """The row as an HRIS change, or the reasons it is not one."""
    cells = dict(row.cells)
    reasons: list[Reason] = []
    if row.overflow:
        reasons.append(Problem("", "problem.extra_cells"))
    employee_id = cells.pop("id", None)
    if employee_id is None:
        reasons.append(Problem("id", "problem.missing"))
    fields: dict[str, Any] = dict(cells)
    if "start_date" in fields and not ISO_DATE.match(fields["start_date"]):
        reasons.append(Problem("start_date", "problem.not_date"))
    if "public_birthday" in fields:
        flag = BOOLEANS.get(fields["public_birthday"].lower())
        if flag is None:
            reasons.append(Problem("public_birthday", "problem.not_boolean"))
        fields["public_birthday"] = flag
    if "status" in fields and fields["status"].lower() not in STATUSES:
        reasons.append(Problem("status", "problem.one_of", {"expected": ", ".join(STATUSES)}))
    elif "status" in fields:
        fields["status"] = fields["status"].lower()
    if reasons or employee_id is None:
        return reasons, None
    try:
        return reasons, EmployeeUpsert(employee_id=employee_id, fields=fields)
    except ValidationError as error:
        return [Problem("id", problem.key, problem.params) for problem in problems_from(error.errors())], None


def _unique(rows: list[GoodRow], raw: list[CsvRow], bad: list[BadRow]) -> list[GoodRow]:
    """Rows sharing an id or an email (even with a bad row) are bad: which is right is for a person to say."""
    lines_by: dict[tuple[str, str], list[int]] = {}
    for row in raw:
        for what in ("id", "email"):
            if value := row.cells.get(what):
                lines_by.setdefault((what, value.lower() if what == "email" else value), []).append(row.line)
    keep = []
    for row in rows:
        reasons = tuple(
            Problem(
                what, "problem.also_on_lines", {"value": value, "lines": [n for n in lines if n != row.line]}
            )
            for what, value in (("id", row.employee.id), ("email", row.employee.email))
            if len(lines := lines_by.get((what, value), [])) > 1
        )
        if reasons:
            bad.append(BadRow(row.line, row.employee.id, reasons))
        else:
            keep.append(row)
    return keep


def _managers_first(
    rows: list[GoodRow], directory: Mapping[str, Employee], bad: list[BadRow]
) -> list[GoodRow]:
    """Each manager new to the directory is written before their reports (file order otherwise). A row
    whose new manager is neither in the directory nor a good row is bad, and so in turn are its reports;
    so are rows in a cycle of managers none of whom is in the directory yet."""
    by_id = {row.employee.id: row for row in rows}

    def new_manager(row: GoodRow) -> str | None:
        manager_id = row.employee.manager_id
        unchanged = row.previous is not None and row.previous.manager_id == manager_id
        return None if unchanged or manager_id in directory else manager_id

    while orphans := [row for row in by_id.values() if (m := new_manager(row)) and m not in by_id]:
        for row in orphans:
            reason = Problem("manager_id", "problem.manager_unknown", {"manager_id": row.employee.manager_id})
            bad.append(BadRow(row.line, row.employee.id, (reason,)))
            del by_id[row.employee.id]
    ordered: list[GoodRow] = []
    pending = [row for row in rows if row.employee.id in by_id]
    written: set[str] = set()
    while ready := [row for row in pending if (m := new_manager(row)) is None or m in written]:
        ordered += ready
        written |= {row.employee.id for row in ready}
        pending = [row for row in pending if row.employee.id not in written]
    for row in pending:
        reason = Problem("manager_id", "problem.manager_cycle", {"manager_id": row.employee.manager_id})
        bad.append(BadRow(row.line, row.employee.id, (reason,)))
    return ordered


def _shown(value: Any) -> str:
    return "—" if value is None else str(value)


def load_directory(employee_ids: Iterable[str]) -> dict[str, Employee]:
    """The current entries of these people (consistent reads, 100 per round trip)."""
    wanted = sorted(employee_ids)
    found: dict[str, Employee] = {}
    for start in range(0, len(wanted), BATCH):
        snap = snapshots.load(employees=wanted[start : start + BATCH])
        found |= {i: person for i in wanted[start : start + BATCH] if (person := snap.employee(i))}
    return found


# --- the dry run as data (POST /v1/employees/import-preview) ------------------------------------------


class FieldChange(Model):
    field: str
    before: Any = Field(description="null: not set before (or a new person)")
    after: Any


class PlannedRow(Model):
    line: int = Field(description="Where the row starts in the file (the header is line 1)")
    employee_id: str
    action: Literal["created", "updated", "deactivated", "reactivated"]
    changes: list[FieldChange] = Field(description="Each field the row changes, in the CSV's column order")
    employee: Employee = Field(description="The whole entry as the row leaves it (what PUT would send)")


class BadLine(Model):
    line: int
    employee_id: str | None
    reasons: list[str] = Field(description="Why the row cannot be applied, in the caller's language")


class ImportPreview(Model):
    """What importing the file would do, nothing written: the rows that change something, in the order to
    apply them (managers new to the directory before their reports), how many rows change nothing, and the
    bad rows by line."""

    rows: list[PlannedRow]
    unchanged: int
    counts: dict[str, int] = Field(description="created, updated, deactivated, reactivated, unchanged")
    errors: list[BadLine]


def preview(caller: Caller, text: str, locale: str = DEFAULT_LOCALE) -> ImportPreview:
    """The dry run of a CSV for HR (and HRIS integrations): the rows read, checked against the directory
    (one batch read per 100 people named) and ordered, nothing written."""
    caller = snapshots.load(employees=[caller.employee_id]).identify(caller)
    if not caller.has_scope(HRIS_SCOPE):
        require_role(caller, Role.HR_ADMIN)
    try:
        rows = read_rows(text)
    except UnusableFile as error:
        raise RuleViolation(
            "error.import_file_unusable", code="import_file_unusable", details={"reason": str(error)}
        ) from None
    plan = validate(rows, load_directory(ids_to_load(rows)))
    counts: Counter[str] = Counter({action: 0 for action in ACTIONS})
    planned = []
    for row in plan.rows:
        action = outcome_of(row.previous, row.employee).action
        counts[action] += 1
        if action != "unchanged":
            planned.append(
                PlannedRow(
                    line=row.line,
                    employee_id=row.employee.id,
                    action=action,
                    changes=field_changes(row),
                    employee=row.employee,
                )
            )
    errors = [
        BadLine(line=bad.line, employee_id=bad.employee_id, reasons=list(bad.reasons_in(locale)))
        for bad in plan.bad
    ]
    return ImportPreview(rows=planned, unchanged=counts["unchanged"], counts=dict(counts), errors=errors)


ACTIONS = ("created", "updated", "unchanged", "deactivated", "reactivated")


def field_changes(row: GoodRow) -> list[FieldChange]:
    after = row.employee.model_dump(mode="json")
    if row.previous is None:
        return [
            FieldChange(field=name, before=None, after=after[name])
            for name in UPSERT_FIELDS
            if after.get(name) is not None
        ]
    before = row.previous.model_dump(mode="json")
    return [
        FieldChange(field=name, before=before[name], after=after[name])
        for name in changed_fields(row.previous, row.employee)
    ]
