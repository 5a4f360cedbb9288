"""`plaudit import employees.csv` against moto: good rows imported managers first, bad rows reported with
their line numbers and skipped, a dry run that writes nothing, and a rerun that changes nothing."""

from __future__ import annotations

import os
from pathlib import Path

from api_checks import assert_audit_clean, table_items

from plaudit.store import snapshots
from plaudit_dev.cli import main
from plaudit_dev.paths import REPO_ROOT

HEADER = "id,email,name,manager_id,department,status\n"
CSV = (
    HEADER
    + "E2002,kai@plaudit.example,Kai,E2001,Engineering,\n"  # 2: reports to Lena, further down
    + "E2003,not-an-email,Mo,E2001,Engineering,\n"  # 3: bad email
    + "E2001,lena@plaudit.example,Lena,E1002,Engineering,\n"  # 4
    + "E2004,noor@plaudit.example,Noor,E9999,Engineering,\n"  # 5: unknown manager
    + "E2005,alice@plaudit.example,Taken,,,\n"  # 6: Alice's email (caught when written)
    + "E1007,,,,Platform,\n"  # 7: Ethan moves
    + "E1012,,,,,deactivated\n"  # 8: Jon leaves
)


def run(tmp_path: Path, text: str, *flags: str) -> int:
    path = tmp_path / "employees.csv"
    path.write_text(text, encoding="utf-8")
    return main(["import", str(path), "--table", os.environ["TABLE_NAME"], *flags])


def person(employee_id: str):
    return snapshots.load(employees=[employee_id]).employee(employee_id)


def test_a_csv_with_bad_rows(tmp_path, aws, org, clock, capsys):
    before = table_items(aws)
    assert run(tmp_path, CSV, "--dry-run") == 1
    out, err = capsys.readouterr()
    assert table_items(aws) == before  # a dry run writes nothing
    assert out.splitlines() == [
        "+ E2001 created (Lena, lena@plaudit.example)",
        "+ E2005 created (Taken, alice@plaudit.example)",
        "~ E1007",
        "    department: Engineering → Platform",
        "~ E1012 deactivated",
        "    status: active → deactivated",
        "+ E2002 created (Kai, kai@plaudit.example)",
        "dry run (nothing written): 3 created, 1 updated, 0 unchanged, 1 deactivated, 2 bad rows",
    ]
    assert err.splitlines() == [
        "line 3 (E2003): email: has an invalid format",
        "line 5 (E2004): manager_id: E9999 is neither in the directory nor a good row of the file",
    ]

    assert run(tmp_path, CSV) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == ["2 created, 1 updated, 0 unchanged, 1 deactivated, 3 bad rows"]
    assert err.splitlines() == [
        "line 3 (E2003): email: has an invalid format",
        "line 5 (E2004): manager_id: E9999 is neither in the directory nor a good row of the file",
        "line 6 (E2005): alice@plaudit.example already belongs to someone else.",
    ]
    assert (person("E2001").manager_id, person("E2002").manager_id) == ("E1002", "E2001")
    assert [person(i) for i in ("E2003", "E2004", "E2005")] == [None, None, None]
    assert person("E1007").department == "Platform"
    assert not person("E1012").active
    assert person("E1012").roles == person("E1011").roles  # an import never touches roles

    after = table_items(aws)
    assert run(tmp_path, CSV) == 1  # a rerun: the same bad rows, nothing else changes
    out, _ = capsys.readouterr()
    assert out.splitlines() == ["0 created, 0 updated, 4 unchanged, 0 deactivated, 3 bad rows"]
    assert table_items(aws) == after
    assert_audit_clean()


def test_the_example_file_imports_cleanly_into_the_demo_org(tmp_path, aws, org, clock, capsys):
    example = (REPO_ROOT / "examples" / "employees.csv").read_text(encoding="utf-8")
    assert run(tmp_path, example) == 0
    out, err = capsys.readouterr()
    assert (out, err) == ("3 created, 1 updated, 0 unchanged, 1 deactivated, 0 bad rows\n", "")
    assert person("E2002").public_birthday is False
    assert run(tmp_path, example) == 0
    assert capsys.readouterr().out == "0 created, 0 updated, 5 unchanged, 0 deactivated, 0 bad rows\n"


def test_an_unusable_file_writes_nothing(tmp_path, aws, org, clock, capsys):
    before = table_items(aws)
    assert run(tmp_path, "id,name,salary\nE1,A,1\n") == 2
    assert "unknown column(s): salary" in capsys.readouterr().err
    assert main(["import", str(tmp_path / "missing.csv"), "--table", os.environ["TABLE_NAME"]]) == 2
    assert table_items(aws) == before


def test_the_optional_locale_column_sets_a_language_and_an_unknown_one_is_a_bad_row(
    tmp_path, aws, org, clock, capsys
):
    text = "id,locale\nE1003,ar\nE1004,de\nE1005,\n"
    assert run(tmp_path, text) == 1
    _, err = capsys.readouterr()
    assert err.splitlines() == [
        "line 3 (E1004): locale: de is not a language Plaudit speaks: use one of en, it, fr, ar"
    ]
    assert (person("E1003").locale, person("E1004").locale, person("E1005").locale) == ("ar", None, None)
