"""Parsing `/kudos` text: `@alice @bob 25 for shipping the release #teamwork`, `help`, `balance` (and their
Italian, French and Arabic words), `leaderboard [week|month|quarter|year] [#value]`. Mistakes are message
keys (plaudit.i18n): the listener says them in the person's language."""

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_VALUE = re.compile(r"(?<![\w<&#])#([A-Za-z0-9][A-Za-z0-9_-]{0,31})(?![\w-])")
_NUMBER = r"\+?\d+(?:[.,]\d+)*"
_LEAD_TOKEN = re.compile(rf"[\s,]*(?:(?P<mention>\x00)|(?P<number>{_NUMBER}))(?=[\s,]|$),?")
_UNITS = r"points?|pts?|punt[oi]|نقاط|نقطة"  # en, fr; it; ar
_WITH_UNIT = re.compile(rf"(?<![\w.,+-])(?P<number>{_NUMBER})\s*(?:{_UNITS})\b", re.IGNORECASE)
_PLUS = re.compile(r"(?<![\w<@#.,-])(?P<number>\+\d+(?:[.,]\d+)*)(?![\w.,])")
_ANY_NUMBER = re.compile(r"(?<![\w#])\d")
_THOUSANDS = re.compile(r"\+?\d{1,3}(?:,\d{3})+|\+?\d+")
MAX_POINTS_DIGITS = 7
_LOOSE = " ,;:-"  # what is left around the message once mentions and points are taken out
_CHANNEL = re.compile(r"<#[A-Z0-9]+\|([^>]*)>")
_SPECIAL = re.compile(r"<!([^|>]+)(?:\|([^>]*))?>")
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")
_LEADING_FOR = re.compile(r"^(?:for|because)\b[\s:,-]*", re.IGNORECASE)


class Verb(StrEnum):
    HELP = "help"
    BALANCE = "balance"


HELP_WORDS = ("", "help", "?", "aiuto", "aide", "مساعدة")
BALANCE_WORDS = ("balance", "wallet", "allowance", "saldo", "solde", "رصيد")


@dataclass(frozen=True)
class KudosText:
    """A kudos as typed: Slack user ids to thank, points each, the message (plain text) and value slugs."""

    slack_user_ids: list[str]
    points: int
    message: str
    values: list[str]


@dataclass(frozen=True)
class BoardRequest:
    """`/kudos leaderboard [week|month|quarter|year] [#value]`: the current period of that kind (month when
    not said), for the organisation or one company value."""

    period: str = "month"
    value: str | None = None


BOARD_PERIODS = ("week", "month", "quarter", "year")


class KudosTextError(ValueError):
    """The text is not a kudos: `key` (a message key) and `params` say what was wrong."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params: dict[str, Any] = params


def parse(text: str) -> Verb | KudosText | BoardRequest:
    """`/kudos` text to a verb, a board or a kudos. Empty text is help. Raises KudosTextError."""
    stripped = text.strip()
    if stripped.lower() in HELP_WORDS:
        return Verb.HELP
    if stripped.lower() in BALANCE_WORDS:
        return Verb.BALANCE
    words = stripped.split()
    if words[0].lower() in ("leaderboard", "leaderboards", "top"):
        return _board(words[1:])
    recipients = list(dict.fromkeys(_MENTION.findall(stripped)))
    if not recipients:
        raise KudosTextError("kudos.parse.no_mention")
    rest = _MENTION.sub(" \x00 ", stripped)  # a mark where each mention was: the points may follow them
    start, end, points = _points(rest)
    rest = (rest[:start] + " " + rest[end:]).replace("\x00", " ")
    values = list(dict.fromkeys(slug.lower() for slug in _VALUE.findall(rest)))
    rest = _VALUE.sub(" ", rest)
    message = _LEADING_FOR.sub("", " ".join(plain_text(rest).split()).strip(_LOOSE)).strip(_LOOSE)
    if not message:
        raise KudosTextError("kudos.parse.no_message")
    return KudosText(recipients, points, message, values)


def _board(words: list[str]) -> BoardRequest:
    period, value = "month", None
    for word in words:
        if word.lower() in BOARD_PERIODS:
            period = word.lower()
        elif _VALUE.fullmatch(word):
            value = word[1:].lower()
        else:
            raise KudosTextError("leaderboard.usage")
    return BoardRequest(period, value)


def _points(rest: str) -> tuple[int, int, int]:
    """Where the points are in `rest` (mentions marked by \\x00) and how many. Points are the number among
    the mentions at the start (`@alice 25 for …`, `25 @alice for …`), or one written as `25 points` or
    `+25`; any other number is part of the message (`for 2 days of support`)."""
    found: dict[tuple[int, int], str] = {}
    position = 0
    while lead := _LEAD_TOKEN.match(rest, position):
        if lead.group("number"):
            found[lead.span("number")] = lead.group("number")
        position = lead.end()
    for pattern in (_WITH_UNIT, _PLUS):
        for match in pattern.finditer(rest):
            same = [span for span in found if span[0] <= match.start("number") < span[1]]
            for span in same:  # `@alice 25 points`: the unit goes with the number
                del found[span]
            found[match.span() if pattern is _WITH_UNIT or not same else same[0]] = match.group("number")
    if not found:
        if _ANY_NUMBER.search(rest.replace("\x00", " ")):
            raise KudosTextError("kudos.parse.points_placement")
        raise KudosTextError("kudos.parse.no_points")
    if len(found) > 1:
        raise KudosTextError("kudos.parse.points_twice")
    ((start, end), typed) = found.popitem()
    if not _THOUSANDS.fullmatch(typed):
        raise KudosTextError("kudos.parse.not_whole", typed=typed)
    digits = typed.lstrip("+").replace(",", "")
    if len(digits) > MAX_POINTS_DIGITS:
        raise KudosTextError("kudos.parse.too_many", typed=typed)
    return start, end, int(digits)


def plain_text(slack_text: str) -> str:
    """Slack's escaped text as the person typed it: entities decoded, links and channels as their labels,
    and broadcasts (@here, @channel) defused to plain words."""
    text = _CHANNEL.sub(lambda m: "#" + m.group(1), slack_text)
    text = _SPECIAL.sub(lambda m: m.group(2) or "@" + m.group(1), text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
