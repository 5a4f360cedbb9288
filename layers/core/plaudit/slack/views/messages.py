"""Block Kit messages, built with slack_sdk's models so a breach of Slack's limits raises here, not in
Slack. Each builder returns {"text", "blocks"}: `text` is the notification and screen-reader fallback."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    MarkdownTextObject,
    SectionBlock,
)

from plaudit.slack import actions
from plaudit.slack.commands import EXAMPLE
from plaudit.slack.views import texts

SECTION_TEXT_LIMIT = 3000
FALLBACK_TEXT_LIMIT = 4000
PROBLEM_TEXT_LIMIT = 1000
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}

Message = dict[str, Any]


def escaped(text: str, limit: int = SECTION_TEXT_LIMIT) -> str:
    """Plain text made safe for mrkdwn (no mentions or links smuggled in), clipped to `limit` characters."""
    out: list[str] = []
    size = 0
    for char in text:
        piece = _ESCAPES.get(char, char)
        if size + len(piece) > limit - 1:
            out.append("…")
            break
        out.append(piece)
        size += len(piece)
    return "".join(out)


def mentions(slack_user_ids: Sequence[str]) -> str:
    return ", ".join(f"<@{user_id}>" for user_id in slack_user_ids)


def help_message() -> Message:
    usage = (
        "*Give kudos:* `/kudos @someone [@someone else] POINTS for WHAT #value`\n"
        f"For example: `{EXAMPLE}`\n"
        "Each person you mention gets the points (a whole number, right after the names or written "
        "`10 points`); #values tag the company values it shows.\n"
        "*A form to fill in:* `/kudos`   *Your balance:* `/kudos balance`   *This help:* `/kudos help`"
    )
    return _message("How to use /kudos", [SectionBlock(text=MarkdownTextObject(text=usage))])


def problem_message(problem: str, *, about: Sequence[str] = (), with_example: bool = False) -> Message:
    """Why a request was refused, in a sentence the giver can act on; `about` mentions the people it
    concerns in front of it."""
    who = f"{mentions(about)} " if about else ""
    text = f":warning: {who}{escaped(problem, PROBLEM_TEXT_LIMIT)}"
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=text))]
    if with_example:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"For example: `{EXAMPLE}`")]))
    return _message(text, blocks)


def confirmation_message(
    shares: dict[str, int], *, announced_in: str | None, replayed: bool = False
) -> Message:
    """The giver's receipt: `shares` maps each recipient's Slack id to their points."""
    who = mentions(list(shares))
    if replayed:
        text = f"That kudos to {who} was already given; nothing changed."
    else:
        where = f" It is announced in <#{announced_in}>." if announced_in else ""
        text = (
            f":tada: You gave {_shares_text({f'<@{uid}>': points for uid, points in shares.items()})}.{where}"
        )
    return _message(text, [SectionBlock(text=MarkdownTextObject(text=text))])


def announcement_message(
    giver: str,
    shares: dict[str, int],
    message: str,
    values: list[str],
    *,
    recognition_id: str | None = None,
    added_on: Sequence[Block] = (),
) -> Message:
    """The public post: who thanked whom (`giver` and the keys of `shares` are mrkdwn: a mention or an
    escaped name), with how many points, for what and which values; `added_on` tells who added points
    since, and with `recognition_id` an "Add on" button lets others join in."""
    headline = f":clap: {giver} gave kudos to {_shares_text(shares)}"
    fallback = f"{giver} gave kudos to {', '.join(shares)}"
    blocks = _kudos_blocks(headline, message, values)
    blocks[-1:-1] = added_on
    if recognition_id is not None:
        button = ButtonElement(text="Add on", action_id=actions.ADD_ON, value=recognition_id)
        blocks.insert(-1, ActionsBlock(elements=[button]))
    return _message(fallback, blocks)


def recipient_dm_message(giver: str, points: int, message: str, values: list[str]) -> Message:
    """A recipient's DM; `giver` is mrkdwn."""
    headline = f":gift: {giver} gave you *{texts.points(points)}*"
    return _message(f"{giver} gave you {texts.points(points)}", _kudos_blocks(headline, message, values))


def balance_message(remaining: int, total: int, resets_at: datetime, points: int) -> Message:
    epoch = int(resets_at.timestamp())
    resets = f"<!date^{epoch}^{{date_short_pretty}} at {{time}}|{resets_at.isoformat()}>"
    text = (
        f"*Left to give:* {remaining:,} of {texts.points(total)} (resets {resets})\n"
        f"*Your points:* {points:,}, yours to spend in the catalogue"
    )
    fallback = (
        f"You have {remaining:,} of {texts.points(total)} left to give and {texts.points(points)} to spend."
    )
    return _message(fallback, [SectionBlock(text=MarkdownTextObject(text=text))])


def _shares_text(shares: dict[str, int]) -> str:
    """`@alice 1 point`, `@alice, @bob 10 points each (20 points in all)`, or
    `@alice (6 points), @bob (5 points): 11 points in all`; the keys are mrkdwn."""
    amounts = set(shares.values())
    total = texts.points(sum(shares.values()))
    if len(shares) == 1:
        ((who, points),) = shares.items()
        return f"{who} *{texts.points(points)}*"
    if len(amounts) == 1:
        return f"{', '.join(shares)} *{texts.points(amounts.pop())}* each ({total} in all)"
    each = ", ".join(f"{who} ({texts.points(points)})" for who, points in shares.items())
    return f"{each}: *{total}* in all"


def _kudos_blocks(headline: str, message: str, values: list[str]) -> list[Block]:
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=headline)),
        SectionBlock(text=MarkdownTextObject(text=f">{escaped(message, SECTION_TEXT_LIMIT - 1)}")),
    ]
    if values:
        tags = " ".join(f"`#{value}`" for value in values)
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"Values: {tags}")]))
    blocks.append(DividerBlock())
    return blocks


def _message(fallback: str, blocks: list[Block]) -> Message:
    return {"text": fallback[:FALLBACK_TEXT_LIMIT], "blocks": [block.to_dict() for block in blocks]}
