"""A voucher by Slack DM to its owner: the code in the message's blocks only, never in its notification
text (which lock screens and logs show)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject, SectionBlock

from plaudit.domain.employees import Employee, RewardDelivery
from plaudit.i18n import Messages
from plaudit.integrations.delivery import ChannelRefused, Posted
from plaudit.slack.views.messages import escaped

if TYPE_CHECKING:
    from plaudit.services.vouchers import OwnedVoucher

NAME_LIMIT = 80


class SlackDm:
    """`client` gives the bot's client, None when Slack is not configured; `permanent` are the Slack errors
    that retrying cannot fix."""

    name: RewardDelivery = "slack"

    def __init__(self, client: Callable[[], WebClient | None], permanent: frozenset[str]) -> None:
        self._client = client
        self._permanent = permanent

    def reaches(self, employee: Employee) -> bool:
        return employee.slack_user_id is not None and self._client() is not None

    def send(self, employee: Employee, voucher: OwnedVoucher, m: Messages) -> Posted:
        client = self._client()
        if client is None or employee.slack_user_id is None:
            raise ChannelRefused("slack_not_configured")
        try:
            posted = client.chat_postMessage(
                channel=employee.slack_user_id, unfurl_links=False, **voucher_message(voucher, m)
            )
        except SlackApiError as failed:
            error = failed.response.get("error")
            if error in self._permanent:
                raise ChannelRefused(str(error)) from None
            raise
        return posted["channel"], posted["ts"]


def voucher_message(voucher: OwnedVoucher, m: Messages) -> dict:
    name = escaped(voucher.item_name, NAME_LIMIT)
    lines = [m.text("voucher.dm.here", name=name), f"`{escaped(voucher.code, 80)}`"]
    context = m.text("voucher.dm.only_you")
    if voucher.expires_on is not None:
        context = m.text("voucher.dm.valid_until", date=m.date(voucher.expires_on)) + " " + context
    blocks = [
        SectionBlock(text=MarkdownTextObject(text="\n".join(lines))),
        ContextBlock(elements=[MarkdownTextObject(text=context)]),
    ]
    return {"text": m.text("voucher.dm.fallback", name=name), "blocks": [block.to_dict() for block in blocks]}
