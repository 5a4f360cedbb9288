"""Listeners for rewards: the Redeem button, the redeem modal's submission and Mark used.

Redeem opens a loading modal in the ack (no DynamoDB, no words; the trigger lapses after 3 seconds) and a
lazy listener fills it in with the amounts, their points and the person's balance, in their language. The
submission is redeemed in its ack (the view id is the idempotency key, so a resubmission holds once), and
what the rules refuse (insufficient_points, blackout, out_of_stock…) shows under the amount; then, lazily,
the Home tab is refreshed and a DM says what was held and what happens next. Mark used is acked at once and
recorded lazily. Use now (an instant perk) opens a loading modal the same way and fills it with a one-time
code to show at the desk and when it stops working."""

from slack_bolt import Ack, App
from slack_sdk import WebClient

from plaudit.slack import actions


def register(app: App) -> None:
    app.action(actions.REDEEM)(ack=open_loading, lazy=[show_form])
    app.view_submission(actions.REDEEM_MODAL)(ack=submit, lazy=[after_submit])
    app.action(actions.VOUCHER_USED)(ack=ack_now, lazy=[voucher_used])
    app.action(actions.USE_NOW)(ack=open_pass_loading, lazy=[show_pass])


def ack_now(ack: Ack) -> None:
    ack()


def open_loading(ack: Ack, body: dict, client: WebClient) -> None:
    from plaudit.slack.views.modals import loading

    client.views_open(trigger_id=body["trigger_id"], view=loading(actions.REDEEM_MODAL, modal_id(body)))
    ack()


def open_pass_loading(ack: Ack, body: dict, client: WebClient) -> None:
    from plaudit.slack.views.modals import loading

    client.views_open(trigger_id=body["trigger_id"], view=loading(actions.USE_NOW_MODAL, modal_id(body)))
    ack()


def show_pass(body: dict, client: WebClient) -> None:
    from plaudit.slack.work import instant_pass

    instant_pass.show_pass(modal_id(body), body, client)


def show_form(body: dict, client: WebClient) -> None:
    from plaudit.slack.work import redeem

    redeem.show_form(modal_id(body), body, client)


def submit(ack: Ack, body: dict, view: dict, client: WebClient) -> None:
    from plaudit.slack.work import redeem

    errors = redeem.redeem(body["user"]["id"], view, client)
    if errors:
        ack(response_action="errors", errors=errors)
    else:
        ack()


def after_submit(body: dict, view: dict, client: WebClient) -> None:
    from plaudit.slack.work import home_tab, redeem

    if redeem.confirm(body["user"]["id"], view, client):
        home_tab.publish(body["user"]["id"], client)


def voucher_used(body: dict, client: WebClient) -> None:
    from plaudit.slack.work import home_tab, rewards_home

    if rewards_home.mark_used(body, client):
        home_tab.publish(body["user"]["id"], client)


def modal_id(body: dict) -> str:
    """Names the modal (its external_id) so the lazy listener can update it without the views.open
    response."""
    return f"redeem-{body['trigger_id']}"
