"""The local stack end to end over HTTP, on a scratch template and scratch functions (not functions/).

One stack serves the module: moto, worker processes per function, the JWT authorizer, inline stream
consumers with FilterCriteria and batchItemFailures, /openapi.json and /docs.
"""

from __future__ import annotations

import json
import os
import textwrap
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from plaudit_dev.jwt_local import access_claims, dev_subject, sign
from plaudit_dev.local_aws import client
from plaudit_dev.stack import LocalStack
from plaudit_dev.state import StackNotRunning, connect_local, read_state, state_path

ALICE = dev_subject("E1003")
TEMPLATE = """
Globals:
  Function:
    Runtime: python3.13
    Handler: app.handler
    Timeout: 5
    MemorySize: 256
    Environment:
      Variables:
        TABLE_NAME: !Ref Items
        GREETING: !Ref Greeting
Parameters:
  Greeting: {Type: String, Default: hello}
Resources:
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      Auth:
        DefaultAuthorizer: Jwt
        Authorizers:
          Jwt: {IdentitySource: $request.header.Authorization, JwtConfiguration: {issuer: !Ref JwtIssuer}}
  Items:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      StreamSpecification: {StreamViewType: NEW_AND_OLD_IMAGES}
      TimeToLiveSpecification: {AttributeName: expires_at, Enabled: true}
  ItemsFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: items
      Handler: app.lambda_handler
      Policies:
        - DynamoDBCrudPolicy: {TableName: !Ref Items}
      Events:
        Put: {Type: HttpApi, Properties: {ApiId: !Ref Api, Path: "/items/{id}", Method: PUT}}
        Get: {Type: HttpApi, Properties: {ApiId: !Ref Api, Path: "/items/{id}", Method: GET}}
        Echo: {Type: HttpApi, Properties: {ApiId: !Ref Api, Path: "/echo/{proxy+}", Method: ANY}}
        Crash: {Type: HttpApi, Properties: {ApiId: !Ref Api, Path: /crash, Method: GET}}
        Public:
          Type: HttpApi
          Properties: {ApiId: !Ref Api, Path: /public, Method: GET, Auth: {Authorizer: NONE}}
        Admin:
          Type: HttpApi
          Properties: {ApiId: !Ref Api, Path: /admin, Method: GET, Auth: {AuthorizationScopes: [items/admin]}}
  SlowFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: slow
      Timeout: 1
      Events:  # no Policies: its role allows no AWS call
        Slow:
          Type: HttpApi
          Properties: {ApiId: !Ref Api, Path: /slow, Method: GET, Auth: {Authorizer: NONE}}
        Forbidden:
          Type: HttpApi
          Properties: {ApiId: !Ref Api, Path: /forbidden, Method: GET, Auth: {Authorizer: NONE}}
  ConsumerFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: consumer
      Policies:
        - Statement:
            - Effect: Allow
              Action: dynamodb:UpdateItem
              Resource: !GetAtt Items.Arn
      Events:
        Stream:
          Type: DynamoDB
          Properties:
            Stream: !GetAtt Items.StreamArn
            StartingPosition: TRIM_HORIZON
            BatchSize: 2
            MaximumRetryAttempts: 2
            FunctionResponseTypes: [ReportBatchItemFailures]
            FilterCriteria:
              Filters:
                - Pattern: '{"dynamodb": {"NewImage": {"kind": {"S": ["note"]}}}}'
"""

ITEMS_APP = """
import os

import boto3
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

app = APIGatewayHttpResolver()
table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


@app.put("/items/<item_id>")
def put_item(item_id: str):
    body = app.current_event.json_body
    table.put_item(Item={"pk": item_id, "kind": body["kind"], "text": body["text"]})
    return {"id": item_id}, 201


@app.get("/items/<item_id>")
def get_item(item_id: str):
    item = table.get_item(Key={"pk": item_id}).get("Item")
    if item is None:
        return {"message": "no such item"}, 404
    return {key: int(value) if key == "deliveries" else value for key, value in item.items()}


@app.get("/public")
def public():
    return {"public": True}


@app.get("/admin")
def admin():
    return {"admin": True}


def lambda_handler(event, context):
    if event["rawPath"] == "/crash":
        raise RuntimeError("boom")
    if event["rawPath"].startswith("/echo/"):  # no statusCode: API Gateway makes it a 200 JSON body
        return {
            "event": event,
            "context": {
                "function_name": context.function_name,
                "memory_limit_in_mb": context.memory_limit_in_mb,
                "invoked_function_arn": context.invoked_function_arn,
                "aws_request_id": context.aws_request_id,
                "remaining_ms": context.get_remaining_time_in_millis(),
            },
            "env": {name: os.environ.get(name) for name in ENV_SHOWN},
            "module": __name__,
            "cwd": os.getcwd(),
        }
    return app.resolve(event, context)


ENV_SHOWN = ["GREETING", "TABLE_NAME", "AWS_ENDPOINT_URL", "AWS_DEFAULT_REGION", "AWS_LAMBDA_FUNCTION_NAME",
             "POWERTOOLS_TRACE_DISABLED", "TZ", "PYTEST_CURRENT_TEST"]
"""

SLOW_APP = """
import os
import time

import boto3
from botocore.exceptions import ClientError


def handler(event, context):
    if event["rawPath"] == "/forbidden":  # outside the function's role
        try:
            boto3.client("dynamodb").get_item(TableName=os.environ["TABLE_NAME"], Key={"pk": {"S": "x"}})
        except ClientError as error:
            return {"statusCode": 403, "body": error.response["Error"]["Code"]}
        return {"statusCode": 200, "body": "allowed"}
    if event.get("queryStringParameters", {}).get("sleep"):
        time.sleep(30)
    return {"statusCode": 200, "body": "awake"}
"""

CONSUMER_APP = """
import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    failures = []
    for record in event["Records"]:
        image = record["dynamodb"]["NewImage"]
        seen = table.update_item(
            Key={"pk": "seen-" + image["pk"]["S"]},
            UpdateExpression="ADD #deliveries :one SET #kind = :kind, #source = :source",
            ExpressionAttributeNames={"#deliveries": "deliveries", "#kind": "kind", "#source": "source"},
            ExpressionAttributeValues={":one": 1, ":kind": "seen", ":source": record["eventSourceARN"]},
            ReturnValues="UPDATED_NEW",
        )
        if image["text"]["S"] == "fail-once" and seen["Attributes"]["deliveries"] == 1:
            failures.append({"itemIdentifier": record["dynamodb"]["SequenceNumber"]})
    return {"batchItemFailures": failures}
"""


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Stack:
    url: str
    aws_endpoint_url: str
    template_path: Path

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)  # noqa: S310 - loopback
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return Reply(
                    response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
                )
        except urllib.error.HTTPError as error:
            return Reply(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    root = tmp_path_factory.mktemp("scratch")
    (root / "template.yaml").write_text(TEMPLATE)
    for folder, code in (("items", ITEMS_APP), ("slow", SLOW_APP), ("consumer", CONSUMER_APP)):
        (root / folder).mkdir()
        (root / folder / "app.py").write_text(textwrap.dedent(code))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PLAUDIT_STATE_DIR", str(root / "state"))
        local = LocalStack(port=0, template_path=root / "template.yaml", max_workers=2)
        state = local.start()
        try:
            yield Stack(state.api_url, state.aws_endpoint_url, root / "template.yaml")
        finally:
            local.stop()


@pytest.fixture(scope="module")
def token(stack: Stack) -> str:
    return sign(access_claims(ALICE, groups=["manager"], scopes=["items/read"]))


def test_health_and_not_found(stack: Stack) -> None:
    assert stack.request("GET", "/_local/health").json == {"status": "ok"}
    for method, path in (("GET", "/nowhere"), ("DELETE", "/items/1"), ("GET", "/items")):
        reply = stack.request(method, path)
        assert (reply.status, reply.json) == (404, {"message": "Not Found"})


def test_missing_and_invalid_tokens_are_401(stack: Stack) -> None:
    missing = stack.request("GET", "/items/1")
    assert (missing.status, missing.json) == (401, {"message": "Unauthorized"})
    assert missing.headers["www-authenticate"] == "Bearer"
    expired = stack.request("GET", "/items/1", token=sign(access_claims(ALICE, ttl=-1)))
    assert expired.status == 401
    assert 'error_description="the token has expired"' in expired.headers["www-authenticate"]
    assert stack.request("GET", "/items/1", token=sign(access_claims(ALICE, client_id="nope"))).status == 401
    assert stack.request("GET", "/public").json == {"public": True}  # Auth: Authorizer: NONE


def test_route_authorization_scopes(stack: Stack, token: str) -> None:
    forbidden = stack.request("GET", "/admin", token=token)
    assert (forbidden.status, forbidden.json) == (403, {"message": "Forbidden"})
    assert stack.request("GET", "/admin", token=sign(access_claims(ALICE, scopes=["items/admin"]))).json == {
        "admin": True
    }


def test_event_context_and_environment_seen_by_the_function(stack: Stack, token: str) -> None:
    reply = stack.request("POST", "/echo/a/b?x=1&x=2", body={"hi": 1}, token=token, headers={"X-Trace": "t1"})
    assert reply.status == 200
    assert reply.headers["content-type"] == "application/json"
    assert reply.headers["apigw-requestid"]
    seen = reply.json
    event = seen["event"]
    assert event["routeKey"] == "ANY /echo/{proxy+}"
    assert event["pathParameters"] == {"proxy": "a/b"}
    assert event["queryStringParameters"] == {"x": "1,2"}
    assert event["headers"]["x-trace"] == "t1"
    assert json.loads(event["body"]) == {"hi": 1}
    assert event["requestContext"]["http"]["method"] == "POST"
    assert event["requestContext"]["requestId"] == reply.headers["apigw-requestid"]
    jwt = event["requestContext"]["authorizer"]["jwt"]
    assert jwt["claims"]["sub"] == ALICE
    assert jwt["claims"]["cognito:groups"] == "[manager]"
    assert jwt["scopes"] == ["items/read"]

    assert seen["context"]["function_name"] == "plaudit-local-ItemsFunction"
    assert seen["context"]["memory_limit_in_mb"] == "256"
    assert seen["context"]["invoked_function_arn"].endswith(":function:plaudit-local-ItemsFunction")
    assert 0 < seen["context"]["remaining_ms"] <= 5000
    assert seen["env"] == {
        "GREETING": "hello",
        "TABLE_NAME": "plaudit-local-Items",
        "AWS_ENDPOINT_URL": stack.aws_endpoint_url,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_LAMBDA_FUNCTION_NAME": "plaudit-local-ItemsFunction",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "TZ": ":UTC",
        "PYTEST_CURRENT_TEST": None,  # the host's environment does not reach the function
    }
    assert seen["module"] == "_lambda_ItemsFunction_app"  # unique per function: no clash between app.py files
    assert seen["cwd"] == str(stack.template_path.parent / "items")


def test_a_call_outside_the_functions_role_is_access_denied(stack: Stack) -> None:
    denied = stack.request("GET", "/forbidden")
    assert (denied.status, denied.body) == (403, b"AccessDeniedException")


def test_writes_feed_the_stream_consumer_before_the_response(stack: Stack, token: str) -> None:
    assert stack.request("PUT", "/items/n1", {"kind": "note", "text": "first"}, token).status == 201
    seen = stack.request("GET", "/items/seen-n1", token=token)
    assert seen.status == 200
    assert seen.json["deliveries"] == 1
    assert seen.json["source"].startswith(
        "arn:aws:dynamodb:us-east-1:123456789012:table/plaudit-local-Items/stream/"
    )

    # FilterCriteria: other kinds (and the consumer's own "seen" writes) are not delivered
    assert stack.request("PUT", "/items/o1", {"kind": "other", "text": "x"}, token).status == 201
    assert stack.request("GET", "/items/seen-o1", token=token).status == 404


def test_batch_item_failures_are_redelivered(stack: Stack, token: str) -> None:
    assert stack.request("PUT", "/items/f1", {"kind": "note", "text": "fail-once"}, token).status == 201
    assert stack.request("GET", "/items/seen-f1", token=token).json["deliveries"] == 2


def test_concurrent_requests_deliver_every_record_once(stack: Stack, token: str) -> None:
    ids = [f"c{i}" for i in range(12)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(
            pool.map(
                lambda i: stack.request("PUT", f"/items/{i}", {"kind": "note", "text": i}, token).status, ids
            )
        )
    assert statuses == [201] * len(ids)
    deliveries = [stack.request("GET", f"/items/seen-{i}", token=token).json["deliveries"] for i in ids]
    assert deliveries == [1] * len(ids)


def test_function_errors_are_500_and_workers_recover(stack: Stack, token: str) -> None:
    crash = stack.request("GET", "/crash", token=token)
    assert (crash.status, crash.json) == (500, {"message": "Internal Server Error"})
    assert stack.request("GET", "/public").status == 200  # the same function still serves


def test_timeout_kills_the_worker(stack: Stack) -> None:
    slow = stack.request("GET", "/slow?sleep=1")
    assert (slow.status, slow.json) == (500, {"message": "Internal Server Error"})
    awake = stack.request("GET", "/slow")  # a fresh worker replaces the killed one
    assert (awake.status, awake.body) == (200, b"awake")


def test_openapi_and_docs(stack: Stack) -> None:
    schema = stack.request("GET", "/openapi.json").json
    assert schema["servers"] == [{"url": stack.url}]
    assert {"/items/{item_id}", "/public", "/admin"} <= set(schema["paths"])
    assert set(schema["paths"]["/items/{item_id}"]) == {"get", "put"}
    assert schema["components"]["securitySchemes"]["jwt"]["scheme"] == "bearer"
    assert schema["security"] == [{"jwt": []}]
    assert schema["paths"]["/public"]["get"]["security"] == []  # Auth: Authorizer: NONE
    page = stack.request("GET", "/docs")
    assert page.status == 200
    assert b"/openapi.json" in page.body
    asset = stack.request("GET", "/docs/swagger-ui-bundle.min.js")
    assert asset.status == 200
    assert asset.headers["content-type"] == "text/javascript"


def test_state_file_and_connect_local(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    state = read_state()
    assert state is not None
    assert (state.api_url, state.aws_endpoint_url, state.pid) == (
        stack.url,
        stack.aws_endpoint_url,
        os.getpid(),
    )
    assert state.tables == {"Items": "plaudit-local-Items"}
    for name in (
        "AWS_ENDPOINT_URL",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
    ):
        monkeypatch.setenv(name, "unset")  # restored after the test
    monkeypatch.setenv("TABLE_NAME", "unset")
    assert connect_local(stack.template_path) == state
    assert os.environ["AWS_ENDPOINT_URL"] == stack.aws_endpoint_url
    assert os.environ["TABLE_NAME"] == "plaudit-local-Items"
    ttl = client("dynamodb", stack.aws_endpoint_url).describe_time_to_live(TableName="plaudit-local-Items")
    assert ttl["TimeToLiveDescription"] == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires_at"}


def test_stopping_removes_the_state_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stack of one table (no functions, so it starts fast) and a seed that writes to it."""
    monkeypatch.setenv("PLAUDIT_STATE_DIR", str(tmp_path / "state"))
    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE.split("  ItemsFunction:")[0])

    def seed(api_url: str) -> None:
        assert api_url.startswith("http://127.0.0.1:")
        import boto3  # sees the stack's moto and table through the environment, as plaudit_dev.seed does

        boto3.client("dynamodb").put_item(TableName=os.environ["TABLE_NAME"], Item={"pk": {"S": "seeded"}})

    local = LocalStack(port=0, template_path=template)
    state = local.start(seed=seed)
    try:
        assert state_path().exists()
        item = client("dynamodb", state.aws_endpoint_url).get_item(
            TableName="plaudit-local-Items", Key={"pk": {"S": "seeded"}}
        )
        assert "Item" in item
        assert os.environ.get("TABLE_NAME") != "plaudit-local-Items"  # the seed's environment was restored
    finally:
        local.stop()
    assert not state_path().exists()
    with pytest.raises(StackNotRunning):
        connect_local(template)
