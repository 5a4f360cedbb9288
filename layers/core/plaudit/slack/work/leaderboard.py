"""The work behind `/kudos leaderboard` (after the ack) and the App Home's "This month's top givers":
boards from the insights service, in the person's language."""

from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.models.blocks import Block

from plaudit.domain.access import Caller
from plaudit.domain.errors import PlauditError
from plaudit.domain.insights import Side, Span
from plaudit.i18n import Messages
from plaudit.services import insights
from plaudit.slack.commands import BoardRequest
from plaudit.slack.identity import employee_id_for
from plaudit.slack.views import leaderboard as views
from plaudit.slack.views import messages as slack_messages
from plaudit.slack.work.home import Viewer

HOME_ROWS = 5


def show(request: BoardRequest, command: dict, client: WebClient, respond: Respond, msgs: Messages) -> None:
    """The received board of the period asked for (the given board where the organisation shows only
    who gave), answered to the person alone, in their language."""
    employee_id = employee_id_for(command["user_id"], client)
    if employee_id is None:
        respond(**slack_messages.problem_message(msgs.text("slack.not_in_directory"), msgs))
        return
    caller = Caller(employee_id=employee_id)
    try:
        try:
            board = _board(caller, Side.RECEIVED, Span(request.period), request.value)
        except PlauditError as refused:
            if refused.code != "givers_only":
                raise
            board = _board(caller, Side.GIVEN, Span(request.period), request.value)
    except PlauditError as refused:
        respond(**slack_messages.problem_message(refused.message_in(msgs.locale), msgs))
        return
    respond(**views.leaderboard_message(board, request.period, request.value, msgs))


def top_givers_for_home(viewer: Viewer) -> list[Block]:
    """This month's top givers and the viewer's own standing; nothing when boards are turned off."""
    try:
        board = insights.leaderboard(
            viewer.caller, metric=Side.GIVEN, by="points", period=Span.MONTH, limit=HOME_ROWS
        )
    except PlauditError as refused:
        if refused.code == "leaderboards_off":
            return []
        raise
    return views.board_blocks(board, viewer.m)


def _board(caller: Caller, side: Side, period: Span, value: str | None) -> insights.Leaderboard:
    return insights.leaderboard(caller, metric=side, by="points", period=period, value=value)
