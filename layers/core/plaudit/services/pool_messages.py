"""The user pool's emails in the person's language (Cognito's CustomMessage trigger).

Cognito asks before it sends an invitation (AdminCreateUser: user name and temporary password), a password
reset code (ForgotPassword), a code sent again (ResendCode) or a code confirming an email address
(UpdateUserAttribute, VerifyUserAttribute). The language is the account's `locale` attribute: accounts sync
and desk accounts set it at the invitation and keep it with the directory's language (plaudit.services.
accounts), so no table is read; an account without one (made by hand) hears the default language. Each
message keeps the placeholders Cognito fills in (`request.codeParameter`, `request.usernameParameter`,
usually `{####}` and `{username}`): Cognito refuses a message without them. Other sources (sign-up, MFA
codes: not used by this pool) keep Cognito's own words."""

from html import escape
from typing import Any

from plaudit.i18n import messages, person_locale

# trigger source -> the catalogue keys of its subject and body
_MESSAGES = {
    "CustomMessage_AdminCreateUser": ("pool.invite.subject", "pool.invite.body"),
    "CustomMessage_ForgotPassword": ("pool.reset.subject", "pool.reset.body"),
    "CustomMessage_ResendCode": ("pool.code.subject", "pool.code.body"),
    "CustomMessage_UpdateUserAttribute": ("pool.verify_email.subject", "pool.verify_email.body"),
    "CustomMessage_VerifyUserAttribute": ("pool.verify_email.subject", "pool.verify_email.body"),
}
RIGHT_TO_LEFT = frozenset({"ar"})


def custom_message(event: dict[str, Any]) -> dict[str, Any]:
    """The trigger's answer: the event with `response.emailSubject` and `emailMessage` set (HTML: Cognito
    sends it as the email's body)."""
    keys = _MESSAGES.get(event.get("triggerSource", ""))
    if keys is None:
        return event
    request = event["request"]
    attributes = request.get("userAttributes") or {}
    locale = person_locale(attributes.get("locale"), None)
    said = messages(locale)
    subject_key, body_key = keys
    body = said.text(
        body_key,
        name=attributes.get("name") or attributes.get("email") or "",
        code=request["codeParameter"],
        username=request.get("usernameParameter") or "",
    )
    lines = "<br>\n".join(escape(line, quote=False) for line in body.split("\n"))
    direction = "rtl" if locale in RIGHT_TO_LEFT else "ltr"
    response = event.setdefault("response", {})
    response["emailSubject"] = said.text(subject_key)
    response["emailMessage"] = f'<div dir="{direction}" lang="{locale}">{lines}</div>'
    return event
