"""Listeners for milestone rules in App Home (HR admins): New rule and Edit open a loading modal in the ack
(no DynamoDB, no words; the trigger lapses after 3 seconds) and a lazy listener fills it in with the
budgets and the rule, in the admin's language. A submission is saved in its ack, so what RuleSpec or the
service refuses shows under the field concerned (`response_action: errors`); the Home tab is then refreshed
lazily."""

from slack_bolt import Ack, App
from slack_sdk import WebClient

from plaudit.slack import actions


def register(app: App) -> None:
    app.action(actions.NEW_RULE)(ack=open_loading, lazy=[show_form])
    app.action(actions.EDIT_RULE)(ack=open_loading, lazy=[show_form])
    app.view_submission(actions.RULE_MODAL, matchers=[is_readable])(ack=save_rule, lazy=[refresh_home])
    app.view_submission(actions.RULE_MODAL)(show_unreadable)


def open_loading(ack: Ack, body: dict, client: WebClient) -> None:
    from plaudit.slack.views.modals import loading

    client.views_open(trigger_id=body["trigger_id"], view=loading(actions.RULE_MODAL, modal_id(body)))
    ack()


def show_form(body: dict, client: WebClient) -> None:
    from plaudit.slack.work import milestone_admin

    milestone_admin.show_form(modal_id(body), body, client)


def is_readable(view: dict) -> bool:
    from plaudit.slack.views.milestone_admin import read_form

    return not read_form(view)[1]


def show_unreadable(ack: Ack, view: dict) -> None:
    from plaudit.slack.views.milestone_admin import read_form

    ack(response_action="errors", errors=read_form(view)[1])


def save_rule(ack: Ack, body: dict, view: dict, client: WebClient) -> None:
    from plaudit.slack.work import milestone_admin

    errors = milestone_admin.save(body["user"]["id"], view, client)
    if errors:
        ack(response_action="errors", errors=errors)
    else:
        ack()


def refresh_home(body: dict, client: WebClient) -> None:
    from plaudit.slack.work import home_tab

    home_tab.publish(body["user"]["id"], client)


def modal_id(body: dict) -> str:
    """Names the modal (its external_id) so the lazy listener can update it without the views.open
    response."""
    return f"milestone-rule-{body['trigger_id']}"
