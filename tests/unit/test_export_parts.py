"""The export file written in parts: every part but the last at least S3's 5 MiB, the last whatever is left,
the parts together the CSV, at most one part held, formulas quoted, and a file that would need more parts
than an upload may have refused."""

import csv
import io

import pytest

from plaudit.domain.exports import MIN_PART_BYTES, ExportRequest, PartWriter, TooManyParts

COLUMNS = ("at", "txn_id", "amount", "memo")


def written(rows: int, **options) -> tuple[PartWriter, list[tuple[int, bytes]]]:
    parts: list[tuple[int, bytes]] = []
    writer = PartWriter(COLUMNS, lambda number, data: parts.append((number, data)), **options)
    for n in range(rows):
        writer.write(["2026-11-16T09:30:00.000Z", f"txn_{n:026d}", n, "x" * 200])
    writer.close()
    return writer, parts


def test_parts_are_at_least_5_mib_but_the_last_and_make_the_whole_file():
    writer, parts = written(60_000)  # about 14 MiB
    assert [number for number, _ in parts] == list(range(1, len(parts) + 1))
    assert len(parts) == writer.parts == 2
    assert all(len(data) >= MIN_PART_BYTES for _, data in parts[:-1])
    assert 0 < len(parts[-1][1]) < MIN_PART_BYTES * 2
    whole = b"".join(data for _, data in parts)
    assert writer.bytes == len(whole)
    rows = list(csv.reader(io.StringIO(whole.decode())))
    assert rows[0] == list(COLUMNS)
    assert len(rows) - 1 == writer.rows == 60_000
    assert rows[-1][1] == f"txn_{59_999:026d}"


def test_a_part_is_uploaded_as_soon_as_it_is_full():
    sizes: list[int] = []
    writer = PartWriter(COLUMNS, lambda _, data: sizes.append(len(data)), part_size=MIN_PART_BYTES)
    row = ["a" * 1000]
    while not sizes:
        writer.write(row)
    assert MIN_PART_BYTES <= sizes[0] < MIN_PART_BYTES + 1100  # one part and at most one row more


def test_an_empty_export_is_its_header_in_one_part():
    writer, parts = written(0)
    assert parts == [(1, b"at,txn_id,amount,memo\r\n")]
    assert writer.rows == 0


def test_a_part_smaller_than_s3_allows_is_refused():
    with pytest.raises(ValueError, match="at least"):
        PartWriter(COLUMNS, lambda *_: None, part_size=MIN_PART_BYTES - 1)


def test_more_parts_than_an_upload_may_have_is_refused():
    with pytest.raises(TooManyParts):
        written(60_000, max_parts=1)


def test_a_cell_a_spreadsheet_would_run_is_quoted_as_text():
    captured: list[bytes] = []
    writer = PartWriter(COLUMNS, lambda _, data: captured.append(data))
    writer.write(["=HYPERLINK(1)", "+1", "-2", "@x"])
    writer.close()
    assert captured[0].decode().splitlines()[1] == "'=HYPERLINK(1),'+1,'-2,'@x"


@pytest.mark.parametrize(
    ("since", "until", "ok"),
    [
        ("2026-01-01", "2026-12-31", True),
        ("2026-02-01", "2026-01-31", False),
        ("2024-01-01", "2025-01-01", False),
    ],
)
def test_a_period_is_in_order_and_at_most_366_days(since, until, ok):
    body = {"kind": "ledger", "from": since, "to": until}
    if ok:
        assert ExportRequest.model_validate(body).until.isoformat() == until
    else:
        with pytest.raises(ValueError, match=r"before|366"):
            ExportRequest.model_validate(body)
