"""The web console's message catalogues (console/src/i18n/messages/<area>/<language>.json), checked like
the backend's .po catalogues: every key in every language, the same placeholders, the plural forms each
language needs; and no page ever renders text as HTML."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

CONSOLE = Path(__file__).resolve().parents[2] / "console"
MESSAGES = CONSOLE / "src" / "i18n" / "messages"
LANGUAGES = ("en", "it", "fr", "ar")
# CLDR's plural categories for integers in each language (what Intl.PluralRules selects); "many" is
# optional in Italian and French (only for millions and up, which fall back to "other")
PLURAL_FORMS = {
    "en": {"one", "other"},
    "it": {"one", "other"},
    "fr": {"one", "other"},
    "ar": {"zero", "one", "two", "few", "many", "other"},
}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


AREAS = sorted(path.name for path in MESSAGES.iterdir() if path.is_dir())


def area(name: str, language: str) -> dict[str, str | dict[str, str]]:
    return json.loads((MESSAGES / name / f"{language}.json").read_text(encoding="utf-8"))


def catalogue(language: str) -> dict[str, str | dict[str, str]]:
    """The language's words as the console merges them: every area's."""
    return {key: message for name in AREAS for key, message in area(name, language).items()}


def placeholders(message: str | dict[str, str]) -> set[str]:
    texts = message.values() if isinstance(message, dict) else [message]
    return {name for text in texts for name in PLACEHOLDER.findall(text)}


def test_each_area_has_the_four_languages_and_is_merged_by_the_console() -> None:
    assert "core" in AREAS
    merging = (CONSOLE / "src" / "i18n" / "index.ts").read_text(encoding="utf-8")
    for name in AREAS:
        assert sorted(path.stem for path in (MESSAGES / name).glob("*.json")) == sorted(LANGUAGES), name
        assert f'from "./messages/{name}"' in merging, f"{name} is not merged"


def test_no_key_in_two_areas() -> None:
    seen: dict[str, str] = {}
    for name in AREAS:
        for key in area(name, "en"):
            assert key not in seen, f"{key} is in {seen.get(key)} and {name}"
            seen[key] = name


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_every_key_in_every_language(language: str) -> None:
    english, other = catalogue("en"), catalogue(language)
    assert sorted(set(english) - set(other)) == [], f"missing in {language}"
    assert sorted(set(other) - set(english)) == [], f"unknown keys in {language}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_same_placeholders_and_the_plural_forms_the_language_needs(language: str) -> None:
    english = catalogue("en")
    for key, message in catalogue(language).items():
        assert placeholders(message) == placeholders(english[key]), f"{language} {key}"
        assert isinstance(message, dict) == isinstance(english[key], dict), f"{language} {key}"
        if isinstance(message, dict):
            forms = set(message)
            assert PLURAL_FORMS[language] <= forms, f"{language} {key} lacks {PLURAL_FORMS[language] - forms}"
            assert forms <= {"zero", "one", "two", "few", "many", "other"}, f"{language} {key}"
            for form, text in message.items():
                assert "{count}" in text, f"{language} {key}.{form} does not show the count"
        else:
            assert message.strip(), f"{language} {key} is empty"


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_translated_not_copied(language: str) -> None:
    """Names (the product, each language's own name) are the same everywhere; every other word differs
    from English in most messages (a copied catalogue fails)."""
    english, other = catalogue("en"), catalogue(language)
    same = [key for key, message in other.items() if message == english[key]]
    assert len(same) <= len(english) // 5, f"{language}: {same}"


def test_no_page_renders_text_as_html() -> None:
    sources = [p for p in (CONSOLE / "src").rglob("*.ts*") if p.name != "schema.d.ts"]
    assert sources
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for sink in (
            "innerHTML",
            "outerHTML",
            "dangerouslySetInnerHTML",
            "insertAdjacentHTML",
            "document.write",
        ):
            assert sink not in text, f"{path.relative_to(CONSOLE)} uses {sink}"
