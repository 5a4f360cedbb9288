"""Errors the domain raises: a machine-readable code, a human sentence and an HTTP status hint.

The sentence is a message catalogue key (`error.not_found`) and the values its placeholders take, said in
the reader's language when the error is shown (`message_in`): the code decides, the front end words it.
Field-by-field problems of a document that does not validate (`problems`, see plaudit.domain.problems) are
said the same way. Standard library only (and the catalogues): the Slack ack imports this.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from plaudit.i18n import DEFAULT_LOCALE, Messages, messages


@dataclass(frozen=True)
class Problem:
    """What is wrong with one field: `field` is its dotted path (`allowances.employee`), `key` the
    catalogue key of the sentence (`problem.too_long`), `params` its placeholders."""

    field: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def said(self, words: Messages) -> dict[str, str]:
        return {"field": self.field, "problem": words.text(self.key, **said_values(words, self.params))}


@dataclass(frozen=True)
class Phrase:
    """A placeholder value that is itself a catalogue sentence: `Phrase("period.month")`, or by a count,
    `Phrase("times", count=3)` ("3 times", with the language's plural rules)."""

    key: str
    count: int | None = None

    def said(self, words: Messages) -> str:
        return words.text(self.key) if self.count is None else words.plural(self.key, self.count)


def Points(count: int) -> Phrase:
    """An amount of points as a sentence says it: "1 point", "1,000 points"."""
    return Phrase("points", count=count)


@dataclass(frozen=True)
class Money:
    """An amount in a currency, written the language's way ("€60.00", "60,00 €")."""

    amount: Decimal | int | str
    currency: str


def said_values(words: Messages, params: dict[str, Any]) -> dict[str, str]:
    """Placeholder values as the language writes them: numbers grouped, dates with month names, lists
    joined."""
    out = {}
    for name, value in params.items():
        if isinstance(value, Phrase):
            out[name] = value.said(words)
        elif isinstance(value, Money):
            out[name] = words.money(value.amount, value.currency)
        elif isinstance(value, bool):
            out[name] = str(value).lower()
        elif isinstance(value, int | float | Decimal):
            out[name] = words.number(value)
        elif isinstance(value, datetime):
            out[name] = words.datetime(value)
        elif isinstance(value, date):
            out[name] = words.date(value)
        elif isinstance(value, list | tuple):
            out[name] = ", ".join(str(item) for item in value)
        else:
            out[name] = str(value)
    return out


class PlauditError(Exception):
    status = 400
    code = "bad_request"

    def __init__(
        self,
        key: str,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
        problems: list[Problem] | None = None,
        **params: Any,
    ):
        super().__init__(key)
        self.key = key
        self.params = params
        self.code = code or self.code
        self.details = details or {}
        self.problems = problems or []

    def message_in(self, locale: str) -> str:
        words = messages(locale)
        params = said_values(words, self.params)
        if self.problems:
            said = [problem.said(words) for problem in self.problems[:3]]
            params["summary"] = "; ".join(words.text("error.field_problem", **p) for p in said)
        return words.text(self.key, **params)

    def details_in(self, locale: str) -> dict[str, Any]:
        """`details`, with each field problem said in `locale` (under `errors`)."""
        if not self.problems:
            return self.details
        words = messages(locale)
        return self.details | {"errors": [problem.said(words) for problem in self.problems]}

    @property
    def message(self) -> str:
        """The sentence in English (tests, the operator's CLI)."""
        return self.message_in(DEFAULT_LOCALE)

    def __str__(self) -> str:
        return self.message


class InvalidRequest(PlauditError):
    status, code = 400, "invalid_request"


class Unauthenticated(PlauditError):
    status, code = 401, "unauthenticated"


class Forbidden(PlauditError):
    status, code = 403, "forbidden"


class NotFound(PlauditError):
    status, code = 404, "not_found"


class NotAcceptable(PlauditError):
    """The caller accepts none of the media types the route answers in."""

    status, code = 406, "not_acceptable"


class Conflict(PlauditError):
    status, code = 409, "conflict"


class Gone(PlauditError):
    """It existed, and no longer does (an expired export's file)."""

    status, code = 410, "gone"


class PayloadTooLarge(PlauditError):
    status, code = 413, "body_too_large"


class UnsupportedMediaType(PlauditError):
    status, code = 415, "unsupported_media_type"


class RuleViolation(PlauditError):
    """The request is well-formed but a business rule refuses it."""

    status, code = 422, "rule_violation"


class InternalError(PlauditError):
    """Something failed on our side (logged; the answer says nothing about it)."""

    status, code = 500, "internal_error"


class Throttled(PlauditError):
    status, code = 429, "throttled"


class PreconditionFailed(PlauditError):
    """An If-Match named a version that is no longer the current one."""

    status, code = 412, "version_mismatch"


class ServiceUnavailable(PlauditError):
    """Plaudit cannot do this yet: something an operator must set up is missing (an empty secret)."""

    status, code = 503, "service_unavailable"
