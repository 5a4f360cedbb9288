"""Who this request is answered for, as far as its language goes: what the request has read already
(the caller's directory record, the organisation's settings), so that an error is said in the caller's
language without another read. The HTTP layer starts each request with `listen()`; the store reports what
it read through `heard_person` and `heard_organisation`."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class Heard:
    person: bool = False  # the caller's directory record was read (and names them)
    person_locale: str | None = None
    organisation: bool = False  # the organisation's settings were read
    default_locale: str | None = None


_heard: ContextVar[Heard] = ContextVar("plaudit_heard")


def listen() -> Heard:
    """A new request: nothing heard yet."""
    heard = Heard()
    _heard.set(heard)
    return heard


def heard() -> Heard:
    found = _heard.get(None)
    return found if found is not None else listen()


def heard_person(locale: str | None) -> None:
    now = heard()
    now.person, now.person_locale = True, locale


def heard_organisation(default_locale: str) -> None:
    now = heard()
    now.organisation, now.default_locale = True, default_locale
