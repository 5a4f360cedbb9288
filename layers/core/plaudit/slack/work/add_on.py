"""The work behind an announcement's "Add on" button, run in a lazy listener after the ack: add points
from the clicker's allowance to every recipient, then update the post with the new total."""

from aws_lambda_powertools import Logger
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from plaudit.domain.access import Caller
from plaudit.domain.errors import PlauditError
from plaudit.domain.settings import OrgSettings
from plaudit.i18n import Messages, messages
from plaudit.services import recognition
from plaudit.services.replays import KEY_EXPIRED
from plaudit.slack.identity import employee_id_for, language_for
from plaudit.slack.views import messages as views
from plaudit.slack.views.add_on import SHOWN_ADDERS, added_on_blocks, added_on_receipt
from plaudit.slack.views.people import people_mentions, person_mention
from plaudit.store import snapshots

logger = Logger(child=True)

ADD_ON_POINTS = 5


def points_per_add_on(settings: OrgSettings) -> int:
    """A small fixed amount, kept within the org's points-per-kudos range."""
    return min(max(ADD_ON_POINTS, settings.min_points_per_kudos), settings.max_points_per_kudos)


def run(body: dict, client: WebClient) -> None:
    """Bolt swallows a lazy listener's exceptions: a failure reaches the clicker as an ephemeral, in their
    language."""
    clicker, container = body["user"]["id"], body["container"]
    channel = container["channel_id"]
    m = language_for(clicker, client)
    try:
        problem = add_on(body["actions"][0]["value"], clicker, channel, container["message_ts"], client, m)
    except Exception:
        logger.exception("add-on failed")
        _ephemeral(client, channel, clicker, views.problem_message(m.text("slack.failed"), m))
        raise  # the invocation fails: retried, then kept in SlackDeadLetterQueue (plaudit.slack.lazy)
    if problem:
        _ephemeral(client, channel, clicker, views.problem_message(problem, m))


def add_on(
    recognition_id: str, clicker: str, channel: str, ts: str, client: WebClient, m: Messages
) -> str | None:
    """Add on and update the post; the problem to tell the clicker, if any. The key is the recognition and
    the clicker, so a double click (or a retried invocation) adds once."""
    adder_id = employee_id_for(clicker, client)
    if adder_id is None:
        return m.text("slack.not_in_directory")
    caller = Caller(employee_id=adder_id)
    settings = snapshots.load(settings=True).settings()
    request = recognition.GiveAddOn(points=points_per_add_on(settings))
    try:
        _, created = recognition.add_on(
            caller, recognition_id, request, idempotency_key=f"slack-addon:{recognition_id}:{clicker}"
        )
    except PlauditError as refused:
        if refused.code != KEY_EXPIRED:  # a click long after theirs: added on once, as a replay
            logger.info("add-on refused", extra={"code": refused.code})
            return refused.message_in(m.locale)
        created = False
    recipients = _update_announcement(
        caller, recognition_id, channel, ts, client, messages(settings.default_locale)
    )
    if created:
        _ephemeral(client, channel, clicker, added_on_receipt(recipients, request.points, m))
    return None


def _update_announcement(
    caller: Caller, recognition_id: str, channel: str, ts: str, client: WebClient, org: Messages
) -> list[str]:
    """Rewrite the post (in the organisation's language, `org`) with who added on and the new total; the
    recipients as mrkdwn."""
    kudos, add_ons = recognition.get_recognition(caller, recognition_id)
    adder_ids = [extra.adder_id for extra in add_ons]
    people = snapshots.load(employees=[kudos.giver_id, *kudos.recipient_ids, *adder_ids[:SHOWN_ADDERS]])
    shares = {person_mention(people.employee(rid), org): points for rid, points in kudos.shares.items()}
    adders = people_mentions([people.employee(pid) for pid in adder_ids], org, SHOWN_ADDERS)
    message = views.announcement_message(
        person_mention(people.employee(kudos.giver_id), org),
        shares,
        kudos.message,
        kudos.values,
        org,
        recognition_id=kudos.id,
        added_on=added_on_blocks(adders, kudos.add_on_points, kudos.points + kudos.add_on_points, org),
    )
    try:
        client.chat_update(channel=channel, ts=ts, **message)
    except SlackApiError as failed:
        logger.warning("announcement not updated", extra={"error": failed.response.get("error")})
    return list(shares)


def _ephemeral(client: WebClient, channel: str, user: str, message: views.Message) -> None:
    try:
        client.chat_postEphemeral(channel=channel, user=user, **message)
    except SlackApiError as failed:
        logger.warning("ephemeral not sent", extra={"error": failed.response.get("error")})
