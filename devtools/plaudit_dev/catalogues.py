"""Compile the message catalogues: each `plaudit.po` (the source a translator edits) into the `plaudit.mo`
beside it (what runtime reads). `make catalogues` runs this; the `.mo` files are committed so that `sam
build`, the local stack and the tests ship exactly what is in the repository, and a test fails when a
`.po` was edited without recompiling."""

import gettext
import io
import sys
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from plaudit.i18n import DOMAIN, LOCALES_DIR, SUPPORTED_LOCALES


def source(locale: str) -> Path:
    return LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def target(locale: str) -> Path:
    return source(locale).with_suffix(".mo")


def compiled(locale: str) -> bytes:
    """The `.mo` bytes the `.po` of `locale` compiles to (untranslated and fuzzy entries left out, so
    that runtime falls back to English for them)."""
    with source(locale).open("rb") as po:
        catalogue = read_po(po, locale=locale, abort_invalid=True)
    out = io.BytesIO()
    write_mo(out, catalogue)
    return out.getvalue()


def content(mo: bytes) -> tuple[dict[Any, str], str | None]:
    """What runtime reads from `.mo` bytes: the messages and the plural rule (the rest of the header,
    such as the compile time and Babel's version, does not matter)."""
    translations = gettext.GNUTranslations(io.BytesIO(mo))
    messages = dict(translations._catalog)  # type: ignore[attr-defined]
    header = messages.pop("", "")
    plural = next((line for line in header.splitlines() if line.startswith("Plural-Forms:")), None)
    return messages, plural


def stale() -> list[str]:
    """The locales whose committed `.mo` does not say what their `.po` says."""
    return [
        locale
        for locale in SUPPORTED_LOCALES
        if not target(locale).exists() or content(target(locale).read_bytes()) != content(compiled(locale))
    ]


def main() -> int:
    for locale in stale():
        target(locale).write_bytes(compiled(locale))
        print(f"compiled {locale}: {target(locale)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
