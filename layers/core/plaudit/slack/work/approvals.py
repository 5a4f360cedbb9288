"""Approvals from Slack: the "Waiting for your approval" Home section, deciding on a click or a submitted
reject modal, and the message with the buttons then saying who decided and when. A second click
(already_decided) or the wrong approver gets a sentence and changes nothing."""

from aws_lambda_powertools import Logger
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block

from plaudit.domain.errors import PlauditError
from plaudit.domain.redemptions import RedemptionView, Status
from plaudit.i18n import Messages, messages
from plaudit.services import redemptions
from plaudit.slack.identity import caller_for, language_for
from plaudit.slack.views import modals
from plaudit.slack.views.approvals import (
    REASON,
    ApprovalLine,
    Origin,
    approvals_section,
    decided_message,
    origin_of,
    read_reason,
    reject_modal,
    what,
)
from plaudit.slack.views.people import person_mention
from plaudit.slack.work.home import Viewer
from plaudit.slack.work.replies import tell
from plaudit.store import snapshots

logger = Logger(child=True)

SHOWN_APPROVALS = 10
DM_CHANNEL_PREFIX = "D"  # Slack's ids of direct message channels


def approvals_for_home(viewer: Viewer) -> list[Block]:
    """Redemptions waiting for the viewer (and for HR, for HR admins), oldest first."""
    waiting, _ = redemptions.list_approvals(viewer.caller, limit=SHOWN_APPROVALS, cursor=None)
    people = snapshots.load(employees={entry.employee_id for entry in waiting})
    return approvals_section(
        [
            ApprovalLine(
                redemption_id=entry.id,
                who=person_mention(people.employee(entry.employee_id), viewer.m),
                item_name=entry.item_name,
                denomination=entry.denomination,
                currency=entry.currency,
                points=entry.points,
                created_at=entry.created_at,
            )
            for entry in waiting
        ],
        viewer.m,
    )


def approve(body: dict, client: WebClient) -> bool:
    """Approve the clicked redemption; whether it was (otherwise the clicker was told why not)."""
    origin = origin_of(body)
    m = language_for(body["user"]["id"], client)
    caller = caller_for(body["user"]["id"], client)
    if caller is None:
        tell(body, client, m.text("slack.not_in_directory"))
        return False
    try:
        decided = redemptions.approve(caller, origin.redemption_id)
    except PlauditError as refused:
        tell(body, client, refused.message_in(m.locale))
        return False
    except Exception:
        logger.exception("approval failed", extra={"redemption_id": origin.redemption_id})
        tell(body, client, m.text("approval.failed"))
        raise  # the invocation fails: retried, then kept in SlackDeadLetterQueue (plaudit.slack.lazy)
    _show_decision(body["user"]["id"], origin, decided, client, m)
    return True


def show_reject_form(modal_id: str, body: dict, client: WebClient) -> None:
    """Replace the loading modal with the form asking why, in the approver's language."""
    view = reject_modal(modal_id, origin_of(body), language_for(body["user"]["id"], client))
    try:
        client.views_update(external_id=modal_id, view=view)
    except SlackApiError as failed:  # closed already
        logger.info("reject modal not updated", extra={"error": failed.response.get("error")})


def reject(slack_user_id: str, view: dict, client: WebClient) -> dict[str, str]:
    """Reject with the reason given; {block_id: error} when refused (decided already, not the approver),
    in the language the modal was shown in."""
    reason, errors = read_reason(view)
    if errors:
        return errors
    m = modals.language(view)
    rid = Origin.of(view).redemption_id
    try:
        caller = caller_for(slack_user_id, client)
        if caller is None:
            return {REASON: m.text("slack.not_in_directory")}
        redemptions.reject(caller, rid, reason)
    except PlauditError as refused:
        return {REASON: refused.message_in(m.locale)}
    except Exception:
        logger.exception("rejection failed", extra={"redemption_id": rid})
        return {REASON: m.text("approval.failed")}
    return {}


def show_rejection(body: dict, view: dict, client: WebClient) -> bool:
    """When this person's rejection went through, the message says so; whether it did (nothing when the
    ack refused it)."""
    origin = Origin.of(view)
    caller = caller_for(body["user"]["id"], client)
    if caller is None:
        return False
    try:
        found = redemptions.get(caller, origin.redemption_id)
    except PlauditError:
        return False
    last = found.history[-1] if found.history else None
    if found.status is not Status.REJECTED or last is None or last.by != caller.employee_id:
        return False
    _show_decision(body["user"]["id"], origin, found, client, modals.language(view))
    return True


def _show_decision(
    slack_user_id: str, origin: Origin, decided: RedemptionView, client: WebClient, m: Messages
) -> None:
    """The buttons' message (none on the Home tab) now says who decided and when: in the decider's
    language (`m`) in their DM, in the organisation's in the HR channel."""
    if not (origin.channel and origin.ts):
        return
    entry = decided.history[-1]
    snap = snapshots.load(employees=[decided.employee_id], settings=True)
    if not origin.channel.startswith(DM_CHANNEL_PREFIX):
        m = messages(snap.settings().default_locale)
    requester = person_mention(snap.employee(decided.employee_id), m)
    message = decided_message(
        entry.status.value,
        f"<@{slack_user_id}>",
        entry.at,
        requester,
        what(decided.item_name, decided.denomination, decided.currency, decided.points, m),
        m,
        entry.reason,
    )
    try:
        client.chat_update(channel=origin.channel, ts=origin.ts, **message)
    except SlackApiError as failed:
        logger.warning("decision message not updated", extra={"error": failed.response.get("error")})
