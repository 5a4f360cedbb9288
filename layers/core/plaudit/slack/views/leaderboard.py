"""Block Kit for leaderboards: `/kudos leaderboard` answered ephemerally, and the App Home's "This month's
top givers", in the reader's language (plaudit.i18n)."""

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from plaudit.i18n import Messages
from plaudit.services.insights import BoardEntry, Leaderboard
from plaudit.slack.views.messages import Message, escaped


def leaderboard_message(board: Leaderboard, period: str, value: str | None, msgs: Messages) -> Message:
    """The board asked for: its title (side, period kind, value), its rows, and the reader's standing."""
    title = msgs.text(
        f"leaderboard.title.{board.metric.value}", period=msgs.text(f"leaderboard.period.{period}")
    )
    if value:
        title = msgs.text("leaderboard.title.value", title=title, value=value)
    blocks = [SectionBlock(text=MarkdownTextObject(text=f"*{escaped(title)}*")), *board_blocks(board, msgs)]
    return {"text": title, "blocks": [block.to_dict() for block in blocks], "response_type": "ephemeral"}


def board_blocks(board: Leaderboard, msgs: Messages) -> list[Block]:
    """The rows (or a line saying nobody is on it yet) and the reader's own standing."""
    rows = _rows(board.entries, board.by, msgs) if board.entries else msgs.text("leaderboard.empty")
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=rows))]
    if board.me is not None:
        if board.me.rank is not None:
            mine = msgs.text("leaderboard.you.ranked", rank=msgs.number(board.me.rank))
        else:
            mine = msgs.text(
                "leaderboard.you.unranked",
                points=msgs.points(board.me.points),
                kudos=msgs.plural("kudos", board.me.kudos),
            )
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=mine)]))
    return blocks


def _rows(entries: Sequence[BoardEntry], by: str, msgs: Messages) -> str:
    lines = []
    for entry in entries:
        figure = msgs.points(entry.points) if by == "points" else msgs.plural("kudos", entry.kudos)
        lines.append(
            msgs.text(
                "leaderboard.row", rank=msgs.number(entry.rank), name=escaped(entry.name, 200), figure=figure
            )
        )
    return "\n".join(lines)
