"""plaudit_dev.moto_patches: moto keeps nothing it no longer needs, and still answers as DynamoDB does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.dynamo_type import Item
from moto.dynamodbstreams.models import dynamodbstreams_backends
from moto.sqs.models import sqs_backends

from plaudit_dev import moto_patches
from plaudit_dev.local_aws import ACCOUNT_ID, REGION

TABLE = "patched"


@pytest.fixture
def dynamodb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    moto_patches.apply()
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        client.create_table(
            TableName=TABLE,
            KeySchema=[
                {"AttributeName": "PK", "KeyType": "HASH"},
                {"AttributeName": "SK", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "PK", "AttributeType": "S"},
                {"AttributeName": "SK", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        yield client


def _key(pk: str) -> dict[str, Any]:
    return {"PK": {"S": pk}, "SK": {"S": "A"}}


def _put(client: Any, pk: str, points: int) -> None:
    client.put_item(TableName=TABLE, Item={**_key(pk), "points": {"N": str(points)}})


def _points(client: Any, pk: str) -> int | None:
    item = client.get_item(TableName=TABLE, Key=_key(pk)).get("Item")
    return int(item["points"]["N"]) if item else None


def _stream_records(client: Any) -> list[dict[str, Any]]:
    streams = boto3.client("dynamodbstreams", region_name=REGION)
    arn = client.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    return streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]


def _table() -> Any:
    return dynamodb_backends[ACCOUNT_ID][REGION].tables[TABLE]


def test_a_cancelled_transaction_leaves_items_and_stream_as_they_were(dynamodb: Any) -> None:
    _put(dynamodb, "kept", 10)
    _put(dynamodb, "guard", 1)
    before = _stream_records(dynamodb)
    update = {"TableName": TABLE, "Key": _key("kept"), "UpdateExpression": "SET points = :p"}
    with pytest.raises(dynamodb.exceptions.TransactionCanceledException):
        dynamodb.transact_write_items(
            TransactItems=[
                {"Update": {**update, "ExpressionAttributeValues": {":p": {"N": "99"}}}},
                {"Put": {"TableName": TABLE, "Item": {**_key("new"), "points": {"N": "5"}}}},
                {
                    "Delete": {
                        "TableName": TABLE,
                        "Key": _key("guard"),
                        "ConditionExpression": "points > :n",
                        "ExpressionAttributeValues": {":n": {"N": "5"}},
                    }
                },
            ]
        )
    assert (_points(dynamodb, "kept"), _points(dynamodb, "new"), _points(dynamodb, "guard")) == (10, None, 1)
    assert _stream_records(dynamodb) == before

    dynamodb.transact_write_items(
        TransactItems=[{"Update": {**update, "ExpressionAttributeValues": {":p": {"N": "11"}}}}]
    )
    after = _stream_records(dynamodb)
    assert _points(dynamodb, "kept") == 11
    assert [r["eventName"] for r in after] == ["INSERT", "INSERT", "MODIFY"]
    assert int(after[-1]["dynamodb"]["SequenceNumber"]) == int(after[-2]["dynamodb"]["SequenceNumber"]) + 1


def test_moto_keeps_no_record_of_the_objects_it_made(dynamodb: Any) -> None:
    for number in range(20):
        _put(dynamodb, f"p{number}", number)
        dynamodb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": TABLE, "Item": {**_key(f"t{number}"), "points": {"N": "1"}}}}
            ]
        )
    assert Item.instances_tracked == []


def test_trimmed_stream_records_are_gone_and_numbering_goes_on(dynamodb: Any) -> None:
    for number in range(5):
        _put(dynamodb, f"p{number}", number)
    numbers = [int(r["dynamodb"]["SequenceNumber"]) for r in _stream_records(dynamodb)]

    assert moto_patches.trim_stream(_table(), numbers[2]) == 3
    assert moto_patches.trim_stream(_table(), numbers[2]) == 0
    _put(dynamodb, "p5", 5)
    remaining = [int(r["dynamodb"]["SequenceNumber"]) for r in _stream_records(dynamodb)]
    assert remaining == [numbers[3], numbers[4], numbers[4] + 1]


def test_shard_iterators_are_bounded(dynamodb: Any) -> None:
    _put(dynamodb, "p", 1)
    for _ in range(moto_patches.MAX_SHARD_ITERATORS + 50):
        _stream_records(dynamodb)
    assert (
        len(dynamodbstreams_backends[ACCOUNT_ID][REGION].shard_iterators) <= moto_patches.MAX_SHARD_ITERATORS
    )


def test_reading_or_deleting_keys_leaves_no_empty_partitions(dynamodb: Any) -> None:
    _put(dynamodb, "kept", 1)
    for number in range(50):
        assert _points(dynamodb, f"missing{number}") is None
        _put(dynamodb, f"gone{number}", number)
        dynamodb.delete_item(TableName=TABLE, Key=_key(f"gone{number}"))
        dynamodb.delete_item(TableName=TABLE, Key=_key(f"never{number}"))
        with pytest.raises(dynamodb.exceptions.TransactionCanceledException):
            dynamodb.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": TABLE, "Item": {**_key(f"new{number}"), "points": {"N": "1"}}}},
                    {
                        "ConditionCheck": {
                            "TableName": TABLE,
                            "Key": _key("kept"),
                            "ConditionExpression": "attribute_not_exists(PK)",
                        }
                    },
                ]
            )
    assert len(_table().items) == 1
    assert _points(dynamodb, "kept") == 1


def test_a_queue_remembers_only_the_latest_deleted_receipt_handles(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SQS", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setattr(moto_patches, "MAX_DELETED_RECEIPT_HANDLES", 5)
    moto_patches.apply()
    with mock_aws():
        sqs = boto3.client("sqs", region_name=REGION)
        url = sqs.create_queue(QueueName="patched")["QueueUrl"]
        handles = []
        for number in range(12):
            sqs.send_message(QueueUrl=url, MessageBody=str(number))
            message = sqs.receive_message(QueueUrl=url)["Messages"][0]
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            handles.append(message["ReceiptHandle"])
        queue = sqs_backends[ACCOUNT_ID][REGION].queues["patched"]
        assert len(queue.deleted_messages) == 5
        sqs.delete_message(QueueUrl=url, ReceiptHandle=handles[-1])  # a second delete still succeeds
        assert len(queue.deleted_messages) == 5


class _Invoker:
    def __init__(self) -> None:
        self.batches: list[int] = []

    def invoke(self, function_id: str, event: dict[str, Any]) -> dict[str, Any]:
        self.batches.append(len(event["Records"]))
        return {"batchItemFailures": []}


def test_the_stream_pump_trims_what_every_consumer_has_read(
    aws: Any, template: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from plaudit_dev import streams

    monkeypatch.setattr(streams, "client", lambda service, _url: boto3.client(service, region_name=REGION))
    table = template.tables["DomainTable"].name
    trims: list[tuple[str, int]] = []

    def trim(name: str, through: int) -> None:
        trims.append((name, through))
        moto_patches.trim_stream(dynamodb_backends[ACCOUNT_ID][REGION].tables[name], through)

    pump = streams.StreamPump(template, _Invoker(), "http://moto", trim)
    assert len({source.table_id for source in template.stream_sources}) == 1  # else: one trim per table
    aws.put_item(TableName=table, Item={"PK": {"S": "X#1"}, "SK": {"S": "X"}})
    pump.drain()
    shard = dynamodb_backends[ACCOUNT_ID][REGION].tables[table].stream_shard
    assert [name for name, _ in trims] == [table]
    assert shard.items == []

    aws.put_item(TableName=table, Item={"PK": {"S": "X#2"}, "SK": {"S": "X"}})
    pump.drain()
    assert trims[-1][1] == trims[0][1] + 1
    assert shard.items == []


def test_a_query_reads_its_partition_not_the_whole_table(
    dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    dynamodb.update_table(
        TableName=TABLE,
        AttributeDefinitions=[{"AttributeName": "team", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[
            {
                "Create": {
                    "IndexName": "ByTeam",
                    "KeySchema": [{"AttributeName": "team", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            }
        ],
    )
    for pk, sk, team in [("a", "2", "red"), ("a", "1", "blue"), ("b", "1", "red"), ("c", "1", "red")]:
        dynamodb.put_item(TableName=TABLE, Item={"PK": {"S": pk}, "SK": {"S": sk}, "team": {"S": team}})

    def whole_table(_self: Any) -> list[Any]:
        raise AssertionError("the query went through every item of the table, sorted")

    monkeypatch.setattr(type(_table()), "all_items", whole_table)
    partition = dynamodb.query(
        TableName=TABLE,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": "a"}},
        ScanIndexForward=False,
    )
    assert [item["SK"]["S"] for item in partition["Items"]] == ["2", "1"]
    team = dynamodb.query(
        TableName=TABLE,
        IndexName="ByTeam",
        KeyConditionExpression="team = :team",
        ExpressionAttributeValues={":team": {"S": "red"}},
    )
    assert sorted(item["PK"]["S"] for item in team["Items"]) == ["a", "b", "c"]
