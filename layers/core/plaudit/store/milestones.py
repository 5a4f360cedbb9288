"""Milestone rules, the day index, awards with their pending queue and reminders, and the run watermark."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from plaudit.domain.employees import Employee
from plaudit.domain.ledger import Transaction
from plaudit.domain.milestone_rules import MilestoneRule
from plaudit.domain.milestones import month_day, month_day_offset, offset_key, offset_minutes
from plaudit.domain.recognition import WalletChange
from plaudit.store import keys
from plaudit.store.batches import write_batches
from plaudit.store.budgets import balance_write
from plaudit.store.client import dynamodb, table_name
from plaudit.store.codec import from_item, to_attr, to_item
from plaudit.store.ledger import transaction_writes, wallet_write
from plaudit.store.reads import Page, decode_cursor, encode_cursor, get_many, get_one, query_all, query_page
from plaudit.store.transact import Write, put_new

ANNIVERSARY, BIRTHDAY, START = "anniversary", "birthday", "start"
_RULE_FIELDS = set(MilestoneRule.model_fields)


# --- rules ---------------------------------------------------------------------------------------------


def rule_from(item: dict[str, Any] | None) -> MilestoneRule | None:
    """A live rule; None when missing or deleted."""
    if item is None or item.get("deleted_at"):
        return None
    return MilestoneRule.model_validate({k: v for k, v in item.items() if k in _RULE_FIELDS})


def rule_names(rule_ids: Iterable[str]) -> dict[str, str]:
    """The names of rules, deleted ones too (one BatchGetItem; at most 100)."""
    wanted = {rule_id: keys.milestone_rule(rule_id) for rule_id in rule_ids}
    found = get_many(wanted.values()) if wanted else {}
    return {rule_id: found[key]["name"] for rule_id, key in wanted.items() if "name" in found.get(key, {})}


def _rule_values(rule: MilestoneRule, deleted_at: datetime | None = None) -> dict[str, Any]:
    pk, sk = keys.milestone_rule(rule.id)
    values = {
        "PK": pk,
        "SK": sk,
        "type": "milestone_rule",
        "GSI1PK": keys.RULES_PARTITION,
        "GSI1SK": rule.id,
        "deleted_at": keys.iso(deleted_at) if deleted_at else None,
    }
    return values | rule.model_dump(mode="json", exclude={"type"}) | {"rule_type": rule.type.value}


def rule_write(
    rule: MilestoneRule, *, previous_version: int | None, deleted_at: datetime | None = None
) -> Write:
    """A new rule (previous_version None) or a replacement of the version read."""
    put: dict[str, Any] = {"TableName": table_name(), "Item": to_item(_rule_values(rule, deleted_at))}
    if previous_version is None:
        put["ConditionExpression"] = "attribute_not_exists(PK)"
    else:
        put["ConditionExpression"] = "version = :version AND attribute_not_exists(deleted_at)"
        put["ExpressionAttributeValues"] = {":version": to_attr(previous_version)}
    return Write("rule", {"Put": put})


def _rule_item_fix(item: dict[str, Any]) -> dict[str, Any]:
    """The stored item with the rule's own `type` (the item's `type` names the item kind)."""
    return {**item, "type": item.get("rule_type")}


def get_rule_item(rule_id: str) -> dict[str, Any] | None:
    item = get_one(keys.milestone_rule(rule_id))
    return _rule_item_fix(item) if item else None


def rules_page(*, limit: int, cursor: str | None) -> Page:
    page = query_page(
        keys.RULES_PARTITION,
        key_attr="GSI1PK",
        sort_attr="GSI1SK",
        index=keys.RULE_INDEX,
        limit=limit,
        cursor=cursor,
    )
    return Page([_rule_item_fix(item) for item in page.items], page.cursor)


def all_rules() -> tuple[list[MilestoneRule], int]:
    """Every live rule (rules are few: read through the RULES partition) and the items read."""
    rules, read, cursor = [], 0, None
    while True:
        page = rules_page(limit=100, cursor=cursor)
        read += len(page.items)
        rules += [rule for item in page.items if (rule := rule_from(item))]
        cursor = page.cursor
        if cursor is None:
            return rules, read


# --- day index -----------------------------------------------------------------------------------------


def _index_items(employee: Employee | None) -> dict[keys.Key, dict[str, Any]]:
    """The index entries a profile should have: only active people who are not bots."""
    if employee is None or not employee.active or employee.is_bot:
        return {}
    zone, found = employee.time_zone, {}
    entries: list[tuple[str, str, str, int]] = []  # partition, kind, day (MM-DD or YYYY-MM-DD), offset
    if employee.start_date is not None:
        start_md, start = month_day(employee.start_date), employee.start_date
        anniversaries = keys.month_day_partition(ANNIVERSARY, start_md)
        entries.append((anniversaries, ANNIVERSARY, start_md, month_day_offset(zone, start_md)))
        entries.append((keys.start_partition(start), START, start.isoformat(), offset_minutes(zone, start)))
    if employee.birthday is not None:
        birthdays = keys.month_day_partition(BIRTHDAY, employee.birthday)
        entries.append((birthdays, BIRTHDAY, employee.birthday, month_day_offset(zone, employee.birthday)))
    for partition, kind, day, offset in entries:
        key = (partition, keys.day_index_sort(offset_key(offset), employee.id))
        month_pk, month_sk = keys.month_index(kind, day, employee.id)
        found[key] = {
            "type": "milestone_day",
            "employee_id": employee.id,
            "time_zone": zone,
            "GSI1PK": month_pk,
            "GSI1SK": month_sk,
        }
    return found


def day_index_writes(employee: Employee, previous: Employee | None) -> list[Write]:
    """Puts and deletes that move a person's day-index entries from `previous` to `employee`."""
    new, old = _index_items(employee), _index_items(previous)
    writes = []
    for n, (key, values) in enumerate(new.items()):
        if old.get(key) != values:
            item = to_item({"PK": key[0], "SK": key[1], **values})
            writes.append(Write(f"day_index:{n}", {"Put": {"TableName": table_name(), "Item": item}}))
    for n, key in enumerate(key for key in old if key not in new):
        delete = {"TableName": table_name(), "Key": keys.as_attrs(key)}
        writes.append(Write(f"old_day_index:{n}", {"Delete": delete}))
    return writes


def put_index_entries(employees: Iterable[Employee]) -> None:
    """Write these people's day-index entries in bulk (a backfill: no transaction, puts are idempotent)."""
    puts = [
        {"PutRequest": {"Item": write.operation["Put"]["Item"]}}
        for employee in employees
        for write in day_index_writes(employee, None)
    ]
    write_batches(puts)


def anniversary_partitions(month_days: Iterable[str]) -> list[str]:
    return [keys.month_day_partition(ANNIVERSARY, md) for md in month_days]


def birthday_partitions(month_days: Iterable[str]) -> list[str]:
    return [keys.month_day_partition(BIRTHDAY, md) for md in month_days]


def start_partition(day: date) -> str:
    return keys.start_partition(day)


def index_entries(partition: str, key_range: tuple[str, str] | None) -> list[dict[str, Any]]:
    """Every entry of a day-index partition, or only those in a range of offset keys."""
    condition, values = "PK = :pk", {":pk": {"S": partition}}
    if key_range:
        condition += " AND SK BETWEEN :low AND :high"
        values |= {":low": {"S": key_range[0]}, ":high": {"S": key_range[1]}}
    return list(query_all({"KeyConditionExpression": condition, "ExpressionAttributeValues": values}))


def month_entries(kind: str, first: str, last: str) -> list[tuple[str, str]]:
    """(day, employee id) of the day-index entries of one kind (anniversary, birthday, start) whose day lies
    from `first` to `last` (MM-DD, or YYYY-MM-DD for starts; both in one month): one Query of the month's
    partition (more only past 1 MB)."""
    partition, low, high = keys.month_index_range(kind, first, last)
    values = {":pk": {"S": partition}, ":low": {"S": low}, ":high": {"S": high}}
    params = {
        "IndexName": keys.DAY_INDEX_MONTHS,
        "KeyConditionExpression": "GSI1PK = :pk AND GSI1SK BETWEEN :low AND :high",
        "ExpressionAttributeValues": values,
    }
    return [(item["GSI1SK"].split("#", 1)[0], item["employee_id"]) for item in query_all(params)]


# --- awards --------------------------------------------------------------------------------------------


def award_values(award: dict[str, Any]) -> dict[str, Any]:
    """The stored AWARD# item for an award's fields (see the contract in services.milestones)."""
    pk, sk = keys.award(award["id"])
    created_at = datetime.fromisoformat(award["created_at"])
    return {
        "PK": pk,
        "SK": sk,
        "type": "milestone_award",
        "GSI1PK": keys.AWARDS_PARTITION,
        "GSI1SK": keys.award_sort(created_at, award["id"]),
        **award,
    }


def award_paid_writes(award: dict[str, Any], txn: Transaction, at: datetime) -> list[Write]:
    """A new award, paid: the award item (once: its id is the exactly-once key) and the money."""
    return [put_new("award", award_values(award)), *_money_writes(award, txn, at)]


def award_pending_writes(award: dict[str, Any]) -> list[Write]:
    """A new award its budget cannot cover yet: the award item and its place in the budget's queue."""
    pk, sk = keys.pending_award(award["budget_id"], datetime.fromisoformat(award["created_at"]), award["id"])
    entry = {"PK": pk, "SK": sk, "type": "pending_award", "award_id": award["id"]}
    return [put_new("award", award_values(award)), put_new("pending", entry)]


def award_granted_writes(award: dict[str, Any]) -> list[Write]:
    return [put_new("award", award_values(award))]


def pending_paid_writes(
    award: dict[str, Any], pending_key: keys.Key, txn: Transaction, at: datetime
) -> list[Write]:
    """A pending award paid now: the status flips (only from pending), it leaves the queue, money moves."""
    update = {
        "TableName": table_name(),
        "Key": keys.as_attrs(keys.award(award["id"])),
        "UpdateExpression": "SET #status = :paid, paid_at = :at",
        "ConditionExpression": "#status = :pending",
        "ExpressionAttributeNames": {"#status": "status"},
        "ExpressionAttributeValues": {
            ":paid": to_attr("paid"),
            ":pending": to_attr("pending"),
            ":at": to_attr(keys.iso(at)),
        },
    }
    delete = {"TableName": table_name(), "Key": keys.as_attrs(pending_key)}
    return [
        Write("award", {"Update": update}),
        Write("pending", {"Delete": delete}),
        *_money_writes(award, txn, at),
    ]


def award_cancel_write(award_id: str) -> Write:
    """A pending award that will not be paid (its campaign was cancelled): only from pending."""
    update = {
        "TableName": table_name(),
        "Key": keys.as_attrs(keys.award(award_id)),
        "UpdateExpression": "SET #status = :cancelled",
        "ConditionExpression": "#status = :pending",
        "ExpressionAttributeNames": {"#status": "status"},
        "ExpressionAttributeValues": {":cancelled": to_attr("cancelled"), ":pending": to_attr("pending")},
    }
    return Write("award", {"Update": update})


def _money_writes(award: dict[str, Any], txn: Transaction, at: datetime) -> list[Write]:
    points = award["points"]
    return [
        balance_write(award["budget_id"], -points, at),
        *transaction_writes(txn),
        wallet_write(WalletChange(award["employee_id"], points_delta=points), at),
    ]


def forget_pending_write(pending_key: keys.Key) -> Write:
    return Write("pending", {"Delete": {"TableName": table_name(), "Key": keys.as_attrs(pending_key)}})


@dataclass(frozen=True)
class PendingEntry:
    """An award waiting in its budget's queue; `key` is for forget_pending_write and pending_paid_writes."""

    key: keys.Key
    award_id: str


def pending_entries(budget_id: str, *, limit: int) -> list[PendingEntry]:
    """The budget's queue of pending awards, oldest first."""
    page = query_page(keys.pending_partition(budget_id), limit=limit, cursor=None)
    return [PendingEntry((item["PK"], item["SK"]), item["award_id"]) for item in page.items]


def reminder_write(values: dict[str, Any]) -> Write:
    pk, sk = keys.reminder(values["award_id"])
    return put_new("reminder", {"PK": pk, "SK": sk, "type": "milestone_reminder", **values})


def awards_page(*, status: str | None, employee_id: str | None, limit: int, cursor: str | None) -> Page:
    """Awards, newest first, optionally only one status and/or person (a filtered page may hold fewer than
    `limit`, even none, and still have a cursor)."""
    params: dict[str, Any] = {
        "TableName": table_name(),
        "IndexName": keys.AWARD_INDEX,
        "KeyConditionExpression": "GSI1PK = :pk",
        "ExpressionAttributeValues": {":pk": {"S": keys.AWARDS_PARTITION}},
        "Limit": limit,
        "ScanIndexForward": False,
    }
    filters, names = [], {}
    if status:
        filters.append("#status = :status")
        names["#status"] = "status"
        params["ExpressionAttributeValues"][":status"] = {"S": status}
    if employee_id:
        filters.append("employee_id = :employee")
        params["ExpressionAttributeValues"][":employee"] = {"S": employee_id}
    if filters:
        params["FilterExpression"] = " AND ".join(filters)
    if names:
        params["ExpressionAttributeNames"] = names
    if cursor:
        params["ExclusiveStartKey"] = decode_cursor(
            cursor, keys.AWARDS_PARTITION, "GSI1PK", {"PK", "SK", "GSI1PK", "GSI1SK"}
        )
    response = dynamodb().query(**params)
    last = response.get("LastEvaluatedKey")
    return Page([from_item(item) for item in response["Items"]], encode_cursor(last) if last else None)


# --- run watermark -------------------------------------------------------------------------------------


def run_watermark() -> datetime | None:
    item = get_one(keys.MILESTONE_RUN)
    return datetime.fromisoformat(item["through"]) if item else None


def watermark_write(through: datetime, previous: datetime | None) -> Write:
    """Advance the watermark, only from the value read (two concurrent runs: one claims the progress)."""
    pk, sk = keys.MILESTONE_RUN
    put: dict[str, Any] = {
        "TableName": table_name(),
        "Item": to_item({"PK": pk, "SK": sk, "type": "milestone_run", "through": keys.iso(through)}),
    }
    if previous is None:
        put["ConditionExpression"] = "attribute_not_exists(PK)"
    else:
        put["ConditionExpression"] = "through = :previous"
        put["ExpressionAttributeValues"] = {":previous": to_attr(keys.iso(previous))}
    return Write("watermark", {"Put": put})
