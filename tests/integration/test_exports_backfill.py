"""`plaudit exports backfill`: transactions written before the by-day index existed get their TXNS#<day>
entry, so an export of their days finds them; a second run (or a transaction indexed already) changes
nothing."""

from __future__ import annotations

from datetime import date

from plaudit.store import exports as export_store
from plaudit.store.client import dynamodb, table_name
from plaudit_dev import cli

ALICE, BOB, CARLOS = "E1003", "E1004", "E1005"
DAY = date(2026, 11, 16)  # the fixture clock's day


def transactions_of_the_day() -> set[str]:
    return {txn["id"] for txn in export_store.transactions(DAY, DAY)}


def every_transaction() -> list[dict]:
    pages = (
        dynamodb()
        .get_paginator("scan")
        .paginate(
            TableName=table_name(),
            FilterExpression="#type = :txn",
            ExpressionAttributeNames={"#type": "type"},
            ExpressionAttributeValues={":txn": {"S": "txn"}},
        )
    )
    return [item for page in pages for item in page["Items"]]


def forget_index(item: dict) -> None:
    """As a transaction written before the index existed."""
    dynamodb().update_item(
        TableName=table_name(),
        Key={"PK": item["PK"], "SK": item["SK"]},
        UpdateExpression="REMOVE GSI1PK, GSI1SK",
    )


def test_the_backfill_indexes_old_transactions_once(api, org, capsys) -> None:
    for giver, recipient in ((ALICE, BOB), (BOB, CARLOS), (CARLOS, ALICE)):
        body = {"recipient_ids": [recipient], "points": 3, "message": "Thanks!"}
        assert api.call("POST", "/v1/recognitions", as_employee=giver, body=body).status == 201
    everything = every_transaction()
    today = {item["id"]["S"] for item in everything if item["at"]["S"].startswith("2026-11-16")}
    assert len(today) >= 3
    assert transactions_of_the_day() == today
    old = [item for item in everything if item["id"]["S"] in today][:2]
    for item in old:
        forget_index(item)
    assert transactions_of_the_day() == today - {item["id"]["S"] for item in old}  # what an export missed

    assert cli.main(["exports", "backfill", "--table", table_name()]) == 0
    assert "2 transactions indexed" in capsys.readouterr().out
    assert transactions_of_the_day() == today
    indexed = {item["id"]["S"]: (item["GSI1PK"], item["GSI1SK"]) for item in every_transaction()}

    assert cli.main(["exports", "backfill", "--table", table_name()]) == 0  # idempotent
    assert "0 transactions indexed" in capsys.readouterr().out
    assert {item["id"]["S"]: (item["GSI1PK"], item["GSI1SK"]) for item in every_transaction()} == indexed
