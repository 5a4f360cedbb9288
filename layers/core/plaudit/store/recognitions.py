"""Kudos, add-ons, per-recipient cap counters and the feed index."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from plaudit.domain.insights import Stamp
from plaudit.domain.periods import Period
from plaudit.domain.recognition import AddOn, CapCount, Recognition, Visibility
from plaudit.store import keys
from plaudit.store.batches import write_batches
from plaudit.store.client import table_name
from plaudit.store.codec import from_item, to_attr, to_item
from plaudit.store.corrections import corrections_in
from plaudit.store.reads import Page, query_page
from plaudit.store.transact import Write, put_new

_RECOGNITION_FIELDS = set(Recognition.model_fields)
_ADD_ON_FIELDS = set(AddOn.model_fields)

RECOGNITION = "recognition"  # the label of a kudos' put (refused: its id exists)


def recognition_from(item: dict[str, Any] | None) -> Recognition | None:
    if item is None:
        return None
    return Recognition.model_validate({k: v for k, v in item.items() if k in _RECOGNITION_FIELDS})


def recognition_write(recognition: Recognition, stamps: Mapping[str, Stamp], time_zone: str) -> Write:
    """The kudos, stamped for insights with where its giver and recipients were when it was given and the
    organisation's time zone then (the zone its periods are read in)."""
    pk, sk = keys.recognition(recognition.id)
    values = {"PK": pk, "SK": sk, "type": "recognition", "stamps": _stamps(stamps), "period_zone": time_zone}
    return put_new(RECOGNITION, values | recognition.model_dump(mode="json"))


def add_on_writes(
    add_on: AddOn,
    stamps: Mapping[str, Stamp],
    kudos: Recognition,
    time_zone: str,
    replay_id: str | None = None,
) -> list[Write]:
    """The add-on, stamped for insights with where people were, the organisation's time zone, the values
    of the kudos it adds to and whether that kudos is public (boards count only those), and where its
    first response is kept when it was given with an Idempotency-Key (`replay_id`: its message goes with
    the add-on's), and the bump of the kudos' totals."""
    pk, sk = keys.add_on(add_on.recognition_id, add_on.adder_id)
    values = {
        "PK": pk,
        "SK": sk,
        "type": "add_on",
        "stamps": _stamps(stamps),
        "period_zone": time_zone,
        "values": kudos.values,
        "public": kudos.visibility is Visibility.PUBLIC,
    }
    if replay_id:
        values["replay_id"] = replay_id
    bump = {
        "TableName": table_name(),
        "Key": keys.as_attrs(keys.recognition(add_on.recognition_id)),
        "UpdateExpression": "ADD add_on_points :points, add_on_count :one",
        "ConditionExpression": "attribute_exists(PK)",
        "ExpressionAttributeValues": {":points": to_attr(add_on.points), ":one": to_attr(1)},
    }
    return [
        put_new("add_on", values | add_on.model_dump(mode="json")),
        Write("recognition", {"Update": bump}),
    ]


def hide_write(recognition_id: str, at: datetime) -> Write:
    """Mark a kudos hidden by HR, once (refused under "hide" if it is hidden already)."""
    update = {
        "TableName": table_name(),
        "Key": keys.as_attrs(keys.recognition(recognition_id)),
        "UpdateExpression": "SET hidden_at = :at",
        "ConditionExpression": "attribute_exists(PK) AND attribute_not_exists(hidden_at)",
        "ExpressionAttributeValues": {":at": to_attr(keys.iso(at))},
    }
    return Write("hide", {"Update": update})


def _stamps(stamps: Mapping[str, Stamp]) -> dict[str, Any]:
    return {person: stamp.model_dump(mode="json", exclude_none=True) for person, stamp in stamps.items()}


def cap_writes(
    giver_id: str, period: Period, shares: dict[str, int], cap: int, counted: dict[str, CapCount]
) -> list[Write]:
    """Count what the giver sends each recipient this period; refuse past the cap even under a race.

    A counter from an earlier period (or none) restarts, on condition it is still what was read.
    """
    writes = []
    for rid, points in shares.items():
        seen = counted[rid]
        values: dict[str, Any] = {":type": "recipient_cap", ":period": period.id, ":points": points}
        if seen.period == period.id:
            expression = "SET #type = :type ADD given :points"
            condition = "period = :period AND given <= :limit"
            values[":limit"] = cap - points
        else:
            expression = "SET #type = :type, period = :period, given = :points"
            condition = "attribute_not_exists(period)" if seen.period is None else "period = :seen"
            if seen.period is not None:
                values[":seen"] = seen.period
        update = {
            "TableName": table_name(),
            "Key": keys.as_attrs(keys.recipient_cap(giver_id, rid)),
            "UpdateExpression": expression,
            "ConditionExpression": condition,
            "ExpressionAttributeNames": {"#type": "type"},
            "ExpressionAttributeValues": {name: to_attr(value) for name, value in values.items()},
        }
        writes.append(Write(f"cap:{rid}", {"Update": update}))
    return writes


def get_with_add_ons(recognition_id: str) -> tuple[dict[str, Any] | None, list[AddOn]]:
    """The kudos item and its add-ons: one query over the kudos' partition."""
    head, add_ons, _ = get_whole(recognition_id)
    return head, add_ons


def get_whole(recognition_id: str) -> tuple[dict[str, Any] | None, list[AddOn], list[dict[str, Any]]]:
    """The kudos item, its add-ons and the corrections of what it paid (plaudit.store.corrections): one query
    over the kudos' partition."""
    page = query_page(keys.recognition(recognition_id)[0], limit=1000, cursor=None)
    head = next((item for item in page.items if item["type"] == "recognition"), None)
    add_ons = [
        AddOn.model_validate({k: v for k, v in item.items() if k in _ADD_ON_FIELDS})
        for item in page.items
        if item["type"] == "add_on"
    ]
    return head, add_ons, corrections_in(page.items)


# -- feed index (written by the projection from the stream, read by the feed) --


def feed_scopes(recognition: Recognition) -> list[str]:
    scopes = [keys.feed_partition("all"), keys.feed_partition("giver", recognition.giver_id)]
    scopes += [keys.feed_partition("recipient", rid) for rid in recognition.recipient_ids]
    scopes += [keys.feed_partition("value", value) for value in recognition.values]
    return scopes


def project_to_feed(recognition: Recognition) -> None:
    """Index a kudos under every feed it belongs to. Idempotent: the same keys are overwritten."""
    requests = []
    for partition in feed_scopes(recognition):
        pk, sk = keys.feed_entry(partition, recognition.created_at, recognition.id)
        entry = {
            "PK": pk,
            "SK": sk,
            "type": "feed_entry",
            "recognition_id": recognition.id,
            "giver_id": recognition.giver_id,
            "recipient_ids": recognition.recipient_ids,
            "values": recognition.values or None,
            "visibility": recognition.visibility.value,
        }
        requests.append({"PutRequest": {"Item": to_item(entry)}})
    write_batches(requests)


def remove_from_feed(recognition: Recognition) -> None:
    """Take a kudos out of every feed (a reaction taken back). Idempotent: deleting nothing is fine."""
    requests = [
        {
            "DeleteRequest": {
                "Key": keys.as_attrs(keys.feed_entry(partition, recognition.created_at, recognition.id))
            }
        }
        for partition in feed_scopes(recognition)
    ]
    write_batches(requests)


def feed_ids(scope: str, value: str, *, limit: int, cursor: str | None) -> tuple[list[str], str | None]:
    """Newest first: the ids of the kudos on one page of a feed index."""
    page: Page = query_page(keys.feed_partition(scope, value), limit=limit, cursor=cursor, newest_first=True)
    return [entry["recognition_id"] for entry in page.items], page.cursor


def from_stream_image(image: dict[str, Any]) -> Recognition | None:
    item = from_item(image)
    return recognition_from(item) if item.get("type") == "recognition" else None
