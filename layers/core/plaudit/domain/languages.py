"""A language Plaudit speaks, as a field of a document (a person's `locale`, the organisation's
`default_locale`): anything else is refused naming the supported ones."""

from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from plaudit.i18n import SUPPORTED_LOCALES


def supported_locale(value: str) -> str:
    if value not in SUPPORTED_LOCALES:
        raise PydanticCustomError(
            "problem.unsupported_locale",
            "{value} is not a language Plaudit speaks: use one of {supported}",
            {"value": value[:20], "supported": ", ".join(SUPPORTED_LOCALES)},
        )
    return value


Locale = Annotated[
    str,
    AfterValidator(supported_locale),
    WithJsonSchema({"type": "string", "enum": list(SUPPORTED_LOCALES)}),
]
