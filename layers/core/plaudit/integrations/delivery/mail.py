"""A voucher by email to its owner's directory address (SES), when email is configured (MAIL_FROM)."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import TYPE_CHECKING

from plaudit.domain.employees import Employee, RewardDelivery
from plaudit.integrations import email
from plaudit.integrations.delivery import ChannelRefused

if TYPE_CHECKING:
    from plaudit.services.vouchers import OwnedVoucher

KEEP_IT = "Keep it to yourself: whoever has the code can use it. It is also in Plaudit under your vouchers."


class MailChannel:
    name: RewardDelivery = "email"

    def reaches(self, employee: Employee) -> bool:
        return email.sender() is not None

    def send(self, employee: Employee, voucher: OwnedVoucher) -> None:
        try:
            email.send(voucher_email(employee, voucher))
        except email.EmailRefused as refused:
            raise ChannelRefused(str(refused)) from None


def voucher_email(employee: Employee, voucher: OwnedVoucher) -> email.Email:
    until = f"It is valid until {_day(voucher.expires_on)}.\n" if voucher.expires_on else ""
    text = (
        f"Hi {employee.name},\n\nyour {voucher.item_name} is here. Your code:\n\n    {voucher.code}\n\n"
        f"{until}{KEEP_IT}\n"
    )
    until_html = f"<p>It is valid until {_day(voucher.expires_on)}.</p>" if voucher.expires_on else ""
    html = (
        f"<p>Hi {escape(employee.name)},</p><p>your {escape(voucher.item_name)} is here. Your code:</p>"
        f'<p style="font-family:monospace;font-size:1.4em">{escape(voucher.code)}</p>{until_html}'
        f"<p>{KEEP_IT}</p>"
    )
    return email.Email(
        to=employee.email, subject=f"Your {voucher.item_name} from Plaudit", text=text, html=html
    )


def _day(day: date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""
