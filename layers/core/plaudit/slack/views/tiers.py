"""The App Home's tier section: the person's tier (HR's name, as written) and what the next one takes."""

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from plaudit.i18n import Messages
from plaudit.services.tiers import TierView
from plaudit.slack.views.messages import escaped

NAME_LIMIT = 80


def tier_section(tier: TierView, m: Messages) -> list[Block]:
    points = m.points(tier.points)
    if tier.name is None:
        text = m.text("tiers.home.none", points=points)
    else:
        text = m.text("tiers.home.current", tier=escaped(tier.name, NAME_LIMIT), points=points)
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=f":medal: {text}"))]
    if tier.next is not None:
        following = m.text(
            "tiers.home.next",
            points=m.points(tier.next.points_to_go),
            tier=escaped(tier.next.name, NAME_LIMIT),
        )
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=following)]))
    return blocks
