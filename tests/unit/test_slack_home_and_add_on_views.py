"""The Home tab and the add-on messages stay inside Block Kit's limits at the domain's extremes (long
messages of characters that grow when escaped, 20 recipients with long names, many sections)."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from slack_sdk.models.blocks import Block, SectionBlock
from slack_sdk.models.views import View

from plaudit.domain.employees import Employee
from plaudit.domain.recognition import MAX_MESSAGE, MAX_RECIPIENTS, MAX_VALUES
from plaudit.domain.settings import OrgSettings
from plaudit.i18n import messages
from plaudit.slack import actions
from plaudit.slack.views import add_on as add_on_views
from plaudit.slack.views import home as home_views
from plaudit.slack.views import messages as views
from plaudit.slack.views.people import people_mentions
from plaudit.slack.work.add_on import points_per_add_on

EN = messages("en")
NASTY = "&<>" * (MAX_MESSAGE // 3) + "x"
VALUES = [f"value-{index}" for index in range(MAX_VALUES)]
AT = datetime(2026, 11, 23, 12, tzinfo=UTC)
LONG_NAMED = [
    Employee(id=f"E{index}", email=f"p{index}@example.com", name="&<>" * 66)
    for index in range(MAX_RECIPIENTS)
]


def _line(who: str) -> home_views.KudosLine:
    return home_views.KudosLine(who=who, points=100_000, message=NASTY, values=VALUES, at=AT)


def _full_home(sections: int = 3) -> dict[str, Any]:
    who = people_mentions(LONG_NAMED, EN)
    lines = [_line(who) for _ in range(5)]
    body = [
        (
            "Your points",
            home_views.wallet_section(0, 1_000_000, AT, 10**9, Decimal("12345678.90"), "USD", EN),
        ),
        *[
            (f"Section {index} " + "x" * 200, home_views.kudos_section(lines, "home.kudos.to", "none", EN))
            for index in range(sections)
        ],
    ]
    return home_views.home_view(body, EN)


def _checked(view: dict[str, Any]) -> dict[str, Any]:
    """Parse the view back through slack_sdk's models, which validate Slack's limits."""
    View(**view).to_dict()
    for block in view["blocks"]:
        parsed = Block.parse(block)
        assert parsed is not None
        parsed.to_dict()
        if isinstance(parsed, SectionBlock) and parsed.text is not None:
            assert len(parsed.text.text) <= views.SECTION_TEXT_LIMIT
    return view


def test_a_full_home_fits_block_kit() -> None:
    view = _checked(_full_home())
    assert view["type"] == "home"
    assert [b["type"] for b in view["blocks"]].count("header") == 4
    assert "and 10 more" in str(view["blocks"])


def test_a_home_with_too_many_sections_is_cut_at_100_blocks_with_a_note() -> None:
    view = _checked(_full_home(sections=30))
    assert len(view["blocks"]) == home_views.MAX_BLOCKS
    assert "More did not fit here." in str(view["blocks"][-1])


def test_empty_lists_say_so() -> None:
    view = _checked(
        home_views.home_view(
            [("Kudos you gave", home_views.kudos_section([], "home.kudos.to", "Nothing yet.", EN))], EN
        )
    )
    assert "Nothing yet." in str(view["blocks"])


def test_a_failed_section_keeps_its_header() -> None:
    view = _checked(home_views.home_view([("Catalogue", home_views.unavailable_section(EN))], EN))
    assert view["blocks"][0]["text"]["text"] == "Catalogue"


def test_strangers_get_an_explanation() -> None:
    view = _checked(home_views.not_in_directory_view(EN))
    assert "Ask HR to add you" in str(view["blocks"])


def test_names_are_escaped_and_mentions_preferred() -> None:
    slack_person = Employee(id="E1", email="a@example.com", name="Alice", slack_user_id="UALICE")
    assert people_mentions([slack_person, LONG_NAMED[0], None], EN) == (
        f"<@UALICE>, {views.escaped(LONG_NAMED[0].name, 60)}, someone"
    )


def test_an_announcement_with_many_adders_fits_block_kit() -> None:
    many = [f"U{index:08d}" for index in range(MAX_RECIPIENTS)]
    adders = people_mentions(LONG_NAMED * 10, EN, add_on_views.SHOWN_ADDERS)
    message = views.announcement_message(
        "UGIVER",
        dict.fromkeys(many, 100),
        NASTY,
        VALUES,
        EN,
        recognition_id="rec_" + "x" * 60,
        added_on=add_on_views.added_on_blocks(adders, 10**6, 10**7, EN),
    )
    blocks = [Block.parse(block) for block in message["blocks"]]
    for block in blocks:
        assert block is not None
        block.to_dict()
    assert [block["type"] for block in message["blocks"]][-3:] == ["context", "actions", "divider"]
    (button,) = message["blocks"][-2]["elements"]
    assert button["action_id"] == actions.ADD_ON
    assert "and 170 more" in str(message["blocks"])
    assert len(message["blocks"][-3]["elements"][0]["text"]) <= views.SECTION_TEXT_LIMIT


def test_the_first_announcement_has_no_added_on_line() -> None:
    message = views.announcement_message("UGIVER", {"UALICE": 10}, "thanks", [], EN, recognition_id="rec_1")
    assert [block["type"] for block in message["blocks"]][-2:] == ["actions", "divider"]
    assert add_on_views.added_on_blocks("", 0, 10, EN) == []


def test_the_receipt_fits_block_kit() -> None:
    many = [f"U{index:08d}" for index in range(MAX_RECIPIENTS)]
    receipt = add_on_views.added_on_receipt(many, 5, EN)
    assert "You added 5 points" in receipt["text"]
    assert Block.parse(receipt["blocks"][0]) is not None


@pytest.mark.parametrize(("low", "high", "points"), [(1, 100, 5), (10, 100, 10), (1, 3, 3)])
def test_an_add_on_is_five_points_within_the_org_range(low: int, high: int, points: int) -> None:
    settings = OrgSettings(min_points_per_kudos=low, max_points_per_kudos=high)
    assert points_per_add_on(settings) == points
