"""Mail in the local stack: the notifications function sends through SES, which is moto's; its From
address (the template's RewardMailFrom, set by the local stack) is verified at start-up and what was sent
is listed at `GET /_local/mail?after=N` (newest last).
Mail bodies are never logged (a voucher email carries its code)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from moto.ses.models import ses_backends

from plaudit_dev.http_api import HttpRequest, HttpResponse, json_response
from plaudit_dev.local_aws import LOCAL_MAIL_FROM

MAIL_PATH = "/_local/mail"


def verify_sender(sesv2: Any, address: str = LOCAL_MAIL_FROM) -> None:
    """Verify the From address in moto's SES (in AWS: verified once by whoever sets RewardMailFrom)."""
    sesv2.create_email_identity(EmailIdentity=address)


def sent_mail() -> list[dict[str, Any]]:
    """Every message moto's SES accepted, across accounts and regions, as {seq, from, to, subject, body}."""
    mail: list[dict[str, Any]] = []
    for regions in list(ses_backends.values()):
        for backend in list(regions.values()):
            for message in list(backend.sent_messages):
                if not hasattr(message, "subject"):  # raw and templated messages: not sent by Plaudit
                    continue
                to = [address for addresses in message.destinations.values() for address in addresses]
                mail.append(
                    {"from": message.source, "to": to, "subject": message.subject, "body": message.body}
                )
    return [{"seq": seq, **item} for seq, item in enumerate(mail, start=1)]


def handle(request: HttpRequest) -> HttpResponse | None:
    """The response to GET /_local/mail, or None when `request` is not one."""
    if request.path != MAIL_PATH or request.method != "GET":
        return None
    after = int(dict(parse_qsl(request.query)).get("after") or 0)
    mail = sent_mail()
    return json_response(200, {"mail": [item for item in mail if item["seq"] > after], "last": len(mail)})
