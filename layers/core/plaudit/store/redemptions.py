"""Redemption items, their pending-approval entries and per-person counts, and the reads that list them."""

from datetime import datetime
from typing import Any

from plaudit.domain.redemptions import FUNDED_BY_BUDGET, HR_APPROVER, ROLE_QUEUES, Redemption, Status
from plaudit.store import keys
from plaudit.store.client import dynamodb, table_name
from plaudit.store.codec import from_item, to_attr, to_item
from plaudit.store.reads import Page, query_all, query_page
from plaudit.store.transact import Write, put_new

_FIELDS = set(Redemption.model_fields)

REDEMPTION = "redemption"  # the label of a new redemption's put (refused: its id exists)


def redemption_from(item: dict[str, Any] | None) -> Redemption | None:
    if item is None:
        return None
    return Redemption.model_validate({name: value for name, value in item.items() if name in _FIELDS})


def _values(redemption: Redemption) -> dict[str, Any]:
    pk, sk = keys.redemption(redemption.id)
    return {
        "PK": pk,
        "SK": sk,
        "type": "redemption",
        "GSI1PK": keys.redemptions_partition(redemption.employee_id),
        "GSI1SK": f"{keys.iso(redemption.created_at)}#{redemption.id}",
    } | redemption.model_dump(mode="json", exclude_none=True)


def new_redemption_writes(redemption: Redemption) -> list[Write]:
    """The redemption (refused if its id exists: a replay) and, when it waits for approval, its entry;
    when approved at once, its in-flight entry; a direct award's entry in the awards' list."""
    writes = [put_new(REDEMPTION, _values(redemption))]
    if redemption.budget_id is not None:
        writes.append(direct_award_entry_put(redemption))
    if redemption.status is Status.PENDING_APPROVAL:
        writes.append(approval_entry_put(redemption))
    writes += inflight_writes(None, redemption)
    return writes


def direct_award_entry_put(redemption: Redemption) -> Write:
    """A direct award in the list of every direct award, and (GSI1) of its budget's, newest first."""
    pk, sk = keys.direct_award_entry(redemption.created_at, redemption.id)
    values = {
        "PK": pk,
        "SK": sk,
        "type": "direct_award",
        "GSI1PK": keys.budget_awards_partition(redemption.budget_id or ""),
        "GSI1SK": sk,
        "id": redemption.id,
    }
    return Write("direct_award", {"Put": {"TableName": table_name(), "Item": to_item(values)}})


def direct_award_entry_requests(employee_id: str) -> list[dict[str, Any]]:
    """The list entries of the direct awards one person was given (their redemptions a budget paid), as
    batch puts: a backfill for awards given before the list existed (idempotent)."""
    params = {
        "IndexName": keys.REDEMPTION_INDEX,
        "KeyConditionExpression": "GSI1PK = :pk",
        "FilterExpression": "begins_with(funded_by, :budget)",
        "ExpressionAttributeValues": {
            ":pk": {"S": keys.redemptions_partition(employee_id)},
            ":budget": {"S": FUNDED_BY_BUDGET},
        },
    }
    return [
        {"PutRequest": {"Item": direct_award_entry_put(redemption).operation["Put"]["Item"]}}
        for item in query_all(params)
        if (redemption := redemption_from(item)) is not None and redemption.budget_id is not None
    ]


def direct_awards_page(budget_id: str | None, *, limit: int, cursor: str | None) -> Page:
    """A page of direct awards' entries (their ids), newest first: every one, or one budget's."""
    if budget_id is None:
        return query_page(keys.DIRECT_AWARDS_PARTITION, limit=limit, cursor=cursor, newest_first=True)
    return query_page(
        keys.budget_awards_partition(budget_id),
        key_attr="GSI1PK",
        sort_attr="GSI1SK",
        index=keys.REDEMPTION_INDEX,
        limit=limit,
        cursor=cursor,
        newest_first=True,
    )


IN_FLIGHT = (Status.APPROVED, Status.FULFILLING)


def inflight_writes(before: Redemption | None, after: Redemption) -> list[Write]:
    """Keep the in-flight index true across a status change: the entry of the status left goes, one for the
    status entered (approved, fulfilling) comes, keyed by when it was entered (its updated_at)."""
    if before is not None and before.status is after.status:
        return []
    writes: list[Write] = []
    if before is not None and before.status in IN_FLIGHT:
        key = keys.inflight_entry(before.status.value, before.updated_at, before.id)
        writes.append(
            Write("inflight_done", {"Delete": {"TableName": table_name(), "Key": keys.as_attrs(key)}})
        )
    if after.status in IN_FLIGHT:
        pk, sk = keys.inflight_entry(after.status.value, after.updated_at, after.id)
        item = {"PK": pk, "SK": sk, "type": "inflight", "id": after.id}
        writes.append(Write("inflight", {"Put": {"TableName": table_name(), "Item": to_item(item)}}))
    return writes


def inflight_since(status: Status, before: datetime, *, limit: int = 100) -> list[str]:
    """Ids of redemptions in `status` (approved or fulfilling) since before `before`, oldest first."""
    response = dynamodb().query(
        TableName=table_name(),
        KeyConditionExpression="PK = :pk AND SK < :before",
        ExpressionAttributeValues={
            ":pk": {"S": keys.inflight_partition(status.value)},
            ":before": {"S": keys.iso(before)},
        },
        ProjectionExpression="id",
        Limit=limit,
    )
    return [from_item(item)["id"] for item in response["Items"]]


def transition_write(before: Redemption, after: Redemption) -> Write:
    """Replace the redemption, only if nobody moved it on since `before` was read."""
    put = {
        "TableName": table_name(),
        "Item": to_item(_values(after)),
        "ConditionExpression": "#status = :status AND version = :version",
        "ExpressionAttributeNames": {"#status": "status"},
        "ExpressionAttributeValues": {
            ":status": to_attr(before.status.value),
            ":version": to_attr(before.version),
        },
    }
    return Write("redemption", {"Put": put})


def approval_entry_put(redemption: Redemption) -> Write:
    """What an approver's queue shows, copied from the redemption; listed as due for escalation unless a
    role's queue (HR's, finance's) holds it."""
    pk, sk = keys.approval_entry(redemption.approver_id or HR_APPROVER, redemption.created_at, redemption.id)
    values: dict[str, Any] = {"PK": pk, "SK": sk, "type": "approval"}
    if redemption.approver_id not in ROLE_QUEUES:
        values |= {"GSI1PK": keys.APPROVALS_DUE_PARTITION, "GSI1SK": sk}
    values |= redemption.view().model_dump(
        mode="json",
        include={
            "id",
            "employee_id",
            "item_id",
            "item_name",
            "item_type",
            "denomination",
            "currency",
            "points",
            "approver_id",
            "created_at",
        },
    )
    return Write("approval", {"Put": {"TableName": table_name(), "Item": to_item(values)}})


def approval_entry_delete(redemption: Redemption) -> Write:
    pk, sk = keys.approval_entry(redemption.approver_id or HR_APPROVER, redemption.created_at, redemption.id)
    delete = {"TableName": table_name(), "Key": keys.as_attrs((pk, sk))}
    return Write("approval_done", {"Delete": delete})


def redeemed_count_write(
    employee_id: str, item_id: str, period_id: str, delta: int, *, limit: int | None = None
) -> Write:
    """Count a redemption against a per-person limit (refused at `limit`), or give one back."""
    values: dict[str, Any] = {":delta": delta, ":type": "redeemed_count"}
    update: dict[str, Any] = {
        "TableName": table_name(),
        "Key": keys.as_attrs(keys.redeemed_count(employee_id, item_id, period_id)),
        "UpdateExpression": "SET #type = :type ADD #count :delta",
        "ExpressionAttributeNames": {"#type": "type", "#count": "count"},
    }
    if limit is not None:
        update["ConditionExpression"] = "attribute_not_exists(#count) OR #count < :limit"
        values[":limit"] = limit
    elif delta < 0:
        update["ConditionExpression"] = "#count >= :need"
        values[":need"] = -delta
    update["ExpressionAttributeValues"] = {name: to_attr(value) for name, value in values.items()}
    return Write("redeemed_count", {"Update": update})


def redeemed_in(item: dict[str, Any] | None) -> int:
    return item.get("count", 0) if item else 0


def redemptions_page(employee_id: str, *, limit: int, cursor: str | None) -> Page:
    return query_page(
        keys.redemptions_partition(employee_id),
        key_attr="GSI1PK",
        sort_attr="GSI1SK",
        index=keys.REDEMPTION_INDEX,
        limit=limit,
        cursor=cursor,
        newest_first=True,
    )


def approvals_page(approver_id: str, *, limit: int, cursor: str | None) -> Page:
    return query_page(keys.approvals_partition(approver_id), limit=limit, cursor=cursor)


def approvals_due(created_before: datetime, *, limit: int = 100) -> list[str]:
    """Ids of redemptions waiting for a person's approval since before `created_before`, oldest first."""
    response = dynamodb().query(
        TableName=table_name(),
        IndexName=keys.REDEMPTION_INDEX,
        KeyConditionExpression="GSI1PK = :pk AND GSI1SK < :before",
        ExpressionAttributeValues={
            ":pk": {"S": keys.APPROVALS_DUE_PARTITION},
            ":before": {"S": keys.iso(created_before)},
        },
        Limit=limit,
    )
    return [from_item(item)["id"] for item in response["Items"]]
