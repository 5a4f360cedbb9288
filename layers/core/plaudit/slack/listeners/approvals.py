"""Listeners for the Approve / Reject buttons (in the approver's DM and on the Home tab). Approve is acked
at once and decided lazily; Reject opens a loading modal in the ack (from the request alone), which a lazy
listener replaces with the form asking why, in the approver's language; the submission is decided in its
ack, so a refusal shows under the reason. After a decision the Home tab is republished."""

from slack_bolt import Ack, App
from slack_sdk import WebClient

from plaudit.slack import actions


def register(app: App) -> None:
    app.action(actions.APPROVE)(ack=ack_now, lazy=[approve_clicked])
    app.action(actions.REJECT)(ack=open_reject_modal, lazy=[show_reject_form])
    app.view_submission(actions.REJECT_MODAL)(ack=submit_rejection, lazy=[after_rejection])


def ack_now(ack: Ack) -> None:
    ack()


def approve_clicked(body: dict, client: WebClient) -> None:
    from plaudit.slack.work import approvals, home_tab

    if approvals.approve(body, client):
        home_tab.publish(body["user"]["id"], client)


def open_reject_modal(ack: Ack, body: dict, client: WebClient) -> None:
    from plaudit.slack.views.modals import loading

    client.views_open(trigger_id=body["trigger_id"], view=loading(actions.REJECT_MODAL, modal_id(body)))
    ack()


def show_reject_form(body: dict, client: WebClient) -> None:
    from plaudit.slack.work import approvals

    approvals.show_reject_form(modal_id(body), body, client)


def submit_rejection(ack: Ack, body: dict, view: dict, client: WebClient) -> None:
    from plaudit.slack.work import approvals

    errors = approvals.reject(body["user"]["id"], view, client)
    if errors:
        ack(response_action="errors", errors=errors)
    else:
        ack()


def after_rejection(body: dict, view: dict, client: WebClient) -> None:
    from plaudit.slack.work import approvals, home_tab

    if approvals.show_rejection(body, view, client):
        home_tab.publish(body["user"]["id"], client)


def modal_id(body: dict) -> str:
    """Names the reject modal (its external_id) so the lazy listener can update it."""
    return f"reject-{body['trigger_id']}"
