"""The stack's alarms, dashboard, alarm topic and access logs, as issue 12 §4 asks: every function, stream
consumer and dead-letter queue has its alarms, every alarm notifies the topic and is described in
docs/operations.md, and the generated block is what `make alarms` writes."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from plaudit.services.metrics import LOG_FIELD, METRICS
from plaudit_dev import alarms

from .test_template import REPO, function_props, load_template, ref_name, resources_of

pytestmark = pytest.mark.template

ALARM = "AWS::CloudWatch::Alarm"
OPERATIONS = REPO / "docs" / "operations.md"


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template()


def _watched(template: dict[str, Any]) -> set[tuple[str, str]]:
    """(metric name, the resource it is watched for) of every alarm: a single metric's dimension, each
    resource a Metrics Insights query names, or `*` for a metric without dimensions (Lambda's account-wide
    figures: every function of the account's region)."""
    watched = set()
    for alarm in resources_of(template, ALARM).values():
        props = alarm["Properties"]
        if "MetricName" in props and not props.get("Dimensions"):
            watched.add((props["MetricName"], "*"))
        for dimension in props.get("Dimensions") or []:
            value = dimension["Value"]
            target = ref_name(value) or (value.get("Fn::GetAtt") or [None])[0]
            watched.add((props.get("MetricName"), target))
        for query in props.get("Metrics") or []:
            expression = str((query.get("Expression") or {}).get("Fn::Sub", ""))
            if metric := re.match(r"SELECT \w+\((\w+)\) FROM SCHEMA\(", expression):
                for target in re.findall(r"\w+ = '\$\{(\w+)(?:\.QueueName)?\}'", expression):
                    watched.add((metric.group(1), target))
    return watched


def test_generated_alarms_and_their_table_are_current() -> None:
    for block, fresh in alarms.expected_blocks().items():
        assert block.current() == fresh, f"{block.path.name} is out of date: run `make alarms`"


def test_every_function_is_watched_for_errors_and_throttles(template: dict[str, Any]) -> None:
    """Lambda's account-wide Errors and Throttles (no dimensions) count every function's, timeouts too."""
    watched = _watched(template)
    assert resources_of(template, "AWS::Serverless::Function")
    for metric in ("Errors", "Throttles"):
        assert (metric, "*") in watched, f"no alarm on Lambda's account-wide {metric} (make alarms)"
    for name in ("FunctionErrorsAlarm", "FunctionThrottlesAlarm"):
        props = template["Resources"][name]["Properties"]
        assert (props["Namespace"], props["Statistic"], props["Threshold"]) == ("AWS/Lambda", "Sum", 0)


def test_the_alarm_count_does_not_grow_with_functions_or_queues() -> None:
    def count(functions: int, queues: int) -> int:
        found = alarms.Inventory(
            functions=[
                alarms.Function(f"F{i}Function", timeout_s=10 * (1 + i % 2), stream_consumer=i < 2)
                for i in range(functions)
            ],
            dead_letter_queues=[f"Q{i}DeadLetterQueue" for i in range(queues)],
        )
        return alarms.render(found).count("Type: AWS::CloudWatch::Alarm")

    assert count(3, 2) == count(60, 30) == 4 + 2  # and one duration alarm per timeout (here 10 and 20 s)


def test_every_function_is_watched_near_its_timeout(template: dict[str, Any]) -> None:
    watched = _watched(template)
    for name in resources_of(template, "AWS::Serverless::Function"):
        timeout_s = function_props(template, name)["Timeout"]
        assert ("Duration", name) in watched, f"{name}: not in a SlowFunctions alarm (make alarms)"
        props = template["Resources"][f"SlowFunctions{timeout_s}sAlarm"]["Properties"]
        assert f"'${{{name}}}'" in props["Metrics"][0]["Expression"]["Fn::Sub"], name
        assert 0.5 * timeout_s * 1000 <= props["Threshold"] < timeout_s * 1000, name


def test_queries_stay_within_cloudwatchs_expression_length(template: dict[str, Any]) -> None:
    """A query's expression may be 2,048 characters once CloudFormation put the names in (a generated queue or
    function name is at most 80 characters)."""
    for name, alarm in resources_of(template, ALARM).items():
        for query in alarm["Properties"].get("Metrics") or []:
            expression = str((query.get("Expression") or {}).get("Fn::Sub", ""))
            resolved = re.sub(r"\$\{[^}]+\}", "x" * 80, expression)
            assert len(resolved) <= 2048, name


def test_every_stream_consumer_is_in_the_iterator_age_query(template: dict[str, Any]) -> None:
    watched = _watched(template)
    consumers = [
        name
        for name in resources_of(template, "AWS::Serverless::Function")
        if any(
            e.get("Type") == "DynamoDB" for e in (function_props(template, name).get("Events") or {}).values()
        )
    ]
    assert consumers
    for name in consumers:
        assert ("IteratorAge", name) in watched, (
            f"{name}: not in StreamIteratorAgeAlarm's query (make alarms)"
        )
    age = template["Resources"]["StreamIteratorAgeAlarm"]["Properties"]
    assert (age["Threshold"], age["EvaluationPeriods"], age["Metrics"][0]["Period"]) == (300_000, 5, 60)


def test_every_queue_is_consumed_or_alarmed_when_not_empty(template: dict[str, Any]) -> None:
    """A queue no function consumes holds parked failures: someone must hear of the first message."""
    consumed = {
        (event["Properties"]["Queue"].get("Fn::GetAtt") or [None])[0]
        for name in resources_of(template, "AWS::Serverless::Function")
        for event in (function_props(template, name).get("Events") or {}).values()
        if event.get("Type") == "SQS"
    }
    watched = _watched(template)
    for queue in resources_of(template, "AWS::SQS::Queue"):
        if queue not in consumed:
            assert ("ApproximateNumberOfMessagesVisible", queue) in watched, f"{queue}: no alarm"
            assert queue in alarms.dead_letter_queues(template), f"{queue}: nothing parks failures in it"


def test_every_alarm_notifies_the_topic_and_is_documented(template: dict[str, Any]) -> None:
    docs = OPERATIONS.read_text(encoding="utf-8")
    found = resources_of(template, ALARM)
    assert len(found) >= 9
    for name, alarm in found.items():
        props = alarm["Properties"]
        assert [ref_name(action) for action in props["AlarmActions"]] == ["AlarmTopic"], name
        assert props.get("TreatMissingData") == "notBreaching", name
        assert re.search(rf"`{name}`", docs), f"{name} is not described in docs/operations.md"
    topic = template["Resources"]["AlarmTopic"]
    assert topic["Type"] == "AWS::SNS::Topic"
    subscription = template["Resources"]["AlarmEmailSubscription"]
    assert subscription["Condition"] == "HasAlarmEmail"  # optional: an empty AlarmEmail subscribes nobody
    assert ref_name(subscription["Properties"]["Endpoint"]) == "AlarmEmail"
    assert {"AlarmTopic", "DashboardUrl"} <= set(template["Outputs"])


def test_business_alarms_watch_the_agreed_metrics(template: dict[str, Any]) -> None:
    expressions = {
        name: " ".join(
            str(q.get("Expression", {}).get("Fn::Sub", "")) for q in alarm["Properties"].get("Metrics", [])
        )
        for name, alarm in resources_of(template, ALARM).items()
    }
    expected = {
        "MilestonesPendingAlarm": "SUM(MilestonesPending)",
        "FulfilmentFailuresAlarm": "SUM(FulfilmentsFailed)",
        "ProviderBalanceLowAlarm": "MIN(ProviderBalance)",
        "SecretEmptyAlarm": "SUM(SecretEmpty)",
    }
    for name, aggregate in expected.items():
        assert expressions[name] == " ".join(("SELECT", aggregate, "FROM", '"Plaudit/${AWS::StackName}"'))
    globals_env = template["Globals"]["Function"]["Environment"]["Variables"]
    assert globals_env["POWERTOOLS_METRICS_NAMESPACE"] == {"Fn::Sub": "Plaudit/${AWS::StackName}"}
    api = template["Resources"]["Api5xxAlarm"]["Properties"]
    assert (api["Namespace"], api["MetricName"]) == ("AWS/ApiGateway", "5xx")


def test_dashboard_shows_every_function_and_dead_letter_queue(template: dict[str, Any]) -> None:
    body = template["Resources"]["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    widgets = json.loads(body)["widgets"]
    text = json.dumps(widgets)
    for name in resources_of(template, "AWS::Serverless::Function"):
        assert f"${{{name}}}" in text, name
    for queue in alarms.dead_letter_queues(template):
        assert f"${{{queue}.QueueName}}" in text, queue
    for metric in ("KudosGiven", "MilestonesPending", "FulfilmentsFailed", "ProviderBalance", "SecretEmpty"):
        assert f"({metric})" in text, metric


def test_slack_lazy_listener_failures_are_kept(template: dict[str, Any]) -> None:
    config = function_props(template, "SlackFunction")["EventInvokeConfig"]
    destination = config["DestinationConfig"]["OnFailure"]
    assert destination["Type"] == "SQS"
    assert destination["Destination"] == {"Fn::GetAtt": ["SlackDeadLetterQueue", "Arn"]}
    # a retry must come within Slack's 5-minute signature window, or it is refused anyway
    assert config["MaximumEventAgeInSeconds"] < 300
    assert config["MaximumRetryAttempts"] <= 2


def test_http_api_access_logs_are_json_with_the_request_id(template: dict[str, Any]) -> None:
    (api,) = resources_of(template, "AWS::Serverless::HttpApi").values()
    settings = api["Properties"]["AccessLogSettings"]
    group = settings["DestinationArn"]["Fn::GetAtt"][0]
    assert template["Resources"][group]["Type"] == "AWS::Logs::LogGroup"
    assert "RetentionInDays" in template["Resources"][group]["Properties"]
    line = json.loads(settings["Format"])
    assert line["requestId"] == "$context.requestId"  # the functions' correlation_id
    for field in ("routeKey", "status", "integrationLatency"):
        assert line[field] == f"$context.{field}", field
    assert not [v for v in line.values() if "sourceIp" in v or "userAgent" in v], "nothing personal"


def test_point_in_time_recovery_is_on(template: dict[str, Any]) -> None:
    props = template["Resources"]["DomainTable"]["Properties"]
    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True


def test_the_dashboard_sums_the_counts_kept_in_every_functions_log(template: dict[str, Any]) -> None:
    body = template["Resources"]["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    (widget,) = [w for w in json.loads(body)["widgets"] if w["type"] == "log"]
    query = widget["properties"]["query"]
    for name in resources_of(template, "AWS::Serverless::Function"):
        group = function_props(template, name)["LoggingConfig"]["LogGroup"]["Ref"]
        assert f"SOURCE '${{{group}}}'" in query, name
    assert query.endswith(f"filter ispresent({LOG_FIELD}) | stats sum(value) as total by {LOG_FIELD}")


def test_what_the_dashboard_and_alarms_read_is_published_as_a_metric(template: dict[str, Any]) -> None:
    """A name outside plaudit.services.metrics.METRICS is counted as a log line: a widget or an alarm on it
    would stay empty for ever."""
    texts = [template["Resources"]["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]]
    texts += [
        str(query.get("Expression", {}).get("Fn::Sub", ""))
        for alarm in resources_of(template, ALARM).values()
        for query in alarm["Properties"].get("Metrics") or []
    ]
    read = {name for text in texts for name in re.findall(r'\((\w+)\) FROM \\?"Plaudit/', text)}
    assert {"KudosGiven", "MilestonesPending", "FulfilmentsFailed"} <= read
    published_directly = {"ProviderBalance", "SecretEmpty"}  # gauges with their own dimension
    assert read <= METRICS | published_directly, read - METRICS - published_directly
