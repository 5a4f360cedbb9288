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

from plaudit.slack import actions
from plaudit.slack.commands import KudosText

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


def kudos_modal(external_id: str, prefill: Prefill = Prefill(), choices: OrgChoices | None = None) -> dict:
    """The modal as views.open/views.update take it. Without `choices` (opened in the ack, before any
    DynamoDB read) it has no values menu and no points bounds; the update that adds them keeps what the
    person typed, as the block and action ids stay the same."""
    points = NumberInputElement(
        action_id="points",
        is_decimal_allowed=False,
        min_value=choices.min_points if choices else 1,
        max_value=choices.max_points if choices else None,
    )
    blocks = [
        InputBlock(
            block_id="recipients",
            label="Who are you thanking?",
            element=UserMultiSelectElement(
                action_id="users",
                max_selected_items=MAX_RECIPIENTS,
                initial_users=list(prefill.recipients) or None,
            ),
        ),
        InputBlock(
            block_id="points",
            label="Points each",
            element=points,
            hint=f"Between {choices.min_points} and {choices.max_points}." if choices else None,
        ),
    ]
    if choices is not None and choices.values:
        options = [Option(value=slug, text=_clipped(name)) for slug, name in choices.values.items()]
        blocks.append(
            InputBlock(
                block_id="values",
                label="Company values",
                optional=True,
                element=StaticMultiSelectElement(action_id="values", options=options),
            )
        )
    blocks += [
        InputBlock(
            block_id="message",
            label="What for?",
            element=PlainTextInputElement(
                action_id="message", multiline=True, max_length=MAX_MESSAGE, initial_value=prefill.message
            ),
        ),
        InputBlock(
            block_id="visibility",
            label="Who sees it",
            element=RadioButtonsElement(
                action_id="visibility",
                options=_visibility_options(),
                initial_option=_visibility_options()[0],
            ),
        ),
    ]
    view = View(
        type="modal",
        callback_id=actions.KUDOS_MODAL,
        external_id=external_id,
        title="Give kudos",
        submit="Give",
        close="Cancel",
        blocks=blocks,
    )
    return view.to_dict()


def read_submission(view: dict[str, Any], giver_slack_id: str) -> ModalKudos | dict[str, str]:
    """The kudos a submitted modal holds, or {block_id: error} for Slack to show (`response_action: errors`).
    Bounds and values are the recognition service's to check, after the ack."""
    state = view["state"]["values"]
    errors: dict[str, str] = {}
    recipients = list(dict.fromkeys(state["recipients"]["users"].get("selected_users") or []))
    if not recipients:
        errors["recipients"] = "Choose at least one person."
    elif giver_slack_id in recipients:
        errors["recipients"] = "You cannot give kudos to yourself."
    elif len(recipients) > MAX_RECIPIENTS:
        errors["recipients"] = f"Choose at most {MAX_RECIPIENTS} people."
    points = (state["points"]["points"].get("value") or "").strip()
    if not points.isdigit() or int(points) < 1:
        errors["points"] = "Give a whole number of points, like 25."
    message = " ".join((state["message"]["message"].get("value") or "").split())
    if not message:
        errors["message"] = "Say what you are thanking them for."
    elif len(message) > MAX_MESSAGE:
        errors["message"] = f"Keep it under {MAX_MESSAGE} characters."
    if errors:
        return errors
    chosen = state.get("values", {}).get("values", {}).get("selected_options") or []
    visibility = (state["visibility"]["visibility"].get("selected_option") or {}).get("value", PUBLIC)
    kudos = KudosText(recipients, int(points), message, [option["value"] for option in chosen])
    return ModalKudos(kudos, PRIVATE if visibility == PRIVATE else PUBLIC)


def prefill_for(body: dict) -> Prefill:
    """What a shortcut's modal opens with: a message shortcut thanks the message's author (unless that is
    the giver, or a bot) and links the message."""
    if body.get("type") != "message_action":
        return Prefill()
    author = body["message"].get("user")
    giver = body["user"]["id"]
    link = message_link(body["channel"]["id"], body["message_ts"])
    return Prefill(
        recipients=[author] if author and author != giver else [], message=f"For this message: {link}"
    )


def message_link(channel_id: str, message_ts: str) -> str:
    """A link to a message, built from its channel and ts (no Web API call, so it can be in the ack)."""
    return f"https://slack.com/archives/{channel_id}/p{message_ts.replace('.', '')}"


def _visibility_options() -> list[Option]:
    return [
        Option(value=PUBLIC, text="Public: announced in the kudos channel"),
        Option(value=PRIVATE, text="Private: only the people you thank see it"),
    ]


def _clipped(text: str) -> str:
    return text if len(text) <= OPTION_TEXT_LIMIT else text[: OPTION_TEXT_LIMIT - 1] + "…"
