"""Budget items (with their stored balance), balance updates and reads of budgets and their ledger."""

from datetime import datetime
from typing import Any

from plaudit.domain.budgets import Budget
from plaudit.store import keys
from plaudit.store.client import table_name
from plaudit.store.codec import to_attr
from plaudit.store.reads import Page, query_page
from plaudit.store.transact import Write, put_new

_BUDGET_FIELDS = set(Budget.model_fields)


def budget_from(item: dict[str, Any] | None) -> Budget | None:
    if item is None:
        return None
    return Budget.model_validate({k: v for k, v in item.items() if k in _BUDGET_FIELDS})


def balance_of(item: dict[str, Any]) -> int:
    return item.get("balance", 0)


def budget_write(budget: Budget) -> Write:
    """A new budget, empty; refused if the id is taken."""
    pk, sk = keys.budget(budget.id)
    values = {
        "PK": pk,
        "SK": sk,
        "type": "budget",
        "GSI1PK": keys.BUDGETS_PARTITION,
        "GSI1SK": budget.id,
        "balance": 0,
    }
    return put_new("budget", values | budget.model_dump(mode="json", exclude_none=True))


SCOPE_FIELDS = ("name", "departments", "manager_id", "holders")  # what a budget's PATCH may change


def scope_write(before: dict[str, Any], after: Budget) -> Write:
    """A budget's name, holders and scope as `after` has them, on condition that they are still as they
    were read in `before` (the stored item): a racing change is refused, re-read and validated again. The
    balance moves on its own (balance_write) and is not conditioned."""
    sets, removes, values, names = [], [], {}, {}
    conditions = ["attribute_exists(PK)"]
    stored = after.model_dump(mode="json", exclude_none=True)
    for n, field in enumerate(SCOPE_FIELDS):
        names[f"#f{n}"] = field
        if field in before:
            conditions.append(f"#f{n} = :was{n}")
            values[f":was{n}"] = before[field]
        else:
            conditions.append(f"attribute_not_exists(#f{n})")
        if field in stored:
            sets.append(f"#f{n} = :now{n}")
            values[f":now{n}"] = stored[field]
        else:
            removes.append(f"#f{n}")
    expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
    update = {
        "TableName": table_name(),
        "Key": keys.as_attrs(keys.budget(after.id)),
        "UpdateExpression": expression,
        "ConditionExpression": " AND ".join(conditions),
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": {name: to_attr(value) for name, value in values.items()},
    }
    return Write(f"budget:{after.id}", {"Update": update})


def balance_write(budget_id: str, delta: int, now: datetime) -> Write:
    """Move the stored balance with the journal entry; the budget must exist and never go negative."""
    values: dict[str, Any] = {":delta": delta, ":now": keys.iso(now)}
    condition = "attribute_exists(PK)"
    if delta < 0:
        condition += " AND balance >= :need"
        values[":need"] = -delta
    update = {
        "TableName": table_name(),
        "Key": keys.as_attrs(keys.budget(budget_id)),
        "UpdateExpression": "SET updated_at = :now ADD balance :delta",
        "ConditionExpression": condition,
        "ExpressionAttributeValues": {name: to_attr(value) for name, value in values.items()},
    }
    return Write(f"budget:{budget_id}", {"Update": update})


def budgets_page(*, limit: int, cursor: str | None) -> Page:
    return query_page(
        keys.BUDGETS_PARTITION,
        key_attr="GSI1PK",
        sort_attr="GSI1SK",
        index=keys.BUDGET_INDEX,
        limit=limit,
        cursor=cursor,
    )


def budget_ledger_page(budget_id: str, *, limit: int, cursor: str | None) -> Page:
    return query_page(
        keys.budget(budget_id)[0],
        sort_prefix=keys.LEDGER_PREFIX,
        limit=limit,
        cursor=cursor,
        newest_first=True,
    )
