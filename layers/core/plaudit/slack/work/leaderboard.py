"""The work behind `/kudos leaderboard` (after the ack) and the App Home's "This month's top givers":
boards from the insights service, in the person's language."""

from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.models.blocks import Block

from plaudit.domain.access import Caller
from plaudit.domain.errors import PlauditError
from plaudit.domain.insights import Side, Span
from plaudit.i18n import Messages, messages, person_locale
from plaudit.services import insights
from plaudit.slack.commands import BoardRequest
from plaudit.slack.identity import employee_id_for, slack_user_locale
from plaudit.slack.views import leaderboard as views
from plaudit.slack.views import messages as slack_messages
from plaudit.slack.views import texts
from plaudit.slack.work.home import Viewer
from plaudit.store import snapshots

HOME_ROWS = 5


def show(request: BoardRequest, command: dict, client: WebClient, respond: Respond) -> None:
    """The received board of the period asked for (the given board where the organisation shows only
    who gave), answered to the person alone."""
    employee_id = employee_id_for(command["user_id"], client)
    if employee_id is None:
        respond(**slack_messages.problem_message(texts.NOT_IN_DIRECTORY))
        return
    caller = Caller(employee_id=employee_id)
    msgs = _language(caller, command["user_id"], client)
    try:
        try:
            board = _board(caller, Side.RECEIVED, Span(request.period), request.value)
        except PlauditError as refused:
            if refused.code != "givers_only":
                raise
            board = _board(caller, Side.GIVEN, Span(request.period), request.value)
    except PlauditError as refused:
        respond(**slack_messages.problem_message(refused.message))
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
    return views.board_blocks(board, _language(viewer.caller))


def _board(caller: Caller, side: Side, period: Span, value: str | None) -> insights.Leaderboard:
    return insights.leaderboard(caller, metric=side, by="points", period=period, value=value)


def _language(caller: Caller, slack_user_id: str | None = None, client: WebClient | None = None) -> Messages:
    """The person's language: their directory locale, else (in a reply, where Slack can be asked) their
    Slack locale, else the organisation's default."""
    snap = snapshots.load(employees=[caller.employee_id], settings=True)
    person, default = snap.employee(caller.employee_id or ""), snap.settings().default_locale
    own = person.locale if person else None
    if slack_user_id is not None and client is not None:
        return messages(
            slack_user_locale(slack_user_id, client, directory_locale=own, default_locale=default)
        )
    return messages(person_locale(own, default))
