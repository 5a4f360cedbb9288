"""The work behind `/kudos`, run in lazy listeners after the ack: give through the recognition service,
announce, DM the recipients and tell the giver how it went."""

from collections.abc import Callable

from aws_lambda_powertools import Logger
from pydantic import ValidationError
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from plaudit.domain.access import Caller
from plaudit.domain.errors import PlauditError
from plaudit.domain.recognition import Kudos, Visibility
from plaudit.services import recognition, wallets
from plaudit.slack.commands import KudosText, Verb
from plaudit.slack.identity import employee_id_for
from plaudit.slack.views import messages, texts
from plaudit.store import snapshots

logger = Logger(child=True)


def run(parsed: KudosText | Verb, command: dict, client: WebClient, respond: Respond) -> None:
    """Bolt swallows a lazy listener's exceptions (so Lambda never retries them): say so to the person."""
    try:
        if isinstance(parsed, KudosText):
            give(parsed, command, client, respond)
        elif parsed is Verb.BALANCE:
            show_balance(command, client, respond)
    except Exception:
        logger.exception("slash command failed", extra={"trigger_id": command.get("trigger_id")})
        respond(**messages.problem_message(texts.FAILED))


def give(kudos_text: KudosText, command: dict, client: WebClient, respond: Respond) -> None:
    """Give the kudos a slash command typed. `slack:{trigger_id}` keys it, so a replayed request or a
    retried lazy invocation gives once (and announces once)."""
    give_as(command["user_id"], kudos_text, client, respond, idempotency_key=f"slack:{command['trigger_id']}")


def give_as(
    giver_slack_id: str,
    kudos_text: KudosText,
    client: WebClient,
    tell: Callable[..., object],
    *,
    idempotency_key: str,
    visibility: Visibility = Visibility.PUBLIC,
) -> None:
    """Give, announce and DM; `tell(text=..., blocks=...)` reaches the giver (a respond, or a DM)."""
    giver_id = employee_id_for(giver_slack_id, client)
    if giver_id is None:
        tell(**messages.problem_message(texts.NOT_IN_DIRECTORY))
        return
    employee_ids = {uid: employee_id_for(uid, client) for uid in kudos_text.slack_user_ids}
    strangers = [uid for uid, employee_id in employee_ids.items() if employee_id is None]
    if strangers:
        tell(
            **messages.problem_message(
                texts.NOT_A_PERSON,
                about=strangers,
            )
        )
        return
    try:
        request = recognition.GiveKudos(
            recipient_ids=list(dict.fromkeys(employee_ids.values())),
            points=kudos_text.points,
            message=kudos_text.message,
            values=kudos_text.values,
            visibility=visibility,
        )
        kudos, created = recognition.give_kudos(
            Caller(employee_id=giver_id), request, idempotency_key=idempotency_key
        )
    except ValidationError as invalid:
        problem = invalid.errors()[0]["msg"]
        tell(**messages.problem_message(problem, with_example=True))
        return
    except PlauditError as refused:
        logger.info("kudos refused", extra={"code": refused.code})
        tell(**messages.problem_message(refused.message))
        return
    slack_ids = {employee_id: uid for uid, employee_id in employee_ids.items()}
    recipients = [slack_ids[rid] for rid in kudos.recipient_ids]
    if not created:
        tell(**messages.confirmation_message(recipients, kudos.points, announced_in=None, replayed=True))
        return
    announced_in = _announce(kudos, giver_slack_id, slack_ids, client)
    _direct_messages(kudos, giver_slack_id, slack_ids, client)
    tell(**messages.confirmation_message(recipients, kudos.points, announced_in=announced_in))


def show_balance(command: dict, client: WebClient, respond: Respond) -> None:
    employee_id = employee_id_for(command["user_id"], client)
    if employee_id is None:
        respond(**messages.problem_message(texts.NOT_IN_DIRECTORY))
        return
    wallet = wallets.wallet_view(Caller(employee_id=employee_id), employee_id)
    allowance = wallet.allowance
    respond(
        **messages.balance_message(allowance.remaining, allowance.total, allowance.resets_at, wallet.points)
    )


def _announce(kudos: Kudos, giver_slack_id: str, slack_ids: dict[str, str], client: WebClient) -> str | None:
    """Post a public kudos to the announcement channel; the channel, or None when not posted."""
    if kudos.visibility is not Visibility.PUBLIC:
        return None
    channel = snapshots.load(settings=True).settings().announcement_channel
    if channel is None:
        return None
    shares = {slack_ids[rid]: points for rid, points in kudos.shares.items()}
    message = messages.announcement_message(
        giver_slack_id, shares, kudos.message, kudos.values, recognition_id=kudos.id
    )
    try:
        client.chat_postMessage(channel=channel, unfurl_links=False, **message)
    except SlackApiError as failed:
        logger.warning("announcement not posted", extra={"error": failed.response.get("error")})
        return None
    return channel


def _direct_messages(kudos: Kudos, giver_slack_id: str, slack_ids: dict[str, str], client: WebClient) -> None:
    for recipient_id, points in kudos.shares.items():
        message = messages.recipient_dm_message(giver_slack_id, points, kudos.message, kudos.values)
        try:
            client.chat_postMessage(channel=slack_ids[recipient_id], unfurl_links=False, **message)
        except SlackApiError as failed:
            logger.warning("kudos DM not sent", extra={"error": failed.response.get("error")})
