"""Approvals from Slack: the "Waiting for your approval" Home section, and the Approve / Reject buttons
(there and in the approver's DM). Approve is acked at once and decided lazily; Reject opens a modal asking
why (in the ack, from the request alone) and the submission is decided in its ack, so a refusal shows
under the reason. After a decision the message with the buttons says who decided and when (the Home tab
is republished); a second click (already_decided) or the wrong approver gets a sentence and changes
nothing."""

from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger
from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block

from plaudit.slack.approval_views import (
    APPROVE_ACTION,
    REASON,
    REJECT_ACTION,
    REJECT_CALLBACK,
    ApprovalLine,
    Origin,
    approvals_section,
    decided_message,
    read_reason,
    reject_modal,
    what,
)

if TYPE_CHECKING:
    from plaudit.domain.redemptions import RedemptionView
    from plaudit.slack.home import Viewer

logger = Logger(child=True)

SHOWN_APPROVALS = 10
FAILED = "Could not record the decision just now; please try again."
NOT_IN_DIRECTORY = "Plaudit does not know you yet: ask HR to add you to the directory."
VERBS = {"approved": "Approved", "rejected": "Rejected"}


def register(app: App) -> None:
    app.action(APPROVE_ACTION)(ack=ack_now, lazy=[approve_clicked])
    app.action(REJECT_ACTION)(open_reject_modal)
    app.view_submission(REJECT_CALLBACK)(ack=submit_rejection, lazy=[after_rejection])


def ack_now(ack: Ack) -> None:
    ack()


# --------------------------------------------------------------------------- App Home section


def approvals_for_home(viewer: "Viewer") -> list[Block]:
    """Redemptions waiting for the viewer (and for HR, for HR admins), oldest first."""
    from plaudit.services import redemptions
    from plaudit.slack.people import person_mention
    from plaudit.store import snapshots

    waiting, _ = redemptions.list_approvals(viewer.caller, limit=SHOWN_APPROVALS, cursor=None)
    people = snapshots.load(employees={entry.employee_id for entry in waiting})
    return approvals_section(
        [
            ApprovalLine(
                redemption_id=entry.id,
                who=person_mention(people.employee(entry.employee_id)),
                item_name=entry.item_name,
                denomination=entry.denomination,
                currency=entry.currency,
                points=entry.points,
                created_at=entry.created_at,
            )
            for entry in waiting
        ]
    )


# --------------------------------------------------------------------------- Approve


def approve_clicked(body: dict, client: WebClient) -> None:
    from plaudit.domain.errors import PlauditError
    from plaudit.services import redemptions
    from plaudit.slack.rewards_home import caller_for, tell

    origin = _origin(body)
    caller = caller_for(body["user"]["id"], client)
    if caller is None:
        tell(body, client, NOT_IN_DIRECTORY)
        return
    try:
        decided = redemptions.approve(caller, origin.redemption_id)
    except PlauditError as refused:
        tell(body, client, refused.message)
        return
    except Exception:
        logger.exception("approval failed", extra={"redemption_id": origin.redemption_id})
        tell(body, client, FAILED)
        return
    _show_decision(body["user"]["id"], origin, decided, client)


# --------------------------------------------------------------------------- Reject


def open_reject_modal(ack: Ack, body: dict, client: WebClient) -> None:
    client.views_open(trigger_id=body["trigger_id"], view=reject_modal(_origin(body)))
    ack()


def submit_rejection(ack: Ack, body: dict, view: dict, client: WebClient) -> None:
    errors = reject(body["user"]["id"], view, client)
    if errors:
        ack(response_action="errors", errors=errors)
    else:
        ack()


def reject(slack_user_id: str, view: dict, client: WebClient) -> dict[str, str]:
    """Reject with the reason given; {block_id: error} when refused (decided already, not the approver)."""
    from plaudit.domain.errors import PlauditError
    from plaudit.services import redemptions
    from plaudit.slack.rewards_home import caller_for

    reason, errors = read_reason(view)
    if errors:
        return errors
    rid = Origin.loads(view.get("private_metadata", "")).redemption_id
    try:
        caller = caller_for(slack_user_id, client)
        if caller is None:
            return {REASON: NOT_IN_DIRECTORY}
        redemptions.reject(caller, rid, reason)
    except PlauditError as refused:
        return {REASON: refused.message}
    except Exception:
        logger.exception("rejection failed", extra={"redemption_id": rid})
        return {REASON: FAILED}
    return {}


def after_rejection(body: dict, view: dict, client: WebClient) -> None:
    """When this person's rejection went through: update the message and the Home tab (nothing when the
    ack refused it)."""
    from plaudit.domain.errors import PlauditError
    from plaudit.domain.redemptions import Status
    from plaudit.services import redemptions
    from plaudit.slack.rewards_home import caller_for

    origin = Origin.loads(view.get("private_metadata", ""))
    caller = caller_for(body["user"]["id"], client)
    if caller is None:
        return
    try:
        found = redemptions.get(caller, origin.redemption_id)
    except PlauditError:
        return
    last = found.history[-1] if found.history else None
    if found.status is Status.REJECTED and last is not None and last.by == caller.employee_id:
        _show_decision(body["user"]["id"], origin, found, client)


# --------------------------------------------------------------------------- after a decision


def _show_decision(slack_user_id: str, origin: Origin, decided: "RedemptionView", client: WebClient) -> None:
    """The buttons' message now says who decided and when; the decider's Home tab is refreshed."""
    from plaudit.slack import home
    from plaudit.slack.people import person_mention
    from plaudit.store import snapshots

    if origin.channel and origin.ts:
        entry = decided.history[-1]
        requester = person_mention(
            snapshots.load(employees=[decided.employee_id]).employee(decided.employee_id)
        )
        message = decided_message(
            VERBS.get(entry.status.value, entry.status.value.capitalize()),
            f"<@{slack_user_id}>",
            entry.at,
            requester,
            what(decided.item_name, decided.denomination, decided.currency, decided.points),
            entry.reason,
        )
        try:
            client.chat_update(channel=origin.channel, ts=origin.ts, **message)
        except SlackApiError as failed:
            logger.warning("decision message not updated", extra={"error": failed.response.get("error")})
    home.publish(slack_user_id, client)


def _origin(body: dict) -> Origin:
    """The redemption the button names, and the message it sits in (none on the Home tab)."""
    container = body.get("container") or {}
    rid = body["actions"][0].get("value", "")
    if container.get("type") == "message":
        return Origin(rid, container.get("channel_id"), container.get("message_ts"))
    return Origin(rid)
