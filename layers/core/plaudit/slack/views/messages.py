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
        "Each person you mention gets the points; #values tag the company values it shows.\n"
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
    recipient_slack_ids: list[str], points: int, *, announced_in: str | None, replayed: bool = False
) -> Message:
    """The giver's receipt."""
    if replayed:
        text = f"That kudos to {mentions(recipient_slack_ids)} was already given; nothing changed."
    else:
        where = f" and announced it in <#{announced_in}>" if announced_in else ""
        text = f":tada: You gave {mentions(recipient_slack_ids)} {points} points{where}."
    return _message(text, [SectionBlock(text=MarkdownTextObject(text=text))])


def announcement_message(
    giver_slack_id: str,
    shares: dict[str, int],
    message: str,
    values: list[str],
    *,
    recognition_id: str | None = None,
    added_on: Sequence[Block] = (),
) -> Message:
    """The public post: who thanked whom, with how many points, for what and which values; `added_on`
    tells who added points since, and with `recognition_id` an "Add on" button lets others join in."""
    headline = f":clap: <@{giver_slack_id}> gave kudos to {_shares_text(shares)}"
    fallback = f"<@{giver_slack_id}> gave kudos to {mentions(list(shares))}"
    blocks = _kudos_blocks(headline, message, values)
    blocks[-1:-1] = added_on
    if recognition_id is not None:
        button = ButtonElement(text="Add on", action_id=actions.ADD_ON, value=recognition_id)
        blocks.insert(-1, ActionsBlock(elements=[button]))
    return _message(fallback, blocks)


def recipient_dm_message(giver_slack_id: str, points: int, message: str, values: list[str]) -> Message:
    headline = f":gift: <@{giver_slack_id}> gave you *{points} points*"
    return _message(f"<@{giver_slack_id}> gave you {points} points", _kudos_blocks(headline, message, values))


def balance_message(remaining: int, total: int, resets_at: datetime, points: int) -> Message:
    epoch = int(resets_at.timestamp())
    resets = f"<!date^{epoch}^{{date_short_pretty}} at {{time}}|{resets_at.isoformat()}>"
    text = (
        f"*Left to give:* {remaining} of {total} points (resets {resets})\n"
        f"*Your points:* {points}, yours to spend in the catalogue"
    )
    fallback = f"You have {remaining} of {total} points left to give and {points} points to spend."
    return _message(fallback, [SectionBlock(text=MarkdownTextObject(text=text))])


def _shares_text(shares: dict[str, int]) -> str:
    amounts = set(shares.values())
    if len(amounts) == 1:
        return f"{mentions(list(shares))}: *{amounts.pop()} points* each"
    return ", ".join(f"<@{user_id}> (*{points}*)" for user_id, points in shares.items())


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
