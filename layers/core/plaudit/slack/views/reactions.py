"""Block Kit messages about emoji reactions that give points (see views.py for the conventions)."""

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

from plaudit.domain.reactions import UndoOutcome
from plaudit.slack.views import texts
from plaudit.slack.views.messages import FALLBACK_TEXT_LIMIT, Message


def _section(text: str, fallback: str) -> Message:
    block = SectionBlock(text=MarkdownTextObject(text=text))
    return {"text": fallback[:FALLBACK_TEXT_LIMIT], "blocks": [block.to_dict()]}


def author_dm_message(reactor: str, points: int, emoji: str, channel: str) -> Message:
    """The author's DM: who reacted (mrkdwn), with what, and where."""
    return _section(
        f":{emoji}: {reactor} gave you *{texts.points(points)}* for your message in <#{channel}>.",
        f"{reactor} gave you {texts.points(points)} for your message",
    )


def taken_back_dm_message(reactor: str, points: int, emoji: str, channel: str) -> Message:
    """The author's DM once the reactor took the reaction back: it replaces `author_dm_message`."""
    text = (
        f":{emoji}: {reactor} removed their reaction to your message in <#{channel}>, "
        f"so the {texts.points(points)} it gave you went back."
    )
    return _section(text, f"{reactor} took back a reaction to your message")


def undone_message(author_slack_id: str, points: int, emoji: str) -> Message:
    """The reactor's receipt when removing the reaction took the points back."""
    text = (
        f"You removed your :{emoji}:, so what it gave <@{author_slack_id}> ({texts.points(points)}) "
        "is back in your allowance."
    )
    return _section(text, text)


KEPT_BECAUSE = {
    UndoOutcome.POINTS_SPENT: "they have been spent already",
    UndoOutcome.NEW_PERIOD: "they were given in an allowance period that has ended",
}


def kept_message(author_slack_id: str, points: int, outcome: UndoOutcome) -> Message:
    """Why removing the reaction in time still left the points with the author."""
    text = (
        f"Removing your reaction did not take back what it gave <@{author_slack_id}> "
        f"({texts.points(points)}): {KEPT_BECAUSE[outcome]}."
    )
    return _section(text, text)
