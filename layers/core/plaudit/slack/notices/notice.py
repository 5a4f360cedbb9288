"""A notice: one Slack post the notifier makes for a stream record."""

from dataclasses import dataclass

from slack_sdk.models.blocks import Block

from plaudit.slack.views.messages import FALLBACK_TEXT_LIMIT, Message


@dataclass(frozen=True)
class Notice:
    """One post: `purpose` names it among a record's posts (celebration, dm, hr, manager, owner, approver)."""

    purpose: str
    channel: str
    message: Message


def compose(fallback: str, blocks: list[Block]) -> Message:
    """`fallback` is mrkdwn already escaped: the notification and screen-reader text."""
    return {"text": fallback[:FALLBACK_TEXT_LIMIT], "blocks": [block.to_dict() for block in blocks]}
