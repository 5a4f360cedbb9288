"""Reward notices from the domain table's stream: what to post for redemptions, stock alerts and voucher
reminders. None of them carries a voucher code (those go only through the delivery channels).

A redemption inserted pending_approval asks its approver (a DM with Approve / Reject buttons, handled by
the Slack function; "hr" means the HR channel), and so does one handed on to HR unanswered; a change of its
status tells the owner (approved, rejected with the reason, cancelled by someone else, fulfilled, failed
with the points back) and a failure tells HR too. A stock alert tells HR; a voucher reminder DMs the owner."""

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

from plaudit.domain.catalog import gives_a_voucher
from plaudit.domain.redemptions import FUNDED_BY_POINTS, HR_APPROVER
from plaudit.slack import actions
from plaudit.slack.notices.notice import Notice, People, compose
from plaudit.slack.views.messages import SECTION_TEXT_LIMIT, Message, escaped

logger = Logger(child=True)

REDEMPTION, STOCK_ALERT, VOUCHER_REMINDER = "redemption", "stock_alert", "voucher_reminder"
TOLD_OWNER = frozenset({"approved", "rejected", "cancelled", "fulfilled", "failed"})
REFUNDED = frozenset({"rejected", "cancelled", "failed"})
NAME_LIMIT = 80
REASON_LIMIT = 500


def notices_for(
    event_name: str, old: dict[str, Any] | None, new: dict[str, Any] | None, people: People
) -> list[Notice]:
    """What to post for a stream record (plain items); reads people only for records that call for it."""
    kind = (new or {}).get("type")
    if new is None or kind not in (REDEMPTION, STOCK_ALERT, VOUCHER_REMINDER):
        return []
    if kind == REDEMPTION:
        return _redemption_notices(event_name, old, new, people)
    if event_name != "INSERT":
        return []
    if kind == STOCK_ALERT:
        channel = people.hr_channel()
        return [Notice("hr", channel, stock_alert_message(new))] if channel else []
    owner = people.slack_id(new.get("employee_id"))
    return [Notice("owner", owner, reminder_message(new), ("voucher", new["voucher_id"]))] if owner else []


def _redemption_notices(
    event_name: str, old: dict[str, Any] | None, new: dict[str, Any], people: People
) -> list[Notice]:
    status = new.get("status")
    about = ("redemption", new["id"])
    handed_on = (old or {}).get("approver_id") != new.get("approver_id")  # escalated: the new approver asked
    if event_name == "INSERT" or (status == "pending_approval" and handed_on):
        if status != "pending_approval":
            return []
        approver = new.get("approver_id")
        channel = people.hr_channel() if approver == HR_APPROVER else people.slack_id(approver)
        if channel is None:
            logger.info(
                "approval waiting, no Slack to ask the approver", extra={"redemption_id": new.get("id")}
            )
            return []
        return [Notice("approver", channel, approval_message(new, people.name(new["employee_id"])), about)]
    if (old or {}).get("status") == status or status not in TOLD_OWNER:
        return []
    notices = []
    owner = people.slack_id(new.get("employee_id"))
    if owner and not (status == "cancelled" and _last_by(new) == new.get("employee_id")):
        notices.append(Notice("owner", owner, owner_message(new), about))
    if status == "failed" and (channel := people.hr_channel()):
        notices.append(Notice("hr", channel, failure_message(new, people.name(new["employee_id"])), about))
    return notices


def _last_by(redemption: dict[str, Any]) -> str | None:
    history = redemption.get("history") or []
    return history[-1].get("by") if history else None


def _reason(redemption: dict[str, Any]) -> str | None:
    history = redemption.get("history") or []
    reason = (history[-1].get("reason") if history else None) or redemption.get("failure_reason")
    return escaped(reason, REASON_LIMIT) if reason else None


# --------------------------------------------------------------------------- messages


def _what(redemption: dict[str, Any]) -> str:
    name = escaped(redemption.get("item_name") or redemption.get("item_id") or "an item", NAME_LIMIT)
    value = f"{redemption.get('denomination')} {redemption.get('currency')}".strip()
    return f"*{name}* ({escaped(value, 40)})" if redemption.get("denomination") else f"*{name}*"


def _points(redemption: dict[str, Any]) -> str:
    return f"{int(redemption.get('points') or 0):,} points"


def approval_message(redemption: dict[str, Any], requester: str) -> Message:
    """The approver's ask, with the buttons the Slack function handles (value: the redemption id)."""
    who = escaped(requester, NAME_LIMIT)
    text = f":raised_hand: *{who}* would like to redeem {_what(redemption)} for {_points(redemption)}."
    rid = redemption["id"]
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=text)),
        ActionsBlock(
            block_id=f"approval:{rid}"[:255],
            elements=[
                ButtonElement(text="Approve", action_id=actions.APPROVE, value=rid, style="primary"),
                ButtonElement(text="Reject", action_id=actions.REJECT, value=rid, style="danger"),
            ],
        ),
    ]
    return compose(f"{who} would like to redeem {_what(redemption)}", blocks)


def owner_message(redemption: dict[str, Any]) -> Message:
    """The owner's news about their redemption."""
    status, what = redemption["status"], _what(redemption)
    reason = _reason(redemption)
    lines = {
        "approved": f":white_check_mark: Your redemption of {what} was approved. It is on its way.",
        "rejected": f":no_entry: Your request for {what} was declined.",
        "cancelled": f":wastebasket: Your redemption of {what} was cancelled.",
        "fulfilled": f":gift: Your {what} is ready: your voucher comes your chosen way, and is in Plaudit.",
        "failed": f":warning: We could not get you {what}. Sorry about that.",
    }
    if status == "fulfilled" and not gives_a_voucher(redemption.get("item_type") or ""):
        lines["fulfilled"] = f":heart: Your donation {what} was made in your name. Thank you for giving!"
    text = lines[status]
    if reason and status in ("rejected", "cancelled"):
        text += f"\n>{reason}"
    if status in REFUNDED and (redemption.get("funded_by") or FUNDED_BY_POINTS) == FUNDED_BY_POINTS:
        text += f"\nYour {_points(redemption)} are back in your wallet."
    first_line = text.split("\n", 1)[0]
    return compose(first_line, [SectionBlock(text=MarkdownTextObject(text=text[: SECTION_TEXT_LIMIT - 1]))])


def failure_message(redemption: dict[str, Any], owner: str) -> Message:
    """HR's alert: a fulfilment failed for good (the points went back)."""
    who = escaped(owner, NAME_LIMIT)
    text = (
        f":warning: Fulfilling {_what(redemption)} for *{who}* failed; the {_points(redemption)} went back."
    )
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=text))]
    details = [f"Redemption `{escaped(redemption['id'], 60)}`"]
    if reason := _reason(redemption):
        details.append(reason)
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=" · ".join(details))]))
    return compose(f"Fulfilling {_what(redemption)} for {who} failed", blocks)


def stock_alert_message(alert: dict[str, Any]) -> Message:
    """HR's alert: the pre-loaded codes of an item run low or ran out."""
    name = escaped(alert.get("item_name") or alert.get("item_id") or "an item", NAME_LIMIT)
    remaining = int(alert.get("remaining") or 0)
    if remaining == 0:
        fallback = f"{name} has no codes left"
        text = f":rotating_light: *{name}* has no codes left: its redemptions fail until more are uploaded."
    else:
        fallback = f"{name} has only {remaining:,} codes left"
        text = (
            f":package: *{name}* has only {remaining:,} codes left (alert below {alert.get('alert_below')})."
        )
    hint = f"Upload more: POST /v1/catalog/items/{escaped(alert.get('item_id') or '', 60)}/codes"
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=text)),
        ContextBlock(elements=[MarkdownTextObject(text=hint)]),
    ]
    return compose(fallback, blocks)


def reminder_message(reminder: dict[str, Any]) -> Message:
    """The owner's heads-up: a voucher expires soon."""
    name = escaped(reminder.get("item_name") or "voucher", NAME_LIMIT)
    day = _day(reminder.get("expires_on"))
    text = f":hourglass_flowing_sand: Your *{name}* voucher expires on {day}. Use it before then!"
    hint = "Find its code in Plaudit under your vouchers."
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=text)),
        ContextBlock(elements=[MarkdownTextObject(text=hint)]),
    ]
    return compose(f"Your {name} voucher expires on {day}", blocks)


def _day(value: Any) -> str:
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        return escaped(str(value), 20)
    return f"{day:%A}, {day.day} {day:%B %Y}"
