"""Badges and streak nudges told in Slack, from the domain table's stream. A badge earned is inserted once
(plaudit.store.badges.earn), so its notices follow that insert: announced in the announcement channel when
the badge is public (in the organisation's language) and DM'd to the person (in theirs). A streak nudge
inserted (once per person and week) DMs the person. The badge's name and description are HR's own text,
shown as written."""

from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from plaudit.i18n import Messages
from plaudit.slack.notices.notice import Notice, People, Told, compose
from plaudit.slack.views.messages import Message, escaped

BADGE, NUDGE = "badge_award", "streak_nudge"
NAME_LIMIT = 80
DESCRIPTION_LIMIT = 300


def notices_for(event_name: str, new: dict[str, Any] | None, people: People) -> list[Notice]:
    """What to post for a stream record (plain items, not DynamoDB JSON)."""
    if event_name != "INSERT" or new is None or new.get("type") not in (BADGE, NUDGE):
        return []
    slack_id = people.slack_id(new.get("employee_id"))
    if new["type"] == NUDGE:
        if slack_id is None:
            return []
        return [
            Notice(
                "nudge",
                slack_id,
                nudge_message(int(new["current"]), people.language(new["employee_id"])),
                to=Told(new["employee_id"], "streak_nudge", new["week"]),
            )
        ]
    notices = []
    channel = people.announcement_channel()
    if new.get("public") and channel:
        m = people.org_language()
        notices.append(
            Notice(
                "announcement", channel, announcement_message(new, people.mention(new["employee_id"], m), m)
            )
        )
    if slack_id is not None:
        message = badge_dm_message(new, people.language(new["employee_id"]))
        notices.append(Notice("dm", slack_id, message, to=Told(new["employee_id"], "badge", new["badge_id"])))
    return notices


def announcement_message(earned: dict[str, Any], who: str, m: Messages) -> Message:
    text = m.text("badges.announcement", who=who, **_facts(earned))
    return compose(text, _blocks(text, earned))


def badge_dm_message(earned: dict[str, Any], m: Messages) -> Message:
    text = m.text("badges.dm", **_facts(earned))
    blocks = _blocks(text, earned)
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=m.text("badges.dm_note"))]))
    return compose(text, blocks)


def nudge_message(weeks: int, m: Messages) -> Message:
    text = m.plural("streaks.nudge", weeks)
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=text)),
        ContextBlock(elements=[MarkdownTextObject(text=m.text("streaks.nudge_note"))]),
    ]
    return compose(text, blocks)


def _facts(earned: dict[str, Any]) -> dict[str, str]:
    return {"emoji": f":{earned['emoji']}:", "name": escaped(earned.get("name") or "", NAME_LIMIT)}


def _blocks(text: str, earned: dict[str, Any]) -> list[Block]:
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=text))]
    description = escaped(earned.get("description") or "", DESCRIPTION_LIMIT)
    if description:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=description)]))
    return blocks
