"""The "Give kudos" modal: its Block Kit view (slack_sdk models, so a breach of Slack's limits raises here)
and reading a submitted one back into a kudos, with the field errors Slack shows under each input."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    InputBlock,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticMultiSelectElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from plaudit.i18n import Messages
from plaudit.slack import actions
from plaudit.slack.commands import KudosText
from plaudit.slack.views import modals

MAX_RECIPIENTS = 20
MAX_MESSAGE = 1000
OPTION_TEXT_LIMIT = 75
PUBLIC, PRIVATE = "public", "private"


@dataclass(frozen=True)
class Prefill:
    """What the modal opens with: a message shortcut names the message's author and links the message."""

    recipients: Sequence[str] = ()
    message: str | None = None


@dataclass(frozen=True)
class OrgChoices:
    """What the org's settings add once read: its company values (slug -> name) and the points bounds."""

    values: dict[str, str]
    min_points: int
    max_points: int


@dataclass(frozen=True)
class ModalKudos:
    kudos: KudosText
    visibility: str


def kudos_modal(external_id: str, prefill: Prefill, choices: OrgChoices, m: Messages) -> dict:
    """The modal as views.update takes it (it replaces the loading modal the ack opened), in the giver's
    language, which `private_metadata` keeps for the submission's ack."""
    points = NumberInputElement(
        action_id="points",
        is_decimal_allowed=False,
        min_value=choices.min_points,
        max_value=choices.max_points,
    )
    blocks = [
        InputBlock(
            block_id="recipients",
            label=m.text("kudos.form.recipients"),
            element=UserMultiSelectElement(
                action_id="users",
                max_selected_items=MAX_RECIPIENTS,
                initial_users=list(prefill.recipients) or None,
            ),
        ),
        InputBlock(
            block_id="points",
            label=m.text("kudos.form.points"),
            element=points,
            hint=m.text(
                "kudos.form.points_hint", min=m.number(choices.min_points), max=m.number(choices.max_points)
            ),
        ),
    ]
    if choices.values:
        options = [Option(value=slug, text=_clipped(name)) for slug, name in choices.values.items()]
        blocks.append(
            InputBlock(
                block_id="values",
                label=m.text("kudos.form.values"),
                optional=True,
                element=StaticMultiSelectElement(action_id="values", options=options),
            )
        )
    blocks += [
        InputBlock(
            block_id="message",
            label=m.text("kudos.form.message"),
            element=PlainTextInputElement(
                action_id="message", multiline=True, max_length=MAX_MESSAGE, initial_value=prefill.message
            ),
        ),
        InputBlock(
            block_id="visibility",
            label=m.text("kudos.form.visibility"),
            element=RadioButtonsElement(
                action_id="visibility",
                options=_visibility_options(m),
                initial_option=_visibility_options(m)[0],
            ),
        ),
    ]
    view = View(
        type="modal",
        callback_id=actions.KUDOS_MODAL,
        external_id=external_id,
        private_metadata=modals.dumps(m),
        title=m.text("kudos.form.title"),
        submit=m.text("kudos.form.submit"),
        close=m.text("common.cancel"),
        blocks=blocks,
    )
    return view.to_dict()


def read_submission(view: dict[str, Any], giver_slack_id: str) -> ModalKudos | dict[str, str]:
    """The kudos a submitted modal holds, or {block_id: error} for Slack to show (`response_action: errors`)
    in the language the modal was shown in. Bounds and values are the recognition service's to check,
    after the ack."""
    m = modals.language(view)
    state = view["state"]["values"]
    errors: dict[str, str] = {}
    recipients = list(dict.fromkeys(state["recipients"]["users"].get("selected_users") or []))
    if not recipients:
        errors["recipients"] = m.text("kudos.form.choose_someone")
    elif giver_slack_id in recipients:
        errors["recipients"] = m.text("error.self_recognition")
    elif len(recipients) > MAX_RECIPIENTS:
        errors["recipients"] = m.plural("kudos.form.too_many_people", MAX_RECIPIENTS)
    points = (state["points"]["points"].get("value") or "").strip()
    if not points.isdigit() or int(points) < 1:
        errors["points"] = m.text("kudos.form.whole_points")
    message = " ".join((state["message"]["message"].get("value") or "").split())
    if not message:
        errors["message"] = m.text("kudos.parse.no_message")
    elif len(message) > MAX_MESSAGE:
        errors["message"] = m.plural("kudos.problem.message", MAX_MESSAGE)
    if errors:
        return errors
    chosen = state.get("values", {}).get("values", {}).get("selected_options") or []
    visibility = (state["visibility"]["visibility"].get("selected_option") or {}).get("value", PUBLIC)
    kudos = KudosText(recipients, int(points), message, [option["value"] for option in chosen])
    return ModalKudos(kudos, PRIVATE if visibility == PRIVATE else PUBLIC)


def prefill_for(body: dict, m: Messages) -> Prefill:
    """What a shortcut's modal opens with: a message shortcut thanks the message's author (unless that is
    the giver, or a bot) and links the message."""
    if body.get("type") != "message_action":
        return Prefill()
    author = body["message"].get("user")
    giver = body["user"]["id"]
    link = message_link(body["channel"]["id"], body["message_ts"])
    return Prefill(
        recipients=[author] if author and author != giver else [],
        message=m.text("kudos.form.for_message", link=link),
    )


def message_link(channel_id: str, message_ts: str) -> str:
    """A link to a message, built from its channel and ts (no Web API call, so it can be in the ack)."""
    return f"https://slack.com/archives/{channel_id}/p{message_ts.replace('.', '')}"


def _visibility_options(m: Messages) -> list[Option]:
    return [
        Option(value=PUBLIC, text=_clipped(m.text("kudos.form.public"))),
        Option(value=PRIVATE, text=_clipped(m.text("kudos.form.private"))),
    ]


def _clipped(text: str) -> str:
    return text if len(text) <= OPTION_TEXT_LIMIT else text[: OPTION_TEXT_LIMIT - 1] + "…"
