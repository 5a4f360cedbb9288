"""The kudos modal stays inside Block Kit's limits at the domain's extremes, and what it shows is what a
submission is read back from (same block and action ids)."""

from pathlib import Path
from typing import Any

import pytest
import yaml
from slack_sdk.models.views import View

from plaudit.i18n import messages
from plaudit.slack import actions
from plaudit.slack.views.kudos_modal import (
    MAX_RECIPIENTS,
    ModalKudos,
    OrgChoices,
    Prefill,
    kudos_modal,
    message_link,
    read_submission,
)

REPO = Path(__file__).resolve().parents[2]
MAX_MODAL_BLOCKS = 100
MAX_TITLE = 24
MAX_OPTION_TEXT = 75
MAX_OPTIONS = 100
MAX_EXTERNAL_ID = 255
MANY = [f"U{index:08d}" for index in range(MAX_RECIPIENTS)]
VALUES = {
    f"value-{index}": "A value with a rather long name, sixty characters or so.... " for index in range(30)
}
TRIGGER = "13345224609.738474920.8088930838d88f008e0"
EN = messages("en")


def _modals() -> dict[str, dict[str, Any]]:
    return {
        "without values": kudos_modal(f"kudos-{TRIGGER}", Prefill(), OrgChoices({}, 1, 100), EN),
        "prefilled": kudos_modal(
            f"kudos-{TRIGGER}",
            Prefill(MANY, "For this message: " + message_link("C0123456789", "1360782400.498405")),
            OrgChoices(VALUES, 1, 100_000),
            EN,
        ),
    }


@pytest.mark.parametrize(("name", "modal"), list(_modals().items()))
def test_the_modal_fits_block_kit(name: str, modal: dict[str, Any]) -> None:
    assert View(**modal).to_dict() == modal  # slack_sdk validates on to_dict
    assert len(modal["title"]["text"]) <= MAX_TITLE
    assert len(modal["external_id"]) <= MAX_EXTERNAL_ID
    assert 1 <= len(modal["blocks"]) <= MAX_MODAL_BLOCKS
    for block in modal["blocks"]:
        element = block["element"]
        assert len(element.get("initial_users", [])) <= MAX_RECIPIENTS
        assert len(element.get("options", [])) <= MAX_OPTIONS
        for option in element.get("options", []):
            assert len(option["text"]["text"]) <= MAX_OPTION_TEXT
        if "initial_value" in element and "max_length" in element:
            assert len(element["initial_value"]) <= element["max_length"]


def test_values_and_bounds_come_with_the_org_choices() -> None:
    opened, prefilled = (_modals()[name]["blocks"] for name in ("without values", "prefilled"))
    assert [block["block_id"] for block in opened] == ["recipients", "points", "message", "visibility"]
    assert [block["block_id"] for block in prefilled] == [
        "recipients",
        "points",
        "values",
        "message",
        "visibility",
    ]
    assert prefilled[1]["element"]["max_value"] == "100000"


def _state_for(modal: dict[str, Any], **chosen: dict[str, Any]) -> dict[str, Any]:
    """A submitted state keyed by the modal's own block and action ids."""
    state = {}
    for block in modal["blocks"]:
        element = block["element"]
        state[block["block_id"]] = {
            element["action_id"]: {"type": element["type"]} | chosen[block["block_id"]]
        }
    return {"id": "V1", "state": {"values": state}}


def _choices(**overrides: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        "recipients": {"selected_users": ["UALICE"]},
        "points": {"value": "25"},
        "values": {"selected_options": [{"value": "value-1"}]},
        "message": {"value": "  for the   release  "},
        "visibility": {"selected_option": {"value": "private"}},
    } | overrides


def test_a_submission_reads_back_what_the_modal_asked() -> None:
    modal = _modals()["prefilled"]
    submitted = read_submission(_state_for(modal, **_choices()), "UBOB0")
    assert isinstance(submitted, ModalKudos)
    assert submitted.kudos.slack_user_ids == ["UALICE"]
    assert submitted.kudos.points == 25
    assert submitted.kudos.message == "for the release"
    assert submitted.kudos.values == ["value-1"]
    assert submitted.visibility == "private"


def test_a_submission_without_the_values_menu_has_no_values() -> None:
    modal = _modals()["without values"]
    submitted = read_submission(_state_for(modal, **_choices()), "UBOB0")
    assert isinstance(submitted, ModalKudos)
    assert submitted.kudos.values == []


@pytest.mark.parametrize(
    ("overrides", "block_id"),
    [
        ({"recipients": {"selected_users": [*MANY, "UEXTRA01"]}}, "recipients"),
        ({"recipients": {"selected_users": ["UBOB0"]}}, "recipients"),
        ({"points": {"value": "2.5"}}, "points"),
        ({"points": {"value": "0"}}, "points"),
        ({"message": {"value": None}}, "message"),
    ],
)
def test_mistakes_are_field_errors(overrides: dict[str, Any], block_id: str) -> None:
    errors = read_submission(_state_for(_modals()["prefilled"], **_choices(**overrides)), "UBOB0")
    assert isinstance(errors, dict)
    assert list(errors) == [block_id]


def test_message_links_drop_the_dot_from_the_ts() -> None:
    assert message_link("C1", "1360782400.498405") == "https://slack.com/archives/C1/p1360782400498405"


def test_the_manifest_shortcuts_are_the_ones_handled() -> None:
    manifest = yaml.safe_load((REPO / "slack" / "manifest.yaml").read_text(encoding="utf-8"))
    shortcuts = {item["type"]: item["callback_id"] for item in manifest["features"]["shortcuts"]}
    assert shortcuts == {
        "global": actions.GIVE_KUDOS_SHORTCUT,
        "message": actions.GIVE_KUDOS_FOR_MESSAGE_SHORTCUT,
    }
