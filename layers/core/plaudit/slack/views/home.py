"""Block Kit for the App Home tab: a header per section, sections in order, inside Slack's limits
(100 blocks a view, 150 characters a header, 3000 a section text)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from plaudit.i18n import Messages
from plaudit.slack.views.messages import escaped, slack_date

MAX_BLOCKS = 100
HEADER_LIMIT = 150
MESSAGE_PREVIEW = 280


@dataclass(frozen=True)
class KudosLine:
    """One kudos in a list: `who` is mrkdwn (a mention or an escaped name)."""

    who: str
    points: int
    message: str
    values: Sequence[str]
    at: datetime


def home_view(sections: Sequence[tuple[str, Sequence[Block]]], m: Messages) -> dict[str, Any]:
    """The Home tab: each (title, blocks) section under its header, a divider between them; what would
    pass 100 blocks is cut, with a note saying so."""
    blocks: list[Block] = []
    for title, body in sections:
        section = [DividerBlock()] if blocks else []
        section += [_header(title), *body]
        if len(blocks) + len(section) > MAX_BLOCKS - 1:
            blocks += section[: MAX_BLOCKS - 1 - len(blocks)]
            blocks.append(ContextBlock(elements=[MarkdownTextObject(text=m.text("home.cut"))]))
            break
        blocks += section
    return View(type="home", blocks=blocks).to_dict()


def not_in_directory_view(m: Messages) -> dict[str, Any]:
    return View(
        type="home",
        blocks=[
            _header(m.text("home.welcome.title")),
            SectionBlock(text=MarkdownTextObject(text=m.text("home.welcome.text"))),
        ],
    ).to_dict()


def wallet_section(
    remaining: int, total: int, resets_at: datetime, points: int, cash: Decimal, currency: str, m: Messages
) -> list[Block]:
    resets = slack_date(resets_at, m.text("slack.date_at_time", date="{date_short_pretty}", time="{time}"))
    allowance = m.text(
        "home.wallet.allowance", remaining=m.number(remaining), total=m.points(total), resets=resets
    )
    balance = m.text("home.wallet.balance", points=m.points(points), money=m.money(cash, currency))
    return [
        SectionBlock(fields=[MarkdownTextObject(text=allowance), MarkdownTextObject(text=balance)]),
        ContextBlock(elements=[MarkdownTextObject(text=m.text("home.wallet.hint"))]),
    ]


def kudos_section(lines: Sequence[KudosLine], line_key: str, empty: str, m: Messages) -> list[Block]:
    """One block per kudos: `line_key` is the sentence of a line (home.kudos.from or .to); `empty` is said
    when there are none."""
    if not lines:
        return [ContextBlock(elements=[MarkdownTextObject(text=empty)])]
    blocks: list[Block] = []
    for line in lines:
        tags = " ".join(f"`#{value}`" for value in line.values)
        headline = m.text(
            line_key,
            points=m.points(line.points),
            who=line.who,
            date=slack_date(line.at, "{date_short_pretty}"),
        )
        text = f"{headline}\n>{escaped(line.message, MESSAGE_PREVIEW)}" + (f"\n{tags}" if tags else "")
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
    return blocks


def unavailable_section(m: Messages) -> list[Block]:
    return [ContextBlock(elements=[MarkdownTextObject(text=m.text("home.unavailable"))])]


def _header(text: str) -> HeaderBlock:
    return HeaderBlock(text=text[:HEADER_LIMIT])
