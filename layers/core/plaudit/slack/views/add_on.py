"""Block Kit for add-ons: the line an announcement gains when people add on, and the clicker's receipt."""

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from plaudit.slack.views import texts
from plaudit.slack.views.messages import Message

SHOWN_ADDERS = 30


def added_on_blocks(adders: str, added_points: int, total_points: int) -> list[Block]:
    """`adders` (mrkdwn naming who added on) added `added_points` in all; the kudos is now worth
    `total_points`."""
    if not adders:
        return []
    added, total = texts.points(added_points), texts.points(total_points)
    text = f":heavy_plus_sign: {adders} added *{added}*: *{total}* in all"
    return [ContextBlock(elements=[MarkdownTextObject(text=text)])]


def added_on_receipt(recipients: Sequence[str], points: int) -> Message:
    """The clicker's receipt; `recipients` are mrkdwn."""
    each = " each" if len(recipients) > 1 else ""
    text = f":heavy_plus_sign: You added {texts.points(points)}{each} for {', '.join(recipients)}."
    return {"text": text, "blocks": [SectionBlock(text=MarkdownTextObject(text=text)).to_dict()]}
