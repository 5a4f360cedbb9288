"""The "Give kudos" modal's listeners: `/kudos` with no text and both shortcuts open it in the ack (the
trigger_id lapses after 3 seconds, and the ack reads no DynamoDB); a lazy listener then reads the org's
settings and updates it with the company values and points bounds. A submission is checked in its ack
(field errors shown in the modal) and given lazily, keyed by the view id so a double submit gives once;
the giver hears how it went by DM, as view submissions have no response_url."""

from typing import Any

from aws_lambda_powertools import Logger
from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from plaudit.slack.kudos_modal import (
    CALLBACK_ID,
    ModalKudos,
    OrgChoices,
    Prefill,
    kudos_modal,
    message_link,
    read_submission,
)

logger = Logger(child=True)

GLOBAL_SHORTCUT = "give_kudos"
MESSAGE_SHORTCUT = "give_kudos_for_message"


def register(app: App) -> None:
    """Register before the other `/kudos` listeners: Bolt runs the first that matches."""
    app.command("/kudos", matchers=[has_no_text])(ack=open_modal, lazy=[add_org_choices])
    app.global_shortcut(GLOBAL_SHORTCUT)(ack=open_modal, lazy=[add_org_choices])
    app.message_shortcut(MESSAGE_SHORTCUT)(ack=open_modal, lazy=[add_org_choices])
    app.view_submission(CALLBACK_ID, matchers=[is_complete])(ack=close_modal, lazy=[give_from_modal])
    app.view_submission(CALLBACK_ID)(show_mistakes)


def has_no_text(command: dict) -> bool:
    return not command.get("text", "").strip()


def is_complete(body: dict, view: dict) -> bool:
    return isinstance(read_submission(view, body["user"]["id"]), ModalKudos)


def open_modal(ack: Ack, body: dict, client: WebClient) -> None:
    client.views_open(trigger_id=body["trigger_id"], view=kudos_modal(_external_id(body), prefill_for(body)))
    ack()


def add_org_choices(body: dict, client: WebClient) -> None:
    """Replace the opened modal with one that offers the org's values and points bounds."""
    from plaudit.store import snapshots  # DynamoDB: after the ack only

    settings = snapshots.load(settings=True).settings()
    choices = OrgChoices(
        values={value.slug: value.name for value in settings.company_values},
        min_points=settings.min_points_per_kudos,
        max_points=settings.max_points_per_kudos,
    )
    view = kudos_modal(_external_id(body), prefill_for(body), choices)
    try:
        client.views_update(external_id=_external_id(body), view=view)
    except SlackApiError as failed:  # submitted or closed already
        logger.info("kudos modal not updated", extra={"error": failed.response.get("error")})


def prefill_for(body: dict) -> Prefill:
    """A message shortcut thanks the message's author (unless that is the giver, or a bot) and links it."""
    if body.get("type") != "message_action":
        return Prefill()
    author = body["message"].get("user")
    giver = body["user"]["id"]
    link = message_link(body["channel"]["id"], body["message_ts"])
    return Prefill(
        recipients=[author] if author and author != giver else [], message=f"For this message: {link}"
    )


def close_modal(ack: Ack) -> None:
    ack()


def show_mistakes(ack: Ack, body: dict, view: dict) -> None:
    ack(response_action="errors", errors=read_submission(view, body["user"]["id"]))


def give_from_modal(body: dict, view: dict, client: WebClient) -> None:
    from plaudit.domain.recognition import Visibility  # the services and DynamoDB: after the ack only
    from plaudit.slack import kudos, views

    giver = body["user"]["id"]

    def tell(**message: Any) -> None:
        client.chat_postMessage(channel=giver, unfurl_links=False, **message)

    submitted = read_submission(view, giver)
    if not isinstance(submitted, ModalKudos):  # is_complete matched; only a changed view gets here
        return
    try:
        kudos.give_as(
            giver,
            submitted.kudos,
            client,
            tell,
            idempotency_key=f"slack-view:{view['id']}",
            visibility=Visibility(submitted.visibility),
        )
    except Exception:
        logger.exception("kudos from the modal failed", extra={"view_id": view.get("id")})
        tell(**views.problem_message(kudos.FAILED))


def _external_id(body: dict) -> str:
    """Names the modal so the lazy listener can update it without the views.open response."""
    return f"kudos-{body['trigger_id']}"
