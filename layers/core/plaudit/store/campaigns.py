"""Campaigns' items: the campaign (status and progress counters) and its chunks of people.

A chunk is written once, before its campaign; a processed chunk gets its people's outcomes in the same
transaction as the campaign's counters move (only once: a redelivered chunk finds its outcomes and counts
nothing again). The campaign moves draft -> running -> done, or to cancelled, by conditional updates.
"""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from plaudit.domain.campaigns import CampaignStatus
from plaudit.store import keys
from plaudit.store.batches import write_batches
from plaudit.store.client import dynamodb, table_name
from plaudit.store.codec import to_attr, to_item
from plaudit.store.reads import get_many, query_all
from plaudit.store.transact import Write, put_new

LABEL, CHUNK_LABEL = "campaign", "campaign_chunk"


def campaign_write(campaign: dict[str, Any]) -> Write:
    """The new campaign (refused under LABEL if its id exists)."""
    pk, sk = keys.campaign(campaign["id"])
    return put_new(LABEL, {"PK": pk, "SK": sk, "type": "campaign", **campaign})


def put_chunks(campaign_id: str, chunks: list[list[dict[str, Any]]]) -> None:
    """The campaign's people, CHUNK a chunk (25 chunks per BatchWriteItem)."""
    requests = []
    for n, rows in enumerate(chunks):
        pk, sk = keys.campaign_chunk(campaign_id, n)
        item = {"PK": pk, "SK": sk, "type": "campaign_chunk", "campaign_id": campaign_id, "rows": rows}
        requests.append({"PutRequest": {"Item": to_item(item)}})
    write_batches(requests)


def campaign(campaign_id: str) -> dict[str, Any] | None:
    return get_many([keys.campaign(campaign_id)]).get(keys.campaign(campaign_id))


def campaign_and_chunk(campaign_id: str, chunk: int) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Both in one round trip."""
    found = get_many([keys.campaign(campaign_id), keys.campaign_chunk(campaign_id, chunk)])
    return found.get(keys.campaign(campaign_id)), found.get(keys.campaign_chunk(campaign_id, chunk))


def chunks(campaign_id: str) -> Iterator[dict[str, Any]]:
    """The campaign's chunks, in order."""
    pk, _ = keys.campaign(campaign_id)
    yield from query_all(
        {
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :chunk)",
            "ExpressionAttributeValues": {":pk": {"S": pk}, ":chunk": {"S": "CHUNK#"}},
            "ConsistentRead": True,
        }
    )


def _status_update(
    campaign_id: str, to: CampaignStatus, allowed: tuple[CampaignStatus, ...], sets: dict[str, Any]
) -> Write:
    names = {"#status": "status"} | {f"#{name}": name for name in sets}
    values = {":to": to_attr(to.value)} | {f":{name}": to_attr(value) for name, value in sets.items()}
    values |= {f":from{n}": to_attr(status.value) for n, status in enumerate(allowed)}
    expression = "SET #status = :to" + "".join(f", #{name} = :{name}" for name in sets)
    condition = f"#status IN ({', '.join(f':from{n}' for n in range(len(allowed)))})"
    update = {
        "TableName": table_name(),
        "Key": keys.as_attrs(keys.campaign(campaign_id)),
        "UpdateExpression": expression,
        "ConditionExpression": condition,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }
    return Write(LABEL, {"Update": update})


def start_write(campaign_id: str, at: datetime) -> Write:
    """draft -> running (refused under LABEL otherwise)."""
    return _status_update(
        campaign_id, CampaignStatus.RUNNING, (CampaignStatus.DRAFT,), {"started_at": keys.iso(at)}
    )


def cancel_write(campaign_id: str, at: datetime) -> Write:
    """draft, running, or done with awards still pending for the budget -> cancelled (refused under LABEL
    otherwise)."""
    write = _status_update(
        campaign_id,
        CampaignStatus.CANCELLED,
        (CampaignStatus.DRAFT, CampaignStatus.RUNNING),
        {"finished_at": keys.iso(at)},
    )
    update = write.operation["Update"]
    update["ConditionExpression"] = (
        f"{update['ConditionExpression']} OR (#status = :done AND pending > :none)"
    )
    update["ExpressionAttributeValues"] |= {":done": to_attr(CampaignStatus.DONE.value), ":none": to_attr(0)}
    return write


def chunk_done_writes(
    campaign_id: str, chunk: int, outcomes: dict[str, dict[str, str]], counts: dict[str, int], at: datetime
) -> list[Write]:
    """The chunk's outcomes (once: refused under CHUNK_LABEL if it has them) and the campaign's counters."""
    chunk_update = {
        "TableName": table_name(),
        "Key": keys.as_attrs(keys.campaign_chunk(campaign_id, chunk)),
        "UpdateExpression": "SET outcomes = :outcomes, processed_at = :at",
        "ConditionExpression": "attribute_exists(PK) AND attribute_not_exists(outcomes)",
        "ExpressionAttributeValues": {":outcomes": to_attr(outcomes), ":at": to_attr(keys.iso(at))},
    }
    names = {f"#{name}": name for name in counts}
    counters = {
        "TableName": table_name(),
        "Key": keys.as_attrs(keys.campaign(campaign_id)),
        "UpdateExpression": "ADD chunks_done :one, " + ", ".join(f"#{name} :{name}" for name in counts),
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": {":one": to_attr(1)}
        | {f":{name}": to_attr(value) for name, value in counts.items()},
    }
    return [Write(CHUNK_LABEL, {"Update": chunk_update}), Write(LABEL, {"Update": counters})]


def counts_write(campaign_id: str, **deltas: int) -> Write:
    """Move the campaign's counters (e.g. paid +1, pending -1: a waiting award paid by a top-up), with the
    award's own change, so GET /v1/campaigns/{id} stays live after the run."""
    return Write(
        LABEL,
        {
            "Update": {
                "TableName": table_name(),
                "Key": keys.as_attrs(keys.campaign(campaign_id)),
                "UpdateExpression": "ADD " + ", ".join(f"#{name} :{name}" for name in deltas),
                "ConditionExpression": "attribute_exists(PK)",
                "ExpressionAttributeNames": {f"#{name}": name for name in deltas},
                "ExpressionAttributeValues": {f":{name}": to_attr(value) for name, value in deltas.items()},
            }
        },
    )


def finish(campaign_id: str, at: datetime) -> bool:
    """running -> done once every chunk is processed; False while some are not (or it was cancelled)."""
    try:
        dynamodb().update_item(
            TableName=table_name(),
            Key=keys.as_attrs(keys.campaign(campaign_id)),
            UpdateExpression="SET #status = :done, finished_at = :at",
            ConditionExpression="#status = :running AND chunks_done >= chunks",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={
                ":done": to_attr(CampaignStatus.DONE.value),
                ":running": to_attr(CampaignStatus.RUNNING.value),
                ":at": to_attr(keys.iso(at)),
            },
        )
    except dynamodb().exceptions.ConditionalCheckFailedException:
        return False
    return True
