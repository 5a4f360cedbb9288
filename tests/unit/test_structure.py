"""The layering rules DESIGN.md states, checked on the source: no import cycles in the plaudit package
(imports inside functions count: they only hide a cycle), and key formats only in store/."""

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).parents[2]
LAYER = ROOT / "layers" / "core"
KEY_STRING = re.compile(r"^(PK|SK|GSI1PK|GSI1SK)$|^[A-Z][A-Z_]*#")  # an attribute name or a key prefix


def modules() -> dict[str, Path]:
    found = {}
    for path in (LAYER / "plaudit").rglob("*.py"):
        parts = path.relative_to(LAYER).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imported(name: str, source: str, known: set[str], *, is_package: bool = False) -> set[str]:
    """The plaudit modules `name` imports, anywhere in its source."""
    package = name.split(".") if is_package else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name in known}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package[: len(package) - node.level + 1], *([base] if base else [])])
            for alias in node.names:
                target = f"{base}.{alias.name}"
                found.add(target if target in known else base)
    return (found & known) - {name}


def cycles(graph: dict[str, set[str]]) -> set[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: set[frozenset[str]] = set()

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = {stack.pop()}
            while node not in component:
                component.add(stack.pop())
            if len(component) > 1:
                found.add(frozenset(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def key_strings(source: str) -> Iterator[tuple[int, str]]:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and KEY_STRING.search(node.value):
            yield node.lineno, node.value


def test_the_plaudit_package_has_no_import_cycles():
    known = modules()
    graph = {
        name: imported(name, path.read_text(), set(known), is_package=path.name == "__init__.py")
        for name, path in known.items()
    }
    assert graph["plaudit.services.directory"] >= {"plaudit.services.deactivation"}  # the graph is real
    assert cycles(graph) == set()


def test_the_cycle_finder_sees_imports_inside_functions_and_relative_ones():
    known = {"plaudit.services.deactivation", "plaudit.services.directory_sync", "plaudit.store.keys"}
    source = "from ..store import keys\n\ndef f():\n    from plaudit.services import directory_sync\n"
    assert imported("plaudit.services.deactivation", source, known) == {
        "plaudit.services.directory_sync",
        "plaudit.store.keys",
    }
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == {frozenset({"a", "b", "c"})}


def test_key_formats_stay_in_the_store():
    leaks = [
        f"{path.relative_to(ROOT)}:{line}: {value!r}"
        for path in [*(LAYER / "plaudit").rglob("*.py"), *(ROOT / "functions").rglob("*.py")]
        if "store" not in path.relative_to(ROOT).parts
        for line, value in key_strings(path.read_text())
    ]
    assert leaks == []


def test_the_key_check_sees_attribute_names_and_prefixes():
    source = 'item["SK"]\nkey = (f"EMP#{employee_id}", "PROFILE")\nmessage = "PKs are fine"\n'
    assert [value for _, value in key_strings(source)] == ["SK", "EMP#"]
