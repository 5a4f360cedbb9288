"""CSV answers: choosing JSON or CSV from `Accept`, and the one CSV writer every table goes through.

Cells are spreadsheet-neutral: numbers without grouping and with a dot (shares as `0.2500`), dates and
instants in ISO 8601, empty for null, `true`/`false`; a text a spreadsheet would run as a formula is
quoted as text.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from plaudit.api.json_body import media_type

CSV = "text/csv"
JSON = "application/json"
_ANSWERS = {CSV: CSV, "text/*": CSV, JSON: JSON, "application/*": JSON, "*/*": JSON}


def answer_format(accept: str | None) -> str | None:
    """JSON or CSV, whichever `Accept` prefers (by q, then order; none said: JSON). None: it accepts
    neither."""
    if not (accept or "").strip():
        return JSON
    ranked: list[tuple[float, int, str]] = []
    for order, part in enumerate(accept.split(",")):  # type: ignore[union-attr]
        kind, params = media_type(part)
        try:
            weight = float(params.get("q", "1"))
        except ValueError:
            weight = 0.0
        if kind in _ANSWERS and weight > 0:
            ranked.append((-weight, order, _ANSWERS[kind]))
    return min(ranked)[2] if ranked else None


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return out.getvalue()


def cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return f"'{value}"
    return value
