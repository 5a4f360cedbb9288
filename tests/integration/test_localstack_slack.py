"""The local stack's Lambda Invoke API, fake Slack and `plaudit slack`, on a scratch template whose
SlackFunction acks a signed slash command and does its work in an `Event` invocation of itself, as Bolt's
lazy listeners do on Lambda."""

from __future__ import annotations

import json
import os
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from slack_sdk.signature import SignatureVerifier

from plaudit.domain.employees import Employee
from plaudit_dev.fake_slack import DEV_BOT_TOKEN, DEV_SIGNING_SECRET
from plaudit_dev.local_aws import DUMMY_CREDENTIALS, REGION, client
from plaudit_dev.slack_client import (
    SlackUser,
    UnknownPerson,
    event_callback,
    expand_mentions,
    find_user,
    run_event,
    run_shortcut,
    run_slash_command,
    shortcut_payload,
    signature_headers,
    slash_command_form,
)
from plaudit_dev.stack import LocalStack
from plaudit_dev.template import local_function_name, local_table_name

TEMPLATE = """
Globals:
  Function:
    Runtime: python3.13
    Handler: app.handler
    Timeout: 5
    Environment:
      Variables:
        TABLE_NAME: !Ref Items
Resources:
  Items:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
  WorkerFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: worker
      Policies:
        - DynamoDBWritePolicy: {TableName: !Ref Items}
      EventInvokeConfig:  # a failed Event invocation is parked in WorkerFailures
        MaximumRetryAttempts: 1
        DestinationConfig:
          OnFailure: {Type: SQS, Destination: !GetAtt WorkerFailures.Arn}
  WorkerFailures:
    Type: AWS::SQS::Queue
  SlackFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: slack
      Environment:
        Variables:
          SLACK_SECRET_ARN: ""  # locally, the fake Slack's settings stand in for the secret
      Policies:
        - LambdaInvokePolicy: {FunctionName: plaudit-local-SlackFunction}
      Events:
        SlackEvents:
          Type: HttpApi
          Properties: {Path: /slack/events, Method: POST}  # no authorizer on the implicit API
"""

WORKER_APP = """
import os
import time

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    if event.get("fail"):
        raise ValueError("asked to fail")
    time.sleep(event.get("sleep", 0))
    table.put_item(Item={"pk": event["put"], "by": context.invoked_function_arn})
    return {"stored": event["put"], "slack_api_url": os.environ.get("SLACK_API_URL")}
"""

SLACK_APP = """
import base64
import json
import os
import urllib.parse
import urllib.request

import boto3
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

verifier = SignatureVerifier(os.environ["SLACK_SIGNING_SECRET"])
slack = WebClient(token=os.environ["PLAUDIT_SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])


def handler(event, context):
    if "lazy" in event:  # the background half: what Bolt's lazy listener would do
        form = event["lazy"]
        slack.chat_postMessage(channel="CKUDOS01", text=f"{form['user_id']} says {form['text']}")
        slack.chat_postMessage(channel=form["user_id"], text="a DM")
        reply = json.dumps({"response_type": "ephemeral", "text": "done"}).encode()
        request = urllib.request.Request(form["response_url"], reply, {"Content-Type": "application/json"})
        urllib.request.urlopen(request).close()
        return None
    body = base64.b64decode(event["body"]).decode() if event["isBase64Encoded"] else event["body"]
    headers = event["headers"]
    if not verifier.is_valid(body, headers["x-slack-request-timestamp"], headers["x-slack-signature"]):
        return {"statusCode": 401, "body": "invalid signature"}
    if headers["content-type"] == "application/json":  # an Events API callback: answered inline
        callback = json.loads(body)
        event = callback["event"]
        text = f"{callback['type']} {event['type']} {event.get('reaction')}"
        slack.chat_postMessage(channel=event["user"], text=text)
        return {"statusCode": 200, "body": ""}
    form = dict(urllib.parse.parse_qsl(body))
    if "payload" in form:  # a shortcut: answered inline
        payload = json.loads(form["payload"])
        text = f"{payload['type']} {payload['callback_id']} {payload.get('message', {}).get('user')}"
        slack.chat_postMessage(channel=payload["user"]["id"], text=text)
        return {"statusCode": 200, "body": ""}
    invocation = boto3.client("lambda").invoke(
        FunctionName=context.invoked_function_arn, InvocationType="Event", Payload=json.dumps({"lazy": form})
    )
    answer = {
        "text": "on it",
        "invoke_status": invocation["StatusCode"],
        "form_keys": list(form),
        "bot_token_is_local": os.environ["PLAUDIT_SLACK_BOT_TOKEN"] == "xoxb-plaudit-local",
        "lambda_endpoint": os.environ.get("AWS_ENDPOINT_URL_LAMBDA"),
        "aws_endpoint": os.environ.get("AWS_ENDPOINT_URL"),
    }
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps(answer)}
"""

SLACK_FORM_KEYS = [
    "token",
    "team_id",
    "team_domain",
    "channel_id",
    "channel_name",
    "user_id",
    "user_name",
    "command",
    "text",
    "api_app_id",
    "is_enterprise_install",
    "response_url",
    "trigger_id",
]


@dataclass
class Stack:
    local: LocalStack
    url: str
    aws_endpoint_url: str

    def lambda_client(self) -> Any:
        return boto3.client(
            "lambda",
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def item(self, pk: str) -> dict[str, Any] | None:
        dynamodb = client("dynamodb", self.aws_endpoint_url)
        return dynamodb.get_item(TableName=local_table_name("Items"), Key={"pk": {"S": pk}}).get("Item")

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(self.url + path, timeout=30) as response:  # noqa: S310 - loopback
            return json.loads(response.read())

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        request = urllib.request.Request(self.url + path, body, headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def calls_after(self, seq: int) -> list[dict[str, Any]]:
        return self.get(f"/_local/slack/calls?after={seq}")["calls"]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    root = tmp_path_factory.mktemp("scratch-slack")
    (root / "template.yaml").write_text(TEMPLATE)
    for folder, code in (("worker", WORKER_APP), ("slack", SLACK_APP)):
        (root / folder).mkdir()
        (root / folder / "app.py").write_text(textwrap.dedent(code))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PLAUDIT_STATE_DIR", str(root / "state"))
        patch.delenv("SLACK_SIGNING_SECRET", raising=False)
        local = LocalStack(port=0, template_path=root / "template.yaml", max_workers=2)
        state = local.start()
        try:
            yield Stack(local, state.api_url, state.aws_endpoint_url)
        finally:
            local.stop()


def test_event_invocation_answers_202_at_once_and_runs_in_the_background(stack: Stack) -> None:
    started = time.monotonic()
    reply = stack.lambda_client().invoke(
        FunctionName=local_function_name("WorkerFunction"),
        InvocationType="Event",
        Payload=json.dumps({"put": "event-1", "sleep": 1.0}),
    )
    assert reply["StatusCode"] == 202
    assert time.monotonic() - started < 0.9
    assert stack.get("/_local/idle?timeout=10") == {"idle": True, "pending": 0}
    item = stack.item("event-1")
    assert item is not None
    assert (
        item["by"]["S"]
        == f"arn:aws:lambda:us-east-1:123456789012:function:{local_function_name('WorkerFunction')}"
    )


def test_a_failed_event_invocation_is_parked_in_its_on_failure_destination(stack: Stack) -> None:
    """As Lambda does once the retries are spent: the request and the error, on the EventInvokeConfig's
    queue (template.yaml gives SlackFunction one, so a failed lazy listener is kept)."""
    reply = stack.lambda_client().invoke(
        FunctionName=local_function_name("WorkerFunction"),
        InvocationType="Event",
        Payload=json.dumps({"fail": True, "put": "never"}),
    )
    assert reply["StatusCode"] == 202
    assert stack.get("/_local/idle?timeout=10") == {"idle": True, "pending": 0}
    sqs = client("sqs", stack.aws_endpoint_url)
    url = sqs.get_queue_url(QueueName=stack.local.template.queues["WorkerFailures"].name)["QueueUrl"]
    (message,) = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    record = json.loads(message["Body"])
    assert record["requestPayload"] == {"fail": True, "put": "never"}
    assert record["responsePayload"]["errorType"] == "ValueError"
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    worker = local_function_name("WorkerFunction")
    assert record["requestContext"]["functionArn"].endswith(f":{worker}:$LATEST")


def test_request_response_by_arn_and_qualifier(stack: Stack) -> None:
    arn = f"arn:aws:lambda:us-east-1:123456789012:function:{local_function_name('WorkerFunction')}"
    lam = stack.lambda_client()
    for name, qualifier in (
        (arn, None),
        (f"{arn}:$LATEST", None),
        (local_function_name("WorkerFunction"), "$LATEST"),
    ):
        extra = {"Qualifier": qualifier} if qualifier else {}
        reply = lam.invoke(FunctionName=name, Payload=json.dumps({"put": "sync-1"}), **extra)
        assert reply["StatusCode"] == 200
        assert reply["ExecutedVersion"] == "$LATEST"
        assert "FunctionError" not in reply
        assert json.loads(reply["Payload"].read()) == {"stored": "sync-1", "slack_api_url": None}

    failed = lam.invoke(FunctionName=arn, Payload=json.dumps({"fail": True}))
    assert failed["StatusCode"] == 200
    assert failed["FunctionError"] == "Unhandled"
    error = json.loads(failed["Payload"].read())
    assert (error["errorType"], error["errorMessage"]) == ("ValueError", "asked to fail")


def test_unknown_function_or_version_is_resource_not_found(stack: Stack) -> None:
    lam = stack.lambda_client()
    for name in ("no-such-function", f"{local_function_name('WorkerFunction')}:7"):
        with pytest.raises(ClientError) as caught:
            lam.invoke(FunctionName=name, Payload=b"{}")
        error = caught.value.response
        assert error["Error"]["Code"] == "ResourceNotFoundException"
        assert error["ResponseMetadata"]["HTTPStatusCode"] == 404
        assert error["Error"]["Message"].startswith(
            "Function not found: arn:aws:lambda:us-east-1:123456789012:"
        )
    status, body = stack.post("/2015-03-31/functions/no-such-function/invocations", b"{}", {})
    assert status == 404
    assert json.loads(body)["Type"] == "User"


def test_fake_slack_answers_like_slack_and_records_without_tokens(stack: Stack) -> None:
    before = stack.get("/_local/slack/calls")["last"]
    auth = {"Authorization": f"Bearer {DEV_BOT_TOKEN}"}
    json_headers = {**auth, "Content-Type": "application/json; charset=utf-8"}
    form_headers = {**auth, "Content-Type": "application/x-www-form-urlencoded"}
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*hi*"}}]

    status, body = stack.post(
        "/_local/slack/api/chat.postMessage",
        json.dumps({"channel": "CKUDOS01", "text": "hi", "blocks": blocks}).encode(),
        json_headers,
    )
    posted = json.loads(body)
    assert status == 200
    assert posted["ok"] is True
    assert posted["channel"] == "CKUDOS01"
    assert posted["ts"] == posted["message"]["ts"]
    assert posted["message"]["text"] == "hi"

    form = f"token={DEV_BOT_TOKEN}&channel=UBOB&text=psst&blocks=" + urllib.request.quote(json.dumps(blocks))
    dm = json.loads(stack.post("/_local/slack/api/chat.postMessage", form.encode(), form_headers)[1])
    assert dm["channel"].startswith("D")
    assert dm["ts"] != posted["ts"]
    ephemeral = json.loads(
        stack.post("/_local/slack/api/chat.postEphemeral", b"channel=C1&user=UBOB&text=x", form_headers)[1]
    )
    assert ephemeral["ok"]
    assert ephemeral["message_ts"]
    view = {"type": "modal", "title": {"type": "plain_text", "text": "Give kudos"}, "blocks": []}
    opened = json.loads(
        stack.post(
            "/_local/slack/api/views.open",
            json.dumps({"trigger_id": "1.2.3", "view": view}).encode(),
            json_headers,
        )[1]
    )
    assert opened["view"]["id"].startswith("V")
    assert opened["view"]["title"] == view["title"]
    user = stack.get("/_local/slack/api/users.info?user=UALICE")["user"]
    assert (user["id"], user["profile"]["email"], user["is_bot"]) == (
        "UALICE",
        "alice@plaudit.example",
        False,
    )
    channel = json.loads(stack.post("/_local/slack/api/conversations.open", b"users=UBOB", form_headers)[1])
    assert channel["channel"]["id"].startswith("D")
    assert stack.get("/_local/slack/api/team.info") == {"ok": True}
    broken = stack.post("/_local/slack/api/chat.postMessage", b"{not json", json_headers)
    assert json.loads(broken[1]) == {"ok": False, "error": "invalid_json"}

    calls = stack.calls_after(before)
    assert [call["method"] for call in calls] == [
        "chat.postMessage",
        "chat.postMessage",
        "chat.postEphemeral",
        "views.open",
        "users.info",
        "conversations.open",
        "team.info",
    ]
    assert calls[1]["params"] == {"channel": "UBOB", "text": "psst", "blocks": blocks}
    assert all(call["at"] and call["seq"] > before for call in calls)
    assert DEV_BOT_TOKEN not in json.dumps(calls)


def test_response_urls_are_recorded(stack: Stack) -> None:
    before = stack.get("/_local/slack/calls")["last"]
    status, _ = stack.post(
        "/_local/slack/responses/abc123",
        json.dumps({"response_type": "ephemeral", "text": "nope"}).encode(),
        {"Content-Type": "application/json"},
    )
    assert status == 200
    (call,) = stack.calls_after(before)
    assert call["method"] == "response_url"
    assert call["params"] == {"response_type": "ephemeral", "text": "nope", "response_id": "abc123"}


def test_signature_is_what_slack_sdk_verifies() -> None:
    body = "token=t&team_id=T1&text=%2Fkudos"
    headers = signature_headers(body, "s3cret", timestamp=int(time.time()))
    timestamp, signature = headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"]
    assert SignatureVerifier("s3cret").is_valid(body, timestamp, signature)
    assert not SignatureVerifier("other").is_valid(body, timestamp, signature)
    assert not SignatureVerifier("s3cret").is_valid(body + "x", timestamp, signature)


def test_slash_command_form_is_shaped_like_slacks() -> None:
    user = SlackUser("UBOB", "bob", "Bob")
    first = slash_command_form("http://127.0.0.1:3000", "/kudos  @x 10 thanks ", user)
    second = slash_command_form("http://127.0.0.1:3000", "/kudos", user)
    assert list(first) == SLACK_FORM_KEYS
    assert (first["command"], first["text"], second["text"]) == ("/kudos", "@x 10 thanks", "")
    assert (first["user_id"], first["user_name"], first["is_enterprise_install"]) == ("UBOB", "bob", "false")
    assert first["response_url"].startswith("http://127.0.0.1:3000/_local/slack/responses/")
    assert first["response_url"] != second["response_url"]
    assert first["trigger_id"] != second["trigger_id"]


DIRECTORY = [
    Employee(id="E1003", email="alice@plaudit.example", name="Alice Martin", slack_user_id="UALICE"),
    Employee(id="E1004", email="bob@plaudit.example", name="Bob Okafor", slack_user_id="UBOB"),
    Employee(id="E1099", email="zed@plaudit.example", name="Zed Nobody"),
]


def test_people_are_found_by_first_name_employee_id_or_slack_id() -> None:
    assert find_user("bob", DIRECTORY).user_id == "UBOB"
    assert find_user("E1003", DIRECTORY).user_id == "UALICE"
    assert find_user("UALICE", DIRECTORY).user_name == "alice"
    assert find_user("USTRANGER", DIRECTORY).user_id == "USTRANGER"  # outside the directory: as is
    for missing in ("carol", "zed"):
        with pytest.raises(UnknownPerson):
            find_user(missing, DIRECTORY)
    text = "/kudos @alice @E1004 @carol 10 thanks me@example.com #teamwork"
    assert (
        expand_mentions(text, DIRECTORY)
        == "/kudos <@UALICE> <@UBOB> @carol 10 thanks me@example.com #teamwork"
    )


def test_plaudit_slack_posts_a_signed_command_and_shows_what_the_bot_sent(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    assert os.environ.get("SLACK_SIGNING_SECRET") in (None, DEV_SIGNING_SECRET)
    before = stack.get("/_local/slack/calls")["last"]
    assert (
        run_slash_command(stack.url, "/kudos <@UBOB> 10 thanks", SlackUser("UALICE", "alice", "Alice")) == 0
    )
    out = capsys.readouterr().out
    assert "> /kudos <@UBOB> 10 thanks" in out
    assert '< 200 "on it"' in out
    assert 'chat.postMessage channel=CKUDOS01 "UALICE says <@UBOB> 10 thanks"' in out
    assert 'chat.postMessage channel=UALICE "a DM"' in out
    assert 'response_url response_type=ephemeral "done"' in out
    assert [call["method"] for call in stack.calls_after(before)] == [
        "chat.postMessage",
        "chat.postMessage",
        "response_url",
    ]


def test_events_are_wrapped_like_slacks_event_callbacks(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    bob = SlackUser("UBOB", "bob", "Bob")
    reaction = event_callback("reaction_removed", bob, author="UALICE", reaction="clap", ts="1.2")
    assert reaction["type"] == "event_callback"
    assert (
        reaction["event_id"]
        != event_callback("reaction_removed", bob, author="U1", reaction="x", ts="1")["event_id"]
    )
    event = reaction["event"]
    assert (event["type"], event["user"], event["reaction"], event["item_user"]) == (
        "reaction_removed",
        "UBOB",
        "clap",
        "UALICE",
    )
    assert event["item"] == {"type": "message", "channel": "CGENERAL", "ts": "1.2"}
    home = event_callback("app_home_opened", bob, author=None, reaction="clap", ts="1.2")["event"]
    assert (home["tab"], home["channel"]) == ("home", "DBOB")

    added = event_callback("reaction_added", bob, author="UALICE", reaction="clap", ts="1.2")
    assert run_event(stack.url, added, bob) == 0
    assert 'chat.postMessage channel=UBOB "event_callback reaction_added clap"' in capsys.readouterr().out


def test_shortcut_payloads_are_shaped_like_slacks(stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    bob = SlackUser("UBOB", "bob", "Bob")
    global_shortcut = shortcut_payload(stack.url, "give_kudos", bob)
    assert global_shortcut["type"] == "shortcut"
    assert global_shortcut["user"] == {"id": "UBOB", "username": "bob", "team_id": "TPLAUDIT"}
    assert {"trigger_id", "action_ts", "team", "token"} <= set(global_shortcut)
    assert "message" not in global_shortcut
    message = {"user": "UALICE", "ts": "1.2", "text": "Shipped"}
    on_message = shortcut_payload(stack.url, "kudos_for_message", bob, message)
    assert on_message["type"] == "message_action"
    assert on_message["message"] == {"type": "message", **message}
    assert on_message["message_ts"] == "1.2"
    assert on_message["channel"] == {"id": "CGENERAL", "name": "general"}
    assert on_message["response_url"].startswith(stack.url + "/_local/slack/responses/")

    assert run_shortcut(stack.url, on_message, bob) == 0
    assert (
        'chat.postMessage channel=UBOB "message_action kudos_for_message UALICE"' in capsys.readouterr().out
    )


def test_slack_function_environment_and_forged_signatures(stack: Stack) -> None:
    body = "command=%2Fkudos&text=hi"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    forged = {**headers, **signature_headers(body, "not-the-secret")}
    assert stack.post("/slack/events", body.encode(), forged)[0] == 401

    signed = {**headers, **signature_headers(body, DEV_SIGNING_SECRET)}
    status, answer = stack.post("/slack/events", body.encode(), signed)
    assert status == 200
    seen = json.loads(answer)
    assert seen["invoke_status"] == 202
    assert seen["bot_token_is_local"] is True
    assert seen["lambda_endpoint"] == stack.url
    assert seen["aws_endpoint"] == stack.aws_endpoint_url
    assert stack.local.wait_idle(10)


def test_functions_other_than_slack_get_no_slack_settings(stack: Stack) -> None:
    reply = stack.lambda_client().invoke(
        FunctionName=local_function_name("WorkerFunction"), Payload=b'{"put": "x"}'
    )
    assert json.loads(reply["Payload"].read())["slack_api_url"] is None
