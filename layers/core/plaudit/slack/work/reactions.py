"""The work behind reaction_added / reaction_removed, run in lazy listeners after the ack. Whatever goes
wrong reaches the reactor as an ephemeral message in the message's channel (a DM if that fails)."""

from collections.abc import Callable

from aws_lambda_powertools import Logger
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from plaudit.domain.access import Caller
from plaudit.domain.errors import PlauditError
from plaudit.domain.reactions import UndoOutcome, emoji_of
from plaudit.domain.recognition import Kudos
from plaudit.i18n import Messages
from plaudit.services import reactions
from plaudit.slack.identity import employee_id_for, is_bot, language_for
from plaudit.slack.notices.kudos import dm_purpose
from plaudit.slack.views import messages
from plaudit.slack.views import reactions as reaction_views
from plaudit.store import slack_posts

logger = Logger(child=True)

SILENT_REFUSALS = frozenset({"giver_is_bot", "recipient_is_bot", "self_recognition"})


def run(work: Callable[[dict, WebClient, Messages], None], event: dict, client: WebClient) -> None:
    """Only reactions to people's messages count: not to a webhook's or app's message (no item_user), nor
    to one's own; and only the emoji that give points. Bolt swallows a lazy listener's exceptions, so say
    so to the reactor, in their language."""
    item = event.get("item") or {}
    if item.get("type") != "message" or not event.get("item_user") or event["item_user"] == event["user"]:
        return
    if not reactions.rewards(event["reaction"]):
        return
    m = language_for(event["user"], client)
    try:
        work(event, client, m)
    except Exception:
        logger.exception("reaction failed", extra={"event_ts": event.get("event_ts")})
        _tell_reactor(event, client, messages.problem_message(m.text("slack.failed"), m))
        raise  # the invocation fails: retried, then kept in SlackDeadLetterQueue (plaudit.slack.lazy)


def added(event: dict, client: WebClient, m: Messages) -> None:
    """Give the author the reaction's points; the author hears of it from the table's stream
    (plaudit.slack.notices.kudos). A bot's reaction, or one on a bot's message (the kudos announcement),
    is ignored without a word; people outside the directory are told why nothing happened."""
    reactor_id = employee_id_for(event["user"], client)
    if reactor_id is None:
        if not is_bot(event["user"], client):
            _tell_reactor(event, client, messages.problem_message(m.text("slack.not_in_directory"), m))
        return
    author_id = employee_id_for(event["item_user"], client)
    if author_id is None:
        if not is_bot(event["item_user"], client):
            refusal = messages.problem_about("reaction.refused.author_unknown", [event["item_user"]], m)
            _tell_reactor(event, client, refusal)
        return
    item = event["item"]
    try:
        reactions.react(
            Caller(employee_id=reactor_id),
            author_id,
            event["reaction"],
            channel=item["channel"],
            message_ts=item["ts"],
        )
    except PlauditError as refused:
        logger.info("reaction refused", extra={"code": refused.code})
        if refused.code not in SILENT_REFUSALS:
            _tell_reactor(event, client, messages.problem_message(refused.message_in(m.locale), m))


def removed(event: dict, client: WebClient, m: Messages) -> None:
    reactor_id = employee_id_for(event["user"], client)
    if reactor_id is None:
        return  # nobody outside the directory ever paid
    item = event["item"]
    outcome, kudos = reactions.unreact(
        Caller(employee_id=reactor_id), event["reaction"], channel=item["channel"], message_ts=item["ts"]
    )
    if kudos is None:
        return
    if outcome is UndoOutcome.UNDONE:
        emoji = emoji_of(event["reaction"])
        _tell_reactor(
            event, client, reaction_views.undone_message(event["item_user"], kudos.points, emoji, m)
        )
        _correct_author_dm(kudos, event, client)
    elif outcome in reaction_views.KEPT_BECAUSE:
        _tell_reactor(
            event, client, reaction_views.kept_message(event["item_user"], kudos.points, outcome, m)
        )


def _correct_author_dm(kudos: Kudos, event: dict, client: WebClient) -> None:
    """The author's DM said they got the points: it now says they went back (when it was posted yet), in
    the author's language."""
    (author_id,) = kudos.recipient_ids
    message = reaction_views.taken_back_dm_message(
        f"<@{event['user']}>",
        kudos.points,
        emoji_of(event["reaction"]),
        event["item"]["channel"],
        language_for(event["item_user"], client),
    )
    for post in slack_posts.posts_about("kudos", kudos.id):
        if post.purpose == dm_purpose(author_id):
            try:
                client.chat_update(channel=post.channel, ts=post.ts, **message)
            except SlackApiError as failed:
                logger.warning("reaction DM not corrected", extra={"error": failed.response.get("error")})


def _tell_reactor(event: dict, client: WebClient, message: messages.Message) -> None:
    channel = (event.get("item") or {}).get("channel")
    try:
        client.chat_postEphemeral(channel=channel, user=event["user"], **message)
        return
    except SlackApiError as failed:
        logger.warning("ephemeral not posted", extra={"error": failed.response.get("error")})
    client.chat_postMessage(channel=event["user"], unfurl_links=False, **message)
