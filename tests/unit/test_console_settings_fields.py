"""The HR console's settings form (console/src/pages/hr/settings-fields.json) says why before sending what the
API would refuse: each field's limits are the ones the settings model states (the OpenAPI document's schema is
made from it), and every setting a person changes in the console is in the form."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plaudit.domain.settings import OrgSettings

FIELDS = json.loads(
    (Path(__file__).parents[2] / "console/src/pages/hr/settings-fields.json").read_text(encoding="utf-8")
)
SCHEMA = OrgSettings.model_json_schema()


def resolve(node: dict) -> tuple[dict, bool]:
    """The schema of a value (its $ref followed) and whether it may be null."""
    nullable = False
    if "anyOf" in node:
        options = [option for option in node["anyOf"] if option.get("type") != "null"]
        nullable = len(options) < len(node["anyOf"])
        node = options[0]
    if "$ref" in node:
        node = SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node, nullable


def schema_of(path: str) -> tuple[dict, bool, bool]:
    """The schema at a dotted path, whether it may be null, and whether it is an entry of a table."""
    node, nullable, entry = SCHEMA, False, False
    for name in path.split("."):
        if isinstance(node.get("additionalProperties"), dict):
            node, nullable, entry = node["additionalProperties"], True, True
        else:
            node, nullable = resolve(node["properties"][name])
    return node, nullable, entry


def leaves(node: dict, prefix: str = "") -> set[str]:
    found = set()
    for name, child in node.get("properties", {}).items():
        path = f"{prefix}{name}"
        value, _ = resolve(child)
        if value.get("type") == "object" and "properties" in value:
            found |= leaves(value, f"{path}.")
        else:
            found.add(path)
    return found


def check_records(field: dict, node: dict) -> None:
    """A list of records: each column as the record's property; a table (`map`): keyed by the first column."""
    columns = field["columns"]
    if field.get("map"):
        assert node["type"] == "object"
        assert len(columns) == 2
        # a decimal (a number or its text), which the form checks as an amount above 0
        assert {"number", "string"} <= {option["type"] for option in node["additionalProperties"]["anyOf"]}
        assert columns[1]["kind"] == "amount"
        return
    assert node["type"] == "array"
    assert field.get("max_items") == node.get("maxItems")
    record, _ = resolve(node["items"])
    assert [column["name"] for column in columns] == list(record["properties"])
    for column in columns:
        value, nullable = resolve(record["properties"][column["name"]])
        assert bool(column.get("optional")) == nullable, column
        if column.get("kind") == "number":
            assert value["type"] == "integer"
            assert (column.get("min"), column.get("max")) == (value.get("minimum"), value.get("maximum"))
        else:
            assert value["type"] == "string"
            assert column.get("pattern") == value.get("pattern")
            assert column.get("max_length") == value.get("maxLength")
            assert value.get("minLength", 1) == 1  # an empty cell is refused unless optional


@pytest.mark.parametrize("field", FIELDS, ids=[field["path"] for field in FIELDS])
def test_each_field_checks_what_the_api_checks(field: dict) -> None:
    node, nullable, entry = schema_of(field["path"])
    kind = field["kind"]
    if kind == "number":
        assert node["type"] == "integer"
        for ours, theirs in (("min", "minimum"), ("max", "maximum")):
            if theirs in node:
                assert field.get(ours) == node[theirs], (field["path"], ours)
        assert "min" in field
    elif kind == "text":
        assert node["type"] == "string"
        assert field.get("pattern") == node.get("pattern", field.get("pattern")), field["path"]
    elif kind == "choice":
        assert set(field["options"]) == set(node["enum"]), field["path"]
    elif kind == "switch":
        assert node["type"] == "boolean"
    elif kind == "records":
        check_records(field, node)
    elif kind == "set":
        assert node["type"] == "array"
        assert set(field["options"]) == set(resolve(node["items"])[0]["enum"])
    else:
        raise AssertionError(f"unknown kind {kind}")
    if not entry:
        assert bool(field.get("optional")) == nullable, field["path"]


def test_every_setting_is_in_the_form() -> None:
    in_form = {
        field["path"].split(".")[0] if field["path"].startswith("allowances.") else field["path"]
        for field in FIELDS
    }
    assert leaves(SCHEMA) == in_form
    assert all(field["section"] for field in FIELDS)
