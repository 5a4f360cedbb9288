"""plaudit.i18n: catalogues read through gettext, plural rules per language (Arabic's six forms), English
for a key a catalogue lacks (logged once, without the values), Babel formatting, Accept-Language."""

import gettext
import io
import logging
import subprocess
import sys
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from plaudit.i18n import (
    DEFAULT_LOCALE,
    SUPPORTED_LOCALES,
    Messages,
    messages,
    negotiate,
    person_locale,
    supported,
)


@pytest.mark.parametrize(
    ("locale", "counts"),
    [
        ("en", {0: "0 points", 1: "1 point", 2: "2 points", 1000: "1,000 points"}),
        (
            "it",
            {0: "0 punti", 1: "1 punto", 2: "2 punti", 1000: "1.000 punti", 1000000: "1.000.000 di punti"},
        ),
        ("fr", {0: "0 point", 1: "1 point", 2: "2 points", 1000: "1\u202f000 points"}),
        (
            "ar",
            {
                0: "0 نقطة",
                1: "نقطة واحدة",
                2: "نقطتان",
                3: "3 نقاط",
                10: "10 نقاط",
                11: "11 نقطة",
                99: "99 نقطة",
                100: "100 نقطة",
                103: "103 نقاط",
                111: "111 نقطة",
            },
        ),
    ],
)
def test_points_follow_each_languages_plural_rules(locale, counts):
    assert {count: messages(locale).points(count) for count in counts} == counts


def test_arabic_has_six_plural_forms_chosen_by_the_last_two_digits():
    catalogue = messages("ar")._catalogue
    forms = {n: catalogue.plural(n) for n in (0, 1, 2, 3, 10, 11, 99, 100, 102, 103, 111)}
    assert forms == {0: 0, 1: 1, 2: 2, 3: 3, 10: 3, 11: 4, 99: 4, 100: 5, 102: 5, 103: 3, 111: 4}


def _catalogue(locale: str, entries: dict[str, str]) -> gettext.GNUTranslations:
    catalogue = Catalog(locale=locale)
    for key, text in entries.items():
        catalogue.add(key, text)
    data = io.BytesIO()
    write_mo(data, catalogue)
    return gettext.GNUTranslations(io.BytesIO(data.getvalue()))


def test_a_key_missing_from_a_catalogue_is_english_and_logged_once_without_its_values(caplog):
    english = Messages("en", _catalogue("en", {"test.greeting": "Hello {name}"}), None)
    italian = Messages("it", _catalogue("it", {}), english)
    with caplog.at_level(logging.WARNING, logger="plaudit.i18n"):
        assert italian.text("test.greeting", name="Alice") == "Hello Alice"
        assert italian.text("test.greeting", name="Bob") == "Hello Bob"
    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert warnings[0].key == "test.greeting"
    assert warnings[0].locale == "it"
    assert "Alice" not in caplog.text
    assert "Bob" not in caplog.text


def test_a_key_missing_in_english_too_is_a_programming_error():
    with pytest.raises(KeyError, match=r"no\.such\.key"):
        messages("fr").text("no.such.key")


def test_a_plural_missing_from_a_catalogue_falls_back_to_the_english_forms():
    catalogue = Catalog(locale="en")
    catalogue.add(("test.apples", "test.apples"), ("{count} apple", "{count} apples"))
    data = io.BytesIO()
    write_mo(data, catalogue)
    english = Messages("en", gettext.GNUTranslations(io.BytesIO(data.getvalue())), None)
    arabic = Messages("ar", _catalogue("ar", {}), english)
    assert arabic.plural("test.apples", 1) == "1 apple"
    assert arabic.plural("test.apples", 12) == "12 apples"


def test_messages_are_read_once_per_locale_and_unknown_locales_get_english():
    assert messages("it") is messages("it")
    assert messages("de").locale == DEFAULT_LOCALE
    assert {messages(locale).locale for locale in SUPPORTED_LOCALES} == set(SUPPORTED_LOCALES)


@pytest.mark.parametrize(
    ("locale", "number", "money", "day"),
    [
        ("en", "1,234.5", "€1,234.50", "March 1, 2026"),
        ("it", "1.234,5", "1.234,50\xa0€", "1 marzo 2026"),
        ("fr", "1\u202f234,5", "1\u202f234,50\xa0€", "1 mars 2026"),
        ("ar", "1,234.5", "\u200f1,234.50\xa0€", "1 مارس 2026"),
    ],
)
def test_numbers_money_and_dates_are_formatted_by_babel_for_the_locale(locale, number, money, day):
    m = messages(locale)
    assert m.number(Decimal("1234.5")) == number
    assert m.money("1234.5", "EUR") == money
    assert m.date(date(2026, 3, 1)) == day
    assert "2026" in m.datetime(datetime(2026, 3, 1, 9, 30, tzinfo=UTC))


@pytest.mark.parametrize(
    ("header", "locale"),
    [
        (None, "en"),
        ("", "en"),
        ("fr-FR,fr;q=0.9,en;q=0.8", "fr"),
        ("de-DE, it;q=0.5, en;q=0.4", "it"),
        ("en;q=0.2, ar-EG;q=0.7", "ar"),
        ("de, *;q=0.1", "en"),
        ("FR", "fr"),
        ("it;q=0, fr;q=0.1", "fr"),
        ("it;q=abc, fr;q=0.1", "fr"),
        ("fr_CA", "fr"),
    ],
)
def test_negotiate_picks_the_most_preferred_supported_language(header, locale):
    assert negotiate(header) == locale


def test_a_persons_language_is_theirs_else_the_organisations_else_english():
    assert person_locale("ar", "fr") == "ar"
    assert person_locale(None, "fr") == "fr"
    assert person_locale(None, None) == "en"
    assert person_locale("de", "it") == "it"
    assert supported("fr-FR") == "fr"
    assert supported("pt") is None


def test_importing_the_catalogues_and_the_errors_loads_neither_babel_nor_pydantic():
    """The Slack ack refuses a bad signature in the error shape: what it imports for that stays light
    (Babel only when something is formatted, pydantic only where documents are validated)."""
    code = (
        "import sys, plaudit.i18n, plaudit.domain.errors, plaudit.api.error_shape; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'babel', 'pydantic', 'pydantic_core'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
