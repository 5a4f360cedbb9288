"""The notification log: one small item per notice sent to a person (a Slack DM, an email), in their own
partition so their export finds it: what kind of notice, by which channel, when, and the id of what it was
about; never the message's text, a voucher's code or an address. The item's id derives from the stream
record and the notice, so a record delivered again overwrites it instead of adding one. Nothing counts
these items: they end through the table's TTL (`expires_at`, settings.retention.notification_days), and
an erasure deletes them."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from plaudit.domain.ids import derived_id
from plaudit.store import keys
from plaudit.store.batches import BATCH_WRITE_LIMIT, write_batches
from plaudit.store.client import dynamodb, table_name
from plaudit.store.codec import to_item

TYPE = "notification"
PAGE = BATCH_WRITE_LIMIT  # an erasure's page: one BatchWriteItem
ERASE_PAGES = 40  # an erasure deletes at most 1,000 a call; asking again deletes the rest


@dataclass(frozen=True)
class Entry:
    """One notice sent: to whom, what kind (kudos, approval, redemption, award, voucher, ...), about what
    (an id), by which channel (slack_dm, email)."""

    employee_id: str
    kind: str
    subject_id: str
    channel: str


def item(entry: Entry, notice: str, at: datetime, keep_days: int) -> dict[str, Any]:
    """The log item of `entry`; `notice` names the notice among everything ever sent (the stream record's
    id and the notice's purpose): the same notice makes the same key."""
    pk, sk = keys.notification(entry.employee_id, derived_id("ntf", notice))
    return {
        "PK": pk,
        "SK": sk,
        "type": TYPE,
        "employee_id": entry.employee_id,
        "kind": entry.kind,
        "subject_id": entry.subject_id,
        "channel": entry.channel,
        "sent_at": keys.iso(at),
        "expires_at": int((at + timedelta(days=keep_days)).timestamp()),
    }


def write(items: list[dict[str, Any]]) -> None:
    """Put the items in one round trip: a log item, with the delivery's own record of where a Slack post
    went when there is one (plaudit.store.slack_posts)."""
    if len(items) == 1:
        dynamodb().put_item(TableName=table_name(), Item=to_item(items[0]))
        return
    write_batches([{"PutRequest": {"Item": to_item(each)}} for each in items])


def forget(employee_id: str) -> int:
    """Delete the person's log, at most ERASE_PAGES pages of PAGE a call; returns how many went (a later
    call, an erasure asked again, deletes what is left)."""
    params: dict[str, Any] = {
        "TableName": table_name(),
        "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
        "ExpressionAttributeValues": {
            ":pk": {"S": keys.employee(employee_id)[0]},
            ":prefix": {"S": keys.NOTIFICATION_PREFIX},
        },
        "ProjectionExpression": "PK, SK",
        "Limit": PAGE,
    }
    deleted = 0
    for _ in range(ERASE_PAGES):
        page = dynamodb().query(**params)
        write_batches([{"DeleteRequest": {"Key": each}} for each in page["Items"]])
        deleted += len(page["Items"])
        if "LastEvaluatedKey" not in page:
            break
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return deleted
