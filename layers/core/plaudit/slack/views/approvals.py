"""Block Kit for approvals: the "Waiting for your approval" Home section with Approve / Reject buttons (the
approver's DM carries the same buttons), the reject modal asking why, and the message that replaces the
buttons once someone decided. No pydantic or services here: the reject modal opens in the ack."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from plaudit.i18n import Messages
from plaudit.slack import actions
from plaudit.slack.views import modals
from plaudit.slack.views.messages import escaped, slack_date

REASON = "reason"
REASON_LIMIT = 500
NAME_LIMIT = 200


@dataclass(frozen=True)
class ApprovalLine:
    """A redemption waiting for the viewer: `who` is mrkdwn (a mention or an escaped name)."""

    redemption_id: str
    who: str
    item_name: str
    denomination: Decimal
    currency: str
    points: int
    created_at: datetime


@dataclass(frozen=True)
class Origin:
    """Where the clicked buttons were: a message (channel, ts) to update afterwards, or the Home tab."""

    redemption_id: str
    channel: str | None = None
    ts: str | None = None

    @classmethod
    def of(cls, view: dict[str, Any]) -> "Origin":
        """The origin a reject modal keeps (see reject_modal)."""
        data = modals.fields(view)
        return cls(redemption_id=str(data.get("rid", "")), channel=data.get("channel"), ts=data.get("ts"))


def what(item_name: str, denomination: Decimal, currency: str, points: int, m: Messages) -> str:
    return m.text(
        "approval.what",
        item=escaped(item_name, NAME_LIMIT),
        money=m.money(denomination, currency),
        points=m.points(points),
    )


def approvals_section(lines: Sequence[ApprovalLine], m: Messages) -> list[Block]:
    """One entry per redemption with its buttons; empty: the section is left out."""
    blocks: list[Block] = []
    for line in lines:
        asked = what(line.item_name, line.denomination, line.currency, line.points, m)
        blocks += [
            SectionBlock(text=MarkdownTextObject(text=m.text("approval.asks", who=line.who, what=asked))),
            ActionsBlock(elements=decision_buttons(line.redemption_id, m)),
        ]
    return blocks


def decision_buttons(redemption_id: str, m: Messages) -> list[ButtonElement]:
    return [
        ButtonElement(
            text=m.text("approval.approve"), action_id=actions.APPROVE, value=redemption_id, style="primary"
        ),
        ButtonElement(
            text=m.text("approval.reject"), action_id=actions.REJECT, value=redemption_id, style="danger"
        ),
    ]


def reject_modal(external_id: str, origin: Origin, m: Messages) -> dict[str, Any]:
    """Asks why; `private_metadata` carries the language, the redemption and the message to update."""
    view = View(
        type="modal",
        callback_id=actions.REJECT_MODAL,
        external_id=external_id,
        private_metadata=modals.dumps(m, rid=origin.redemption_id, channel=origin.channel, ts=origin.ts),
        title=m.text("approval.reject_form.title"),
        submit=m.text("approval.reject"),
        close=m.text("common.cancel"),
        blocks=[
            InputBlock(
                block_id=REASON,
                label=m.text("approval.reject_form.reason"),
                element=PlainTextInputElement(
                    action_id=REASON, multiline=True, min_length=1, max_length=REASON_LIMIT
                ),
            ),
        ],
    )
    return view.to_dict()


def read_reason(view: dict[str, Any]) -> tuple[str, dict[str, str]]:
    state = (view.get("state") or {}).get("values", {}).get(REASON, {}).get(REASON) or {}
    reason = (state.get("value") or "").strip()
    if not reason:
        return "", {REASON: modals.language(view).text("approval.reject_form.say_why")}
    return reason[:REASON_LIMIT], {}


DECIDED = {
    "approved": "approval.decided.approved",
    "rejected": "approval.decided.rejected",
    "pending_approval": "approval.decided.handed_on",  # a first approval, with a second level left
}


def decided_message(
    status: str,
    decider: str,
    at: datetime,
    requester: str,
    summary: str,
    m: Messages,
    reason: str | None = None,
) -> dict[str, Any]:
    """Replaces the buttons: who decided (`status`: approved, rejected, or pending_approval for a first
    approval handed on to the second approver) and when (`decider`, `requester`:
    mrkdwn; `summary`: what())."""
    when = slack_date(at, m.text("slack.date_at_time", date="{date_short_pretty}", time="{time}"))
    text = m.text(DECIDED[status], decider=decider, when=when, requester=requester, what=summary)
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=text))]
    if reason:
        said = m.text("approval.reason", reason=escaped(reason, REASON_LIMIT))
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=said)]))
    return {"text": text, "blocks": [block.to_dict() for block in blocks]}


def origin_of(body: dict) -> Origin:
    """The redemption a clicked button names, and the message it sits in (none on the Home tab)."""
    container = body.get("container") or {}
    rid = body["actions"][0].get("value", "")
    if container.get("type") == "message":
        return Origin(rid, container.get("channel_id"), container.get("message_ts"))
    return Origin(rid)
