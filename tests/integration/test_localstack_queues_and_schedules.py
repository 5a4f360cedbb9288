"""Queues, SQS consumers, schedules and webhook secrets in the local stack and the test harness, on scratch
templates and scratch functions (not functions/).

- plaudit_dev.template: AWS::SQS::Queue, SQS events, Schedule/ScheduleV2 events, queue intrinsics;
- plaudit_dev.queues.QueuePump against moto: record shape, partial failures, redrive, filters;
- the `api` harness's `drain_queues()` and the `aws` fixture's queues and variables;
- a running LocalStack: delivery after a request, retries by the poller, the dead-letter queue, the schedule
  ticker, `POST /_local/schedules/{id}/fire` and `plaudit schedule fire`, the webhook secrets.
"""

from __future__ import annotations

import json
import os
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest

from plaudit_dev import cli
from plaudit_dev.iam import local_resources, translate_roles
from plaudit_dev.iam_calls import Access
from plaudit_dev.local_aws import client
from plaudit_dev.local_secrets import DEV_WEBHOOK_SECRETS, webhook_secrets
from plaudit_dev.queues import QueuePump, create_queues, sqs_record
from plaudit_dev.schedules import (
    UnknownSchedule,
    find_schedule,
    schedule_event,
    tick_seconds,
)
from plaudit_dev.stack import LocalStack
from plaudit_dev.template import RULE_EVENT, SCHEDULER_EVENT, Template, TemplateError, load_template

ACCOUNT = "123456789012"

# Resource names differ from other local-stack tests': moto's backends are global to the test process, and a
# stack keeps a table or queue that already exists there.
TEMPLATE = """
Parameters:
  Stage: {Type: String, Default: local}
  HrisSecretArn: {Type: String, Default: ""}
Globals:
  Function:
    Runtime: python3.13
    Handler: app.handler
    Timeout: 5
    MemorySize: 256
    Environment:
      Variables:
        TABLE_NAME: !Ref JobsSeen
        IDEMPOTENCY_TABLE_NAME: !Ref JobsIdempotency
Resources:
  Api:
    Type: AWS::Serverless::HttpApi
  JobsSeen:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
  JobsIdempotency:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 20
      MessageRetentionPeriod: 3600
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt JobsDeadLetters.Arn
        maxReceiveCount: 2
  JobsDeadLetters:
    Type: AWS::SQS::Queue
    Properties:
      MessageRetentionPeriod: 1209600
      SqsManagedSseEnabled: true
  Ordered:
    Type: AWS::SQS::Queue
    Properties: {FifoQueue: true, ContentBasedDeduplication: true}
  SenderFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: sender
      Environment:
        Variables:
          JOBS_URL: !Ref Jobs
          JOBS_ARN: !GetAtt Jobs.Arn
          JOBS_NAME: !GetAtt Jobs.QueueName
          ORDERED_URL: !GetAtt Ordered.QueueUrl
          HRIS_SECRET_ARN: !Ref HrisSecretArn
      Policies:
        - SQSSendMessagePolicy: {QueueName: !GetAtt Jobs.QueueName}
      Events:
        Send: {Type: HttpApi, Properties: {ApiId: !Ref Api, Path: /jobs, Method: POST}}
  WorkerFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: worker
      Policies:
        - DynamoDBCrudPolicy: {TableName: !Ref JobsSeen}
      Events:
        Jobs:
          Type: SQS
          Properties:
            Queue: !GetAtt Jobs.Arn
            BatchSize: 5
            FunctionResponseTypes: [ReportBatchItemFailures]
        Paused:
          Type: SQS
          Properties: {Queue: !GetAtt Ordered.Arn, Enabled: false}
  TickFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: tick
      Environment:
        Variables:  # locally, the dev webhook secrets stand in for these secrets
          HRIS_SECRET_ARN: !Ref HrisSecretArn
          BAMBOOHR_SECRET_ARN: ""
      Policies:
        - DynamoDBCrudPolicy: {TableName: !Ref JobsSeen}
      Events:
        Hourly:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: rate(1 hour)
            FlexibleTimeWindow: {Mode: "OFF"}
  JobFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: tick
      Policies:
        - DynamoDBCrudPolicy: {TableName: !Ref JobsSeen}
      Events:
        Nightly:
          Type: Schedule
          Properties:
            Name: !Sub plaudit-${Stage}-nightly
            Schedule: cron(0 2 * * ? *)
            Input: '{"job": "nightly"}'
        Weekly:
          Type: ScheduleV2
          Properties: {ScheduleExpression: rate(7 days), State: DISABLED}
"""

SENDER_APP = """
import json
import os

import boto3

sqs = boto3.client("sqs")


def handler(event, context):
    texts = json.loads(event["body"])["messages"]
    for text in texts:
        sqs.send_message(QueueUrl=os.environ["JOBS_URL"], MessageBody=text)
    return {"statusCode": 202, "body": json.dumps({"sent": len(texts)})}
"""

WORKER_APP = """
import json
import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    failures = []
    for record in event["Records"]:
        body = record["body"]
        seen = table.update_item(
            Key={"pk": "job-" + body},
            UpdateExpression="ADD deliveries :one SET #record = :record",
            ExpressionAttributeNames={"#record": "record"},
            ExpressionAttributeValues={":one": 1, ":record": json.dumps(record)},
            ReturnValues="UPDATED_NEW",
        )
        first = seen["Attributes"]["deliveries"] == 1
        if body.startswith("poison") or (body.startswith("fail-once") and first):
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
"""

TICK_APP = """
import json
import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    table.update_item(
        Key={"pk": "ticks-" + context.function_name},
        UpdateExpression="ADD #count :one SET #event = :event",
        ExpressionAttributeNames={"#count": "count", "#event": "event"},
        ExpressionAttributeValues={":one": 1, ":event": json.dumps(event)},
    )
    secrets = ("HRIS_WEBHOOK_SECRET", "BAMBOOHR_WEBHOOK_KEY")
    return {"event": event, "env": {name: os.environ.get(name) for name in secrets}}
"""

FUNCTIONS = {"sender": SENDER_APP, "worker": WORKER_APP, "tick": TICK_APP}


def write_scratch(root: Path, template: str = TEMPLATE) -> Path:
    (root / "template.yaml").write_text(template)
    for folder, code in FUNCTIONS.items():
        (root / folder).mkdir(exist_ok=True)
        (root / folder / "app.py").write_text(textwrap.dedent(code))
    return root / "template.yaml"


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Template:
    return load_template(write_scratch(tmp_path_factory.mktemp("scratch")))


# --- the template ------------------------------------------------------------------------------------


def test_queues(scratch: Template) -> None:
    jobs, dead, ordered = (scratch.queues[name] for name in ("Jobs", "JobsDeadLetters", "Ordered"))
    assert jobs.name == "plaudit-local-Jobs"
    assert jobs.url == f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/plaudit-local-Jobs"
    assert jobs.arn == f"arn:aws:sqs:us-east-1:{ACCOUNT}:plaudit-local-Jobs"
    assert jobs.visibility_timeout_s == 20
    assert jobs.redrive is not None
    assert (jobs.redrive.dead_letter_queue_id, jobs.redrive.max_receive_count) == ("JobsDeadLetters", 2)
    attributes = dict(jobs.attributes)
    assert json.loads(attributes.pop("RedrivePolicy")) == {
        "deadLetterTargetArn": dead.arn,
        "maxReceiveCount": 2,
    }
    assert attributes == {"VisibilityTimeout": "20", "MessageRetentionPeriod": "3600"}
    assert dead.redrive is None
    assert dead.attributes == {"MessageRetentionPeriod": "1209600"}  # SSE: not a CreateQueue attribute
    assert dead.visibility_timeout_s == 30  # SQS's default
    assert ordered.name == "plaudit-local-Ordered.fifo"
    assert ordered.attributes == {"FifoQueue": "true", "ContentBasedDeduplication": "true"}


def test_queue_intrinsics_in_environments(scratch: Template) -> None:
    env = scratch.functions["SenderFunction"].environment
    assert env["JOBS_URL"] == scratch.queues["Jobs"].url  # !Ref <Queue>
    assert env["JOBS_ARN"] == scratch.queues["Jobs"].arn
    assert env["JOBS_NAME"] == "plaudit-local-Jobs"
    assert env["ORDERED_URL"] == f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/plaudit-local-Ordered.fifo"
    assert env["HRIS_SECRET_ARN"] == ""  # a secret ARN parameter, empty by default
    assert env["IDEMPOTENCY_TABLE_NAME"] == "plaudit-local-JobsIdempotency"
    assert scratch.resource_environment() == {
        "TABLE_NAME": "plaudit-local-JobsSeen",
        "IDEMPOTENCY_TABLE_NAME": "plaudit-local-JobsIdempotency",
        "JOBS_URL": scratch.queues["Jobs"].url,
        "JOBS_ARN": scratch.queues["Jobs"].arn,
        "JOBS_NAME": "plaudit-local-Jobs",
        "ORDERED_URL": scratch.queues["Ordered"].url,
    }


def test_sqs_event_sources(scratch: Template) -> None:
    (source,) = scratch.queue_sources  # `Enabled: false` maps nothing
    assert (source.function_id, source.queue_id, source.batch_size) == ("WorkerFunction", "Jobs", 5)
    assert source.report_batch_item_failures
    assert source.filter_patterns == ()


def test_schedules(scratch: Template) -> None:
    schedules = {(s.function_id, s.event_id): s for s in scratch.schedules}
    hourly = schedules["TickFunction", "Hourly"]
    assert (hourly.kind, hourly.expression, hourly.rate_seconds) == (SCHEDULER_EVENT, "rate(1 hour)", 3600)
    assert (hourly.name, hourly.input, hourly.enabled) == ("TickFunctionHourly", None, True)
    assert hourly.arn == f"arn:aws:scheduler:us-east-1:{ACCOUNT}:schedule/default/TickFunctionHourly"
    nightly = schedules["JobFunction", "Nightly"]
    assert (nightly.kind, nightly.name, nightly.rate_seconds) == (RULE_EVENT, "plaudit-local-nightly", None)
    assert nightly.arn == f"arn:aws:events:us-east-1:{ACCOUNT}:rule/plaudit-local-nightly"
    weekly = schedules["JobFunction", "Weekly"]
    assert (weekly.enabled, weekly.rate_seconds) == (False, 7 * 86400)

    assert tick_seconds(hourly, {}) == 3600
    assert tick_seconds(hourly, {"PLAUDIT_SCHEDULE_SECONDS": "2.5"}) == 2.5
    assert tick_seconds(nightly, {}) is None  # cron ticks only at the sped-up period
    assert tick_seconds(nightly, {"PLAUDIT_SCHEDULE_SECONDS": "5"}) == 5
    assert tick_seconds(weekly, {"PLAUDIT_SCHEDULE_SECONDS": "5"}) is None  # State: DISABLED
    with pytest.raises(ValueError, match="positive"):
        tick_seconds(hourly, {"PLAUDIT_SCHEDULE_SECONDS": "0"})

    assert find_schedule(scratch, "TickFunction") is hourly
    assert find_schedule(scratch, "JobFunction", "Nightly") is nightly
    with pytest.raises(UnknownSchedule, match="several schedules"):
        find_schedule(scratch, "JobFunction")
    with pytest.raises(UnknownSchedule, match="no schedule for SenderFunction"):
        find_schedule(scratch, "SenderFunction")


def test_schedule_events(scratch: Template) -> None:
    at = datetime(2026, 11, 23, 14, 0, 5, 123, tzinfo=UTC)
    hourly = find_schedule(scratch, "TickFunction")
    event = schedule_event(hourly, at)
    assert event == {
        "version": "0",
        "id": event["id"],
        "detail-type": "Scheduled Event",
        "source": "aws.scheduler",
        "account": ACCOUNT,
        "time": "2026-11-23T14:00:05Z",
        "region": "us-east-1",
        "resources": [hourly.arn],
        "detail": "{}",  # EventBridge Scheduler's default notification carries detail as a string
    }
    assert schedule_event(find_schedule(scratch, "JobFunction", "Nightly"), at) == {"job": "nightly"}  # Input
    nightly = find_schedule(scratch, "JobFunction", "Nightly")
    rule = schedule_event(replace(nightly, input=None), at)  # an EventBridge rule's default event
    assert (rule["source"], rule["detail"], rule["resources"]) == ("aws.events", {}, [nightly.arn])


@pytest.mark.parametrize(
    ("original", "replacement", "message"),
    [
        ("Queue: !GetAtt Jobs.Arn", "Queue: arn:aws:sqs:us-east-1:1:x", r"must be !GetAtt <Queue>\.Arn"),
        ("Queue: !GetAtt Jobs.Arn", "Queue: !GetAtt JobsSeen.Arn", "JobsSeen is not a queue"),
        ("deadLetterTargetArn: !GetAtt JobsDeadLetters.Arn", "deadLetterTargetArn: x", "must be !GetAtt"),
        (
            "JOBS_NAME: !GetAtt Jobs.QueueName",
            "JOBS_NAME: !GetAtt Jobs.Nope",
            r"cannot resolve !GetAtt Jobs\.Nope",
        ),
        (
            "JOBS_NAME: !GetAtt Jobs.QueueName",
            "JOBS_NAME: !ImportValue shared",
            "cannot resolve !ImportValue",
        ),
        ('Input: \'{"job": "nightly"}\'', "Input: not json", "Input must be JSON"),
        (
            "ScheduleExpression: rate(7 days)",
            "ScheduleExpression: !GetAZs ''",
            "does not resolve to a string",
        ),
    ],
)
def test_what_the_local_stack_cannot_reproduce_is_an_error(
    tmp_path: Path, original: str, replacement: str, message: str
) -> None:
    assert original in TEMPLATE
    (tmp_path / "template.yaml").write_text(TEMPLATE.replace(original, replacement))
    with pytest.raises(TemplateError, match=message):
        load_template(tmp_path / "template.yaml")


def test_the_real_template_loads() -> None:
    real = load_template(parameters={"JwtIssuer": "http://issuer", "JwtAudience": "aud"})
    for source in real.queue_sources:
        assert source.queue_id in real.queues
        assert source.function_id in real.functions
    for schedule in real.schedules:
        assert schedule.function_id in real.functions
        assert schedule.rate_seconds or schedule.expression.startswith(("cron(", "at("))
    for queue in real.queues.values():
        assert queue.redrive is None or queue.redrive.dead_letter_queue_id in real.queues


def test_webhook_secrets_default_to_documented_dev_values() -> None:
    assert webhook_secrets({}) == {
        "HRIS_WEBHOOK_SECRET": "plaudit-dev-hris-secret",
        "BAMBOOHR_WEBHOOK_KEY": "plaudit-dev-bamboohr-key",
    }
    assert webhook_secrets({"HRIS_WEBHOOK_SECRET": "mine"})["HRIS_WEBHOOK_SECRET"] == "mine"


# --- QueuePump against moto (in-process) ---------------------------------------------------------------


@dataclass
class FakeConsumer:
    """Stands in for a consumer function: records every batch, fails what `fail` says."""

    fail: Callable[[list[dict[str, Any]]], Any] = lambda batch: None
    batches: list[list[dict[str, Any]]] | None = None

    def __call__(self, function_id: str, event: Any) -> Any:
        assert function_id == "WorkerFunction"
        self.batches = [*(self.batches or []), event["Records"]]
        return self.fail(event["Records"])


def _pump(template: Template, consumer: FakeConsumer) -> tuple[QueuePump, Any]:
    sqs = boto3.client("sqs", region_name="us-east-1")
    create_queues(sqs, template.queues.values())
    return QueuePump(template, consumer, sqs), sqs


def _count(sqs: Any, url: str) -> int:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def test_records_are_shaped_as_lambda_delivers_them(aws: Any, scratch: Template) -> None:
    consumer = FakeConsumer()
    pump, sqs = _pump(scratch, consumer)
    jobs = scratch.queues["Jobs"]
    attribute = {"kind": {"DataType": "String", "StringValue": "test"}}
    sent = sqs.send_message(QueueUrl=jobs.url, MessageBody='{"n": 1}', MessageAttributes=attribute)
    report = pump.drain()
    assert (report.delivered, report.succeeded, report.failures) == (1, 1, [])
    (record,) = consumer.batches[0]
    assert record["messageId"] == sent["MessageId"]
    assert record["receiptHandle"]
    assert record["body"] == '{"n": 1}'
    assert record["md5OfBody"] == sent["MD5OfMessageBody"]
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert {"SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"} <= set(record["attributes"])
    assert record["messageAttributes"] == {
        "kind": {"stringValue": "test", "stringListValues": [], "binaryListValues": [], "dataType": "String"}
    }
    assert (record["eventSource"], record["eventSourceARN"], record["awsRegion"]) == (
        "aws:sqs",
        jobs.arn,
        "us-east-1",
    )
    assert _count(sqs, jobs.url) == 0  # deleted after success
    assert pump.drain().delivered == 0


def test_batches_partial_failures_and_redrive(aws: Any, scratch: Template) -> None:
    def fail(batch: list[dict[str, Any]]) -> Any:
        return {
            "batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in batch if r["body"] == "bad"]
        }

    consumer = FakeConsumer(fail)
    pump, sqs = _pump(scratch, consumer)
    jobs, dead = scratch.queues["Jobs"], scratch.queues["JobsDeadLetters"]
    for body in ["bad", *(f"ok-{i}" for i in range(6))]:
        sqs.send_message(QueueUrl=jobs.url, MessageBody=body)

    first = pump.drain()
    assert [len(batch) for batch in consumer.batches] == [5, 2]  # BatchSize 5
    assert (first.delivered, first.succeeded) == (7, 6)
    (failure,) = first.failures
    assert (failure.function_id, failure.queue_id, failure.body) == ("WorkerFunction", "Jobs", "bad")
    assert (failure.receive_count, failure.error) == (1, None)
    assert _count(sqs, jobs.url) == 1  # only the failed message is left, visible again for the next drain

    second = pump.drain()  # maxReceiveCount 2: the second receive is the last
    assert [(f.body, f.receive_count) for f in second.failures] == [("bad", 2)]
    third = pump.drain()  # moto's redrive moves it to the dead-letter queue on the next receive
    assert (third.delivered, third.failures) == (0, [])
    assert _count(sqs, jobs.url) == 0
    (parked,) = sqs.receive_message(QueueUrl=dead.url)["Messages"]
    assert parked["Body"] == "bad"


@pytest.mark.parametrize(
    ("result", "error"),
    [
        (RuntimeError("consumer crashed"), "RuntimeError: consumer crashed"),
        ({"batchItemFailures": [{"itemIdentifier": ""}]}, None),  # an unknown identifier fails the batch
    ],
)
def test_whole_batch_failures(aws: Any, scratch: Template, result: Any, error: str | None) -> None:
    def fail(batch: list[dict[str, Any]]) -> Any:
        if isinstance(result, Exception):
            raise result
        return result

    pump, sqs = _pump(scratch, FakeConsumer(fail))
    for body in ("a", "b"):
        sqs.send_message(QueueUrl=scratch.queues["Jobs"].url, MessageBody=body)
    report = pump.drain()
    assert (report.delivered, report.succeeded) == (2, 0)
    assert sorted((f.body, f.error) for f in report.failures) == [("a", error), ("b", error)]
    assert _count(sqs, scratch.queues["Jobs"].url) == 2


def test_filter_criteria_discard_what_they_reject(aws: Any, tmp_path: Path) -> None:
    pattern = """
            FilterCriteria:
              Filters:
                - Pattern: '{"body": {"kind": ["job"]}}'
"""
    template_path = write_scratch(
        tmp_path, TEMPLATE.replace("            BatchSize: 5\n", "            BatchSize: 5\n" + pattern)
    )
    template = load_template(template_path)
    consumer = FakeConsumer()
    pump, sqs = _pump(template, consumer)
    for body in ('{"kind": "job"}', '{"kind": "other"}', "not json"):
        sqs.send_message(QueueUrl=template.queues["Jobs"].url, MessageBody=body)
    report = pump.drain()
    assert (report.delivered, report.filtered) == (1, 2)
    assert [record["body"] for record in consumer.batches[0]] == ['{"kind": "job"}']
    assert _count(sqs, template.queues["Jobs"].url) == 0


def test_sqs_record_binary_attributes(scratch: Template) -> None:
    message = {
        "MessageId": "m1",
        "ReceiptHandle": "r1",
        "Body": "x",
        "MD5OfBody": "d",
        "MessageAttributes": {"blob": {"DataType": "Binary", "BinaryValue": b"\x00\xff"}},
        "MD5OfMessageAttributes": "e",
    }
    record = sqs_record(message, scratch.queues["Jobs"])
    assert record["messageAttributes"]["blob"]["binaryValue"] == "AP8="
    assert record["md5OfMessageAttributes"] == "e"


# --- the test harness -----------------------------------------------------------------------------------


def test_aws_fixture_creates_the_real_templates_queues_and_variables(aws: Any, template: Template) -> None:
    names = {url.rsplit("/", 1)[-1] for url in boto3.client("sqs").list_queues().get("QueueUrls", [])}
    assert names == {queue.name for queue in template.queues.values()}
    assert os.environ["IDEMPOTENCY_TABLE_NAME"] == template.tables["IdempotencyTable"].name
    expected = {**template.resource_environment(), **DEV_WEBHOOK_SECRETS}
    # the harness's functions have the local stack's roles: its dev issuer, no user pool
    assert expected.pop("USER_POOL_ID", None) is not None
    assert "USER_POOL_ID" not in os.environ
    for name, value in expected.items():
        assert os.environ[name] == value


def test_api_harness_drains_queues(
    api: Any, aws: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_scratch(tmp_path)
    template = load_template(path)
    for spec in template.tables.values():
        aws.create_table(**spec.create_kwargs)
    create_queues(boto3.client("sqs"), template.queues.values())
    monkeypatch.setenv("TABLE_NAME", template.tables["JobsSeen"].name)
    policies = translate_roles(path, {}).policies(local_resources(template, {}), template.functions)
    access = {
        function_id: Access(spec.name, policies[function_id])
        for function_id, spec in template.functions.items()
    }
    api = type(api)(template, aws, access)  # the harness, over the scratch template and its roles
    sqs = boto3.client("sqs")
    for body in ("fine", "fail-once-x", "poison-x"):
        sqs.send_message(QueueUrl=template.queues["Jobs"].url, MessageBody=body)

    first = api.drain_queues()
    assert sorted(f.body for f in first) == ["fail-once-x", "poison-x"]
    second = api.drain_queues()  # fail-once succeeds on its second delivery
    assert [(f.body, f.receive_count) for f in second] == [("poison-x", 2)]
    assert api.drain_queues() == []  # redriven
    assert [f.body for f in api.queue_failures] == [f.body for f in first + second]
    seen = aws.get_item(TableName=template.tables["JobsSeen"].name, Key={"pk": {"S": "job-fail-once-x"}})
    assert seen["Item"]["deliveries"] == {"N": "2"}
    dead = sqs.receive_message(QueueUrl=template.queues["JobsDeadLetters"].url)["Messages"]
    assert [message["Body"] for message in dead] == ["poison-x"]


# --- a running local stack ------------------------------------------------------------------------------


@dataclass
class Stack:
    url: str
    aws_endpoint_url: str

    def post(self, path: str, body: Any = None) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else b""
        request = urllib.request.Request(self.url + path, data=data, method="POST")  # noqa: S310 - loopback
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def item(self, pk: str) -> dict[str, Any] | None:
        table = "plaudit-local-JobsSeen"
        return (
            client("dynamodb", self.aws_endpoint_url)
            .get_item(TableName=table, Key={"pk": {"S": pk}})
            .get("Item")
        )

    def count(self, queue: str) -> int:
        sqs = client("sqs", self.aws_endpoint_url)
        return _count(sqs, f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/plaudit-local-{queue}")


def eventually(check: Callable[[], Any], timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.2)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    root = tmp_path_factory.mktemp("stack")
    write_scratch(root)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PLAUDIT_STATE_DIR", str(root / "state"))
        patch.setenv("PLAUDIT_SCHEDULE_SECONDS", "1")
        patch.delenv("PLAUDIT_SCHEDULES", raising=False)
        patch.delenv("HRIS_WEBHOOK_SECRET", raising=False)
        patch.setenv("BAMBOOHR_WEBHOOK_KEY", "the-developers-own-key")
        local = LocalStack(port=0, template_path=root / "template.yaml", max_workers=2)
        state = local.start()
        try:
            yield Stack(state.api_url, state.aws_endpoint_url)
        finally:
            local.stop()


def test_messages_reach_their_consumer_before_the_response(stack: Stack) -> None:
    assert stack.post("/jobs", {"messages": ["hello"]}) == (202, {"sent": 1})
    item = stack.item("job-hello")
    assert item is not None
    assert item["deliveries"] == {"N": "1"}
    record = json.loads(item["record"]["S"])
    assert record["eventSourceARN"] == f"arn:aws:sqs:us-east-1:{ACCOUNT}:plaudit-local-Jobs"
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert stack.count("Jobs") == 0


def test_failed_messages_are_retried_then_redriven(stack: Stack) -> None:
    assert stack.post("/jobs", {"messages": ["fail-once", "poison"]})[0] == 202
    assert stack.item("job-fail-once")["deliveries"] == {"N": "1"}  # failed in the request's drain
    assert eventually(lambda: stack.item("job-fail-once")["deliveries"] == {"N": "2"})  # the poller retried
    assert eventually(lambda: stack.count("JobsDeadLetters") == 1)  # poison: after maxReceiveCount (2)
    assert stack.item("job-poison")["deliveries"] == {"N": "2"}
    assert stack.count("Jobs") == 0


def test_the_ticker_fires_schedules(stack: Stack) -> None:
    tick = eventually(lambda: stack.item("ticks-plaudit-local-TickFunction"))
    assert tick is not None
    event = json.loads(tick["event"]["S"])
    assert (event["source"], event["detail-type"]) == ("aws.scheduler", "Scheduled Event")
    assert event["resources"] == [
        f"arn:aws:scheduler:us-east-1:{ACCOUNT}:schedule/default/TickFunctionHourly"
    ]
    nightly = eventually(lambda: stack.item("ticks-plaudit-local-JobFunction"))  # cron, sped up
    assert json.loads(nightly["event"]["S"]) == {"job": "nightly"}


def test_fire_a_schedule_now(stack: Stack) -> None:
    status, fired = stack.post("/_local/schedules/TickFunction/fire")
    assert status == 200
    assert (fired["function"], fired["event"], fired["schedule"]) == (
        "TickFunction",
        "Hourly",
        "TickFunctionHourly",
    )
    assert fired["result"]["event"]["source"] == "aws.scheduler"
    assert fired["result"]["env"] == {
        "HRIS_WEBHOOK_SECRET": "plaudit-dev-hris-secret",  # the dev default
        "BAMBOOHR_WEBHOOK_KEY": "the-developers-own-key",  # the developer's environment wins
    }
    status, fired = stack.post("/_local/schedules/JobFunction/fire?event=Nightly")
    assert fired["result"]["event"] == {"job": "nightly"}
    status, missing = stack.post("/_local/schedules/JobFunction/fire")
    assert status == 404
    assert "several schedules" in missing["message"]


@pytest.fixture
def restored_environ() -> Iterator[None]:
    """connect_local points os.environ at the stack: put it back afterwards."""
    saved = dict(os.environ)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_plaudit_schedule_fire(
    stack: Stack, restored_environ: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["schedule", "fire", "JobFunction", "--event", "Nightly"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["result"]["event"] == {"job": "nightly"}
    assert cli.main(["schedule", "fire", "SenderFunction"]) == 2
    assert "no schedule for SenderFunction" in capsys.readouterr().err
