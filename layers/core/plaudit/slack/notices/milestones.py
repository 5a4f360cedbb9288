"""Milestone awards and reminders told in Slack, from the domain table's stream. What is posted follows the
award's transitions, so a record seen again posts nothing new: an award that is paid or granted (inserted
so, or moved from pending to paid) is celebrated in its channel (when announced; in the org's language)
and by DM to the person (when the rule DMs; in their language); an award inserted pending tells HR
(settings.hr_channel); a reminder inserted DMs the manager (in their language). The celebration's own
message is the rule's, as HR wrote it."""

from datetime import date
from typing import Any

from aws_lambda_powertools import Logger
from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from plaudit.i18n import Messages
from plaudit.slack.notices.notice import Notice, People, Told, compose
from plaudit.slack.views.messages import SECTION_TEXT_LIMIT, Message, escaped

logger = Logger(child=True)

AWARD, REMINDER = "milestone_award", "milestone_reminder"
CELEBRATED = frozenset({"paid", "granted"})
PENDING = "pending"
CAMPAIGN = "campaign:"  # a campaign's awards' rule_id prefix
NAME_LIMIT = 80


def notices_for(
    event_name: str, old: dict[str, Any] | None, new: dict[str, Any] | None, people: People
) -> list[Notice]:
    """What to post for a stream record (plain items, not DynamoDB JSON); `people` is asked only for the
    records that call for a post."""
    kind = (new or {}).get("type")
    if kind == AWARD and new is not None:
        return _award_notices(event_name, old, new, people)
    if kind == REMINDER and new is not None and event_name == "INSERT" and new.get("manager_slack_user_id"):
        message = reminder_message(new, people.language(new.get("manager_id")))
        about = ("award", new["award_id"])
        told = Told(new["manager_id"], "milestone_reminder", new["award_id"])
        return [Notice("manager", new["manager_slack_user_id"], message, about, told)]
    return []


def _award_notices(
    event_name: str, old: dict[str, Any] | None, new: dict[str, Any], people: People
) -> list[Notice]:
    status = new.get("status")
    about = ("award", new["id"])
    was_pending = event_name == "MODIFY" and (old or {}).get("status") == PENDING
    if status in CELEBRATED and (event_name == "INSERT" or was_pending):
        notices = []
        if new.get("announce") and new.get("channel"):
            message = celebration_message(new, people.org_language())
            notices.append(Notice("celebration", new["channel"], message, about))
        if new.get("dm") and new.get("slack_user_id"):
            m = people.language(new.get("employee_id"))
            giver = people.mention(new["given_by"], m) if new.get("given_by") else None
            message = award_dm_message(new, m, giver)
            told = Told(new["employee_id"], "award", new["id"])
            notices.append(Notice("dm", new["slack_user_id"], message, about, told))
        return notices
    if status == PENDING and event_name == "INSERT" and not str(new.get("rule_id")).startswith(CAMPAIGN):
        # a campaign's pending awards are counted on the campaign, not posted to HR one by one
        channel = people.hr_channel()
        if channel is None:
            logger.info("award pending, no HR channel to tell", extra={"award_id": new.get("id")})
            return []
        return [Notice("hr", channel, pending_message(new, people.org_language()), about)]
    return []


# --------------------------------------------------------------------------- messages


def celebration_message(award: dict[str, Any], m: Messages) -> Message:
    """The public post: the rendered message, then who, which milestone and the points."""
    text = escaped(award.get("message") or "", SECTION_TEXT_LIMIT - 8)
    facts = [_person(award, m), f"*{escaped(award.get('rule_name') or '', NAME_LIMIT)}*"]
    if award.get("points"):
        facts.append(m.points(award["points"]))
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f":tada: {text}")),
        ContextBlock(elements=[MarkdownTextObject(text=" · ".join(facts))]),
    ]
    return compose(_fallback(award, m), blocks)


def award_dm_message(award: dict[str, Any], m: Messages, giver: str | None = None) -> Message:
    """The person's DM: the message and what they received (and from whom: a campaign's giver)."""
    text = escaped(award.get("message") or "", SECTION_TEXT_LIMIT - 8)
    received = []
    if award.get("points") and award.get("status") == "paid":
        received.append(m.plural("milestones.dm.points", award["points"]))
    if award.get("catalog_item_id"):
        received.append(m.text("milestones.dm.gift"))
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=f":tada: {text}"))]
    if received:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=" ".join(received))))
    if giver:
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text=m.text("campaigns.dm.from", who=giver))])
        )
    return compose(_fallback(award, m), blocks)


def pending_message(award: dict[str, Any], m: Messages) -> Message:
    """HR's alert: an award waits for its budget."""
    name = escaped(
        award.get("employee_name") or award.get("employee_id") or m.text("common.someone"), NAME_LIMIT
    )
    facts = {
        "name": name,
        "rule": escaped(award.get("rule_name") or "", NAME_LIMIT),
        "budget": escaped(award.get("budget_id") or "", NAME_LIMIT),
        "points": m.points(award.get("points") or 0),
    }
    text = m.text("milestones.pending", day=_day(award.get("day"), m), **facts)
    return compose(
        m.text("milestones.pending_fallback", **facts), [SectionBlock(text=MarkdownTextObject(text=text))]
    )


def reminder_message(reminder: dict[str, Any], m: Messages) -> Message:
    """The manager's heads-up, ahead of the day."""
    facts = {
        "name": escaped(
            reminder.get("employee_name") or reminder.get("employee_id") or m.text("common.someone"),
            NAME_LIMIT,
        ),
        "rule": escaped(reminder.get("rule_name") or "", NAME_LIMIT),
        "day": _day(reminder.get("day"), m),
    }
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=m.text("milestones.reminder", **facts))),
        ContextBlock(elements=[MarkdownTextObject(text=m.text("milestones.reminder_note"))]),
    ]
    return compose(m.text("milestones.reminder_fallback", **facts), blocks)


def _fallback(award: dict[str, Any], m: Messages) -> str:
    return escaped(
        award.get("message") or award.get("rule_name") or m.text("milestones.celebration.fallback")
    )


def _person(award: dict[str, Any], m: Messages) -> str:
    if award.get("slack_user_id"):
        return f"<@{award['slack_user_id']}>"
    return escaped(
        award.get("employee_name") or award.get("employee_id") or m.text("common.someone"), NAME_LIMIT
    )


def _day(value: Any, m: Messages) -> str:
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        return escaped(str(value), 20)
    return m.date(day)
