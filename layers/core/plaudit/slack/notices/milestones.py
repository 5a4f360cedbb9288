"""Milestone awards and reminders told in Slack, from the domain table's stream. What is posted follows the
award's transitions, so a record seen again posts nothing new: an award that is paid or granted (inserted
so, or moved from pending to paid) is celebrated in its channel (when announced) and by DM to the person
(when the rule DMs); an award inserted pending tells HR (settings.hr_channel); a reminder inserted DMs the
manager."""

from collections.abc import Callable
from datetime import date
from typing import Any

from aws_lambda_powertools import Logger
from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from plaudit.slack.notices.notice import Notice, compose
from plaudit.slack.views.messages import SECTION_TEXT_LIMIT, Message, escaped

logger = Logger(child=True)

AWARD, REMINDER = "milestone_award", "milestone_reminder"
CELEBRATED = frozenset({"paid", "granted"})
PENDING = "pending"
NAME_LIMIT = 80


def notices_for(
    event_name: str,
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    hr_channel: Callable[[], str | None],
) -> list[Notice]:
    """What to post for a stream record (plain items, not DynamoDB JSON); `hr_channel` is asked only for an
    award inserted pending."""
    kind = (new or {}).get("type")
    if kind == AWARD and new is not None:
        return _award_notices(event_name, old, new, hr_channel)
    if kind == REMINDER and new is not None and event_name == "INSERT" and new.get("manager_slack_user_id"):
        return [
            Notice("manager", new["manager_slack_user_id"], reminder_message(new), ("award", new["award_id"]))
        ]
    return []


def _award_notices(
    event_name: str, old: dict[str, Any] | None, new: dict[str, Any], hr_channel: Callable[[], str | None]
) -> list[Notice]:
    status = new.get("status")
    about = ("award", new["id"])
    was_pending = event_name == "MODIFY" and (old or {}).get("status") == PENDING
    if status in CELEBRATED and (event_name == "INSERT" or was_pending):
        notices = []
        if new.get("announce") and new.get("channel"):
            notices.append(Notice("celebration", new["channel"], celebration_message(new), about))
        if new.get("dm") and new.get("slack_user_id"):
            notices.append(Notice("dm", new["slack_user_id"], award_dm_message(new), about))
        return notices
    if status == PENDING and event_name == "INSERT":
        channel = hr_channel()
        if channel is None:
            logger.info("award pending, no HR channel to tell", extra={"award_id": new.get("id")})
            return []
        return [Notice("hr", channel, pending_message(new), about)]
    return []


# --------------------------------------------------------------------------- messages


def celebration_message(award: dict[str, Any]) -> Message:
    """The public post: the rendered message, then who, which milestone and the points."""
    text = escaped(award.get("message") or "", SECTION_TEXT_LIMIT - 8)
    facts = [_person(award), f"*{escaped(award.get('rule_name') or '', NAME_LIMIT)}*"]
    if award.get("points"):
        facts.append(f"{award['points']:,} points")
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f":tada: {text}")),
        ContextBlock(elements=[MarkdownTextObject(text=" · ".join(facts))]),
    ]
    return compose(escaped(award.get("message") or award.get("rule_name") or "A milestone"), blocks)


def award_dm_message(award: dict[str, Any]) -> Message:
    """The person's DM: the message and what they received."""
    text = escaped(award.get("message") or "", SECTION_TEXT_LIMIT - 8)
    received = []
    if award.get("points") and award.get("status") == "paid":
        received.append(f"*{award['points']:,} points* are in your wallet, yours to spend in the catalogue.")
    if award.get("catalog_item_id"):
        received.append("A gift from the catalogue is on its way to you.")
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=f":tada: {text}"))]
    if received:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=" ".join(received))))
    return compose(escaped(award.get("message") or award.get("rule_name") or "A milestone"), blocks)


def pending_message(award: dict[str, Any]) -> Message:
    """HR's alert: an award waits for its budget."""
    name = escaped(award.get("employee_name") or award.get("employee_id") or "someone", NAME_LIMIT)
    rule = escaped(award.get("rule_name") or "", NAME_LIMIT)
    budget = escaped(award.get("budget_id") or "", NAME_LIMIT)
    points = award.get("points") or 0
    text = (
        f":hourglass_flowing_sand: *{name}*'s *{rule}* award of {points:,} points ({_day(award.get('day'))}) "
        f"is waiting: budget `{budget}` cannot cover it. It is paid as soon as the budget is topped up."
    )
    fallback = f"{name}'s {rule} award of {points:,} points is waiting for budget {budget}"
    return compose(fallback, [SectionBlock(text=MarkdownTextObject(text=text))])


def reminder_message(reminder: dict[str, Any]) -> Message:
    """The manager's heads-up, ahead of the day."""
    name = escaped(reminder.get("employee_name") or reminder.get("employee_id") or "someone", NAME_LIMIT)
    rule = escaped(reminder.get("rule_name") or "", NAME_LIMIT)
    day = _day(reminder.get("day"))
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f":calendar: Coming up on {day}: *{name}*, *{rule}*."))
    ]
    if reminder.get("message"):
        message = escaped(reminder["message"], SECTION_TEXT_LIMIT - 1)
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f">{message}")))
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(text="Plaudit celebrates it on the day; a word from you adds a lot.")
            ]
        )
    )
    return compose(f"Coming up on {day}: {name}, {rule}", blocks)


def _person(award: dict[str, Any]) -> str:
    if award.get("slack_user_id"):
        return f"<@{award['slack_user_id']}>"
    return escaped(award.get("employee_name") or award.get("employee_id") or "someone", NAME_LIMIT)


def _day(value: Any) -> str:
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        return escaped(str(value), 20)
    return f"{day:%A}, {day.day} {day:%B %Y}"
