"""Tier moves told in Slack, from the domain table's stream: when a person's tier record counts one more
move up (plaudit.store.tiers), the person gets a DM (in their language) and, when the settings say so, the
announcement channel hears it (in the organisation's language). The record changes only when a tier does,
and a move up to a tier reached before counts none, so each tier is told once per person."""

from typing import Any

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

from plaudit.i18n import Messages
from plaudit.slack.notices.notice import Notice, People, Told, compose
from plaudit.slack.views.messages import Message, escaped
from plaudit.store.tiers import TIER_TYPE

NAME_LIMIT = 80


def notices_for(
    event_name: str, old: dict[str, Any] | None, new: dict[str, Any] | None, people: People
) -> list[Notice]:
    if new is None or new.get("type") != TIER_TYPE or not new.get("rose_to"):
        return []
    if int(new.get("rises", 0)) <= int((old or {}).get("rises", 0)):
        return []
    person_id, tier = new["employee_id"], new["rose_to"]
    notices = []
    if (slack_id := people.slack_id(person_id)) is not None:
        message = tier_dm_message(tier, int(new.get("points", 0)), people.language(person_id))
        notices.append(Notice("dm", slack_id, message, to=Told(person_id, "tier", tier)))
    channel = people.announcement_channel() if people.tiers_announced() else None
    if channel is not None:
        org = people.org_language()
        message = tier_announcement(people.mention(person_id, org), tier, org)
        notices.append(Notice("announcement", channel, message))
    return notices


def tier_dm_message(tier: str, points: int, m: Messages) -> Message:
    text = m.text("tiers.dm", tier=escaped(tier, NAME_LIMIT), points=m.points(points))
    return compose(text, [SectionBlock(text=MarkdownTextObject(text=f":medal: {text}"))])


def tier_announcement(mention: str, tier: str, m: Messages) -> Message:
    text = m.text("tiers.announcement", name=mention, tier=escaped(tier, NAME_LIMIT))
    return compose(text, [SectionBlock(text=MarkdownTextObject(text=f":medal: {text}"))])
