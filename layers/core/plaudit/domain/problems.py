"""What is wrong with a document that does not validate, field by field, as catalogue sentences: pydantic's
errors read as Problems, and `invalid`, the refusal Plaudit's own validators raise. Kept apart from
plaudit.domain.errors so that importing an error does not import pydantic (the Slack ack's cold start)."""

import re
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic_core import PydanticCustomError

from plaudit.domain.errors import Problem, said_values
from plaudit.i18n import DEFAULT_LOCALE, messages

# pydantic's error types -> the catalogue key saying what is wrong (and the ones of its context values the
# sentence names). A type of Plaudit's own validators is already a key (`problem.birthday_format`).
_PROBLEMS = {
    "missing": "problem.missing",
    "extra_forbidden": "problem.unknown_field",
    "string_type": "problem.not_text",
    "string_too_short": "problem.too_short",
    "string_too_long": "problem.too_long",
    "string_pattern_mismatch": "problem.bad_format",
    "int_type": "problem.not_whole_number",
    "int_parsing": "problem.not_whole_number",
    "int_from_float": "problem.not_whole_number",
    "float_type": "problem.not_number",
    "float_parsing": "problem.not_number",
    "decimal_type": "problem.not_number",
    "decimal_parsing": "problem.not_number",
    "finite_number": "problem.not_number",
    "decimal_max_places": "problem.decimal_places",
    "decimal_max_digits": "problem.digits",
    "bool_type": "problem.not_boolean",
    "bool_parsing": "problem.not_boolean",
    "greater_than_equal": "problem.at_least",
    "greater_than": "problem.more_than",
    "less_than_equal": "problem.at_most",
    "less_than": "problem.less_than",
    "too_short": "problem.too_few_items",
    "too_long": "problem.too_many_items",
    "list_type": "problem.not_list",
    "tuple_type": "problem.not_list",
    "set_type": "problem.not_list",
    "dict_type": "problem.not_object",
    "model_type": "problem.not_object",
    "model_attributes_type": "problem.not_object",
    "date_type": "problem.not_date",
    "date_parsing": "problem.not_date",
    "date_from_datetime_parsing": "problem.not_date",
    "date_from_datetime_inexact": "problem.not_date",
    "datetime_type": "problem.not_datetime",
    "datetime_parsing": "problem.not_datetime",
    "datetime_from_date_parsing": "problem.not_datetime",
    "literal_error": "problem.one_of",
    "enum": "problem.one_of",
    "union_tag_invalid": "problem.one_of",
    "json_invalid": "problem.not_json",
}
_CONTEXT = {
    "problem.too_short": ("min_length",),
    "problem.too_long": ("max_length",),
    "problem.too_few_items": ("min_length",),
    "problem.too_many_items": ("max_length",),
    "problem.at_least": ("ge",),
    "problem.more_than": ("gt",),
    "problem.at_most": ("le",),
    "problem.less_than": ("lt",),
    "problem.decimal_places": ("decimal_places",),
    "problem.digits": ("max_digits",),
}


def invalid(key: str, **params: Any) -> PydanticCustomError:
    """A validator's refusal, said through the catalogue: `raise invalid("problem.birthday_format")`.
    The error's type is the key (problems_from keeps it); its pydantic message is the English sentence."""
    words = messages(DEFAULT_LOCALE)
    return PydanticCustomError(key, words.text(key, **said_values(words, params)), params)


def problems_from(errors: Iterable[Mapping[str, Any]], *, skip: int = 0) -> list[Problem]:
    """pydantic's `errors()` as Problems (`skip`: leading path parts to leave out, such as `body`)."""
    found = []
    for error in errors:
        kind, context = str(error.get("type", "")), error.get("ctx") or {}
        key = kind if kind.startswith("problem.") else _PROBLEMS.get(kind, "problem.invalid")
        if key == "problem.one_of":
            expected = context.get("expected") or context.get("expected_tags") or ""
            params = {"expected": ", ".join(re.findall(r"'([^']*)'", str(expected))) or str(expected)}
        elif kind.startswith("problem."):
            params = dict(context)
        else:
            params = {name: context[name] for name in _CONTEXT.get(key, ()) if name in context}
        where = ".".join(str(part) for part in tuple(error.get("loc", ()))[skip:])
        found.append(Problem(where, key, params))
    return found
