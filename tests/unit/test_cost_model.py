"""The cost model's arithmetic (bench.cost) and the request units it is fed (bench.capacity), on figures small
enough to check by hand."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bench import cost
from bench.capacity import Units, item_size, units_of
from bench.prices import PRICES

ITEM = {"PK": {"S": "EMP#1"}, "SK": {"S": "WALLET"}, "points": {"N": "120"}}  # 2+5 + 2+6 + 6+3 = 24 bytes


def test_item_sizes_count_names_and_values():
    assert item_size(ITEM) == 24
    assert item_size({"m": {"M": {"a": {"S": "xy"}}}, "l": {"L": [{"BOOL": True}]}}) == (
        1 + 3 + 1 + 1 + 2
    ) + (1 + 3 + 1 + 1)


def test_writes_reads_and_transactions_are_counted_as_on_demand_bills_them():
    big = ITEM | {"text": {"S": "x" * 1500}}  # over 1 KB: two write units
    assert units_of("PutItem", {"Item": big}, {}).write == 2
    assert units_of("PutItem", {"Item": ITEM | {"GSI1PK": {"S": "x"}}}, {}).write == 2  # the index's copy
    transact = {"TransactItems": [{"Put": {"Item": ITEM}}, {"Update": {}}, {"ConditionCheck": {}}]}
    assert units_of("TransactWriteItems", transact, {}) == Units(write=6, bytes_written=24)
    assert units_of("GetItem", {}, {"Item": ITEM}).read == 0.5  # eventually consistent
    assert units_of("GetItem", {"ConsistentRead": True}, {}).read == 1  # nothing found still costs
    assert units_of("Query", {}, {"Items": [ITEM] * 200}).read == 1  # 4,800 bytes: 2 units, halved
    batch = {"RequestItems": {"t": {"Keys": [{}, {}, {}]}}}
    assert units_of("BatchGetItem", batch, {"Responses": {"t": [ITEM]}}).read == 1.5  # per key
    assert units_of("TransactGetItems", {}, {"Responses": [{"Item": ITEM}, {}]}).read == 4


MEASURED = cost.Measured(
    kudos=Units(read=2, write=10, bytes_written=1000),
    projection=Units(read=8, write=90, bytes_written=9000),
    wallet=Units(read=1),
    feed=Units(read=2),
    notification=Units(read=1),
)
DECLARED = cost.Declared(
    memory_mb=1024,
    alarms=10,
    alarm_metrics=10,
    dashboards=1,
    kms_keys=1,
    secrets=2,
    scheduled_invocations=720,
    custom_metrics=5,
)


def test_a_month_of_the_workload_in_billed_units():
    work = cost.Workload(
        employees=100, kudos=1, reactions=0, home_opens=0, console_reads=0, redemptions=0, invocation_ms=100
    )
    use = cost.usage(work, MEASURED, DECLARED)
    kudos = 100 * cost.WEEKS_PER_MONTH
    assert use.write_units == pytest.approx(kudos * 100)  # 10 for the kudos, 90 for its projection
    assert use.read_units == pytest.approx(kudos * 11)
    assert use.invocations == pytest.approx(kudos * 4 + 720)
    assert use.gb_seconds == pytest.approx(use.invocations * 0.1)  # 100 ms at 1 GB
    assert use.stored_gb == pytest.approx(kudos * 10_000 / 1e9)
    assert use.maus == 50


def test_the_lines_price_the_units_and_the_fixed_parts():
    work = cost.Workload(employees=1000)
    use = cost.usage(work, MEASURED, DECLARED)
    lines = {line.what: line.usd for line in cost.monthly_lines(use, DECLARED)}
    assert lines["DynamoDB writes"] == pytest.approx(use.write_units * 0.625 / 1e6)
    assert lines["CloudWatch alarms"] == pytest.approx(1.0)
    assert lines["Secrets Manager"] == pytest.approx(2 * 0.40 + use.secret_calls * 0.05 / 1e4)
    assert lines["Cognito (list price, beyond the free 10,000 MAUs)"] == pytest.approx(500 * 0.015)
    assert cost.per_seat(work, MEASURED, DECLARED) == pytest.approx(sum(lines.values()) / 1000)
    # fixed costs spread: ten times the people cost less than ten times as much
    larger = cost.per_seat(cost.Workload(employees=10_000), MEASURED, DECLARED)
    assert larger < cost.per_seat(work, MEASURED, DECLARED)


def test_what_the_template_declares_is_counted_from_its_text():
    template = """\
Globals:
  Function:
    MemorySize: 512
Parameters:
  SlackSecretArn:
    Type: String
Resources:
  Key:
    Type: AWS::KMS::Key
  A1:
    Type: AWS::CloudWatch::Alarm
  A2:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Metrics:
        - Id: q
          Expression: !Sub "SELECT MAX(X) FROM SCHEMA(\"AWS/SQS\", Q) WHERE Q = '${A}' OR Q = '${B}'"
  A3:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Metrics:
        - Id: q
          Expression: !Sub SELECT SUM(KudosGiven) FROM "Plaudit/${AWS::StackName}"
  Secret:
    Type: AWS::SecretsManager::Secret
  F:
    Properties:
      Events:
        Tick:
          Properties:
            ScheduleExpression: rate(1 hour)
        Daily:
          Properties:
            ScheduleExpression: rate(1 day)
Outputs:
  SlackSecretArn:
    Value: !Ref Secret
"""
    code = 'metrics.add_metric(name="KudosGiven", unit=1)\nmetrics.add_metric(name="KudosGiven")'
    more = (
        'add_metric(\n    name="Other")\ncount("TalliedOnly")\nMETRIC = "SecretEmpty"\n'
        'with single_metric(\n    name="ProviderBalance", value=1):\n'
        'METRICS = frozenset(\n    {\n        "PointsGiven",\n        "Redemptions",\n    }\n)\n'
    )
    declared = cost.declared_by(template, [code, more])
    assert declared == cost.Declared(
        memory_mb=512,
        alarms=3,
        alarm_metrics=1 + 2 + 1,  # a metric, a query over two queues, a namespace's (one at least)
        dashboards=0,
        kms_keys=1,
        secrets=2,
        scheduled_invocations=720 + 30,
        # KudosGiven, Other, SecretEmpty, ProviderBalance, METRICS' two; a count not in METRICS: a log line
        custom_metrics=6,
    )


def test_every_price_names_its_source():
    assert all(price.source.startswith("https://aws.amazon.com/") for price in PRICES.values())


def test_the_page_says_what_a_missed_goal_needs():
    work = cost.Workload(employees=1000)
    assert cost.per_seat(work, MEASURED, DECLARED) * 1000 < 20  # met: the page says nothing more
    assert "Meeting it takes" not in cost.render(work, MEASURED, DECLARED)
    heavier = replace(DECLARED, custom_metrics=40)  # $12.00 more a month
    month = cost.per_seat(work, MEASURED, heavier) * 1000
    # the cheapest vendor's $2.00 a seat, 100x below, for 1,000 people: $20.00 a month
    expected = f"Meeting it takes a bill of at most $20.00 a month: ${month - 20:,.2f} less."
    assert month > 20
    assert expected in cost.render(work, MEASURED, heavier)
