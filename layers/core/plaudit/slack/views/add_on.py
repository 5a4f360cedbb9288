"""Block Kit for add-ons: the line an announcement gains when people add on, and the clicker's receipt."""

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from plaudit.i18n import Messages
from plaudit.slack.views.messages import Message

SHOWN_ADDERS = 30


def added_on_blocks(adders: str, added_points: int, total_points: int, m: Messages) -> list[Block]:
    """`adders` (mrkdwn naming who added on) added `added_points` in all; the kudos is now worth
    `total_points`."""
    if not adders:
        return []
    text = m.text(
        "kudos.add_on.line", adders=adders, added=m.points(added_points), total=m.points(total_points)
    )
    return [ContextBlock(elements=[MarkdownTextObject(text=text)])]


def added_on_receipt(recipients: Sequence[str], points: int, m: Messages) -> Message:
    """The clicker's receipt; `recipients` are mrkdwn."""
    key = "kudos.add_on.receipt_each" if len(recipients) > 1 else "kudos.add_on.receipt"
    text = m.text(key, points=m.points(points), recipients=m.text("common.list_separator").join(recipients))
    return {"text": text, "blocks": [SectionBlock(text=MarkdownTextObject(text=text)).to_dict()]}
