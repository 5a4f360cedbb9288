"""CSV import, before anything is written: parsing, validation with line numbers, and managers first."""

from __future__ import annotations

import pytest

from plaudit.domain.csv_table import UnusableFile
from plaudit.domain.employees import Employee
from plaudit.services.directory_import import diff_lines, ids_to_load, read_rows, validate

HEADER = "id,email,name,manager_id,department,country,time_zone,start_date,birthday,public_birthday,status\n"
MAYA = Employee(id="E1002", email="maya@plaudit.example", name="Maya Chen", department="Engineering")
DIRECTORY = {MAYA.id: MAYA}


def plan_of(body: str, directory=DIRECTORY):
    rows = read_rows(HEADER + body)
    return validate(rows, {i: p for i, p in directory.items() if i in ids_to_load(rows)})


def test_rows_with_their_lines_and_empty_cells_not_provided():
    rows = read_rows(
        HEADER + 'E1,a@x.example,Ann,,,,,,,,\n\nE2,b@x.example,"Bo\nB",,,,,,,,\nE3,c@x.example,C,,,,,,,,\n'
    )
    assert [(row.line, row.cells["id"]) for row in rows] == [(2, "E1"), (4, "E2"), (6, "E3")]
    assert rows[0].cells == {"id": "E1", "email": "a@x.example", "name": "Ann"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "header row is required"),
        ("id,email,name,salary\n", "unknown column(s): salary"),
        ("email,name\n", "no id column"),
        ("id,id\n", "appears twice"),
    ],
)
def test_an_unusable_header_refuses_the_whole_file(text, message):
    with pytest.raises(UnusableFile) as refused:
        read_rows(text)
    assert message in str(refused.value)


def test_a_header_with_only_some_columns_and_a_byte_order_mark():
    rows = read_rows("\ufeffid,department\nE1002,Platform\n")
    plan = validate(rows, DIRECTORY)
    assert plan.bad == []
    assert [row.employee.department for row in plan.rows] == ["Platform"]
    assert diff_lines(plan.rows[0]) == ["~ E1002", "    department: Engineering → Platform"]


def test_bad_rows_are_reported_with_line_numbers_and_reasons():
    plan = plan_of(
        "E2001,zoe@plaudit.example,Zoe,E1002,Engineering,JP,Asia/Tokyo,2026-12-01,02-29,false,active\n"
        "E2002,not-an-email,Ann,,,,,,,,\n"  # 3
        "E2003,,No Email,,,,,,,,\n"  # 4
        "E2004,d@plaudit.example,Dee,,,,,01/02/2026,,,\n"  # 5
        "E2005,e@plaudit.example,Eve,,,,,,13-40,maybe,gone\n"  # 6
        "E2006,f@plaudit.example,Fay,,,,Mars/Base,,,,\n"  # 7
        "bad id!,g@plaudit.example,Gil,,,,,,,,\n"  # 8
        ",h@plaudit.example,Hal,,,,,,,,\n"  # 9
        "E2009,i@plaudit.example,Ivy,E9999,,,,,,,\n"  # 10: unknown manager
        "E2010,j@plaudit.example,Jo,E2009,,,,,,,\n"  # 11: whose manager is a bad row
        "E2011,k@plaudit.example,Kim,E2011,,,,,,,\n"  # 12: themselves
        "E2012,l@plaudit.example,Lu,,,,,,,,,extra\n"  # 13
    )
    assert [row.change.employee_id for row in plan.rows] == ["E2001"]
    bad = {row.line: (row.employee_id, " | ".join(row.reasons)) for row in plan.bad}
    assert sorted(bad) == list(range(3, 14))
    assert bad[3] == ("E2002", "email: has an invalid format")
    assert bad[4] == ("E2003", "A new employee needs email.")
    assert bad[5][1] == "start_date: must be a date (YYYY-MM-DD)"
    assert "public_birthday: must be true or false" in bad[6][1]
    assert "status: must be one of: active, deactivated" in bad[6][1]
    assert bad[7][1].startswith("time_zone:")
    assert bad[8] == ("bad id!", "id: has an invalid format")
    assert bad[9] == (None, "id: is required")
    assert "E9999 is neither in the directory nor a good row" in bad[10][1]
    assert "E2009 is neither in the directory nor a good row" in bad[11][1]
    assert "cannot manage themselves" in bad[12][1]
    assert bad[13][1] == "the row has more cells than the header has columns"


def test_birthday_month_day_is_checked():
    plan = plan_of("E2005,e@plaudit.example,Eve,,,,,,13-40,,\n")
    assert plan.bad[0].reasons == ("birthday: must be a month and day, MM-DD",)


def test_duplicate_ids_and_emails_in_the_file_are_all_bad():
    plan = plan_of(
        "E2001,a@plaudit.example,A,,,,,,,,\n"
        "E2002,b@plaudit.example,B,,,,,,,,\n"
        "E2001,c@plaudit.example,C,,,,,,,,\n"
        "E2004,B@plaudit.example,D,,,,,,,,\n"  # emails are compared lower-cased
        "E2005,e@plaudit.example,E,,,,,,,,\n"
        "E2005,not-an-email,E,,,,,,,,\n"  # a bad row still makes the id ambiguous
        "E2007,g@plaudit.example,G,,,,,,,,\n"
    )
    assert [row.change.employee_id for row in plan.rows] == ["E2007"]
    assert [(row.line, row.reasons) for row in plan.bad] == [
        (2, ("id: E2001 is also on line(s) 4",)),
        (3, ("email: b@plaudit.example is also on line(s) 5",)),
        (4, ("id: E2001 is also on line(s) 2",)),
        (5, ("email: b@plaudit.example is also on line(s) 3",)),
        (6, ("id: E2005 is also on line(s) 7",)),
        (7, ("email: has an invalid format",)),
    ]


def test_managers_are_written_before_their_reports():
    plan = plan_of(
        "E3003,c@plaudit.example,C,E3002,,,,,,,\n"  # reports to B, below
        "E3001,a@plaudit.example,A,E1002,,,,,,,\n"  # reports to Maya, in the directory
        "E3002,b@plaudit.example,B,E3001,,,,,,,\n"
        "E3004,d@plaudit.example,D,,,,,,,,\n"
        "E3005,e@plaudit.example,E,E3006,,,,,,,\n"  # a cycle of new people
        "E3006,f@plaudit.example,F,E3005,,,,,,,\n"
    )
    assert [row.change.employee_id for row in plan.rows] == ["E3001", "E3004", "E3002", "E3003"]
    assert [(row.line, "cycle" in row.reasons[0]) for row in plan.bad] == [(6, True), (7, True)]


def test_existing_people_change_only_what_the_row_gives():
    plan = plan_of("E1002,,,,,US,,,,,deactivated\n")
    row = plan.rows[0]
    assert (row.employee.name, row.employee.country, row.employee.active) == ("Maya Chen", "US", False)
    assert diff_lines(row) == [
        "~ E1002 deactivated",
        "    country: — → US",
        "    status: active → deactivated",
    ]
    unchanged = plan_of("E1002,maya@plaudit.example,Maya Chen,,Engineering,,,,,,active\n")
    assert diff_lines(unchanged.rows[0]) == []
    created = plan_of("E2001,zoe@plaudit.example,Zoe,,,,,,,TRUE,Active\n")
    assert diff_lines(created.rows[0]) == ["+ E2001 created (Zoe, zoe@plaudit.example)"]
