"""A public campaign told in Slack, from the domain table's stream: ONE celebration in the announcement
channel (in the organisation's language) when the campaign is done, naming it and how many people it
recognised; each person hears of their own award by DM or email through the award path."""

from typing import Any

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

from plaudit.i18n import Messages
from plaudit.slack.notices.notice import Notice, People, compose
from plaudit.slack.views.messages import Message, escaped

CAMPAIGN, DONE = "campaign", "done"
NAME_LIMIT = 120


def notices_for(
    event_name: str, old: dict[str, Any] | None, new: dict[str, Any] | None, people: People
) -> list[Notice]:
    if event_name != "MODIFY" or new is None or new.get("type") != CAMPAIGN or not new.get("public"):
        return []
    if new.get("status") != DONE or (old or {}).get("status") == DONE:
        return []
    recognised = int(new.get("paid") or 0) + int(new.get("pending") or 0)
    channel = people.announcement_channel()
    if channel is None or recognised == 0:
        return []
    message = celebration_message(new, recognised, people.org_language())
    return [Notice("celebration", channel, message, ("campaign", new["id"]))]


def celebration_message(campaign: dict[str, Any], recognised: int, m: Messages) -> Message:
    name = escaped(campaign.get("name") or "", NAME_LIMIT)
    text = m.text("campaigns.celebration", name=name, people=m.plural("campaigns.people", recognised))
    blocks = [SectionBlock(text=MarkdownTextObject(text=text))]
    if campaign.get("message"):
        blocks.append(SectionBlock(text=MarkdownTextObject(text=escaped(campaign["message"], 500))))
    return compose(text, blocks)
