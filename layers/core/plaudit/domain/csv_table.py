"""The CSV files people upload (the directory import, a campaign's people, referral hires), read one way.

A header row names the columns (known ones only: a typo would otherwise drop a field silently), then the
data rows, each with the line of the file it starts on (a quoted cell may span lines) and only its non-empty
cells, stripped: an empty cell is "not provided". A UTF-8 byte order mark (Excel's) is ignored.
"""

import csv
import io
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field


class UnusableFile(ValueError):
    """The file as a whole cannot be read: no header, unknown, missing or repeated columns (or, for a reader
    that takes no file in part, text that stops being CSV). Its text says
    why in English (for the command line and `details.reason`); the lists say it for a program."""

    def __init__(
        self,
        columns: Iterable[str],
        *,
        unknown: Iterable[str] = (),
        missing: Iterable[str] = (),
        repeated: Iterable[str] = (),
        empty: bool = False,
        broken_at: int | None = None,
    ) -> None:
        self.allowed = list(columns)
        self.unknown, self.missing, self.repeated = list(unknown), list(missing), list(repeated)
        if broken_at is not None:
            reason = f"line {broken_at} cannot be read as CSV (an unclosed quote?)"
        elif empty:
            reason = "the file is empty: a header row is required"
        elif self.unknown:
            reason = f"unknown column(s): {', '.join(self.unknown)} (allowed: {', '.join(self.allowed)})"
        elif self.missing:
            reason = f"the header has no {', '.join(self.missing)} column"
        else:
            reason = f"a column appears twice in the header: {', '.join(self.repeated)}"
        super().__init__(reason)


@dataclass(frozen=True)
class CsvRow:
    line: int  # 1-based line of the file where the row starts (the header is line 1)
    cells: dict[str, str]  # only the non-empty cells
    overflow: bool = False  # more cells than the header has columns


@dataclass
class CsvTable:
    rows: list[CsvRow] = field(default_factory=list)
    broken_at: int | None = None  # the line from which the text is not CSV (an unclosed quote): not read


def read_table(text: str, columns: Collection[str], *, required: Iterable[str] = ()) -> CsvTable:
    """The rows of `text` (blank rows left out), or UnusableFile when its header is not of `columns` with
    the `required` ones. A row with more cells than the header keeps its named cells and says `overflow`."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = [name.strip() for name in reader.fieldnames or []]
    except csv.Error:
        header = []
    if not header:
        raise UnusableFile(columns, empty=True)
    unknown = [name for name in header if name not in columns]
    missing = [name for name in required if name not in header]
    repeated = sorted({name for name in header if header.count(name) > 1})
    if unknown or missing or repeated:
        raise UnusableFile(columns, unknown=unknown, missing=missing, repeated=repeated)
    reader.fieldnames = header
    table = CsvTable()
    read = reader.line_num  # the lines read whole so far
    try:
        for record in reader:
            read = reader.line_num
            values = [value for value in record.values() if isinstance(value, str)]
            line = reader.line_num - sum(value.count("\n") for value in values)
            cells = {
                name: value.strip()
                for name, value in record.items()
                if name is not None and isinstance(value, str) and value.strip()
            }
            if cells or None in record:
                table.rows.append(CsvRow(line, cells, overflow=None in record))
    except csv.Error:
        table.broken_at = read + 1
    return table
