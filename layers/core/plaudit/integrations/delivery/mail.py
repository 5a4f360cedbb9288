"""Email to a person's directory address (SES), when email is configured (MAIL_FROM): a voucher (the
MailChannel), and what Slack would DM someone it cannot reach (plaudit.slack.notices.emails)."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from plaudit.domain.employees import Employee, RewardDelivery
from plaudit.i18n import Messages
from plaudit.integrations import email
from plaudit.integrations.delivery import ChannelRefused

if TYPE_CHECKING:
    from plaudit.services.vouchers import OwnedVoucher


class MailChannel:
    name: RewardDelivery = "email"

    def reaches(self, employee: Employee) -> bool:
        return email.sender() is not None

    def send(self, employee: Employee, voucher: OwnedVoucher, m: Messages) -> None:
        try:
            email.send(voucher_email(employee, voucher, m))
        except email.EmailRefused as refused:
            raise ChannelRefused(str(refused)) from None


def voucher_email(employee: Employee, voucher: OwnedVoucher, m: Messages) -> email.Email:
    """The voucher's email in the owner's language; its HTML runs right to left for Arabic."""
    greeting = m.text("email.voucher.greeting", name=employee.name)
    intro = m.text("email.voucher.intro", item=voucher.item_name)
    until = (
        m.text("email.voucher.valid_until", date=m.date(voucher.expires_on)) if voucher.expires_on else None
    )
    keep_it = m.text("email.voucher.keep_it")
    text = (
        f"{greeting}\n\n{intro}\n\n    {voucher.code}\n\n" + (f"{until}\n" if until else "") + f"{keep_it}\n"
    )
    html = (
        f'<div lang="{m.locale}" dir="{_direction(m.locale)}">'
        f"<p>{escape(greeting)}</p><p>{escape(intro)}</p>"
        f'<p style="font-family:monospace;font-size:1.4em" dir="ltr">{escape(voucher.code)}</p>'
        + (f"<p>{escape(until)}</p>" if until else "")
        + f"<p>{escape(keep_it)}</p></div>"
    )
    subject = m.text("email.voucher.subject", item=voucher.item_name)
    return email.Email(to=employee.email, subject=subject, text=text, html=html)


def notice_email(employee: Employee, subject: str, paragraphs: list[str], m: Messages) -> email.Email:
    """A plain message to `employee` in their language `m`: a greeting, then `paragraphs` (plain text)."""
    lines = [m.text("email.voucher.greeting", name=employee.name), *paragraphs]
    html = f'<div lang="{m.locale}" dir="{_direction(m.locale)}">' + "".join(
        f"<p>{escape(line)}</p>" for line in lines
    )
    return email.Email(
        to=employee.email, subject=subject, text="\n\n".join(lines) + "\n", html=html + "</div>"
    )


def _direction(locale: str) -> str:
    from babel import Locale  # lazily, as plaudit.i18n does

    return "rtl" if Locale.parse(locale).text_direction == "rtl" else "ltr"
