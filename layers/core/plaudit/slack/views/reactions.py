"""Block Kit messages about emoji reactions that give points (see views.py for the conventions)."""

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

from plaudit.domain.reactions import UndoOutcome
from plaudit.i18n import Messages
from plaudit.slack.views.messages import FALLBACK_TEXT_LIMIT, Message


def _section(text: str, fallback: str) -> Message:
    block = SectionBlock(text=MarkdownTextObject(text=text))
    return {"text": fallback[:FALLBACK_TEXT_LIMIT], "blocks": [block.to_dict()]}


def author_dm_message(reactor: str, points: int, emoji: str, channel: str, m: Messages) -> Message:
    """The author's DM: who reacted (mrkdwn), with what, and where."""
    amount = m.points(points)
    return _section(
        m.text(
            "reaction.dm.given", emoji=f":{emoji}:", reactor=reactor, points=amount, channel=f"<#{channel}>"
        ),
        m.text("reaction.dm.given_fallback", reactor=reactor, points=amount),
    )


def taken_back_dm_message(reactor: str, points: int, emoji: str, channel: str, m: Messages) -> Message:
    """The author's DM once the reactor took the reaction back: it replaces `author_dm_message`."""
    text = m.text(
        "reaction.dm.taken_back",
        emoji=f":{emoji}:",
        reactor=reactor,
        points=m.points(points),
        channel=f"<#{channel}>",
    )
    return _section(text, m.text("reaction.dm.taken_back_fallback", reactor=reactor))


def undone_message(author_slack_id: str, points: int, emoji: str, m: Messages) -> Message:
    """The reactor's receipt when removing the reaction took the points back."""
    text = m.text(
        "reaction.undone", emoji=f":{emoji}:", author=f"<@{author_slack_id}>", points=m.points(points)
    )
    return _section(text, text)


KEPT_BECAUSE = {
    UndoOutcome.POINTS_SPENT: "reaction.kept.spent",
    UndoOutcome.NEW_PERIOD: "reaction.kept.new_period",
}


def kept_message(author_slack_id: str, points: int, outcome: UndoOutcome, m: Messages) -> Message:
    """Why removing the reaction in time still left the points with the author."""
    text = m.text(KEPT_BECAUSE[outcome], author=f"<@{author_slack_id}>", points=m.points(points))
    return _section(text, text)
