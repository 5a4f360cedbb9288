"""Block Kit for approvals: the "Waiting for your approval" Home section with Approve / Reject buttons (the
approver's DM carries the same buttons), the reject modal asking why, and the message that replaces the
buttons once someone decided. No pydantic or services here: the reject modal opens in the ack."""

import json
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

from plaudit.slack import actions
from plaudit.slack.views.messages import escaped

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

    def dumps(self) -> str:
        return json.dumps({"rid": self.redemption_id, "channel": self.channel, "ts": self.ts})

    @classmethod
    def loads(cls, text: str) -> "Origin":
        data = json.loads(text or "{}")
        return cls(redemption_id=str(data.get("rid", "")), channel=data.get("channel"), ts=data.get("ts"))


def what(item_name: str, denomination: Decimal, currency: str, points: int) -> str:
    return f"*{escaped(item_name, NAME_LIMIT)}* ({denomination:,} {currency}) for {points:,} points"


def approvals_section(lines: Sequence[ApprovalLine]) -> list[Block]:
    """One entry per redemption with its buttons; empty: the section is left out."""
    blocks: list[Block] = []
    for line in lines:
        text = f"{line.who} asks for {what(line.item_name, line.denomination, line.currency, line.points)}"
        blocks += [
            SectionBlock(text=MarkdownTextObject(text=text)),
            ActionsBlock(elements=decision_buttons(line.redemption_id)),
        ]
    return blocks


def decision_buttons(redemption_id: str) -> list[ButtonElement]:
    return [
        ButtonElement(text="Approve", action_id=actions.APPROVE, value=redemption_id, style="primary"),
        ButtonElement(text="Reject", action_id=actions.REJECT, value=redemption_id, style="danger"),
    ]


def reject_modal(origin: Origin) -> dict[str, Any]:
    """Asks why; `private_metadata` carries the redemption and the message to update."""
    view = View(
        type="modal",
        callback_id=actions.REJECT_MODAL,
        private_metadata=origin.dumps(),
        title="Reject redemption",
        submit="Reject",
        close="Cancel",
        blocks=[
            InputBlock(
                block_id=REASON,
                label="Why? The person will see this.",
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
        return "", {REASON: "Say why, in a few words."}
    return reason[:REASON_LIMIT], {}


def decided_message(
    verb: str, decider: str, at: datetime, requester: str, summary: str, reason: str | None = None
) -> dict[str, Any]:
    """Replaces the buttons: who decided and when (`decider`, `requester`: mrkdwn; `summary`: what())."""
    when = (
        f"<!date^{int(at.timestamp())}^{{date_short_pretty}} at {{time}}|{at.isoformat(timespec='minutes')}>"
    )
    text = f"{verb} by {decider} {when}: {requester}'s {summary}"
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=text))]
    if reason:
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text=f"Reason: {escaped(reason, REASON_LIMIT)}")])
        )
    return {"text": text, "blocks": [block.to_dict() for block in blocks]}


def origin_of(body: dict) -> Origin:
    """The redemption a clicked button names, and the message it sits in (none on the Home tab)."""
    container = body.get("container") or {}
    rid = body["actions"][0].get("value", "")
    if container.get("type") == "message":
        return Origin(rid, container.get("channel_id"), container.get("message_ts"))
    return Origin(rid)
