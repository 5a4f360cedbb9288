"""The people picker's rule: every word typed starts a word of the name, any case, accents ignored."""

import pytest

from plaudit.domain.employees import MAX_NAME_WORDS, name_matches, name_words, search_form


def test_a_name_is_found_by_each_word_and_by_the_parts_after_a_hyphen_or_apostrophe():
    assert name_words("Zoë  Jean-Luc O\u2019Brien") == ["brien", "jean-luc", "luc", "o\u2019brien", "zoe"]
    assert name_words("O'Neil") == ["neil", "o'neil"]
    assert name_words("Ann Ann") == ["ann"]
    assert search_form("ÉLODIE Ørsted") == "elodie ørsted"  # marks go, letters of their own stay


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("carla", True),
        ("ROS", True),
        ("rossi carla", True),
        ("ca ro", True),
        ("carla x", False),  # every word typed must start one
        ("arla", False),  # the start of a word, not any part
        ("cárla", True),
    ],
)
def test_every_word_typed_starts_a_word_of_the_name_in_any_order(typed, found):
    assert name_matches("Carla Rossi", typed) is found


def test_a_very_long_name_is_found_by_its_first_words():
    name = " ".join(f"w{n}" for n in range(12))
    assert len(name_words(name)) == MAX_NAME_WORDS
    assert name_matches(name, "w0 w7")
    assert not name_matches(name, "w9")
