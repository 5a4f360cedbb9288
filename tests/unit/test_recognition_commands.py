"""The kudos / add-on commands as the API accepts them (pydantic models in services.recognition)."""

import pytest
from pydantic import ValidationError

from plaudit.domain.recognition import MAX_RECIPIENTS, SplitMode, Visibility
from plaudit.services.recognition import GiveAddOn, GiveKudos


def kudos(**fields) -> GiveKudos:
    values = {"recipient_ids": ["E2"], "points": 10, "message": "thanks"}
    values.update(fields)
    return GiveKudos(**values)


def test_defaults():
    command = kudos()
    assert command.split is SplitMode.EACH
    assert command.visibility is Visibility.PUBLIC
    assert command.values == []


def test_values_are_normalised_slugs():
    assert kudos(values=["#Teamwork", " craft ", "teamwork"]).values == ["teamwork", "craft"]
    with pytest.raises(ValidationError):
        kudos(values=["team work"])


def test_recipients_are_distinct_valid_ids_within_limits():
    with pytest.raises(ValidationError, match="listed once"):
        kudos(recipient_ids=["E2", "E2"])
    with pytest.raises(ValidationError):
        kudos(recipient_ids=[])
    with pytest.raises(ValidationError):
        kudos(recipient_ids=[f"E{i}" for i in range(MAX_RECIPIENTS + 1)])
    with pytest.raises(ValidationError):
        kudos(recipient_ids=["E 2"])
    assert len(kudos(recipient_ids=[f"E{i}" for i in range(MAX_RECIPIENTS)]).recipient_ids) == MAX_RECIPIENTS


@pytest.mark.parametrize("points", [0, -1, 1_000_001])
def test_points_bounds(points):
    with pytest.raises(ValidationError):
        kudos(points=points)
    with pytest.raises(ValidationError):
        GiveAddOn(points=points)


def test_message_is_required_and_trimmed():
    assert kudos(message="  well done  ").message == "well done"
    with pytest.raises(ValidationError):
        kudos(message="   ")
    with pytest.raises(ValidationError):
        kudos(message="x" * 1001)


def test_unknown_fields_are_refused():
    with pytest.raises(ValidationError):
        kudos(amount=5)
    with pytest.raises(ValidationError):
        GiveAddOn(points=5, note="x")


@pytest.mark.parametrize("points", ["10", 10.0, 10.5, True])
def test_points_must_be_integers_not_strings_floats_or_booleans(points):
    with pytest.raises(ValidationError):
        kudos(points=points)
    with pytest.raises(ValidationError):
        GiveAddOn(points=points)
