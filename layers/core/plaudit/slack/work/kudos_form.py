"""The work behind the "Give kudos" modal: replace the loading modal the ack opened with the form, in the
giver's language and with the org's values and points bounds, and give what was submitted (the giver hears
how it went by DM, as view submissions have no response_url)."""

from typing import Any

from aws_lambda_powertools import Logger
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from plaudit.domain.recognition import Visibility
from plaudit.slack.identity import language_for
from plaudit.slack.views import messages, modals
from plaudit.slack.views.kudos_modal import ModalKudos, OrgChoices, kudos_modal, prefill_for, read_submission
from plaudit.slack.work import kudos
from plaudit.store import snapshots

logger = Logger(child=True)


def show_form(modal_id: str, body: dict, client: WebClient) -> None:
    """Replace the loading modal with the form (`body`: a slash command's, or a shortcut's)."""
    m = language_for(body["user"]["id"] if "user" in body else body["user_id"], client)
    settings = snapshots.load(settings=True).settings()
    choices = OrgChoices(
        values={value.slug: value.name for value in settings.company_values},
        min_points=settings.min_points_per_kudos,
        max_points=settings.max_points_per_kudos,
    )
    try:
        client.views_update(
            external_id=modal_id, view=kudos_modal(modal_id, prefill_for(body, m), choices, m)
        )
    except SlackApiError as failed:  # closed already
        logger.info("kudos modal not updated", extra={"error": failed.response.get("error")})


def give_from_modal(body: dict, view: dict, client: WebClient) -> None:
    giver = body["user"]["id"]
    m = modals.language(view)

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
            m,
            idempotency_key=f"slack-view:{view['id']}",
            visibility=Visibility(submitted.visibility),
        )
    except Exception:
        logger.exception("kudos from the modal failed", extra={"view_id": view.get("id")})
        tell(**messages.problem_message(m.text("slack.failed"), m))
        raise  # the invocation fails: retried, then kept in SlackDeadLetterQueue (plaudit.slack.lazy)
