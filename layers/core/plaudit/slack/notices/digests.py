"""Managers' weekly digests told in Slack, from the domain table's stream: a digest record inserted
(plaudit.services.digests, once per manager and week) is DMed to the manager, in their language."""

from typing import Any

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

from plaudit.i18n import Messages
from plaudit.slack.notices.notice import Notice, People, Told, compose
from plaudit.slack.views.messages import Message, escaped
from plaudit.store.digests import DIGEST_TYPE

QUIET_SHOWN = 10


def notices_for(event_name: str, new: dict[str, Any] | None, people: People) -> list[Notice]:
    if event_name != "INSERT" or new is None or new.get("type") != DIGEST_TYPE:
        return []
    manager_id = new["manager_id"]
    slack_id = people.slack_id(manager_id)
    if slack_id is None:
        return []
    m = people.language(manager_id)
    quiet = [people.mention(person, m) for person in new.get("quiet_ids") or ()]
    values = [people.value_name(slug) for slug in new.get("top_values") or ()]
    told = Told(manager_id, "digest", new["week"])
    return [Notice("dm", slack_id, digest_message(new, quiet, values, m), to=told)]


def digest_message(figures: dict[str, Any], quiet: list[str], values: list[str], m: Messages) -> Message:
    """The digest: the week's recognition of the team, the values most recognised, the quiet people (the
    first ten named, the rest counted)."""
    lines = [
        m.text("digest.title", week=figures["week"]),
        m.text(
            "digest.received",
            kudos=m.plural("kudos", int(figures["kudos_received"])),
            points=m.points(int(figures["points_received"])),
        ),
        m.text(
            "digest.given",
            kudos=m.plural("kudos", int(figures["kudos_given"])),
            points=m.points(int(figures["points_given"])),
        ),
    ]
    if values:
        lines.append(m.text("digest.top_values", values=", ".join(escaped(value, 60) for value in values)))
    if quiet:
        shown = ", ".join(quiet[:QUIET_SHOWN])
        more = len(quiet) - QUIET_SHOWN
        names = m.text("digest.and_more", names=shown, more=m.number(more)) if more > 0 else shown
        lines.append(m.text("digest.quiet", names=names))
    else:
        lines.append(m.text("digest.none_quiet"))
    text = "\n".join(lines)
    return compose(text, [SectionBlock(text=MarkdownTextObject(text=text))])
