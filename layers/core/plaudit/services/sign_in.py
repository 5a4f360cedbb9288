"""Sign-in accounts: linking the identity provider's subject to a directory entry.

A Cognito access token names a person only by a UUID `sub`. That subject is linked to the person once:
when their account is created from the directory (accounts sync), or on their first sign-in, by the
verified email of their ID token (POST /v1/me/link). The link is an administrative act in the trail; the
subject itself rides outside the chain, in the person's record, like their other personal values.
"""

from collections.abc import Mapping

from plaudit.domain.errors import Conflict, Forbidden, NotFound, RuleViolation
from plaudit.domain.model import Model
from plaudit.services.trail import Act, record
from plaudit.store import accounts
from plaudit.store.employees import employee_id_by_email
from plaudit.store.transact import WriteRefused


class LinkedAccount(Model):
    employee_id: str
    linked: bool  # True: linked by this request; False: it was linked already (a repeat changes nothing)


def link_account(employee_id: str, subject: str, *, actor: str) -> bool:
    """Link `subject` to the person (idempotent). Returns whether it was linked now.

    Refused with 404 for someone not in the directory, 409 `subject_taken` when the subject leads to
    someone else, 409 `account_linked` when the person is linked to another subject.
    """
    known, current = accounts.account_of(employee_id)
    if not known:
        raise NotFound("error.employee_not_found", code="employee_not_found")
    if current == subject:
        return False
    if current is not None:
        raise Conflict("error.account_linked", code="account_linked")
    act = Act(
        actor,
        "employee.account_link",
        f"employee:{employee_id}",
        before={"idp_subject": None},
        after={"idp_subject": subject},
        person=employee_id,
    )
    try:
        record(accounts.link_writes(employee_id, subject), act)
    except WriteRefused as refused:
        if refused.refused(accounts.SUBJECT):
            raise Conflict("error.subject_taken", code="subject_taken") from refused
        if refused.refused(accounts.ACCOUNT):  # linked to another subject since the read
            raise Conflict("error.account_linked", code="account_linked") from refused
        raise
    return True


def link_signed_in(claims: Mapping[str, str] | None) -> LinkedAccount:
    """The first sign-in: the bearer is the person's ID token (checked by the authorizer like any token),
    whose verified `email` finds them in the directory and whose `sub` is linked to them.

    An access token has no email (422 `id_token_needed`); an email the identity provider has not verified
    proves nothing (403 `email_unverified`); nobody in the directory with that email: 403 `not_in_directory`.
    """
    claims = claims or {}
    subject, email = claims.get("sub", ""), claims.get("email", "").lower()
    if not subject or not email:
        raise RuleViolation("error.id_token_needed", code="id_token_needed")
    if claims.get("email_verified", "").lower() != "true":
        raise Forbidden("error.email_unverified", code="email_unverified")
    employee_id = employee_id_by_email(email)
    if employee_id is None:
        raise Forbidden("error.not_in_directory", code="not_in_directory")
    linked = link_account(employee_id, subject, actor=employee_id)
    return LinkedAccount(employee_id=employee_id, linked=linked)
