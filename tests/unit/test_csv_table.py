"""The one reader of uploaded CSV files (directory import, campaign people, referral hires)."""

import pytest

from plaudit.domain.csv_table import CsvRow, UnusableFile, read_table

COLUMNS = ("id", "name", "note")


def test_rows_start_where_their_first_cell_does_and_keep_only_non_empty_cells():
    table = read_table('\ufeffid,name,note\nE1, Ann ,\n\n,,\nE2,"Bo\nB",hi\nE3,C,\n', COLUMNS)
    assert table.rows == [
        CsvRow(2, {"id": "E1", "name": "Ann"}),
        CsvRow(5, {"id": "E2", "name": "Bo\nB", "note": "hi"}),
        CsvRow(7, {"id": "E3", "name": "C"}),
    ]
    assert table.broken_at is None


def test_a_row_with_more_cells_than_the_header_says_so_even_when_its_named_cells_are_empty():
    table = read_table("id,name,note\nE1,A,,extra\n,,,extra\n", COLUMNS)
    assert [(row.line, row.cells, row.overflow) for row in table.rows] == [
        (2, {"id": "E1", "name": "A"}, True),
        (3, {}, True),
    ]


def test_text_that_stops_being_csv_keeps_the_rows_before_and_names_the_line():
    # an unclosed quote swallows the rest of the file into one cell, past the csv module's field limit
    table = read_table('id,name\nE1,A\nE2,"B' + "x" * 140_000, COLUMNS)
    assert table.rows == [CsvRow(2, {"id": "E1", "name": "A"})]
    assert table.broken_at == 3


@pytest.mark.parametrize(
    ("text", "unknown", "missing", "repeated", "reason"),
    [
        ("", [], [], [], "a header row is required"),
        ("id,salary\n", ["salary"], [], [], "unknown column(s): salary (allowed: id, name, note)"),
        ("name,note\n", [], ["id"], [], "the header has no id column"),
        ("id, name,name\n", [], [], ["name"], "a column appears twice in the header: name"),
    ],
)
def test_an_unusable_header_says_why_in_words_and_in_lists(text, unknown, missing, repeated, reason):
    with pytest.raises(UnusableFile) as refused:
        read_table(text, COLUMNS, required=("id",))
    error = refused.value
    assert (error.unknown, error.missing, error.repeated, error.allowed) == (
        unknown,
        missing,
        repeated,
        list(COLUMNS),
    )
    assert reason in str(error)
