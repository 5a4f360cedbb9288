"""A deploy rehearsal, as far as an offline machine allows: the template goes through the SAM translator (what
`sam deploy` sends to CloudFormation), cfn-lint checks the result, every Ref, GetAtt and Sub (outputs too)
names something the translated template declares, and moto's CloudFormation creates the stack from the
resources it supports. The resource types it cannot create are a list committed here, so a new one is a
visible change rather than a silent skip; references to them become placeholder ARNs."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from plaudit_dev.iam import translate_roles
from plaudit_dev.jwt_local import TEMPLATE_PARAMETERS

pytestmark = pytest.mark.template

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"
STACK = "plaudit-rehearsal"

# Resource types moto's CloudFormation cannot create (checked against moto below, so the list never lies).
# Present in the template now, or expected from the parts being built (a user pool, the console's
# distribution, alarms, secrets the stack makes); a type neither supported nor listed fails the rehearsal.
UNSUPPORTED_BY_MOTO = {
    "AWS::ApiGatewayV2::Api",  # the HTTP API, its JWT authorizer, routes and integrations
    "AWS::ApiGatewayV2::Stage",
    "AWS::Lambda::EventInvokeConfig",  # on-failure destinations of asynchronous invocations
    "AWS::S3::BucketPolicy",
    "AWS::Scheduler::Schedule",  # EventBridge Scheduler (milestones, vouchers, streaks, redemptions)
    "AWS::Cognito::UserPool",
    "AWS::Cognito::UserPoolClient",
    "AWS::Cognito::UserPoolGroup",
    "AWS::Cognito::UserPoolResourceServer",
    "AWS::Cognito::UserPoolDomain",
    "AWS::CloudFront::Distribution",
    "AWS::CloudFront::OriginAccessControl",
    "AWS::CloudFront::ResponseHeadersPolicy",  # the console's CSP, HSTS and frame options
    "AWS::CloudWatch::Alarm",
    "AWS::SNS::Subscription",
    "AWS::SecretsManager::Secret",
}
# cfn-lint findings on the translated template that are the translator's own, with why they are fine
ACCEPTED_LINT = {"W1020": "SAM's translator writes Fn::Sub without variables in what it generates"}
PSEUDO = {
    "AWS::AccountId",
    "AWS::NotificationARNs",
    "AWS::NoValue",
    "AWS::Partition",
    "AWS::Region",
    "AWS::StackId",
    "AWS::StackName",
    "AWS::URLSuffix",
}
NO_VALUE = {"Ref": "AWS::NoValue"}


@pytest.fixture(scope="module")
def translated() -> dict[str, Any]:
    return json.loads(json.dumps(translate_roles(TEMPLATE, TEMPLATE_PARAMETERS).translated, default=str))


def names_used(node: Any) -> Iterator[tuple[str, str]]:
    """(how, name) for every Ref, GetAtt, Sub variable and DependsOn in `node`."""
    if isinstance(node, list):
        for value in node:
            yield from names_used(value)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                yield "Ref", value
            elif key == "Fn::GetAtt":
                yield "GetAtt", value[0] if isinstance(value, list) else value.split(".", 1)[0]
            elif key == "Fn::Sub":
                text, variables = (value, {}) if isinstance(value, str) else value
                for name in re.findall(r"\$\{([^!}][^}]*)\}", text):
                    if name not in variables:
                        yield "Sub", name.split(".", 1)[0]
                yield from names_used(variables)
            elif key == "DependsOn":
                yield from (("DependsOn", name) for name in ([value] if isinstance(value, str) else value))
            else:
                yield from names_used(value)


def test_the_translated_template_lints_clean(translated):
    from cfnlint.api import ManualArgs, lint

    findings = lint(json.dumps(translated), config=ManualArgs(regions=["us-east-1"]))
    unexplained = [str(finding) for finding in findings if finding.rule.id not in ACCEPTED_LINT]
    assert unexplained == []


def test_every_reference_resolves_to_a_resource_or_parameter(translated):
    declared = set(translated["Resources"]) | set(translated.get("Parameters") or {}) | PSEUDO
    conditions = set(translated.get("Conditions") or {})
    dangling = [
        f"{where}: {how} {name}"
        for where, node in [*translated["Resources"].items(), *(translated.get("Outputs") or {}).items()]
        for how, name in names_used(node)
        if name not in declared
    ]
    assert dangling == []
    used_conditions = {
        resource["Condition"] for resource in translated["Resources"].values() if "Condition" in resource
    } | set(re.findall(r'"Fn::If": \["([^"]+)"', json.dumps(translated)))
    assert used_conditions <= conditions


def test_the_outputs_a_user_needs_are_there(translated):
    outputs = translated["Outputs"]
    # the API's URL (plaudit bootstrap --stack reads it) and the table (plaudit audit/import --stack)
    assert outputs["ApiUrl"]["Value"] == {
        "Fn::Sub": "https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}"
    }
    assert outputs["DomainTableName"]["Value"] == {"Ref": "DomainTable"}
    # the topic every alarm notifies (subscribe the on-call to it) and the dashboard
    assert outputs["AlarmTopic"]["Value"] == {"Ref": "AlarmTopic"}
    assert translated["Resources"]["AlarmTopic"]["Type"] == "AWS::SNS::Topic"
    assert "${Dashboard}" in outputs["DashboardUrl"]["Value"]["Fn::Sub"]
    # sign-in: the stack's user pool (the default, condition UseCognito) and the console's app client
    assert outputs["UserPoolId"] == {
        "Condition": "UseCognito",
        "Description": outputs["UserPoolId"]["Description"],
        "Value": {"Ref": "UserPool"},
    }
    assert outputs["ConsoleClientId"]["Value"] == {"Ref": "ConsoleClient"}
    assert translated["Resources"]["UserPool"]["Type"] == "AWS::Cognito::UserPool"
    assert "JwtIssuerUrl" in outputs
    # what the deploy step writes as the console's /config.json: JSON once CloudFormation fills it in
    console_config = outputs["ConsoleConfig"]
    assert console_config["Condition"] == "UseCognito"
    filled = re.sub(
        r"\$\{([^}]+)\}", lambda m: m.group(1).replace("::", "-"), console_config["Value"]["Fn::Sub"]
    )
    config = json.loads(filled)
    assert config["client_id"] == "ConsoleClient"
    pool_issuer = outputs["JwtIssuerUrl"]["Value"]["Fn::If"][1]["Fn::Sub"].replace("${", "").replace("}", "")
    assert config["authority"] == config["metadata"]["issuer"] == pool_issuer.replace("::", "-")
    assert config["metadata"]["authorization_endpoint"].endswith(".amazoncognito.com/oauth2/authorize")
    assert config["metadata"]["token_endpoint"].endswith(".amazoncognito.com/oauth2/token")
    assert config["metadata"]["end_session_endpoint"].endswith(".amazoncognito.com/logout")  # Sign out
    # the web console, and the bucket its build is synced to
    assert outputs["ConsoleUrl"]["Value"] == {"Fn::Sub": "https://${ConsoleDistribution.DomainName}"}
    assert translated["Resources"]["ConsoleDistribution"]["Type"] == "AWS::CloudFront::Distribution"
    assert outputs["ConsoleBucketName"]["Value"] == {"Ref": "ConsoleBucket"}


def test_moto_cannot_create_exactly_the_committed_types():
    from moto.cloudformation.parsing import get_model_map

    supported = set(get_model_map())
    assert not UNSUPPORTED_BY_MOTO & supported, "moto creates these now: take them off the list"


def test_cloudformation_creates_the_stack_from_what_moto_supports(translated, monkeypatch):
    from moto.cloudformation.parsing import get_model_map

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    parameters = {
        name: str(spec["Default"]) for name, spec in translated["Parameters"].items() if "Default" in spec
    } | TEMPLATE_PARAMETERS
    template = resolve_conditions(translated, parameters)
    types = {resource["Type"] for resource in template["Resources"].values()}
    unsupported = types - set(get_model_map())
    assert unsupported <= UNSUPPORTED_BY_MOTO, "a new type moto cannot create: list it (and say what it is)"

    left_out = {name for name, res in template["Resources"].items() if res["Type"] in unsupported}
    subset = stub_out(template, left_out)

    with mock_aws():
        code = template_code(template)
        s3 = boto3.client("s3")
        for bucket, key in code:
            s3.create_bucket(Bucket=bucket)
            s3.put_object(Bucket=bucket, Key=key, Body=handler_zip())
        cloudformation = boto3.client("cloudformation")
        cloudformation.create_stack(
            StackName=STACK,
            TemplateBody=json.dumps(subset),
            Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in TEMPLATE_PARAMETERS.items()],
            Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"],
        )
        stack = cloudformation.describe_stacks(StackName=STACK)["Stacks"][0]
        assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
        created = cloudformation.list_stack_resources(StackName=STACK)["StackResourceSummaries"]
        assert {res["LogicalResourceId"] for res in created} == set(subset["Resources"])
        assert {res["ResourceStatus"] for res in created} == {"CREATE_COMPLETE"}
        outputs = {out["OutputKey"]: out["OutputValue"] for out in stack.get("Outputs", [])}
        table = boto3.client("dynamodb").describe_table(TableName=outputs["DomainTableName"])["Table"]
        assert table["StreamSpecification"]["StreamEnabled"] is True
        functions = boto3.client("lambda").list_functions()["Functions"]
        expected = [
            name for name, res in template["Resources"].items() if res["Type"] == "AWS::Lambda::Function"
        ]
        assert len(functions) == len(expected) > 20  # every function, with its role, queue and trigger
        topics = boto3.client("sns").list_topics()["Topics"]
        assert outputs["AlarmTopic"] in [topic["TopicArn"] for topic in topics]


def resolve_conditions(template: dict[str, Any], parameters: dict[str, str]) -> dict[str, Any]:
    """The template as CloudFormation reads it for these parameters: resources whose Condition is false
    gone, each Fn::If replaced by its branch, AWS::NoValue removed (moto leaves a None where AWS drops it)."""
    declared = template.get("Conditions") or {}
    values: dict[str, bool] = {}

    def value(node: Any) -> Any:
        if isinstance(node, dict) and "Ref" in node:
            return parameters[node["Ref"]]
        if isinstance(node, dict) and "Fn::Join" in node:
            separator, parts = node["Fn::Join"]
            return separator.join(value(part) for part in parts)
        if isinstance(node, dict) and "Condition" in node:
            return condition(node["Condition"])
        return str(node)

    def holds(node: dict[str, Any]) -> bool:
        if "Condition" in node:
            return condition(node["Condition"])
        [(function, args)] = node.items()
        if function == "Fn::Equals":
            return value(args[0]) == value(args[1])
        if function == "Fn::Not":
            return not holds(args[0])
        if function == "Fn::And":
            return all(holds(arg) for arg in args)
        if function == "Fn::Or":
            return any(holds(arg) for arg in args)
        raise AssertionError(f"a condition function the rehearsal does not know: {function}")

    def condition(name: str) -> bool:
        if name not in values:
            values[name] = holds(declared[name])
        return values[name]

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            if set(node) == {"Fn::If"}:
                name, yes, no = node["Fn::If"]
                return resolve(yes if condition(name) else no)
            return {key: out for key, item in node.items() if (out := resolve(item)) != NO_VALUE}
        if isinstance(node, list):
            return [out for item in node if (out := resolve(item)) != NO_VALUE]
        return node

    kept = {
        name: res
        for name, res in template["Resources"].items()
        if "Condition" not in res or condition(res["Condition"])
    }
    outputs = {
        key: out
        for key, out in (template.get("Outputs") or {}).items()
        if "Condition" not in out or condition(out["Condition"])
    }
    return resolve({**template, "Resources": kept, "Outputs": outputs})


def stub_out(template: dict[str, Any], names: set[str]) -> dict[str, Any]:
    """The template without the resources `names`, every reference to them (Ref, GetAtt, Sub) replaced by a
    placeholder ARN and DependsOn on them dropped, so all else is created as it would be in AWS."""

    def placeholder(name: str, attribute: str | None = None) -> str:
        return f"arn:aws:rehearsal:us-east-1:123456789012:{name}" + (f"/{attribute}" if attribute else "")

    def sub(text: str) -> str:
        def swap(match: re.Match[str]) -> str:
            name, _, attribute = match.group(1).partition(".")
            return placeholder(name, attribute or None) if name in names else match.group(0)

        return re.sub(r"\$\{([^!}][^}]*)\}", swap, text)

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        if set(node) == {"Ref"} and node["Ref"] in names:
            return placeholder(node["Ref"])
        if set(node) == {"Fn::GetAtt"}:
            target = node["Fn::GetAtt"]
            name, attribute = target if isinstance(target, list) else target.split(".", 1)
            if name in names:
                return placeholder(name, attribute)
        if set(node) == {"Fn::Sub"}:
            value = node["Fn::Sub"]
            return {"Fn::Sub": sub(value) if isinstance(value, str) else [sub(value[0]), walk(value[1])]}
        out = {key: walk(value) for key, value in node.items()}
        if "DependsOn" in out:
            depends = [out["DependsOn"]] if isinstance(out["DependsOn"], str) else out["DependsOn"]
            if kept := [name for name in depends if name not in names]:
                out["DependsOn"] = kept
            else:
                del out["DependsOn"]
        return out

    resources = {name: walk(res) for name, res in template["Resources"].items() if name not in names}
    return {**walk({k: v for k, v in template.items() if k != "Resources"}), "Resources": resources}


def template_code(template: dict[str, Any]) -> set[tuple[str, str]]:
    """The S3 locations the translated template's functions and layers load their code from."""
    places = set()
    for res in template["Resources"].values():
        props = res.get("Properties", {})
        code = props.get("Code") or props.get("Content") or {}
        if "S3Bucket" in code:
            places.add((code["S3Bucket"], code["S3Key"]))
    return places


def handler_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def lambda_handler(event, context):\n    return None\n")
    return buffer.getvalue()
