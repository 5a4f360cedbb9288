"""Turn the authorizer's JWT claims into a Caller.

API Gateway's HTTP API passes every claim as a string (arrays look like "[a b]"). People are found by
their verified email claim (an external OIDC issuer's tokens, a Cognito ID token), else by the subject
their account is linked to (a Cognito access token: a UUID `sub`, no email; see services/sign_in.py), else
by a `sub` that is their employee id. A client-credentials token (Cognito: `sub` is the app client's
`client_id`) is an integration client: no person, only its scopes.

Roles come from the directory and from ONE claim the identity provider controls: `cognito:groups` (groups
only an administrator can put a user in), or the claim named by the function's ROLES_CLAIM variable (the
template's JwtRolesClaim parameter) for an external issuer. Never from `roles` or `custom:roles` by
default: a Cognito user can write their own custom attributes unless the app client forbids it.
"""

import json
import re
from collections.abc import Mapping, Sequence

from plaudit.domain.access import Caller
from plaudit.domain.employees import EMPLOYEE_ID, Role
from plaudit.domain.errors import Unauthenticated
from plaudit.environment import environment
from plaudit.store.accounts import employee_id_by_subject
from plaudit.store.employees import employee_id_by_email

_employee_id = re.compile(EMPLOYEE_ID)
_known_roles = {role.value for role in Role}


def caller_from_claims(claims: Mapping[str, str] | None, scopes: Sequence[str] | None) -> Caller:
    if not claims or not claims.get("sub"):
        raise Unauthenticated("error.unauthenticated")
    subject = claims["sub"]
    email = claims.get("email", "").lower() or None
    if claims.get("email_verified", "true").lower() == "false":
        email = None  # where people can edit their own email, an unverified one proves nothing
    if email:
        employee_id = employee_id_by_email(email)
    elif claims.get("client_id") == subject:  # client credentials: the app client itself, never a person
        employee_id = None
    else:
        employee_id = employee_id_by_subject(subject) or (subject if _employee_id.match(subject) else None)
    roles_claim = environment().roles_claim
    roles = frozenset(Role(name) for name in _claim_list(claims.get(roles_claim)) if name in _known_roles)
    return Caller(
        employee_id=employee_id,
        token_roles=roles,
        scopes=frozenset(scopes or ()),
        subject=subject,
        email=email,
    )


def _claim_list(raw: str | list[str] | None) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, list):
        return [str(item) for item in raw]
    text = raw.strip()
    if text.startswith("[") and text.endswith("]"):
        try:
            parsed = json.loads(text)
            if isinstance(parsed, list):
                return [str(item) for item in parsed]
        except ValueError:
            pass
        text = text[1:-1]
    return [part for part in re.split(r"[\s,]+", text) if part]
