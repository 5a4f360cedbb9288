"""POST /v1/employees/import-preview: the dry run of a directory CSV, answered by the server with the rules
`plaudit import` uses (services/directory_import): what each row would change, in the order to apply it,
and the bad rows by line; nothing written."""

from __future__ import annotations

from pathlib import Path

from api_checks import assert_error, table_items

ALICE, JON = "E1003", "E1012"
EXAMPLE = (Path(__file__).parents[2] / "examples" / "employees.csv").read_bytes()
PREVIEW = "/v1/employees/import-preview"
CSV = {"content-type": "text/csv"}
MERGE_PATCH = {"content-type": "application/merge-patch+json"}


def preview(api, body: bytes, **kwargs):
    return api.call("POST", PREVIEW, raw_body=body, headers=CSV | kwargs.pop("headers", {}), **kwargs)


def test_the_preview_says_what_the_import_would_change_and_writes_nothing(api, org):
    before = table_items(api.client)
    reply = preview(api, EXAMPLE)
    assert reply.status == 200, reply.body
    answer = reply.json
    assert table_items(api.client) == before
    # the CLI's dry run says "3 created, 1 updated, 0 unchanged, 1 deactivated, 0 bad rows"
    assert answer["counts"] == {
        "created": 3,
        "updated": 1,
        "unchanged": 0,
        "deactivated": 1,
        "reactivated": 0,
    }
    assert answer["errors"] == []
    order = [(row["line"], row["employee_id"], row["action"]) for row in answer["rows"]]
    assert order[0] == (3, "E2001", "created")  # Kai's new manager first, whatever the file's order
    assert set(order) == {
        (2, "E2002", "created"),
        (3, "E2001", "created"),
        (4, "E2003", "created"),
        (5, "E1007", "updated"),
        (6, JON, "deactivated"),
    }
    by_id = {row["employee_id"]: row for row in answer["rows"]}
    assert by_id["E1007"]["changes"] == [
        {"field": "department", "before": "Engineering", "after": "Platform"}
    ]
    assert by_id[JON]["changes"] == [{"field": "status", "before": "active", "after": "deactivated"}]
    assert by_id["E2001"]["employee"]["email"] == "lena.vogel@plaudit.example"
    assert {"field": "name", "before": None, "after": "Lena Vogel"} in by_id["E2001"]["changes"]


def test_bad_rows_come_with_their_lines_and_an_unusable_file_is_refused(api, org):
    body = (
        b"id,email,name,start_date\n"
        b"E3001,new@plaudit.example,New Person,2026-13-45x\n"
        b"E3002,,Nameless\n"
        b"E3003,third@plaudit.example,Third,2025-01-02\n"
    )
    answer = preview(api, body).json
    assert [(bad["line"], bad["employee_id"]) for bad in answer["errors"]] == [(2, "E3001"), (3, "E3002")]
    assert answer["errors"][0]["reasons"] == ["start_date: must be a date (YYYY-MM-DD)"]
    assert [row["employee_id"] for row in answer["rows"]] == ["E3003"]

    unusable = preview(api, b"id,email,nickname\nE1,a@b.example,A\n")
    assert_error(unusable, 422, "import_file_unusable")
    assert unusable.json["error"]["message"].startswith("The file cannot be imported: it needs a header row")
    assert "nickname" in unusable.json["error"]["details"]["reason"]
    assert_error(preview(api, b""), 422, "import_file_unusable")
    assert_error(preview(api, EXAMPLE, as_employee=ALICE), 403, "forbidden")
    wrong_type = api.call("POST", PREVIEW, raw_body=EXAMPLE, headers={"content-type": "application/json"})
    assert_error(wrong_type, 415, "unsupported_media_type")


def test_bad_rows_are_said_in_the_callers_language(api, org):
    body = (
        b"id,email,name,manager_id,status\n"
        b"E3001,one@plaudit.example,One,E3001,\n"
        b"E3002,one@plaudit.example,Two,,gone\n"
        b"E3003,three@plaudit.example,Three,E9999,\n"
    )
    said = {}
    for language in ("en", "it", "fr", "ar"):  # HR's own language, as they choose it
        chosen = api.call("PATCH", "/v1/me", body={"locale": language}, headers=MERGE_PATCH)
        assert chosen.status == 200, chosen.body
        reply = preview(api, body)
        assert reply.status == 200, reply.body
        said[language] = {bad["line"]: bad["reasons"] for bad in reply.json["errors"]}
    assert said["en"] == {
        2: ["manager_id: a person cannot manage themselves"],
        3: ["status: must be one of: active, deactivated"],
        4: ["manager_id: E9999 is neither in the directory nor a good row of the file"],
    }
    assert said["it"][2] == ["manager_id: una persona non può essere responsabile di se stessa"]
    assert said["fr"][4] == ["manager_id: E9999 n'est ni dans l'annuaire ni dans une ligne valide du fichier"]
    assert said["ar"][4] == ["manager_id: E9999 ليس في الدليل ولا في صف صالح من الملف"]
    for language in ("it", "fr", "ar"):
        assert said[language].keys() == said["en"].keys()
        assert all(said[language][line] != said["en"][line] for line in said["en"])
