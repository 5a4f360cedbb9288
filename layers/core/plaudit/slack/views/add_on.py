"""Block Kit for add-ons: the line an announcement gains when people add on, and the clicker's receipt."""

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from plaudit.slack.views.messages import Message, mentions

SHOWN_ADDERS = 30


def added_on_blocks(adders: str, added_points: int, total_points: int) -> list[Block]:
    """`adders` (mrkdwn naming who added on) added `added_points` in all; the kudos is now worth
    `total_points`."""
    if not adders:
        return []
    text = f":heavy_plus_sign: {adders} added *{added_points} points*: *{total_points} points* in all"
    return [ContextBlock(elements=[MarkdownTextObject(text=text)])]


def added_on_receipt(recipient_slack_ids: Sequence[str], points: int) -> Message:
    text = f":heavy_plus_sign: You added {points} points for {mentions(recipient_slack_ids)}."
    return {"text": text, "blocks": [SectionBlock(text=MarkdownTextObject(text=text)).to_dict()]}
