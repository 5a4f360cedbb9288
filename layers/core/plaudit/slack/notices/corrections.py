"""Corrections told to the person, from the domain table's stream: a correction inserted (an award or a
kudos paid in error, plaudit.services.corrections) DMs each person it took points from, in their language,
with how many, of what and HR's reason (a direct item award taken back: its recipient, which item and
why); those Slack cannot reach hear it by email (.emails). A kudos hidden with its points reversed is
moderation, not an error of payment: nothing is posted for it, as before."""

from typing import Any

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

from plaudit.i18n import Messages
from plaudit.slack.notices.notice import Notice, People, Told, compose
from plaudit.slack.views.messages import SECTION_TEXT_LIMIT, escaped

CORRECTION = "correction"


def told(event_name: str, new: dict[str, Any] | None) -> list[str]:
    """The people a stream record's correction is told to (none for any other record)."""
    if event_name != "INSERT" or new is None or new.get("type") != CORRECTION or new.get("hidden"):
        return []
    if new.get("kind") == "item":  # a direct item award taken back: its recipient
        return [new["employee_id"]]
    return sorted(new.get("points") or {})


def notices_for(event_name: str, new: dict[str, Any] | None, people: People) -> list[Notice]:
    notices = []
    for person_id in told(event_name, new):
        slack_id = people.slack_id(person_id)
        if new is None or slack_id is None:
            continue
        m = people.language(person_id)
        text = escaped(correction_text(new, person_id, people, m), SECTION_TEXT_LIMIT - 8)
        message = compose(
            text, [SectionBlock(text=MarkdownTextObject(text=f":leftwards_arrow_with_hook: {text}"))]
        )
        notices.append(
            Notice(f"dm:{person_id}", slack_id, message, to=Told(person_id, CORRECTION, new["id"]))
        )
    return notices


def correction_text(correction: dict[str, Any], person_id: str, people: People, m: Messages) -> str:
    """What the person is told (plain text): how many points, of what, and why (an item: which, and why)."""
    reason = correction.get("reason") or ""
    if correction.get("kind") == "item":
        return m.text("corrections.dm.item", item=correction.get("item_name") or "", reason=reason)
    points = m.points(int(correction["points"][person_id]))
    if correction.get("kind") == "award":
        rule = correction.get("rule_name") or correction.get("rule_id") or ""
        return m.text("corrections.dm.award", points=points, rule=rule, reason=reason)
    return m.text(
        "corrections.dm.kudos", points=points, who=people.name(correction["giver_id"]), reason=reason
    )


def subject(correction: dict[str, Any], person_id: str, m: Messages) -> str:
    if correction.get("kind") == "item":
        return m.text("email.correction.item_subject", item=correction.get("item_name") or "")
    return m.text("email.correction.subject", points=m.points(int(correction["points"][person_id])))
