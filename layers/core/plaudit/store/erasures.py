"""What erasing a person touches beyond their profile: the record of the erasure (what erasing again
answers), their sign-in link, the kudos and add-ons their ledger shows they gave or received (whose message
texts are redacted), their awards (whose messages go, and where the bot DMd them), the corrections of what
was paid to them (whose reasons go), the rows of the campaigns that paid them (their email and message go),
and their redemptions still in flight (which refuse an erasure)."""

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from plaudit.domain.ledger import TxnKind
from plaudit.domain.redemptions import Status
from plaudit.store import corrections, keys, slack_posts
from plaudit.store.campaigns import chunks as campaign_chunks
from plaudit.store.client import dynamodb, table_name
from plaudit.store.reads import get_one, query_all
from plaudit.store.transact import Write, put_new

RECORD = "erasure"  # the label of the erasure's record in its transaction (refused: erased already)
IN_FLIGHT = (Status.PENDING_APPROVAL, Status.APPROVED, Status.FULFILLING)  # points held, an order maybe out
_KUDOS_KINDS = frozenset({TxnKind.KUDOS.value, TxnKind.ADD_ON.value, TxnKind.REACTION_UNDO.value})


def erasure_of(employee_id: str) -> dict[str, Any] | None:
    """The person's erasure as first recorded (None: never erased)."""
    item = get_one(keys.erasure(employee_id))
    return None if item is None else {k: v for k, v in item.items() if k not in ("PK", "SK", "type")}


def record_write(employee_id: str, record: dict[str, Any]) -> Write:
    pk, sk = keys.erasure(employee_id)
    return put_new(RECORD, {"PK": pk, "SK": sk, "type": "erasure", **record})


def account_deletes(employee_id: str, subject: str | None) -> list[Write]:
    """The person's sign-in link, both ways (nothing when they were never linked)."""
    if subject is None:
        return []
    return [
        Write(
            "account",
            {"Delete": {"TableName": table_name(), "Key": keys.as_attrs(keys.account(employee_id))}},
        ),
        Write(
            "subject",
            {"Delete": {"TableName": table_name(), "Key": keys.as_attrs(keys.subject_alias(subject))}},
        ),
    ]


def _indexed(index: str, partition: str) -> Iterator[dict[str, Any]]:
    """The items of one index partition (a person's redemptions, or vouchers)."""
    params = {
        "IndexName": index,
        "KeyConditionExpression": "GSI1PK = :pk",
        "ExpressionAttributeValues": {":pk": {"S": partition}},
    }
    return query_all(params)


def in_flight_redemptions(employee_id: str) -> list[str]:
    """Ids of the person's redemptions waiting for approval or fulfilment (their GSI1 partition)."""
    wanted = {status.value for status in IN_FLIGHT}
    items = _indexed(keys.REDEMPTION_INDEX, keys.redemptions_partition(employee_id))
    return [item["id"] for item in items if item.get("status") in wanted]


def ledger_lines(employee_id: str) -> Iterator[dict[str, Any]]:
    """The postings on the person's accounts, oldest first."""
    params = {
        "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
        "ExpressionAttributeValues": {
            ":pk": {"S": keys.employee(employee_id)[0]},
            ":prefix": {"S": keys.LEDGER_PREFIX},
        },
    }
    return query_all(params)


def kudos_involving(employee_id: str) -> list[str]:
    """The kudos the person gave, received or added on to, as their ledger lines name them (a private kudos
    too), oldest first."""
    found: dict[str, None] = {}
    for line in ledger_lines(employee_id):
        ref = line.get("ref") or {}
        if line.get("kind") in _KUDOS_KINDS and isinstance(ref, dict) and ref.get("recognition_id"):
            found[ref["recognition_id"]] = None
    return list(found)


CAMPAIGN_RULE = "campaign:"  # a campaign's awards name it as their rule: campaign:<campaign id>


def awards_of(employee_id: str) -> list[dict[str, Any]]:
    """The person's milestone and campaign awards (the organisation's awards index, filtered by them)."""
    params = {
        "IndexName": keys.AWARD_INDEX,
        "KeyConditionExpression": "GSI1PK = :pk",
        "FilterExpression": "employee_id = :employee",
        "ExpressionAttributeValues": {
            ":pk": {"S": keys.AWARDS_PARTITION},
            ":employee": {"S": employee_id},
        },
    }
    return list(query_all(params))


def forget_award_copies(awards: Iterable[dict[str, Any]], erased_name: str) -> int:
    """Each award keeps the person's opaque id but not the copy of their name and Slack id it was written
    with, nor the message it was announced with; returns how many changed."""
    changed = 0
    for award in awards:
        if (
            award.get("employee_name") == erased_name
            and not award.get("slack_user_id")
            and not award.get("message")
        ):
            continue
        dynamodb().update_item(
            TableName=table_name(),
            Key=keys.as_attrs((award["PK"], award["SK"])),
            UpdateExpression="SET employee_name = :name, message = :empty REMOVE slack_user_id",
            ConditionExpression="attribute_exists(PK)",
            ExpressionAttributeValues={":name": {"S": erased_name}, ":empty": {"S": ""}},
        )
        changed += 1
    return changed


def forget_award_dms(awards: Iterable[dict[str, Any]]) -> int:
    """Where the bot DMd each award to its person goes (a DM's channel is their Slack id): nothing will
    update those posts; returns how many were forgotten."""
    forgotten = 0
    for award in awards:
        for post in slack_posts.posts_about("award", award["id"]):
            if post.purpose == "dm":
                slack_posts.forget(post)
                forgotten += 1
    return forgotten


def forget_campaign_rows(campaign_id: str, employee_id: str) -> int:
    """In the campaign's stored people, the person's row keeps their id and outcome but loses the email
    and message it was given with; returns how many chunks changed."""
    changed = 0
    for chunk in campaign_chunks(campaign_id):
        rows = chunk.get("rows") or []
        personal = [i for i, row in enumerate(rows) if row.get("employee_id") == employee_id]
        if not any(rows[i].get("email") or rows[i].get("message") for i in personal):
            continue
        dynamodb().update_item(
            TableName=table_name(),
            Key=keys.as_attrs((chunk["PK"], chunk["SK"])),
            UpdateExpression="SET "
            + ", ".join(f"#rows[{i}].#email = :none, #rows[{i}].#message = :none" for i in personal),
            ExpressionAttributeNames={"#rows": "rows", "#email": "email", "#message": "message"},
            ExpressionAttributeValues={":none": {"NULL": True}},
        )
        changed += 1
    return changed


def forget_correction_reasons(employee_id: str, at: datetime) -> int:
    """The corrections of what was paid to the person (their ledger's correction lines name them) and of
    the items given to them (their direct item awards') keep their points and figures but lose their
    free-text reason, and so do their kept first responses;
    returns how many items changed (a rerun changes nothing)."""
    changed = 0
    made = corrections.named_by(ledger_lines(employee_id))
    made += corrections.of_item_awards(
        _indexed(keys.REDEMPTION_INDEX, keys.redemptions_partition(employee_id)),
        list(_indexed(keys.VOUCHER_INDEX, keys.vouchers_partition(employee_id))),
    )
    for correction in made:
        if correction.get("reason"):
            changed += _blank(correction, "reason = :empty, reason_redacted_at = :at", keys.iso(at), "reason")
        if correction.get("replay_id"):
            changed += _redact_first_response(correction["replay_id"], "reason")
    return changed


def redact_kudos(recognition_ids: Iterable[str], at: datetime) -> int:
    """Blank the message of each kudos and of every add-on to it; returns how many items changed. Each
    update is conditional on there being text left, so a rerun changes nothing (and the stream says once
    that a message went)."""
    changed = 0
    for recognition_id in recognition_ids:
        changed += _redact_first_response(recognition_id)
        partition = keys.recognition(recognition_id)[0]
        params = {
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": {":pk": {"S": partition}},
        }
        for item in query_all(params):
            if item.get("type") == "recognition" and item.get("message"):
                changed += _blank(item, "message = :empty, message_redacted_at = :at", keys.iso(at))
            elif item.get("type") == "add_on":
                if item.get("message"):
                    changed += _blank(item, "message = :empty", None)
                if item.get("replay_id"):
                    changed += _redact_first_response(item["replay_id"])
    return changed


def _redact_first_response(derived_id: str, field: str = "message") -> int:
    """A kudos, add-on or correction made with an Idempotency-Key keeps its first response (under the
    kudos' own id, or the id the key derived) to answer replays: its `field` (the text) goes too."""
    key = keys.first_response(derived_id)
    item = get_one(key)
    if item is None:
        return 0
    response = json.loads(item["response"])
    if not response.get(field):
        return 0
    response[field] = ""
    dynamodb().update_item(
        TableName=table_name(),
        Key=keys.as_attrs(key),
        UpdateExpression="SET #response = :response",
        ConditionExpression="attribute_exists(PK)",
        ExpressionAttributeNames={"#response": "response"},
        ExpressionAttributeValues={":response": {"S": json.dumps(response, separators=(",", ":"))}},
    )
    return 1


def _blank(item: dict[str, Any], assignments: str, at: str | None, field: str = "message") -> int:
    values: dict[str, Any] = {":empty": {"S": ""}}
    if at is not None:
        values[":at"] = {"S": at}
    try:
        dynamodb().update_item(
            TableName=table_name(),
            Key=keys.as_attrs((item["PK"], item["SK"])),
            UpdateExpression=f"SET {assignments}",
            ConditionExpression=f"attribute_exists(PK) AND {field} <> :empty",
            ExpressionAttributeValues=values,
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        return 0
    return 1
