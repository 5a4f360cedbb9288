"""State of the sandbox rewards provider (integrations/rewards/sandbox.py), kept in the domain table so it
survives Lambda containers. It stands for a provider's own database: nothing of Plaudit's reads it."""

from typing import Any

from botocore.exceptions import ClientError

from plaudit.store import keys
from plaudit.store.client import dynamodb, table_name
from plaudit.store.codec import from_item, to_attr
from plaudit.store.reads import get_one
from plaudit.store.transact import WriteRefused, put_new, write_all

PENDING = "PENDING"


def count_attempt(external_reference: str) -> int:
    """Requests ever made for this reference, this one included."""
    response = dynamodb().update_item(
        TableName=table_name(),
        Key=keys.as_attrs(keys.sandbox_attempts(external_reference)),
        UpdateExpression="SET #type = :type ADD attempts :one",
        ExpressionAttributeNames={"#type": "type"},
        ExpressionAttributeValues={":type": to_attr("sandbox_attempts"), ":one": to_attr(1)},
        ReturnValues="UPDATED_NEW",
    )
    return int(response["Attributes"]["attempts"]["N"])


def place(order: dict[str, Any]) -> bool:
    """Store a new order and its id pointer; False if the reference already has an order."""
    pk, sk = keys.sandbox_order(order["external_reference"])
    pointer_pk, pointer_sk = keys.sandbox_order_pointer(order["id"])
    try:
        write_all(
            [
                put_new("order", {"PK": pk, "SK": sk, "type": "sandbox_order"} | order),
                put_new(
                    "pointer",
                    {"PK": pointer_pk, "SK": pointer_sk, "external_reference": order["external_reference"]},
                ),
            ]
        )
    except WriteRefused as refused:
        if refused.refused("order"):
            return False
        raise
    return True


def look_up(external_reference: str) -> dict[str, Any] | None:
    """The order for a reference, counting the request (the sandbox's clock); None if there is none."""
    try:
        response = dynamodb().update_item(
            TableName=table_name(),
            Key=keys.as_attrs(keys.sandbox_order(external_reference)),
            UpdateExpression="ADD requests :one",
            ConditionExpression="attribute_exists(PK)",
            ExpressionAttributeValues={":one": to_attr(1)},
            ReturnValues="ALL_NEW",
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return None
        raise
    return from_item(response["Attributes"])


def reference_of(order_id: str) -> str | None:
    pointer = get_one(keys.sandbox_order_pointer(order_id))
    return pointer["external_reference"] if pointer else None


def settle(external_reference: str, status: str, failure_reason: str | None, at: str) -> dict[str, Any]:
    """Move a pending order to its final status (once; a concurrent settle wins) and return it."""
    values = {":pending": PENDING, ":status": status, ":at": at}
    expression = "SET #status = :status, settled_at = :at"
    if failure_reason:
        expression += ", failure_reason = :reason"
        values[":reason"] = failure_reason
    try:
        response = dynamodb().update_item(
            TableName=table_name(),
            Key=keys.as_attrs(keys.sandbox_order(external_reference)),
            UpdateExpression=expression,
            ConditionExpression="#status = :pending",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={name: to_attr(value) for name, value in values.items()},
            ReturnValues="ALL_NEW",
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        settled = get_one(keys.sandbox_order(external_reference))
        assert settled is not None
        return settled
    return from_item(response["Attributes"])
