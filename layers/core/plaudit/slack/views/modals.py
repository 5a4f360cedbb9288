"""What every modal shares. A modal is opened in the ack, which must answer within Slack's 3 seconds from the
request alone: it does not know the person's language yet, so it opens a loading modal without words, and a
lazy listener replaces it with the form in their language. The form keeps that language (and its own
fields) in `private_metadata`, so the ack of its submission answers in it without reading the directory."""

import json
from typing import Any

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject
from slack_sdk.models.views import View

from plaudit.i18n import DEFAULT_LOCALE, Messages, messages

TITLE = "Plaudit"  # the product's name: the same in every language
LOADING = ":hourglass_flowing_sand:"


def loading(callback_id: str, external_id: str) -> dict[str, Any]:
    """The modal the ack opens: a title and an hourglass (Slack words its own Close button)."""
    view = View(
        type="modal",
        callback_id=callback_id,
        external_id=external_id,
        title=TITLE,
        blocks=[ContextBlock(elements=[MarkdownTextObject(text=LOADING)])],
    )
    return view.to_dict()


def dumps(m: Messages, **fields: Any) -> str:
    """`private_metadata` for a modal shown in `m`'s language, with the modal's own `fields`."""
    return json.dumps({"locale": m.locale, **fields}, separators=(",", ":"))


def fields(view: dict[str, Any]) -> dict[str, Any]:
    """What `dumps` kept in the submitted `view` (nothing from a modal it did not write)."""
    try:
        found = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def language(view: dict[str, Any]) -> Messages:
    """The language the submitted `view` was shown in."""
    return messages(str(fields(view).get("locale") or DEFAULT_LOCALE))
