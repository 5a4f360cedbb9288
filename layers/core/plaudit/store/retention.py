"""The retention run's reads and its checkpoint: the kudos transactions of one UTC day a page at a time
(the ledger's day index, GSI1 `TXNS#<day>`), where the kudos history starts (the oldest entry of the
organisation's feed), and the next day (and page of it) the run has still to blank."""

from datetime import date, datetime

from boto3.dynamodb.conditions import Attr

from plaudit.domain.ledger import TxnKind
from plaudit.store import keys
from plaudit.store.client import dynamodb, table_name
from plaudit.store.codec import to_item
from plaudit.store.reads import get_one, query_page

_KUDOS_KINDS = [TxnKind.KUDOS.value, TxnKind.ADD_ON.value]


def checkpoint() -> tuple[date, str | None] | None:
    """The next day to blank and the page of it to start from (None: the run never ran)."""
    item = get_one(keys.RETENTION_CHECKPOINT)
    if item is None:
        return None
    return date.fromisoformat(item["day"]), item.get("cursor")


def save_checkpoint(day: date, cursor: str | None, at: datetime) -> None:
    pk, sk = keys.RETENTION_CHECKPOINT
    item = {
        "PK": pk,
        "SK": sk,
        "type": "retention_checkpoint",
        "day": day.isoformat(),
        "cursor": cursor,
        "at": keys.iso(at),
    }
    dynamodb().put_item(TableName=table_name(), Item=to_item(item))


def oldest_kudos_day() -> date | None:
    """The UTC day of the oldest kudos in the organisation's feed (None: nobody gave any yet)."""
    page = query_page(keys.feed_partition("all"), limit=1, cursor=None)
    if not page.items:
        return None
    return date.fromisoformat(page.items[0]["SK"][:10])


def kudos_of_day(day: date, *, limit: int, cursor: str | None) -> tuple[list[str], str | None]:
    """One page of the day's transactions (at most `limit` read): the ids of the kudos that the kudos and
    add-on transactions among them name, and the cursor of the next page (None: the day is done)."""
    page = query_page(
        keys.ledger_day(day),
        key_attr="GSI1PK",
        sort_attr="GSI1SK",
        index=keys.LEDGER_DAY_INDEX,
        limit=limit,
        cursor=cursor,
        filter=Attr("kind").is_in(_KUDOS_KINDS),
    )
    ids = dict.fromkeys(
        txn["ref"]["recognition_id"]
        for txn in page.items
        if isinstance(txn.get("ref"), dict) and txn["ref"].get("recognition_id")
    )
    return list(ids), page.cursor
