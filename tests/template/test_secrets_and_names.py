"""The template's secrets, names and protections (issue 12, sections 2 and 6): generated secrets where the
stack can make them, empty ones a person fills in, the voucher hash keys kept past the stack, physical names
that carry the stack name, prod's retained logs and protected table, the Rules a prod deploy must pass, and
the voucher key and SES used only by whom and from where they must be."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from plaudit_dev.paths import TEMPLATE_PATH
from plaudit_dev.template import load_yaml

pytestmark = pytest.mark.template

PROD_ONLY = {"Fn::If": ["IsProd", "Retain", "Delete"]}
# properties that give a resource its physical name (two stacks in one account must not collide)
NAME_PROPERTIES = {
    "Name", "LogGroupName", "AliasName", "LayerName", "FunctionName", "TopicName", "QueueName", "RoleName",
    "TableName", "BucketName", "AlarmName", "DashboardName", "UserPoolName", "ApiName", "StateMachineName",
}  # fmt: skip
# the functions whose code encrypts or decrypts voucher codes (plaudit.integrations.voucher_crypto)
KEY_USERS = {
    "FulfilmentFunctionRole": {"kms:Encrypt", "kms:Decrypt"},
    "CodeStockFunctionRole": {"kms:Encrypt"},
    "VouchersFunctionRole": {"kms:Decrypt"},
    "SlackFunctionRole": {"kms:Decrypt"},
    "NotificationsFunctionRole": {"kms:Decrypt"},
}
KEY_USE = ("kms:encrypt", "kms:decrypt", "kms:reencrypt", "kms:generatedatakey", "kms:*")


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_yaml(TEMPLATE_PATH)


def listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def secrets_of(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = template["Resources"].items()
    return {name: r for name, r in found if r["Type"] == "AWS::SecretsManager::Secret"}


def test_the_stack_generates_the_secrets_it_can_make(template: dict[str, Any]) -> None:
    secrets = secrets_of(template)
    voucher = secrets["VoucherHashSecret"]["Properties"]["GenerateSecretString"]
    assert json.loads(voucher["SecretStringTemplate"]) == {"previous": []}  # {"key": ..., "previous": []}
    assert voucher["GenerateStringKey"] == "key"
    assert voucher["PasswordLength"] >= 32
    hris = secrets["HrisWebhookSecret"]["Properties"]["GenerateSecretString"]
    assert (json.loads(hris["SecretStringTemplate"]), hris["GenerateStringKey"]) == ({}, "signing_secret")
    assert hris["PasswordLength"] >= 32


@pytest.mark.parametrize(
    ("secret", "fields"),
    [
        ("SlackSecret", {"signing_secret", "bot_token"}),
        ("BambooHrSecret", {"webhook_key", "api_key", "company_domain"}),
    ],
)
def test_secrets_only_a_person_has_are_created_empty(
    template: dict[str, Any], secret: str, fields: set[str]
) -> None:
    props = secrets_of(template)[secret]["Properties"]
    assert "GenerateSecretString" not in props
    assert json.loads(props["SecretString"]) == dict.fromkeys(fields, "")  # empty: the functions answer 503


def test_no_secret_is_a_parameter_any_more(template: dict[str, Any]) -> None:
    assert not [name for name in template["Parameters"] if "Secret" in name]
    functions = [r for r in template["Resources"].values() if r["Type"] == "AWS::Serverless::Function"]
    variables = dict(template["Globals"]["Function"]["Environment"]["Variables"])
    for function in functions:
        variables |= ((function["Properties"].get("Environment") or {}).get("Variables")) or {}
    arns = {name: value for name, value in variables.items() if name.endswith("_SECRET_ARN")}
    assert arns
    assert all(
        value == {"Ref": value["Ref"]} and value["Ref"] in secrets_of(template) for value in arns.values()
    )


def test_the_voucher_hash_keys_outlive_the_stack(template: dict[str, Any]) -> None:
    secret = template["Resources"]["VoucherHashSecret"]
    assert (secret["DeletionPolicy"], secret["UpdateReplacePolicy"]) == ("Retain", "Retain")
    key = template["Resources"]["VoucherKey"]
    assert (key["DeletionPolicy"], key["UpdateReplacePolicy"]) == ("Retain", "Retain")


def _names(value: Any, where: str) -> list[tuple[str, Any]]:
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in NAME_PROPERTIES and not (isinstance(item, dict) and "Fn::GetAtt" in item):
                found.append((f"{where}.{key}", item))
            found += _names(item, f"{where}.{key}")
    elif isinstance(value, list):
        for number, item in enumerate(value):
            found += _names(item, f"{where}[{number}]")
    return found


def test_physical_names_carry_the_stack_name(template: dict[str, Any]) -> None:
    names = _names(template["Resources"], "Resources")
    assert len(names) > 25  # log groups, schedules, the alias, the layer, secrets, the Slack function
    for where, value in names:
        if "Policies" in where or "Dimensions" in where:  # they name a queue or a metric, they make none
            continue
        if "RecoveryMechanisms" in where:  # the user pool's recovery mechanism: an enum value, not a name
            continue
        if value == {"Ref": "AWS::StackName"}:
            continue
        text = value.get("Fn::Sub") if isinstance(value, dict) else None
        assert isinstance(text, str), f"{where}: {value!r} is not a !Sub with ${{AWS::StackName}}"
        assert "${AWS::StackName}" in text, f"{where}: {text} does not carry the stack name"


def test_prod_retains_its_logs_and_protects_its_table(template: dict[str, Any]) -> None:
    assert template["Conditions"]["IsProd"] == {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}
    assert "AWS::LanguageExtensions" in template["Transform"]  # what lets DeletionPolicy take an Fn::If
    groups = {n: r for n, r in template["Resources"].items() if r["Type"] == "AWS::Logs::LogGroup"}
    assert groups
    for name, group in groups.items():
        assert (group.get("DeletionPolicy"), group.get("UpdateReplacePolicy")) == (PROD_ONLY, PROD_ONLY), name
    table = template["Resources"]["DomainTable"]
    assert table["Properties"]["DeletionProtectionEnabled"] == {"Fn::If": ["IsProd", True, False]}
    assert (table["DeletionPolicy"], table["UpdateReplacePolicy"]) == ("Retain", "Retain")


def test_rules_refuse_an_external_issuer_without_its_audiences(template: dict[str, Any]) -> None:
    """JwtIssuer empty is the stack's own user pool (the default, prod too); the company's own issuer
    needs the client ids its tokens are for."""
    rules = template["Rules"]
    external = [
        rule
        for rule in rules.values()
        if rule.get("RuleCondition") == {"Fn::Not": [{"Fn::Equals": [{"Ref": "JwtIssuer"}, ""]}]}
    ]
    assert external
    asserted = json.dumps([assertion["Assert"] for rule in external for assertion in rule["Assertions"]])
    assert '{"Ref": "JwtAudience"}' in asserted
    assert all(a["AssertDescription"] for rule in rules.values() for a in rule["Assertions"])
    assert '{"Ref": "JwtIssuer"}' not in json.dumps([rule["Assertions"] for rule in rules.values()])
    used = set(re.findall(r'"((?:Fn::|Ref)[A-Za-z]*)"', json.dumps(rules)))
    assert used <= RULE_FUNCTIONS, used - RULE_FUNCTIONS  # CloudFormation refuses any other in Rules


RULE_FUNCTIONS = {  # what CloudFormation accepts in a rule's condition and assertions
    "Fn::And", "Fn::Contains", "Fn::EachMemberEquals", "Fn::EachMemberIn", "Fn::Equals", "Fn::Not", "Fn::Or",
    "Fn::RefAll", "Fn::ValueOf", "Fn::ValueOfAll", "Ref",
}  # fmt: skip


def test_only_the_functions_that_use_voucher_codes_may_use_their_key(template: dict[str, Any]) -> None:
    statements = template["Resources"]["VoucherKey"]["Properties"]["KeyPolicy"]["Statement"]
    granted: dict[str, set[str]] = {}
    for statement in statements:
        assert statement["Effect"] == "Allow"
        assert "NotPrincipal" not in statement
        assert "NotAction" not in statement
        principals = listed(statement["Principal"]["AWS"])
        actions = {action.lower() for action in listed(statement["Action"])}
        if principals == [{"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}]:
            # the account administers the key and cannot encrypt or decrypt with it
            assert not [a for a in actions if a.startswith(KEY_USE)], actions
            continue
        for principal in principals:
            role = principal["Fn::GetAtt"][0]
            granted.setdefault(role, set()).update(listed(statement["Action"]))
    assert granted == KEY_USERS
    for role in granted:  # each a function's own SAM-made role
        assert role.removesuffix("Role") in template["Resources"]
    for name, resource in template["Resources"].items():  # the key policy alone grants (no cycle)
        if resource["Type"] == "AWS::Serverless::Function":
            assert "kms:" not in json.dumps(resource["Properties"].get("Policies")), name


def test_ses_sends_only_from_the_configured_identity(template: dict[str, Any]) -> None:
    senders = []
    for name, resource in template["Resources"].items():
        text = json.dumps(resource.get("Properties", {}).get("Policies"))
        if "ses:" in text:
            senders.append(name)
            assert "identity/*" not in text, name
            assert "identity/${RewardMailFrom}" in text, name
    assert "NotificationsFunction" in senders


def test_no_policy_grants_every_resource(template: dict[str, Any]) -> None:
    for name, resource in template["Resources"].items():
        for policy in listed(resource.get("Properties", {}).get("Policies") or []):
            for statement in listed(policy.get("Statement", []) if isinstance(policy, dict) else []):
                assert "*" not in listed(statement.get("Resource")), name
