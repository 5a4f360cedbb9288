"""Corrections: each an item in the partition of what it corrects (an award's, a kudos', a direct item
award's redemption), numbered from 1, so one Query reads a source with every correction made to it, and a
correction can only take the number after those read (put_new): two corrections of the same source at once
never both pass the bound."""

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from plaudit.domain.ledger import TxnKind
from plaudit.store import keys
from plaudit.store.client import table_name
from plaudit.store.codec import to_attr
from plaudit.store.reads import query_all
from plaudit.store.transact import Write, put_new

CORRECTION = "correction"


def award_partition(award_id: str) -> str:
    return keys.award(award_id)[0]


def kudos_partition(recognition_id: str) -> str:
    return keys.recognition(recognition_id)[0]


def redemption_partition(redemption_id: str) -> str:
    return keys.redemption(redemption_id)[0]


def redemption_with_corrections(rid: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """A direct item award (its redemption item) and its corrections: one Query of its partition."""
    params = {
        "KeyConditionExpression": "PK = :pk",
        "ExpressionAttributeValues": {":pk": {"S": redemption_partition(rid)}},
    }
    items = list(query_all(params))
    return next((item for item in items if item.get("type") == "redemption"), None), corrections_in(items)


def award_with_corrections(award_id: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The award item and its corrections, oldest first: one Query of the award's partition."""
    params = {
        "KeyConditionExpression": "PK = :pk",
        "ExpressionAttributeValues": {":pk": {"S": award_partition(award_id)}},
    }
    items = list(query_all(params))
    award = next((item for item in items if item.get("type") == "milestone_award"), None)
    return award, corrections_in(items)


def corrections_in(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The correction items among a partition's items, oldest first."""
    found = [dict(item) for item in items if item.get("type") == CORRECTION]
    return sorted(found, key=lambda item: item["number"])


def named_by(ledger_lines: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The corrections that a person's ledger lines name (their `correction` lines' refs: the correction's
    id and its source), oldest first: one Query of each corrected source's partition."""
    wanted: dict[str, str] = {}
    for line in ledger_lines:
        ref = line.get("ref")
        if line.get("kind") != TxnKind.CORRECTION.value or not isinstance(ref, dict):
            continue
        if ref.get("award_id"):
            wanted[ref["correction_id"]] = award_partition(ref["award_id"])
        elif ref.get("recognition_id"):
            wanted[ref["correction_id"]] = kudos_partition(ref["recognition_id"])
    found = []
    for partition in dict.fromkeys(wanted.values()):
        params = {
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": {":pk": {"S": partition}},
        }
        found += [item for item in corrections_in(query_all(params)) if item["id"] in wanted]
    return sorted(found, key=lambda item: item["at"])


def of_item_awards(
    redemptions: Iterable[Mapping[str, Any]], vouchers: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The corrections of a person's direct item awards (no ledger line of theirs names them): one Query of
    each award a correction could have taken back, cancelled itself or its voucher cancelled."""
    voided = {voucher["redemption_id"] for voucher in vouchers if voucher.get("status") == "cancelled"}
    found = []
    for redemption in redemptions:
        if not str(redemption.get("funded_by", "")).startswith("budget:"):
            continue
        if redemption.get("status") == "cancelled" or redemption["id"] in voided:
            params = {
                "KeyConditionExpression": "PK = :pk",
                "ExpressionAttributeValues": {":pk": {"S": redemption_partition(redemption["id"])}},
            }
            found += corrections_in(query_all(params))
    return found


def taken_back(corrections: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """What the corrections took back from each person, in total."""
    total: dict[str, int] = {}
    for correction in corrections:
        for person, points in correction["points"].items():
            total[person] = total.get(person, 0) + int(points)
    return total


def correction_write(partition: str, number: int, values: Mapping[str, Any]) -> Write:
    """The `number`th correction of the source, once (refused under "correction" if another took it)."""
    pk, sk = keys.correction(partition, number)
    return put_new(CORRECTION, {"PK": pk, "SK": sk, "type": CORRECTION, "number": number, **values})


def award_corrected_write(award_id: str, corrected_before: int, corrected_after: int, at: datetime) -> Write:
    """The paid award shows what corrections took back (only from what was read: refused under "award")."""
    before = (
        "attribute_not_exists(corrected_points)" if not corrected_before else "corrected_points = :before"
    )
    values = {":after": to_attr(corrected_after), ":at": to_attr(keys.iso(at)), ":paid": to_attr("paid")}
    if corrected_before:
        values[":before"] = to_attr(corrected_before)
    update = {
        "TableName": table_name(),
        "Key": keys.as_attrs(keys.award(award_id)),
        "UpdateExpression": "SET corrected_points = :after, corrected_at = :at",
        "ConditionExpression": f"#status = :paid AND {before}",
        "ExpressionAttributeNames": {"#status": "status"},
        "ExpressionAttributeValues": values,
    }
    return Write("award", {"Update": update})
