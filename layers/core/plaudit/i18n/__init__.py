"""Every word Plaudit says, in the reader's language.

The catalogues are gettext files, one per language, under `locales/<lang>/LC_MESSAGES/plaudit.po`; msgids
are stable dotted keys (`error.not_found`) and the English catalogue holds the English text. Runtime reads
the compiled `.mo` beside each `.po` (`make catalogues` writes them; a test fails when they differ) with
the standard library's gettext, so importing this module costs next to nothing: Babel, which formats
numbers, money and dates for a locale, is imported only when one of those is formatted.

A key missing from a catalogue falls back to English and is logged once (the key, never the values); the
completeness test keeps that from happening.
"""

import gettext
import logging
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

SUPPORTED_LOCALES = ("en", "it", "fr", "ar")
DEFAULT_LOCALE = "en"
DOMAIN = "plaudit"
LOCALES_DIR = Path(__file__).resolve().parent / "locales"

logger = logging.getLogger(__name__)
_missing_logged: set[tuple[str, str]] = set()


class Messages:
    """One language's catalogue, with the English one to fall back on, and its formatting."""

    def __init__(self, locale: str, catalogue: gettext.GNUTranslations, english: "Messages | None") -> None:
        self.locale = locale
        self._catalogue = catalogue
        self._english = english

    def text(self, key: str, **params: Any) -> str:
        """The sentence `key` names, its `{placeholders}` filled from `params`."""
        found = self._catalogue._catalog.get(key)  # type: ignore[attr-defined]
        if found is None:
            return self._fallback(key).text(key, **params)
        return found.format(**params)

    def plural(self, key: str, count: int, **params: Any) -> str:
        """The form of `key` for `count` by this language's plural rules; `{count}` is `count` formatted
        for the locale."""
        form = self._catalogue.plural(count)  # type: ignore[attr-defined]
        found = self._catalogue._catalog.get((key, form))  # type: ignore[attr-defined]
        if found is None:
            return self._fallback(key).plural(key, count, **params)
        return found.format(count=self.number(count), **params)

    def points(self, count: int) -> str:
        """`1 point`, `1,000 points`: an amount of points as a sentence names it."""
        return self.plural("points", count)

    def number(self, n: int | float | Decimal) -> str:
        from babel.numbers import format_decimal

        return format_decimal(n, locale=self.locale)

    def money(self, amount: int | float | Decimal | str, currency: str) -> str:
        from babel.numbers import format_currency

        return format_currency(Decimal(str(amount)), currency, locale=self.locale)

    def date(self, d: date) -> str:
        from babel.dates import format_date

        return format_date(d, format="long", locale=self.locale)

    def datetime(self, dt: datetime) -> str:
        from babel.dates import format_datetime

        return format_datetime(dt, format="medium", tzinfo=dt.tzinfo, locale=self.locale)

    def _fallback(self, key: str) -> "Messages":
        if self._english is None:
            raise KeyError(f"no message {key!r} in the English catalogue")
        if (self.locale, key) not in _missing_logged:
            _missing_logged.add((self.locale, key))
            logger.warning(
                "Message missing from a catalogue; English used", extra={"locale": self.locale, "key": key}
            )
        return self._english


@cache
def messages(locale: str) -> Messages:
    """The catalogue of `locale` (one of SUPPORTED_LOCALES; anything else gets English), read once."""
    if locale not in SUPPORTED_LOCALES:
        locale = DEFAULT_LOCALE
    catalogue = gettext.translation(DOMAIN, localedir=LOCALES_DIR, languages=[locale])
    english = None if locale == DEFAULT_LOCALE else messages(DEFAULT_LOCALE)
    return Messages(locale, catalogue, english)  # type: ignore[arg-type]


def supported(locale: str | None) -> str | None:
    """`locale` if Plaudit speaks it, else None; case-insensitive, and a region is dropped (`fr-CA` → fr)."""
    if not locale:
        return None
    language = locale.replace("_", "-").split("-", 1)[0].strip().lower()
    return language if language in SUPPORTED_LOCALES else None


def negotiate(accept_language: str | None) -> str:
    """The supported language an `Accept-Language` header prefers most (RFC 9110 weights; `*` and
    anything unsupported skipped), else DEFAULT_LOCALE."""
    ranked = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, weight = part.strip().partition(";")
        quality = 1.0
        if weight.strip().startswith("q="):
            try:
                quality = float(weight.strip()[2:])
            except ValueError:
                continue
        language = supported(tag)
        if language and quality > 0:
            ranked.append((-quality, position, language))
    return min(ranked)[2] if ranked else DEFAULT_LOCALE


def person_locale(directory_locale: str | None, org_default: str | None) -> str:
    """A person's language: their own `locale`, else the organisation's `default_locale`, else English."""
    return supported(directory_locale) or supported(org_default) or DEFAULT_LOCALE
