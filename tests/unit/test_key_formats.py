"""Key formats live only in store/ (DESIGN.md): no key attribute name or key prefix as a string literal in
the rest of the plaudit package or in the functions."""

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).parents[2]
KEY_STRING = re.compile(r"^(PK|SK|GSI1PK|GSI1SK)$|^[A-Z][A-Z_]*#")  # an attribute name or a key prefix


def key_strings(source: str) -> Iterator[tuple[int, str]]:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and KEY_STRING.search(node.value):
            yield node.lineno, node.value


def test_key_formats_stay_in_the_store():
    sources = [*(ROOT / "layers" / "core" / "plaudit").rglob("*.py"), *(ROOT / "functions").rglob("*.py")]
    leaks = [
        f"{path.relative_to(ROOT)}:{line}: {value!r}"
        for path in sources
        if "store" not in path.relative_to(ROOT).parts
        for line, value in key_strings(path.read_text())
    ]
    assert leaks == []


def test_the_key_check_sees_attribute_names_and_prefixes():
    source = 'item["SK"]\nkey = (f"EMP#{employee_id}", "PROFILE")\nmessage = "PKs are fine"\n'
    assert [value for _, value in key_strings(source)] == ["SK", "EMP#"]
