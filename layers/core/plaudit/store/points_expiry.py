"""Points expiry's reads and marks: what a person received since an instant (their ledger lines on the
points balance, newest only: the figure never grows with history), the day's run mark, and the reminder
item the notifier turns into a DM."""

from datetime import date, datetime
from typing import Any

from plaudit.domain.ledger import Balance
from plaudit.store import keys
from plaudit.store.reads import get_one, query_all
from plaudit.store.transact import Write, put_new

REMINDER_TYPE = "points_reminder"


def received_since(employee_id: str, since: datetime, later: datetime) -> tuple[int, int, int]:
    """Points the person received (positive postings on their points balance) since `since` and since
    `later` (>= since), and the lines read: one query over the lines since `since`."""
    pk, start = keys.ledger_lines_since(employee_id, since)
    _, later_key = keys.ledger_lines_since(employee_id, later)
    lines = query_all(
        {
            "KeyConditionExpression": "PK = :pk AND SK BETWEEN :start AND :end",
            "FilterExpression": "#balance = :points AND amount > :zero",
            "ProjectionExpression": "SK, amount",
            "ExpressionAttributeNames": {"#balance": "balance"},
            "ExpressionAttributeValues": {
                ":pk": {"S": pk},
                ":start": {"S": start},
                ":end": {"S": keys.LEDGER_PREFIX + "\uffff"},
                ":points": {"S": Balance.POINTS.value},
                ":zero": {"N": "0"},
            },
        }
    )
    total = recent = read = 0
    for line in lines:
        read += 1
        total += int(line["amount"])
        if line["SK"] >= later_key:
            recent += int(line["amount"])
    return total, recent, read


def day_done(day: date) -> bool:
    return get_one(keys.points_expiry_run(day)) is not None


def day_done_write(day: date, at: datetime, figures: dict[str, int]) -> Write:
    pk, sk = keys.points_expiry_run(day)
    return put_new(
        "points_expiry_run", {"PK": pk, "SK": sk, "type": "points_expiry_run", "at": keys.iso(at)} | figures
    )


def reminder_write(employee_id: str, expires_by: date, points: int, at: datetime) -> Write:
    """Once per person and month of expiry: refused if they were told of that month already."""
    pk, sk = keys.points_reminder(employee_id, expires_by.strftime("%Y-%m"))
    values: dict[str, Any] = {
        "PK": pk,
        "SK": sk,
        "type": REMINDER_TYPE,
        "employee_id": employee_id,
        "points": points,
        "expires_by": expires_by.isoformat(),
        "created_at": keys.iso(at),
    }
    return put_new("points_reminder", values)
