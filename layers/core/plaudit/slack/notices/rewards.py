"""Reward notices from the domain table's stream: what to post for redemptions, stock alerts, voucher
reminders and points-expiry reminders. None of them carries a voucher code (those go only through the
delivery channels).

A redemption inserted pending_approval asks its approver (a DM with Approve / Reject buttons, handled by
the Slack function; "hr" means the HR channel), and so does one handed on to HR unanswered; a change of its
status tells the owner (approved, rejected with the reason, cancelled by someone else, fulfilled, failed
with the points back) and a failure tells HR too; a direct award from a budget tells its recipient who gave
what, with their message. A stock alert tells HR; a voucher reminder DMs the owner.
DMs are said in their reader's language, posts in the HR channel in the organisation's."""

from datetime import date
from typing import Any

from aws_lambda_powertools import Logger
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from plaudit.domain.access import SYSTEM
from plaudit.domain.catalog import gives_a_voucher
from plaudit.domain.redemptions import FUNDED_BY_POINTS, ROLE_QUEUES
from plaudit.i18n import Messages
from plaudit.slack import actions
from plaudit.slack.notices.notice import Notice, People, Told, compose
from plaudit.slack.views.messages import SECTION_TEXT_LIMIT, Message, escaped

logger = Logger(child=True)

REDEMPTION, STOCK_ALERT, VOUCHER_REMINDER = "redemption", "stock_alert", "voucher_reminder"
POINTS_REMINDER = "points_reminder"
TOLD_OWNER = frozenset({"approved", "rejected", "cancelled", "fulfilled", "failed"})
REFUNDED = frozenset({"rejected", "cancelled", "failed"})
NAME_LIMIT = 80
REASON_LIMIT = 500


def notices_for(
    event_name: str, old: dict[str, Any] | None, new: dict[str, Any] | None, people: People
) -> list[Notice]:
    """What to post for a stream record (plain items); reads people only for records that call for it."""
    kind = (new or {}).get("type")
    if new is None or kind not in (REDEMPTION, STOCK_ALERT, VOUCHER_REMINDER, POINTS_REMINDER):
        return []
    if kind == REDEMPTION:
        return _redemption_notices(event_name, old, new, people)
    if event_name != "INSERT":
        return []
    if kind == STOCK_ALERT:
        channel = people.hr_channel()
        return [Notice("hr", channel, stock_alert_message(new, people.org_language()))] if channel else []
    owner = people.slack_id(new.get("employee_id"))
    if owner is None:
        return []
    m = people.language(new.get("employee_id"))
    if kind == POINTS_REMINDER:
        told = Told(new["employee_id"], POINTS_REMINDER, new["expires_by"])
        return [Notice("owner", owner, points_reminder_message(new, m), to=told)]
    told = Told(new["employee_id"], VOUCHER_REMINDER, new["voucher_id"])
    return [Notice("owner", owner, reminder_message(new, m), ("voucher", new["voucher_id"]), told)]


def _redemption_notices(
    event_name: str, old: dict[str, Any] | None, new: dict[str, Any], people: People
) -> list[Notice]:
    status = new.get("status")
    about = ("redemption", new["id"])
    handed_on = (old or {}).get("approver_id") != new.get("approver_id")  # escalated: the new approver asked
    if event_name == "INSERT" or (status == "pending_approval" and handed_on):
        if status != "pending_approval":
            return _award_notices(new, people) if event_name == "INSERT" else []
        approver = new.get("approver_id")
        queue = approver in ROLE_QUEUES  # HR's or finance's: asked in the HR channel
        channel = people.hr_channel() if queue else people.slack_id(approver)
        if channel is None:
            logger.info(
                "approval waiting, no Slack to ask the approver", extra={"redemption_id": new.get("id")}
            )
            return []
        m = people.org_language() if queue else people.language(approver)
        told = None if queue else Told(approver, "approval", new["id"])
        message = approval_message(new, people.name(new["employee_id"]), m)
        return [Notice("approver", channel, message, about, told)]
    if (old or {}).get("status") == status or status not in TOLD_OWNER:
        return []
    notices = []
    owner = people.slack_id(new.get("employee_id"))
    if owner and not (status == "cancelled" and _last_by(new) == new.get("employee_id")):
        notices.append(
            Notice(
                "owner",
                owner,
                owner_message(new, people.language(new.get("employee_id"))),
                about,
                Told(new["employee_id"], REDEMPTION, new["id"]),
            )
        )
    if status == "failed" and (channel := people.hr_channel()):
        message = failure_message(new, people.name(new["employee_id"]), people.org_language())
        notices.append(Notice("hr", channel, message, about))
    return notices


def award_giver(redemption: dict[str, Any]) -> str | None:
    """Who gave a direct award from a budget, to tell its recipient: a person's id or an integration's
    client id. None when there is no one to name: bought with points, or given by Plaudit itself (a
    milestone rule's item, a season's prize: told by their own notices)."""
    history = redemption.get("history") or []
    giver = history[0].get("by") if history else None
    funded_by = redemption.get("funded_by") or FUNDED_BY_POINTS
    if funded_by == FUNDED_BY_POINTS or not giver or giver == SYSTEM.subject:
        return None
    return giver


def award_words(redemption: dict[str, Any]) -> str | None:
    """The giver's message on a direct award."""
    history = redemption.get("history") or []
    return history[0].get("reason") if history else None


def _award_notices(redemption: dict[str, Any], people: People) -> list[Notice]:
    """A direct award from a budget tells its recipient who gave what, with the giver's message."""
    giver = award_giver(redemption)
    if giver is None:
        return []
    owner = people.slack_id(redemption.get("employee_id"))
    if owner is None:
        return []
    m = people.language(redemption.get("employee_id"))
    by_person = people.employee(giver) is not None  # else an integration (an HRIS) gave it
    message = award_message(redemption, people.mention(giver, m) if by_person else None, m)
    told = Told(redemption["employee_id"], "gift", redemption["id"])
    return [Notice("owner", owner, message, ("redemption", redemption["id"]), told)]


def _last_by(redemption: dict[str, Any]) -> str | None:
    history = redemption.get("history") or []
    return history[-1].get("by") if history else None


def _reason(redemption: dict[str, Any]) -> str | None:
    history = redemption.get("history") or []
    reason = (history[-1].get("reason") if history else None) or redemption.get("failure_reason")
    return escaped(reason, REASON_LIMIT) if reason else None


# --------------------------------------------------------------------------- messages


def _what(redemption: dict[str, Any], m: Messages) -> str:
    name = escaped(
        redemption.get("item_name") or redemption.get("item_id") or m.text("rewards.an_item"), NAME_LIMIT
    )
    if not redemption.get("denomination"):
        return f"*{name}*"
    return f"*{name}* ({escaped(m.money(redemption['denomination'], str(redemption.get('currency'))), 40)})"


def approval_message(redemption: dict[str, Any], requester: str, m: Messages) -> Message:
    """The approver's ask, with the buttons the Slack function handles (value: the redemption id)."""
    who, what = escaped(requester, NAME_LIMIT), _what(redemption, m)
    text = m.text("rewards.ask", who=who, what=what, points=m.points(int(redemption.get("points") or 0)))
    rid = redemption["id"]
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=text)),
        ActionsBlock(
            block_id=f"approval:{rid}"[:255],
            elements=[
                ButtonElement(
                    text=m.text("approval.approve"), action_id=actions.APPROVE, value=rid, style="primary"
                ),
                ButtonElement(
                    text=m.text("approval.reject"), action_id=actions.REJECT, value=rid, style="danger"
                ),
            ],
        ),
    ]
    return compose(m.text("rewards.ask_fallback", who=who, what=what), blocks)


OWNER_NEWS = {
    "approved": "rewards.owner.approved",
    "rejected": "rewards.owner.rejected",
    "cancelled": "rewards.owner.cancelled",
    "fulfilled": "rewards.owner.fulfilled",
    "failed": "rewards.owner.failed",
}


def owner_message(redemption: dict[str, Any], m: Messages) -> Message:
    """The owner's news about their redemption."""
    status, what = redemption["status"], _what(redemption, m)
    reason = _reason(redemption)
    key = OWNER_NEWS[status]
    if status == "fulfilled" and not gives_a_voucher(redemption.get("item_type") or ""):
        key = "rewards.owner.donated"
    text = m.text(key, what=what)
    if reason and status in ("rejected", "cancelled"):
        text += f"\n>{reason}"
    if status in REFUNDED and (redemption.get("funded_by") or FUNDED_BY_POINTS) == FUNDED_BY_POINTS:
        text += "\n" + m.plural("rewards.owner.refunded", int(redemption.get("points") or 0))
    first_line = text.split("\n", 1)[0]
    return compose(first_line, [SectionBlock(text=MarkdownTextObject(text=text[: SECTION_TEXT_LIMIT - 1]))])


def award_message(redemption: dict[str, Any], giver: str | None, m: Messages) -> Message:
    """The recipient's news of a direct award: who gave them what (`giver`: mrkdwn, a mention or an escaped
    name; None when an integration gave it), and the giver's words."""
    what = _what(redemption, m)
    if giver is None:
        text = m.text("rewards.owner.awarded_by_company", what=what)
    else:
        text = m.text("rewards.owner.awarded", who=giver, what=what)
    if words := award_words(redemption):
        text += f"\n>{escaped(words, REASON_LIMIT)}"
    first_line = text.split("\n", 1)[0]
    return compose(first_line, [SectionBlock(text=MarkdownTextObject(text=text[: SECTION_TEXT_LIMIT - 1]))])


def failure_message(redemption: dict[str, Any], owner: str, m: Messages) -> Message:
    """HR's alert: a fulfilment failed for good (the points went back)."""
    who, what = escaped(owner, NAME_LIMIT), _what(redemption, m)
    text = m.text("rewards.failure", what=what, who=who, points=m.points(int(redemption.get("points") or 0)))
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=text))]
    details = [m.text("rewards.failure_id", id=escaped(redemption["id"], 60))]
    if reason := _reason(redemption):
        details.append(reason)
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=" · ".join(details))]))
    return compose(m.text("rewards.failure_fallback", what=what, who=who), blocks)


def stock_alert_message(alert: dict[str, Any], m: Messages) -> Message:
    """HR's alert: the pre-loaded codes of an item run low or ran out."""
    name = escaped(alert.get("item_name") or alert.get("item_id") or m.text("rewards.an_item"), NAME_LIMIT)
    remaining = int(alert.get("remaining") or 0)
    if remaining == 0:
        fallback = m.text("rewards.stock.empty_fallback", name=name)
        text = m.text("rewards.stock.empty", name=name)
    else:
        fallback = m.plural("rewards.stock.low_fallback", remaining, name=name)
        below = m.number(int(alert.get("alert_below") or 0))
        text = m.plural("rewards.stock.low", remaining, name=name, below=below)
    hint = m.text("rewards.stock.hint", id=escaped(alert.get("item_id") or "", 60))
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=text)),
        ContextBlock(elements=[MarkdownTextObject(text=hint)]),
    ]
    return compose(fallback, blocks)


def reminder_message(reminder: dict[str, Any], m: Messages) -> Message:
    """The owner's heads-up: a voucher expires soon."""
    name = escaped(reminder.get("item_name") or m.text("voucher.a_voucher"), NAME_LIMIT)
    day = _day(reminder.get("expires_on"), m)
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=m.text("voucher.expiring", name=name, day=day))),
        ContextBlock(elements=[MarkdownTextObject(text=m.text("voucher.expiring_hint"))]),
    ]
    return compose(m.text("voucher.expiring_fallback", name=name, day=day), blocks)


def points_reminder_message(reminder: dict[str, Any], m: Messages) -> Message:
    """The person's heads-up: some of their points expire with age by a day unless spent."""
    facts = {"points": m.points(int(reminder.get("points") or 0)), "day": _day(reminder.get("expires_by"), m)}
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=m.text("points.expiring", **facts))),
        ContextBlock(elements=[MarkdownTextObject(text=m.text("points.expiring_hint"))]),
    ]
    return compose(m.text("points.expiring_fallback", **facts), blocks)


def _day(value: Any, m: Messages) -> str:
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        return escaped(str(value), 20)
    return m.date(day)
