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

from plaudit.i18n import Messages
from plaudit.slack import actions

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


def _mentions(slack_user_ids: Sequence[str], m: Messages) -> str:
    return m.text("common.list_separator").join(f"<@{user_id}>" for user_id in slack_user_ids)


def help_message(m: Messages) -> Message:
    usage = m.text("kudos.help.usage", example=m.text("kudos.example"))
    return _message(m.text("kudos.help.title"), [SectionBlock(text=MarkdownTextObject(text=usage))])


def problem_message(problem: str, m: Messages, *, with_example: bool = False) -> Message:
    """Why a request was refused, in a sentence the giver can act on (`problem`: in their language)."""
    text = f":warning: {escaped(problem, PROBLEM_TEXT_LIMIT)}"
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=text))]
    if with_example:
        example = m.text("kudos.example_line", example=m.text("kudos.example"))
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=example)]))
    return _message(text, blocks)


def problem_about(key: str, slack_user_ids: Sequence[str], m: Messages) -> Message:
    """A refusal concerning people (e.g. some of those thanked cannot get kudos): the sentence `key` with
    their mentions as its `{who}`."""
    text = f":warning: {m.text(key, who=_mentions(slack_user_ids, m))}"
    return _message(text, [SectionBlock(text=MarkdownTextObject(text=text[:SECTION_TEXT_LIMIT]))])


def confirmation_message(
    shares: dict[str, int], m: Messages, *, announced_in: str | None, replayed: bool = False
) -> Message:
    """The giver's receipt: `shares` maps each recipient's Slack id to their points."""
    if replayed:
        text = m.text("kudos.confirm.replayed", who=_mentions(list(shares), m))
    else:
        text = m.text(
            "kudos.confirm.given", shares=_shares_text({f"<@{u}>": p for u, p in shares.items()}, m)
        )
        if announced_in:
            text += " " + m.text("kudos.confirm.announced", channel=f"<#{announced_in}>")
    return _message(text, [SectionBlock(text=MarkdownTextObject(text=text))])


def announcement_message(
    giver: str,
    shares: dict[str, int],
    message: str,
    values: list[str],
    m: Messages,
    *,
    recognition_id: str | None = None,
    added_on: Sequence[Block] = (),
) -> Message:
    """The public post: who thanked whom (`giver` and the keys of `shares` are mrkdwn: a mention or an
    escaped name), with how many points, for what and which values; `added_on` tells who added points
    since, and with `recognition_id` an "Add on" button lets others join in."""
    headline = m.text("kudos.announcement.headline", giver=giver, shares=_shares_text(shares, m))
    recipients = m.text("common.list_separator").join(shares)
    fallback = m.text("kudos.announcement.fallback", giver=giver, recipients=recipients)
    blocks = _kudos_blocks(headline, message, values, m)
    blocks[-1:-1] = added_on
    if recognition_id is not None:
        button = ButtonElement(
            text=m.text("kudos.add_on.button"), action_id=actions.ADD_ON, value=recognition_id
        )
        blocks.insert(-1, ActionsBlock(elements=[button]))
    return _message(fallback, blocks)


def removed_message(m: Messages) -> Message:
    """What a post about a kudos becomes once its message is removed: nobody named, nothing quoted."""
    text = m.text("kudos.message_removed")
    return _message(text, [SectionBlock(text=MarkdownTextObject(text=f"_{text}_"))])


def recipient_dm_message(giver: str, points: int, message: str, values: list[str], m: Messages) -> Message:
    """A recipient's DM; `giver` is mrkdwn."""
    headline = m.text("kudos.dm.headline", giver=giver, points=m.points(points))
    fallback = m.text("kudos.dm.fallback", giver=giver, points=m.points(points))
    return _message(fallback, _kudos_blocks(headline, message, values, m))


def balance_message(remaining: int, total: int, resets_at: datetime, points: int, m: Messages) -> Message:
    text = m.text(
        "kudos.balance.text",
        remaining=m.number(remaining),
        total=m.points(total),
        resets=slack_date(resets_at, m.text("slack.date_at_time", date="{date_short_pretty}", time="{time}")),
        points=m.number(points),
    )
    fallback = m.text(
        "kudos.balance.fallback",
        remaining=m.number(remaining),
        total=m.points(total),
        points=m.points(points),
    )
    return _message(fallback, [SectionBlock(text=MarkdownTextObject(text=text))])


def slack_date(at: datetime, format_: str) -> str:
    """A time Slack shows in the reader's own format and time zone: `format_` holds Slack's tokens, such as
    `{date_short_pretty}`; the fallback (for clients that cannot) is the ISO date."""
    return f"<!date^{int(at.timestamp())}^{format_}|{at.date().isoformat()}>"


def _shares_text(shares: dict[str, int], m: Messages) -> str:
    """`@alice 1 point`, `@alice, @bob 10 points each (20 points in all)`, or
    `@alice (6 points), @bob (5 points): 11 points in all`; the keys are mrkdwn."""
    amounts = set(shares.values())
    total = m.points(sum(shares.values()))
    separator = m.text("common.list_separator")
    if len(shares) == 1:
        ((who, points),) = shares.items()
        return m.text("kudos.shares.one", who=who, points=m.points(points))
    if len(amounts) == 1:
        return m.text(
            "kudos.shares.each", who=separator.join(shares), points=m.points(amounts.pop()), total=total
        )
    each = separator.join(f"{who} ({m.points(points)})" for who, points in shares.items())
    return m.text("kudos.shares.mixed", each=each, total=total)


def _kudos_blocks(headline: str, message: str, values: list[str], m: Messages) -> list[Block]:
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=headline)),
        SectionBlock(text=MarkdownTextObject(text=f">{escaped(message, SECTION_TEXT_LIMIT - 1)}")),
    ]
    if values:
        tags = " ".join(f"`#{value}`" for value in values)
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=m.text("kudos.values", tags=tags))]))
    blocks.append(DividerBlock())
    return blocks


def _message(fallback: str, blocks: list[Block]) -> Message:
    return {"text": fallback[:FALLBACK_TEXT_LIMIT], "blocks": [block.to_dict() for block in blocks]}
