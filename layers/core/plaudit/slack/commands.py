"""Parsing `/kudos` text: `@alice @bob 25 for shipping the release #teamwork`, `help`, `balance`."""

import re
from dataclasses import dataclass
from enum import StrEnum

EXAMPLE = "/kudos @alice @bob 25 for shipping the release #teamwork"

_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_VALUE = re.compile(r"(?<![\w<&#])#([A-Za-z0-9][A-Za-z0-9_-]{0,31})(?![\w-])")
_POINTS = re.compile(r"(?<![\w<@#-])\+?(\d{1,7})(?![\w>])")
_CHANNEL = re.compile(r"<#[A-Z0-9]+\|([^>]*)>")
_SPECIAL = re.compile(r"<!([^|>]+)(?:\|([^>]*))?>")
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")
_LEADING_FOR = re.compile(r"^(?:for|because)\b[\s:,-]*", re.IGNORECASE)


class Verb(StrEnum):
    HELP = "help"
    BALANCE = "balance"


@dataclass(frozen=True)
class KudosText:
    """A kudos as typed: Slack user ids to thank, points each, the message (plain text) and value slugs."""

    slack_user_ids: list[str]
    points: int
    message: str
    values: list[str]


class KudosTextError(ValueError):
    """The text is not a kudos; `str(error)` says what was wrong."""


def parse(text: str) -> Verb | KudosText:
    """`/kudos` text to a verb or a kudos. Empty text is help. Raises KudosTextError."""
    stripped = text.strip()
    if stripped.lower() in ("", "help", "?"):
        return Verb.HELP
    if stripped.lower() in ("balance", "wallet", "allowance"):
        return Verb.BALANCE
    recipients = list(dict.fromkeys(_MENTION.findall(stripped)))
    if not recipients:
        raise KudosTextError("Mention who you are thanking, like @alice.")
    rest = _MENTION.sub(" ", stripped)
    points = _POINTS.search(rest)
    if points is None:
        raise KudosTextError("Say how many points to give each person, like 25.")
    rest = rest[: points.start()] + " " + rest[points.end() :]
    values = list(dict.fromkeys(slug.lower() for slug in _VALUE.findall(rest)))
    rest = _VALUE.sub(" ", rest)
    message = _LEADING_FOR.sub("", " ".join(plain_text(rest).split()))
    if not message:
        raise KudosTextError("Say what you are thanking them for.")
    return KudosText(recipients, int(points.group(1)), message, values)


def plain_text(slack_text: str) -> str:
    """Slack's escaped text as the person typed it: entities decoded, links and channels as their labels,
    and broadcasts (@here, @channel) defused to plain words."""
    text = _CHANNEL.sub(lambda m: "#" + m.group(1), slack_text)
    text = _SPECIAL.sub(lambda m: m.group(2) or "@" + m.group(1), text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
