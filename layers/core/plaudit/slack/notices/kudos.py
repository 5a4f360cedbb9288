"""Kudos told in Slack, from the domain table's stream, whichever front end gave them (Slack, REST, the
console): a public kudos is announced in the org's announcement channel (in the org's language) with an
"Add on" button, and each recipient with a Slack id gets a DM (in their language); a reaction's kudos DMs
the message's author who reacted, with what. Only a kudos inserted is told, so a later change (an add-on,
an undo) posts nothing."""

from typing import Any

from plaudit.domain.recognition import Visibility
from plaudit.slack.notices.notice import Notice, People, Told
from plaudit.slack.views.messages import Message, announcement_message, recipient_dm_message, removed_message
from plaudit.slack.views.reactions import author_dm_message
from plaudit.store import slack_posts
from plaudit.store.recognitions import recognition_from
from plaudit.store.slack_posts import SlackPost

KUDOS = "recognition"
ANNOUNCEMENT = "announcement"


def dm_purpose(recipient_id: str) -> str:
    """How a recipient's DM about a kudos is named among its posts (plaudit.store.slack_posts)."""
    return f"dm:{recipient_id}"


def notices_for(event_name: str, new: dict[str, Any] | None, people: People) -> list[Notice]:
    """What to post for a stream record (a plain item); reads people and settings only for a new kudos."""
    if event_name != "INSERT" or new is None or new.get("type") != KUDOS:
        return []
    kudos = recognition_from(new)
    if kudos is None:
        return []
    about = ("kudos", kudos.id)
    if kudos.reaction is not None:
        (author_id,) = kudos.recipient_ids
        author = people.slack_id(author_id)
        if author is None:
            return []
        m = people.language(author_id)
        giver = people.mention(kudos.giver_id, m)
        message = author_dm_message(giver, kudos.points, kudos.reaction.emoji, kudos.reaction.channel, m)
        return [Notice(dm_purpose(author_id), author, message, about, Told(author_id, "kudos", kudos.id))]
    notices = []
    channel = people.announcement_channel() if kudos.visibility is Visibility.PUBLIC else None
    if channel is not None:
        org = people.org_language()
        shares = {people.mention(rid, org): points for rid, points in kudos.shares.items()}
        giver = people.mention(kudos.giver_id, org)
        message = announcement_message(
            giver, shares, kudos.message, kudos.values, org, recognition_id=kudos.id
        )
        notices.append(Notice(ANNOUNCEMENT, channel, message, about))
    for recipient_id, points in kudos.shares.items():
        if (slack_id := people.slack_id(recipient_id)) is not None:
            m = people.language(recipient_id)
            message = recipient_dm_message(
                people.mention(kudos.giver_id, m), points, kudos.message, kudos.values, m
            )
            told = Told(recipient_id, "kudos", kudos.id)
            notices.append(Notice(dm_purpose(recipient_id), slack_id, message, about, told))
    return notices


def updates_for(
    event_name: str, old: dict[str, Any] | None, new: dict[str, Any] | None, people: People
) -> list[tuple[SlackPost, Message]]:
    """The bot's posts about a kudos whose message was just removed (an erasure) or that HR just hid, each
    with what it now says: the
    announcement in the org's language, a DM in its reader's (reads the posts only then)."""
    if event_name != "MODIFY" or new is None or new.get("type") != KUDOS:
        return []
    removed = [
        field
        for field in ("message_redacted_at", "hidden_at")
        if new.get(field) and not (old or {}).get(field)
    ]
    if not removed:
        return []
    updates = []
    for post in slack_posts.posts_about("kudos", new["id"]):
        reader = post.purpose.removeprefix("dm:") if post.purpose.startswith("dm:") else None
        m = people.language(reader) if reader else people.org_language()
        updates.append((post, removed_message(m)))
    return updates
