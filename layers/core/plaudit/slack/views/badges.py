"""Block Kit for the App Home's "Your badges and streak" section: the giving streak, then the badges the
person earned (newest first; their names and descriptions as HR wrote them)."""

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from plaudit.i18n import Messages
from plaudit.services.badges import EarnedBadge, StreakView
from plaudit.slack.views.messages import escaped, slack_date

SHOWN = 10
NAME_LIMIT = 80
DESCRIPTION_LIMIT = 300


def badges_blocks(badges: Sequence[EarnedBadge], streak: StreakView, m: Messages) -> list[Block]:
    if streak.current:
        line = m.plural("home.streak.current", streak.current, longest=m.number(streak.longest))
    else:
        line = m.text("home.streak.none")
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=line))]
    if not badges:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=m.text("home.badges.none"))]))
    for badge in badges[:SHOWN]:
        text = m.text(
            "home.badges.line",
            emoji=f":{badge.emoji}:",
            name=escaped(badge.name, NAME_LIMIT),
            date=slack_date(badge.earned_at, "{date_short_pretty}"),
        )
        if badge.description:
            text += f"\n{escaped(badge.description, DESCRIPTION_LIMIT)}"
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
    if len(badges) > SHOWN:
        more = m.plural("home.badges.more", len(badges) - SHOWN)
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    return blocks
