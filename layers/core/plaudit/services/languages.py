"""The language a request is answered in.

A person in the directory is answered in their `locale`, else the organisation's `default_locale`, else
English; anyone else (an HRIS client, a token that names nobody) by their `Accept-Language`. What the
request has read already (plaudit.i18n.audience) decides without another read; only an error raised
before the caller's record was read (an input that does not validate) reads it, once, with the settings.
"""

from collections.abc import Mapping, Sequence

from plaudit.domain.errors import PlauditError
from plaudit.i18n import negotiate, person_locale
from plaudit.i18n.audience import heard
from plaudit.services.identity import caller_from_claims
from plaudit.store import snapshots


def request_locale(
    accept_language: str | None,
    claims: Mapping[str, str] | None = None,
    scopes: Sequence[str] | None = None,
    *,
    may_read: bool = True,
) -> str:
    """The caller's language. `claims`/`scopes`: the token's (None for a signed webhook); `may_read`:
    whether finding it may read the table (not while answering that the table throttles us)."""
    now = heard()
    if not now.person and claims and may_read:
        try:
            caller = caller_from_claims(claims, scopes)
        except PlauditError:  # a token that names nobody
            caller = None
        if caller is not None and caller.employee_id:
            snapshots.load(employees=[caller.employee_id], settings=True).identify(caller)
    if not now.person:
        return negotiate(accept_language)
    if now.person_locale is None and not now.organisation and may_read:
        snapshots.load(settings=True)
    return person_locale(now.person_locale, now.default_locale)
