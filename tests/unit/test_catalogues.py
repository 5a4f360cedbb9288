"""The message catalogues are complete and current: every language has every English key, with the same
placeholders and a note for the translator; the plural rules are Babel's; every key the code names exists
in English; and each committed `.mo` says what its `.po` says (`make catalogues` after editing a `.po`)."""

import ast
import re
import string
from pathlib import Path

import pytest
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from plaudit.i18n import DEFAULT_LOCALE, SUPPORTED_LOCALES
from plaudit_dev.catalogues import source, stale

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "layers" / "core" / "plaudit"
FUNCTIONS = ROOT / "functions"
# Calls whose first argument is a message key: Messages.text / .plural, a Phrase of an error's sentence.
KEYED_CALLS = {"text", "plural", "Phrase"}
KEY_SHAPE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+")


def catalogue(locale: str):
    with source(locale).open("rb") as po:
        return read_po(po, locale=locale, abort_invalid=True)


def entries(locale: str) -> dict[str, tuple[str, ...]]:
    """key -> its text (each plural form), the header left out."""
    found = {}
    for message in catalogue(locale):
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        found[key] = tuple(texts)
    return found


def placeholders(texts: tuple[str, ...]) -> set[str]:
    names = set()
    for text in texts:
        for _, field, _, _ in string.Formatter().parse(text):
            if field is not None:
                names.add(field.split(".")[0].split("[")[0])
    return names


ENGLISH = entries(DEFAULT_LOCALE)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_catalogue_has_every_english_key_translated_with_the_same_placeholders(locale):
    translated = entries(locale)
    assert set(translated) == set(ENGLISH), "keys differ from the English catalogue"
    for key, texts in translated.items():
        assert all(texts), f"{locale}: {key} is not translated"
        assert placeholders(texts) == placeholders(ENGLISH[key]), f"{locale}: {key} placeholders differ"
        assert len(texts) == (get_plural(locale).num_plurals if len(ENGLISH[key]) > 1 else 1), key


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_entry_explains_itself_to_the_translator_and_the_plural_rule_is_babels(locale):
    read = catalogue(locale)
    assert read.plural_forms == get_plural(locale).plural_forms
    for message in read:
        if message.id:
            assert message.auto_comments, f"{locale}: {message.id} has no #. comment for the translator"


FILE_EXTENSIONS = frozenset({"json", "csv", "zip"})


def keys_named_in_code() -> dict[str, str]:
    """Every catalogue key the plaudit package names -> where: the first argument of Messages.text and
    .plural, and every string constant shaped like a key of one of the catalogue's namespaces (error
    keys passed to the domain's errors, `problem.*` types of validators, keys kept in tables)."""
    namespaces = {key.split(".")[0] for key in ENGLISH if "." in key}
    keys = {}
    for path in [*PACKAGE.rglob("*.py"), *FUNCTIONS.rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute | ast.Name)
                and getattr(node.func, "attr", getattr(node.func, "id", None)) in KEYED_CALLS
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                keys[node.args[0].value] = f"{path.relative_to(ROOT)}:{node.lineno}"
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and KEY_SHAPE.fullmatch(node.value)
                and node.value.split(".")[0] in namespaces
                and node.value.rpartition(".")[2] not in FILE_EXTENSIONS  # "person.json" names a file
            ):
                keys[node.value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return keys


def key_prefixes_built_in_code() -> set[str]:
    """The leading parts of keys the code builds at runtime: f"leaderboard.period.{period}"."""
    prefixes = set()
    for path in [*PACKAGE.rglob("*.py"), *FUNCTIONS.rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                head = str(node.values[0].value)
                if re.fullmatch(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)*\.", head) and any(
                    k.startswith(head) for k in ENGLISH
                ):
                    prefixes.add(head)
    return prefixes


def test_every_key_the_code_names_is_in_the_english_catalogue():
    named = keys_named_in_code()
    assert {"points", "times", "error.invalid_request"} <= set(named)
    missing = {key: where for key, where in named.items() if key not in ENGLISH}
    assert not missing


def test_every_english_key_is_named_in_code():
    """No sentence nobody says: each key is named in code, or begins as a key the code builds does."""
    built = key_prefixes_built_in_code()
    unnamed = {key for key in set(ENGLISH) - set(keys_named_in_code()) if not key.startswith(tuple(built))}
    assert unnamed == set()


def test_the_committed_mo_files_are_compiled_from_the_po_files():
    assert stale() == [], "run `make catalogues` and commit the .mo files"


ERRORS = {
    "PlauditError",
    "InvalidRequest",
    "Unauthenticated",
    "Forbidden",
    "NotFound",
    "Conflict",
    "PayloadTooLarge",
    "UnsupportedMediaType",
    "RuleViolation",
    "InternalError",
    "Throttled",
    "PreconditionFailed",
}


def test_every_error_the_code_raises_names_its_sentence_by_a_key():
    """An error made with an English sentence would have no sentence to say (PlauditError(key, ...))."""
    unkeyed = []
    for path in [*PACKAGE.rglob("*.py"), *FUNCTIONS.rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None)) in ERRORS
            ):
                first = node.args[0] if node.args else None
                keys = [first.body, first.orelse] if isinstance(first, ast.IfExp) else [first]
                if not all(isinstance(k, ast.Constant | ast.Name) for k in keys) or any(
                    isinstance(k, ast.Constant) and k.value not in ENGLISH for k in keys
                ):
                    unkeyed.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not unkeyed
