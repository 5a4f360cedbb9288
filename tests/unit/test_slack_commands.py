"""Parsing `/kudos` text: mentions, points, message, #values, the verbs, and the mistakes people make."""

import re

import pytest

from plaudit.i18n import messages
from plaudit.slack.commands import BoardRequest, KudosText, KudosTextError, Verb, parse, plain_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "<@UALICE|alice> <@UBOB0> 25 for shipping the release #teamwork",
            KudosText(["UALICE", "UBOB0"], 25, "shipping the release", ["teamwork"]),
        ),
        ("<@UALICE> 10 thanks!", KudosText(["UALICE"], 10, "thanks!", [])),
        ("10 <@UALICE> because you rock", KudosText(["UALICE"], 10, "you rock", [])),
        (
            "<@UALICE> +5 for the fix #Craft #craft #kindness",
            KudosText(["UALICE"], 5, "the fix", ["craft", "kindness"]),
        ),
        ("<@UALICE> <@UALICE|a> 3 for x", KudosText(["UALICE"], 3, "x", [])),
        ("<@W123ABC> 7 for the review", KudosText(["W123ABC"], 7, "the review", [])),
        ("<@UALICE> 5 for fixing 3 bugs", KudosText(["UALICE"], 5, "fixing 3 bugs", [])),
        ("<@UALICE> 5 for   the\n  demo", KudosText(["UALICE"], 5, "the demo", [])),
        (
            "<@UALICE> 5 for issue#12 and <#C123|general>",
            KudosText(["UALICE"], 5, "issue#12 and #general", []),
        ),
        ("<@UALICE> 25 points for the fix", KudosText(["UALICE"], 25, "the fix", [])),
        ("<@UALICE> 1 point for the fix", KudosText(["UALICE"], 1, "the fix", [])),
        (
            "<@UALICE> for 2 days of support, 5 points",
            KudosText(["UALICE"], 5, "2 days of support", []),
        ),
        ("<@UALICE> for 2 days of support +5", KudosText(["UALICE"], 5, "2 days of support", [])),
        ("<@UALICE> 5 for the 2.5 release", KudosText(["UALICE"], 5, "the 2.5 release", [])),
        ("<@UALICE>, <@UBOB0>, 10, for the demo", KudosText(["UALICE", "UBOB0"], 10, "the demo", [])),
        ("<@UALICE> 1,000 for the launch", KudosText(["UALICE"], 1000, "the launch", [])),
    ],
)
def test_kudos_text(text: str, expected: KudosText) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "verb"),
    [("", Verb.HELP), ("  ", Verb.HELP), ("help", Verb.HELP), ("HELP", Verb.HELP), ("balance", Verb.BALANCE)],
)
def test_verbs(text: str, verb: Verb) -> None:
    assert parse(text) is verb


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("@alice 10 for the help", "Mention who"),
        ("10 for the help", "Mention who"),
        ("<@UALICE> for the help", "how many points"),
        ("<@UALICE> lots of points", "how many points"),
        ("<@UALICE> 10", "what you are thanking"),
        ("<@UALICE> 10 for", "what you are thanking"),
        ("<@UALICE> 10 #teamwork", "what you are thanking"),
        ("<@UALICE> 2.5 for the help", "Points are whole numbers, like 2 or 3: 2.5 is not one."),
        ("<@UALICE> 2,5 for the help", "whole numbers, like 2 or 3: 2,5 is not one"),
        ("<@UALICE> 2.5 points for the help", "whole numbers"),
        ("<@UALICE> for 2 days of support", "right after the names"),
        ("<@UALICE> thanks 10", "right after the names"),
        ("<@UALICE> 5 for the fix, +3", "once"),
        ("<@UALICE> 5 <@UBOB0> 10 for the fix", "once"),
        ("<@UALICE> 123456789 for the fix", "far too many"),
    ],
)
def test_mistakes_say_what_was_wrong(text: str, problem: str) -> None:
    with pytest.raises(KudosTextError) as mistake:
        parse(text)
    said = messages("en").text(mistake.value.key, **mistake.value.params)
    assert re.search(problem, said), said


def test_slack_markup_becomes_plain_text() -> None:
    assert plain_text("a &amp; b &lt;3 &gt; c") == "a & b <3 > c"
    assert plain_text("<!here> <!channel> <!subteam^S123|@eng>") == "@here @channel @eng"
    assert (
        plain_text("see <https://example.com|the doc> and <https://x.test>")
        == "see the doc and https://x.test"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("leaderboard", BoardRequest("month", None)),
        ("Leaderboard week", BoardRequest("week", None)),
        ("leaderboard #Teamwork quarter", BoardRequest("quarter", "teamwork")),
        ("top year", BoardRequest("year", None)),
    ],
)
def test_leaderboard_requests(text: str, expected: BoardRequest) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize("text", ["leaderboard decade", "leaderboard week month extra", "leaderboard #"])
def test_leaderboard_mistakes_say_how(text: str) -> None:
    with pytest.raises(KudosTextError) as mistake:
        parse(text)
    assert "week, month, quarter or year" in messages("en").text(mistake.value.key, **mistake.value.params)
