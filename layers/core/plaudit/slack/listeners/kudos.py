"""Listeners for giving kudos: `/kudos` with text, `/kudos` with none and both shortcuts (which open the
"Give kudos" modal), and the modal's submission.

`/kudos help` and mistakes in the text are answered in the ack. A kudos or `balance` is acked empty and
done lazily. The modal opens in the ack (the trigger_id lapses after 3 seconds, and the ack reads no
DynamoDB); a lazy listener then adds the org's values and points bounds. A submission is checked in its ack
(field errors shown in the modal) and given lazily, keyed by the view id so a double submit gives once."""

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from plaudit.slack import actions
from plaudit.slack.commands import KudosTextError, Verb, parse


def register(app: App) -> None:
    """The modal's `/kudos` (no text) first: Bolt runs the first listener that matches."""
    app.command("/kudos", matchers=[has_no_text])(ack=open_modal, lazy=[add_org_choices])
    app.command("/kudos", matchers=[needs_lazy_work])(ack=ack_now, lazy=[run_kudos])
    app.command("/kudos")(answer_in_ack)
    app.global_shortcut(actions.GIVE_KUDOS_SHORTCUT)(ack=open_modal, lazy=[add_org_choices])
    app.message_shortcut(actions.GIVE_KUDOS_FOR_MESSAGE_SHORTCUT)(ack=open_modal, lazy=[add_org_choices])
    app.view_submission(actions.KUDOS_MODAL, matchers=[is_complete])(ack=ack_now, lazy=[give_from_modal])
    app.view_submission(actions.KUDOS_MODAL)(show_mistakes)


def ack_now(ack: Ack) -> None:
    ack()


# --------------------------------------------------------------------------- /kudos with text


def has_no_text(command: dict) -> bool:
    return not command.get("text", "").strip()


def needs_lazy_work(command: dict) -> bool:
    """Kudos and balance need the services; help and mistakes are answered in the ack alone."""
    try:
        return parse(command.get("text", "")) is not Verb.HELP
    except KudosTextError:
        return False


def answer_in_ack(ack: Ack, command: dict) -> None:
    from plaudit.slack.views import messages

    try:
        parse(command.get("text", ""))
    except KudosTextError as mistake:
        ack(**messages.problem_message(str(mistake), with_example=True))
        return
    ack(**messages.help_message())


def run_kudos(command: dict, client: WebClient, respond: Respond) -> None:
    from plaudit.slack.work import kudos

    kudos.run(parse(command.get("text", "")), command, client, respond)


# --------------------------------------------------------------------------- the modal


def open_modal(ack: Ack, body: dict, client: WebClient) -> None:
    from plaudit.slack.views.kudos_modal import kudos_modal, prefill_for

    client.views_open(trigger_id=body["trigger_id"], view=kudos_modal(modal_id(body), prefill_for(body)))
    ack()


def add_org_choices(body: dict, client: WebClient) -> None:
    from plaudit.slack.work import kudos_form

    kudos_form.add_org_choices(modal_id(body), body, client)


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
