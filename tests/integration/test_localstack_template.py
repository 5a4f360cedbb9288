"""plaudit_dev.template: what the local stack reads from the SAM template."""

from __future__ import annotations

from pathlib import Path

import pytest

from plaudit_dev.paths import REPO_ROOT
from plaudit_dev.template import TemplateError, load_template, load_yaml


@pytest.fixture(scope="module")
def real():
    return load_template(parameters={"JwtIssuer": "http://issuer", "JwtAudience": "aud"})


def test_cloudformation_tags_load_in_their_json_form() -> None:
    doc = load_yaml(REPO_ROOT / "template.yaml")
    resources = doc["Resources"]
    assert resources["CoreLayer"]["Properties"]["LayerName"] == {"Fn::Sub": "${AWS::StackName}-core"}
    assert doc["Globals"]["Function"]["Environment"]["Variables"]["TABLE_NAME"] == {"Ref": "DomainTable"}
    stream = resources["ProjectionsFunction"]["Properties"]["Events"]["DomainStream"]["Properties"]["Stream"]
    assert stream == {"Fn::GetAtt": ["DomainTable", "StreamArn"]}


def test_tables_become_create_table_kwargs(real) -> None:
    domain = real.tables["DomainTable"]
    assert domain.name == "plaudit-local-DomainTable"
    assert domain.ttl_attribute == "expires_at"
    kwargs = domain.create_kwargs
    assert kwargs["TableName"] == "plaudit-local-DomainTable"
    assert kwargs["BillingMode"] == "PAY_PER_REQUEST"
    assert {k["AttributeName"]: k["KeyType"] for k in kwargs["KeySchema"]} == {"PK": "HASH", "SK": "RANGE"}
    assert [index["IndexName"] for index in kwargs["GlobalSecondaryIndexes"]] == [
        "GSI1",
        "BoardPoints",
        "BoardKudos",
    ]
    assert kwargs["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert (
        "SSESpecification" not in kwargs
    )  # CloudFormation's shape differs from the API's; not needed locally
    assert real.tables["IdempotencyTable"].ttl_attribute == "expiration"


def test_functions_get_code_dir_handler_and_resolved_environment(real) -> None:
    recognition = real.functions["RecognitionFunction"]
    assert recognition.code_dir == REPO_ROOT / "functions" / "recognition"
    assert recognition.handler == "app.lambda_handler"
    assert recognition.name == "plaudit-local-RecognitionFunction"
    assert recognition.environment["TABLE_NAME"] == "plaudit-local-DomainTable"  # !Ref <Table>
    assert recognition.environment["POWERTOOLS_LOG_LEVEL"] == "INFO"  # !Ref <Parameter> -> Default
    assert recognition.environment["STAGE"] == "dev"
    assert recognition.environment["POWERTOOLS_SERVICE_NAME"] == "recognition"  # the function's own
    assert recognition.environment["POWERTOOLS_METRICS_NAMESPACE"] == "Plaudit/plaudit-local"  # Globals, !Sub
    assert recognition.memory_mb == 1024
    assert recognition.timeout_s == 10
    assert real.functions["ProjectionsFunction"].timeout_s == 60  # the function overrides Globals


def test_http_api_routes(real) -> None:
    routes = {route.route_key: route for route in real.routes}
    wallet = routes["GET /v1/employees/{id}/wallet"]
    assert wallet.function_id == "RecognitionFunction"
    assert wallet.requires_jwt  # the API's DefaultAuthorizer applies
    assert routes["PUT /v1/settings"].function_id == "DirectoryFunction"
    assert "POST /v1/recognitions" in routes


def test_dynamodb_stream_sources(real) -> None:
    (source, *_) = [s for s in real.stream_sources if s.function_id == "ProjectionsFunction"]
    assert source.table_id == "DomainTable"
    assert source.batch_size == 100
    assert source.max_retries == 5
    assert source.report_batch_item_failures
    types = ["recognition", "add_on", "milestone_award", "redemption", "voucher", "season_standings"]
    moving = ["kudos", "add_on", "reaction_undo", "milestone_award", "points_expiry"]
    moving += ["redemption_hold", "redemption_settle", "redemption_refund", "correction"]
    txns = {"type": {"S": ["txn"]}, "kind": {"S": moving}}
    assert source.filter_patterns == (
        {"dynamodb": {"NewImage": {"type": {"S": types}}}},
        {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"type": {"S": ["audit_entry"]}}}},
        {"dynamodb": {"NewImage": txns}},
        {
            "eventName": ["INSERT"],
            "dynamodb": {"NewImage": {"type": {"S": ["correction"]}, "kind": {"S": ["award", "item"]}}},
        },
    )


SCRATCH = """
Parameters:
  Stage: {Type: String, Default: local}
  NoDefault: {Type: String}
Conditions:
  IsLocal: !Equals [!Ref Stage, local]
Globals:
  Function:
    Handler: app.handler
    Environment:
      Variables:
        TABLE: !Ref Things
Resources:
  Api:
    Type: AWS::Serverless::HttpApi
  Things:
    Type: AWS::DynamoDB::Table
    Properties:
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: fn
      Environment:
        Variables:
          ARN: !GetAtt Things.Arn
          NAME: !Sub "svc-${Stage}-${AWS::Region}"
          TABLE_ARN: !Sub "${Things.Arn}/index/*"
          MODE: !If [IsLocal, dev, prod]
          JOINED: !Join ["-", [!Ref Stage, !Select [1, [a, b]]]]
          FLAG: true
      Events:
        Open: {Type: HttpApi, Properties: {ApiId: !Ref Api, Path: /open, Method: get}}
        Catch: {Type: HttpApi, Properties: {ApiId: !Ref Api}}
"""


def test_resolves_intrinsics_and_defaults(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(SCRATCH)
    template = load_template(tmp_path / "template.yaml")
    env = template.functions["Fn"].environment
    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/plaudit-local-Things"
    assert env == {
        "TABLE": "plaudit-local-Things",
        "ARN": arn,
        "NAME": "svc-local-us-east-1",
        "TABLE_ARN": f"{arn}/index/*",
        "MODE": "dev",  # conditions are evaluated
        "JOINED": "local-b",
        "FLAG": "true",
    }
    assert template.functions["Fn"].handler == "app.handler"  # from Globals
    assert template.functions["Fn"].code_dir == tmp_path / "fn"
    assert template.tables["Things"].create_kwargs["BillingMode"] == "PROVISIONED"
    routes = {route.route_key: route for route in template.routes}
    assert set(routes) == {"GET /open", "$default"}  # no Path/Method: the API's $default route
    assert not routes["GET /open"].requires_jwt  # the API has no DefaultAuthorizer


def test_unresolvable_reference_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(SCRATCH.replace("!Ref Things", "!Ref NoDefault"))
    with pytest.raises(TemplateError, match=r"Globals\.TABLE: cannot resolve !Ref NoDefault"):
        load_template(tmp_path / "template.yaml")
    template = load_template(tmp_path / "template.yaml", parameters={"NoDefault": "given"})
    assert template.global_environment == {"TABLE": "given"}
