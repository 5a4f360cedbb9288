"""The work behind `/kudos` with text, run in lazy listeners after the ack, in the person's language: the
help, what is wrong with the text, the balance, or the kudos given through the recognition service (and
the giver told how it went)."""

from collections.abc import Callable

from aws_lambda_powertools import Logger
from pydantic import ValidationError
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from plaudit.domain.access import Caller
from plaudit.domain.errors import PlauditError
from plaudit.domain.recognition import MAX_MESSAGE, MAX_RECIPIENTS, MAX_VALUES, Visibility
from plaudit.i18n import Messages
from plaudit.services import recognition, wallets
from plaudit.slack.commands import BoardRequest, KudosText, KudosTextError, Verb, parse
from plaudit.slack.identity import employee_id_for, language_for
from plaudit.slack.views import messages, texts
from plaudit.store import snapshots

logger = Logger(child=True)


def run(command: dict, client: WebClient, respond: Respond) -> None:
    """Tell the person what failed, then fail the invocation so the failure is kept (plaudit.slack.lazy)."""
    m = language_for(command["user_id"], client)
    try:
        parsed = parse(command.get("text", ""))
    except KudosTextError as mistake:
        respond(**messages.problem_message(m.text(mistake.key, **mistake.params), m, with_example=True))
        return
    try:
        if parsed is Verb.HELP:
            respond(**messages.help_message(m))
        elif parsed is Verb.BALANCE:
            show_balance(command, client, respond, m)
        elif isinstance(parsed, BoardRequest):
            from plaudit.slack.work import leaderboard

            leaderboard.show(parsed, command, client, respond, m)
        else:
            give(parsed, command, client, respond, m)
    except Exception:
        logger.exception("slash command failed", extra={"trigger_id": command.get("trigger_id")})
        respond(**messages.problem_message(m.text("slack.failed"), m))
        raise  # the invocation fails: retried, then kept in SlackDeadLetterQueue (plaudit.slack.lazy)


def give(kudos_text: KudosText, command: dict, client: WebClient, respond: Respond, m: Messages) -> None:
    """Give the kudos a slash command typed. `slack:{trigger_id}` keys it, so a replayed request or a
    retried lazy invocation gives once (and announces once)."""
    give_as(
        command["user_id"], kudos_text, client, respond, m, idempotency_key=f"slack:{command['trigger_id']}"
    )


def give_as(
    giver_slack_id: str,
    kudos_text: KudosText,
    client: WebClient,
    tell: Callable[..., object],
    m: Messages,
    *,
    idempotency_key: str,
    visibility: Visibility = Visibility.PUBLIC,
) -> None:
    """Give, and tell the giver how it went in their language (`tell(text=..., blocks=...)`: a respond, or
    a DM). The announcement and the recipients' DMs come from the table's stream
    (plaudit.slack.notices.kudos), as for a kudos given any other way."""
    giver_id = employee_id_for(giver_slack_id, client)
    if giver_id is None:
        tell(**messages.problem_message(m.text("slack.not_in_directory"), m))
        return
    employee_ids = {uid: employee_id_for(uid, client) for uid in kudos_text.slack_user_ids}
    strangers = [uid for uid, employee_id in employee_ids.items() if employee_id is None]
    if strangers:
        tell(**messages.problem_about("kudos.refused.not_a_person", strangers, m))
        return
    settings = snapshots.load(settings=True).settings()
    try:
        request = recognition.GiveKudos(
            recipient_ids=list(dict.fromkeys(employee_ids.values())),
            points=kudos_text.points,
            message=kudos_text.message,
            values=kudos_text.values,
            visibility=visibility,
        )
    except ValidationError as invalid:
        field = str((invalid.errors()[0].get("loc") or ("",))[0])
        problem = texts.kudos_problem(
            m,
            field,
            min_points=settings.min_points_per_kudos,
            max_points=settings.max_points_per_kudos,
            max_message=MAX_MESSAGE,
            max_values=MAX_VALUES,
            max_recipients=MAX_RECIPIENTS,
        )
        tell(**messages.problem_message(problem, m, with_example=True))
        return
    try:
        kudos, created = recognition.give_kudos(
            Caller(employee_id=giver_id), request, idempotency_key=idempotency_key
        )
    except PlauditError as refused:
        logger.info("kudos refused", extra={"code": refused.code})
        tell(**messages.problem_message(refused.message_in(m.locale), m))
        return
    slack_ids = {employee_id: uid for uid, employee_id in employee_ids.items()}
    shares = {slack_ids[rid]: points for rid, points in kudos.shares.items()}
    if not created:
        tell(**messages.confirmation_message(shares, m, announced_in=None, replayed=True))
        return
    announced_in = settings.announcement_channel if kudos.visibility is Visibility.PUBLIC else None
    tell(**messages.confirmation_message(shares, m, announced_in=announced_in))


def show_balance(command: dict, client: WebClient, respond: Respond, m: Messages) -> None:
    employee_id = employee_id_for(command["user_id"], client)
    if employee_id is None:
        respond(**messages.problem_message(m.text("slack.not_in_directory"), m))
        return
    wallet = wallets.wallet_view(Caller(employee_id=employee_id), employee_id)
    allowance = wallet.allowance
    respond(
        **messages.balance_message(
            allowance.remaining, allowance.total, allowance.resets_at, wallet.points, m
        )
    )
