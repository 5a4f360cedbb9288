"""Where the bot's messages about a kudos, an award, a voucher or a redemption went: one item per message
(channel and ts), so a later change can chat.update or redact what was posted."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from plaudit.store import keys
from plaudit.store.client import dynamodb, table_name
from plaudit.store.codec import to_item
from plaudit.store.reads import query_page

MAX_POSTS = 100  # a kudos to 20 people: an announcement and 20 DMs


@dataclass(frozen=True)
class SlackPost:
    """A message the bot posted: `purpose` names it among its subject's (announcement, dm:<id>, ...)."""

    kind: str  # kudos, award, voucher, redemption
    subject_id: str
    purpose: str
    channel: str
    ts: str


def record(post: SlackPost, at: datetime) -> None:
    """Remember a post (every one: a redemption's owner may hear of it several times)."""
    dynamodb().put_item(TableName=table_name(), Item=to_item(item(post, at)))


def item(post: SlackPost, at: datetime) -> dict[str, Any]:
    """The item that remembers a post (written by `record`, or with the notice's log entry)."""
    pk, sk = keys.slack_post(post.kind, post.subject_id, post.purpose, post.ts)
    return {
        "PK": pk,
        "SK": sk,
        "type": "slack_post",
        "kind": post.kind,
        "subject_id": post.subject_id,
        "purpose": post.purpose,
        "channel": post.channel,
        "ts": post.ts,
        "posted_at": keys.iso(at),
    }


def posts_about(kind: str, subject_id: str) -> list[SlackPost]:
    """Every message posted about one kudos, award, voucher or redemption."""
    page = query_page(keys.slack_posts_partition(kind, subject_id), limit=MAX_POSTS, cursor=None)
    return [
        SlackPost(item["kind"], item["subject_id"], item["purpose"], item["channel"], item["ts"])
        for item in page.items
    ]


def forget(post: SlackPost) -> None:
    """Drop what was kept of a post with nothing left to update (its kudos' message removed): a DM's
    channel names its reader."""
    key = keys.slack_post(post.kind, post.subject_id, post.purpose, post.ts)
    dynamodb().delete_item(TableName=table_name(), Key=keys.as_attrs(key))
