"""Listeners for giving kudos: `/kudos` with text, `/kudos` with none and both shortcuts (which open the
"Give kudos" modal), and the modal's submission.

Every `/kudos` with text is acked empty and answered lazily, in the person's language (which the ack,
reading no DynamoDB, does not know): help, mistakes in the text, balance, or the kudos given. The modal's
trigger_id lapses after 3 seconds, so the ack opens a loading modal without words and a lazy listener
replaces it with the form, in the giver's language and with the org's values and points bounds. A
submission is checked in its ack (field errors shown in the modal, in the language it was shown in) and
given lazily, keyed by the view id so a double submit gives once."""

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from plaudit.slack import actions


def register(app: App) -> None:
    """The modal's `/kudos` (no text) first: Bolt runs the first listener that matches."""
    app.command("/kudos", matchers=[has_no_text])(ack=open_modal, lazy=[show_form])
    app.command("/kudos")(ack=ack_now, lazy=[run_kudos])
    app.global_shortcut(actions.GIVE_KUDOS_SHORTCUT)(ack=open_modal, lazy=[show_form])
    app.message_shortcut(actions.GIVE_KUDOS_FOR_MESSAGE_SHORTCUT)(ack=open_modal, lazy=[show_form])
    app.view_submission(actions.KUDOS_MODAL, matchers=[is_complete])(ack=ack_now, lazy=[give_from_modal])
    app.view_submission(actions.KUDOS_MODAL)(show_mistakes)


def ack_now(ack: Ack) -> None:
    ack()


# --------------------------------------------------------------------------- /kudos with text


def has_no_text(command: dict) -> bool:
    return not command.get("text", "").strip()


def run_kudos(command: dict, client: WebClient, respond: Respond) -> None:
    from plaudit.slack.work import kudos

    kudos.run(command, client, respond)


# --------------------------------------------------------------------------- the modal


def open_modal(ack: Ack, body: dict, client: WebClient) -> None:
    from plaudit.slack.views.modals import loading

    client.views_open(trigger_id=body["trigger_id"], view=loading(actions.KUDOS_MODAL, modal_id(body)))
    ack()


def show_form(body: dict, client: WebClient) -> None:
    from plaudit.slack.work import kudos_form

    kudos_form.show_form(modal_id(body), body, client)


def is_complete(body: dict, view: dict) -> bool:
    from plaudit.slack.views.kudos_modal import ModalKudos, read_submission

    return isinstance(read_submission(view, body["user"]["id"]), ModalKudos)


def show_mistakes(ack: Ack, body: dict, view: dict) -> None:
    from plaudit.slack.views.kudos_modal import read_submission

    ack(response_action="errors", errors=read_submission(view, body["user"]["id"]))


def give_from_modal(body: dict, view: dict, client: WebClient) -> None:
    from plaudit.slack.work import kudos_form

    kudos_form.give_from_modal(body, view, client)


def modal_id(body: dict) -> str:
    """Names the modal (its external_id) so the lazy listener can update it without the views.open
    response."""
    return f"kudos-{body['trigger_id']}"
