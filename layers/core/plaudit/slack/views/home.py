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

from plaudit.slack.views.messages import escaped

MAX_BLOCKS = 100
HEADER_LIMIT = 150
MESSAGE_PREVIEW = 280
CUT_NOTE = "More did not fit here."


@dataclass(frozen=True)
class KudosLine:
    """One kudos in a list: `who` is mrkdwn (a mention or an escaped name)."""

    who: str
    points: int
    message: str
    values: Sequence[str]
    at: datetime


def home_view(sections: Sequence[tuple[str, Sequence[Block]]]) -> dict[str, Any]:
    """The Home tab: each (title, blocks) section under its header, a divider between them; what would
    pass 100 blocks is cut, with a note saying so."""
    blocks: list[Block] = []
    for title, body in sections:
        section = [DividerBlock()] if blocks else []
        section += [_header(title), *body]
        if len(blocks) + len(section) > MAX_BLOCKS - 1:
            blocks += section[: MAX_BLOCKS - 1 - len(blocks)]
            blocks.append(ContextBlock(elements=[MarkdownTextObject(text=CUT_NOTE)]))
            break
        blocks += section
    return View(type="home", blocks=blocks).to_dict()


def not_in_directory_view() -> dict[str, Any]:
    text = (
        "Plaudit does not know you yet: your Slack account is not linked to anyone in the company "
        "directory. Ask HR to add you (with the email address Slack has for you), then come back here "
        "to see your allowance, your points and the kudos you gave and received."
    )
    return View(
        type="home",
        blocks=[_header(":wave: Welcome to Plaudit"), SectionBlock(text=MarkdownTextObject(text=text))],
    ).to_dict()


def wallet_section(
    remaining: int, total: int, resets_at: datetime, points: int, cash: Decimal, currency: str
) -> list[Block]:
    resets = _date(resets_at, "{date_short_pretty} at {time}")
    allowance = f"*Left to give*\n{remaining} of {total} points\nresets {resets}"
    balance = f"*To spend*\n{points:,} points\nworth {cash:,.2f} {currency}"
    return [
        SectionBlock(fields=[MarkdownTextObject(text=allowance), MarkdownTextObject(text=balance)]),
        ContextBlock(elements=[MarkdownTextObject(text="Give kudos with `/kudos @someone 10 for …`")]),
    ]


def kudos_section(lines: Sequence[KudosLine], verb: str, empty: str) -> list[Block]:
    """One block per kudos: `verb` reads "from" or "to"; `empty` is said when there are none."""
    if not lines:
        return [ContextBlock(elements=[MarkdownTextObject(text=empty)])]
    blocks: list[Block] = []
    for line in lines:
        tags = " ".join(f"`#{value}`" for value in line.values)
        text = (
            f"*{line.points} points* {verb} {line.who} · {_date(line.at, '{date_short_pretty}')}\n"
            f">{escaped(line.message, MESSAGE_PREVIEW)}" + (f"\n{tags}" if tags else "")
        )
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
    return blocks


def unavailable_section() -> list[Block]:
    return [ContextBlock(elements=[MarkdownTextObject(text=":warning: Could not load this just now.")])]


def _header(text: str) -> HeaderBlock:
    return HeaderBlock(text=text[:HEADER_LIMIT])


def _date(at: datetime, format_: str) -> str:
    return f"<!date^{int(at.timestamp())}^{format_}|{at.date().isoformat()}>"
