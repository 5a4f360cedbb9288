"""Email through Amazon SES (v2 SendEmail), from the address in MAIL_FROM. Without MAIL_FROM email is not
configured and nothing is sent. The client is created on first use and honours AWS_ENDPOINT_URL, so the
local stack's moto records the mail (shown at GET /_local/mail)."""

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from plaudit.environment import environment
from plaudit.integrations import aws

PERMANENT_ERRORS = frozenset(
    {"MessageRejected", "BadRequestException", "InvalidParameterValue", "NotFoundException"}
)


class EmailRefused(Exception):
    """SES will never send this message (a bad address, an unverified sender): retrying cannot help."""


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str
    html: str | None = None


def _ses() -> Any:
    return aws.client("sesv2")


def sender() -> str | None:
    """The From address, None when email is not configured."""
    return environment().mail_from


def send(email: Email) -> str:
    """Send `email`; returns SES's message id. EmailRefused when SES refuses it for good; other failures
    (throttling, a network error) raise as they are, for a retry."""
    source = sender()
    if source is None:
        raise EmailRefused("email is not configured (no MAIL_FROM)")
    body: dict[str, Any] = {"Text": {"Data": email.text, "Charset": "UTF-8"}}
    if email.html is not None:
        body["Html"] = {"Data": email.html, "Charset": "UTF-8"}
    try:
        sent = _ses().send_email(
            FromEmailAddress=source,
            Destination={"ToAddresses": [email.to]},
            Content={"Simple": {"Subject": {"Data": email.subject, "Charset": "UTF-8"}, "Body": body}},
        )
    except ClientError as failed:
        code = failed.response.get("Error", {}).get("Code", "")
        if code in PERMANENT_ERRORS:
            raise EmailRefused(code) from None
        raise
    return sent["MessageId"]
