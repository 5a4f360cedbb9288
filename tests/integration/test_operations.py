"""What docs/operations.md tells an operator to run: `plaudit dlq list` and `plaudit dlq redrive` on the local
stack and on a deployed stack (moto's CloudFormation), and the point-in-time restore of the domain table."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from plaudit_dev import cli, state
from plaudit_dev.paths import TEMPLATE_PATH
from plaudit_dev.template import Template, load_yaml

CORRELATION = {"correlation_id": {"DataType": "String", "StringValue": "req-dlq-1"}}


@pytest.fixture
def local_stack(aws: Any, template: Template, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The CLI's local stack: the template's queues in moto."""
    urls = {name: queue.url for name, queue in template.queues.items()}
    running = state.LocalState(api_url="", aws_endpoint_url="", pid=0, tables={}, queues=urls)
    monkeypatch.setattr(state, "connect_local", lambda: running)
    return urls


def _visible(sqs: Any, url: str) -> int:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def test_dlq_list_and_redrive_on_the_local_stack(
    local_stack: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    sqs = boto3.client("sqs", region_name="us-east-1")
    for number in (1, 2):
        sqs.send_message(
            QueueUrl=local_stack["FulfilmentDeadLetterQueue"],
            MessageBody=json.dumps({"redemption_id": f"red_{number}"}),
            MessageAttributes=CORRELATION,
        )

    assert cli.main(["dlq", "list"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert "2 message(s)" in lines["FulfilmentDeadLetterQueue"]
    assert "redrive: back to FulfilmentQueue" in lines["FulfilmentDeadLetterQueue"]
    assert "0 message(s)" in lines["SlackDeadLetterQueue"]
    assert "docs/operations.md" in lines["SlackDeadLetterQueue"]  # not SQS's to move back
    assert set(lines) >= {"HrisEventsDeadLetterQueue", "ExportDeadLetterQueue", "ProjectionsDeadLetterQueue"}

    assert cli.main(["dlq", "redrive", "FulfilmentDeadLetterQueue"]) == 0
    assert "2 message(s) moved back to FulfilmentQueue (COMPLETED)" in capsys.readouterr().out
    assert _visible(sqs, local_stack["FulfilmentDeadLetterQueue"]) == 0
    moved = sqs.receive_message(
        QueueUrl=local_stack["FulfilmentQueue"], MaxNumberOfMessages=10, MessageAttributeNames=["All"]
    )["Messages"]
    assert sorted(json.loads(m["Body"])["redemption_id"] for m in moved) == ["red_1", "red_2"]
    assert all(m["MessageAttributes"]["correlation_id"]["StringValue"] == "req-dlq-1" for m in moved)


def test_dlq_redrive_refuses_what_sqs_cannot_move_back(
    local_stack: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["dlq", "redrive", "ProjectionsDeadLetterQueue"]) == 2
    assert "docs/operations.md" in capsys.readouterr().err
    assert cli.main(["dlq", "redrive", "FulfilmentQueue"]) == 2  # not a dead-letter queue
    assert "not a dead-letter queue" in capsys.readouterr().err


def test_dlq_commands_find_a_deployed_stacks_queues(aws: Any, capsys: pytest.CaptureFixture[str]) -> None:
    resources = load_yaml(TEMPLATE_PATH)["Resources"]
    queues = {name: res for name, res in resources.items() if res["Type"] == "AWS::SQS::Queue"}
    boto3.client("cloudformation", region_name="us-east-1").create_stack(
        StackName="plaudit-prod", TemplateBody=json.dumps({"Resources": queues})
    )
    sqs = boto3.client("sqs", region_name="us-east-1")
    urls = {
        r["LogicalResourceId"]: r["PhysicalResourceId"]
        for r in boto3.client("cloudformation", region_name="us-east-1").list_stack_resources(
            StackName="plaudit-prod"
        )["StackResourceSummaries"]
    }
    sqs.send_message(QueueUrl=urls["HrisEventsDeadLetterQueue"], MessageBody="{}")

    assert cli.main(["dlq", "list", "--stack", "plaudit-prod"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert "1 message(s)" in lines["HrisEventsDeadLetterQueue"]
    assert cli.main(["dlq", "redrive", "HrisEventsDeadLetterQueue", "--stack", "plaudit-prod"]) == 0
    assert _visible(sqs, urls["HrisEventsQueue"]) == 1
    assert _visible(sqs, urls["HrisEventsDeadLetterQueue"]) == 0


def test_point_in_time_restore_as_the_runbook_does_it(aws: Any, template: Template) -> None:
    """docs/operations.md, "Restoring the table": the table's recovery is on, and the restore call makes a
    new table with the same keys, indexes and items."""
    client = boto3.client("dynamodb", region_name="us-east-1")
    table = template.tables["DomainTable"].name
    spec = load_yaml(TEMPLATE_PATH)["Resources"]["DomainTable"]["Properties"]
    client.update_continuous_backups(
        TableName=table, PointInTimeRecoverySpecification=spec["PointInTimeRecoverySpecification"]
    )
    client.put_item(TableName=table, Item={"PK": {"S": "EMP#E1"}, "SK": {"S": "PROFILE"}, "name": {"S": "A"}})
    backups = client.describe_continuous_backups(TableName=table)["ContinuousBackupsDescription"]
    recovery = backups["PointInTimeRecoveryDescription"]
    assert recovery["PointInTimeRecoveryStatus"] == "ENABLED"

    client.restore_table_to_point_in_time(
        SourceTableName=table,
        TargetTableName=f"{table}-restored",
        RestoreDateTime=datetime.now(UTC) - timedelta(seconds=1),
        SSESpecificationOverride={"Enabled": True},
    )
    restored = client.describe_table(TableName=f"{table}-restored")["Table"]
    source = client.describe_table(TableName=table)["Table"]
    assert restored["KeySchema"] == source["KeySchema"]
    assert {i["IndexName"] for i in restored["GlobalSecondaryIndexes"]} == {
        i["IndexName"] for i in source["GlobalSecondaryIndexes"]
    }
    item = client.get_item(TableName=f"{table}-restored", Key={"PK": {"S": "EMP#E1"}, "SK": {"S": "PROFILE"}})
    assert item["Item"]["name"] == {"S": "A"}
