"""The local stack's IAM: policies evaluated as AWS does, and AWS calls mapped to the actions and resources
AWS authorizes them by."""

from __future__ import annotations

import struct

import pytest
from botocore.exceptions import ClientError

from plaudit_dev.iam import Policy, UnsupportedPolicy, key_policy_grants
from plaudit_dev.iam_calls import Access, UnmappedCall, required

ACCOUNT = "arn:aws:dynamodb:us-east-1:123456789012"
TABLE = f"{ACCOUNT}:table/plaudit-local-DomainTable"
QUEUE = "arn:aws:sqs:us-east-1:123456789012:plaudit-local-FulfilmentQueue"
KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"


def policy(*statements: dict) -> Policy:
    return Policy.from_documents([{"Version": "2012-10-17", "Statement": list(statements)}])


TABLE_READS = {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query"], "Resource": TABLE}


def test_an_allowed_action_on_its_resource_is_allowed() -> None:
    assert policy(TABLE_READS).allows("dynamodb:GetItem", TABLE)


def test_an_action_no_statement_names_is_denied() -> None:
    assert not policy(TABLE_READS).allows("dynamodb:PutItem", TABLE)


def test_an_allowed_action_on_another_resource_is_denied() -> None:
    assert not policy(TABLE_READS).allows("dynamodb:GetItem", f"{ACCOUNT}:table/other")
    assert not policy(TABLE_READS).allows("dynamodb:Query", f"{TABLE}/index/GSI1")  # an index is its own ARN


def test_no_statement_at_all_denies_everything() -> None:
    assert not Policy.from_documents([]).allows("dynamodb:GetItem", TABLE)


def test_wildcards_in_actions_and_resources() -> None:
    granted = policy(
        {"Effect": "Allow", "Action": "sqs:SendMessage*", "Resource": QUEUE},
        {"Effect": "Allow", "Action": "dynamodb:Query", "Resource": f"{TABLE}/index/*"},
        {"Effect": "Allow", "Action": "kms:Decryp?", "Resource": "*"},
    )
    assert granted.allows("sqs:SendMessage", QUEUE)
    assert granted.allows("sqs:SendMessageBatch", QUEUE)
    assert not granted.allows("sqs:ReceiveMessage", QUEUE)
    assert granted.allows("dynamodb:Query", f"{TABLE}/index/GSI1")
    assert not granted.allows("dynamodb:Query", TABLE)
    assert granted.allows("kms:Decrypt", KEY)
    assert not granted.allows("kms:Encrypt", KEY)


def test_actions_ignore_case_and_resources_do_not() -> None:
    granted = policy({"Effect": "Allow", "Action": "DynamoDB:getitem", "Resource": TABLE})
    assert granted.allows("dynamodb:GetItem", TABLE)
    assert not granted.allows("dynamodb:GetItem", TABLE.upper())


def test_an_explicit_deny_wins_over_an_allow() -> None:
    granted = policy(
        {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "dynamodb:DeleteItem", "Resource": TABLE},
    )
    assert granted.allows("dynamodb:PutItem", TABLE)
    assert not granted.allows("dynamodb:DeleteItem", TABLE)


@pytest.mark.parametrize(
    "statement",
    [
        {**TABLE_READS, "Condition": {"StringEquals": {"aws:PrincipalTag/team": "hr"}}},
        {"Effect": "Allow", "NotAction": "dynamodb:DeleteItem", "Resource": TABLE},
        {"Effect": "Allow", "Action": "dynamodb:GetItem", "NotResource": TABLE},
        {**TABLE_READS, "Principal": "*"},
        {"Effect": "Maybe", "Action": "dynamodb:GetItem", "Resource": TABLE},
        {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": {"Fn::GetAtt": ["DomainTable", "Arn"]}},
        {"Effect": "Allow", "Action": "dynamodb:GetItem"},
    ],
    ids=["condition", "not-action", "not-resource", "principal", "effect", "unresolved", "no-resource"],
)
def test_what_the_evaluator_cannot_judge_is_refused_when_loaded(statement: dict) -> None:
    with pytest.raises(UnsupportedPolicy):
        policy(statement)


def test_dynamodb_calls_need_their_table_or_index() -> None:
    assert required("dynamodb", "GetItem", {"TableName": "plaudit-local-DomainTable"}) == [
        ("dynamodb:GetItem", TABLE)
    ]
    assert required("dynamodb", "Query", {"TableName": "plaudit-local-DomainTable", "IndexName": "GSI1"}) == [
        ("dynamodb:Query", f"{TABLE}/index/GSI1")
    ]


def test_a_transaction_needs_each_items_own_action_on_its_table() -> None:
    items = [
        {"Put": {"TableName": "plaudit-local-DomainTable", "Item": {}}},
        {"Update": {"TableName": "other", "Key": {}}},
        {"ConditionCheck": {"TableName": "plaudit-local-DomainTable", "Key": {}}},
        {"Delete": {"TableName": "plaudit-local-DomainTable", "Key": {}}},
    ]
    assert required("dynamodb", "TransactWriteItems", {"TransactItems": items}) == [
        ("dynamodb:PutItem", TABLE),
        ("dynamodb:UpdateItem", f"{ACCOUNT}:table/other"),
        ("dynamodb:ConditionCheckItem", TABLE),
        ("dynamodb:DeleteItem", TABLE),
    ]


def test_batches_need_the_batch_action_on_every_table() -> None:
    request = {"RequestItems": {"plaudit-local-DomainTable": {"Keys": []}, "other": {"Keys": []}}}
    assert required("dynamodb", "BatchGetItem", request) == [
        ("dynamodb:BatchGetItem", TABLE),
        ("dynamodb:BatchGetItem", f"{ACCOUNT}:table/other"),
    ]


def test_sqs_calls_need_the_queue_of_their_url() -> None:
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/plaudit-local-FulfilmentQueue"
    assert required("sqs", "SendMessage", {"QueueUrl": url, "MessageBody": "{}"}) == [
        ("sqs:SendMessage", QUEUE)
    ]
    assert required("sqs", "SendMessageBatch", {"QueueUrl": url, "Entries": []}) == [
        ("sqs:SendMessage", QUEUE)
    ]


def test_kms_calls_need_the_key_an_alias_or_a_ciphertext_names() -> None:
    aliases = {"alias/plaudit-dev-vouchers": KEY}
    key_id = KEY.rsplit("/", 1)[1]
    assert required("kms", "Encrypt", {"KeyId": "alias/plaudit-dev-vouchers"}, aliases) == [
        ("kms:Encrypt", KEY)
    ]
    assert required("kms", "Encrypt", {"KeyId": key_id}) == [("kms:Encrypt", KEY)]
    blob = struct.pack("36s12s16s", key_id.encode(), b"\0" * 12, b"\0" * 16) + b"ciphertext"
    assert required("kms", "Decrypt", {"CiphertextBlob": blob}) == [("kms:Decrypt", KEY)]


def test_a_key_policy_that_names_a_role_grants_it_its_actions_on_that_key_only() -> None:
    root = {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
    statements = [
        {
            "Sid": "Admin",
            "Effect": "Allow",
            "Principal": {"AWS": root},
            "Action": "kms:Describe*",
            "Resource": "*",
        },
        {
            "Effect": "Allow",
            "Principal": {"AWS": [{"Fn::GetAtt": ["ShowRole", "Arn"]}, {"Fn::GetAtt": ["IssueRole", "Arn"]}]},
            "Action": "kms:Decrypt",
            "Resource": "*",
        },
        {
            "Effect": "Allow",
            "Principal": {"AWS": {"Fn::GetAtt": ["IssueRole", "Arn"]}},
            "Action": ["kms:Encrypt"],
        },
    ]
    translated = {
        "Resources": {
            "Key": {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": {"Statement": statements}}}
        }
    }
    resources = {"Key": {"Ref": "11111111-2222-3333-4444-555555555555", "Arn": KEY}}
    show = Policy.from_documents(key_policy_grants(translated, "ShowRole", resources))
    issue = Policy.from_documents(key_policy_grants(translated, "IssueRole", resources))
    assert show.allows("kms:Decrypt", KEY)
    assert not show.allows("kms:Encrypt", KEY)
    assert issue.allows("kms:Encrypt", KEY)
    assert issue.allows("kms:Decrypt", KEY)
    assert not show.allows("kms:Decrypt", KEY.replace("1111", "9999"))  # that key only
    assert key_policy_grants(translated, "OtherRole", resources) == []  # named nowhere: nothing


def test_ses_lambda_and_secrets_calls_need_their_identity_function_and_secret() -> None:
    assert required("sesv2", "SendEmail", {"FromEmailAddress": "Plaudit <a@b.example>"}) == [
        ("ses:SendEmail", "arn:aws:ses:us-east-1:123456789012:identity/a@b.example")
    ]
    assert required("lambda", "Invoke", {"FunctionName": "plaudit-local-slack"}) == [
        ("lambda:InvokeFunction", "arn:aws:lambda:us-east-1:123456789012:function:plaudit-local-slack")
    ]
    secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:slack-AbCdEf"
    assert required("secretsmanager", "GetSecretValue", {"SecretId": secret}) == [
        ("secretsmanager:GetSecretValue", secret)
    ]


def test_a_call_the_local_stack_cannot_map_is_refused_not_let_through() -> None:
    with pytest.raises(UnmappedCall):
        required("s3", "ListBuckets", {})
    with pytest.raises(UnmappedCall):
        required("sns", "Publish", {"TopicArn": "arn:aws:sns:us-east-1:123456789012:t"})
    with pytest.raises(UnmappedCall):
        required("dynamodb", "ListTables", {})


def test_s3_object_calls_need_their_action_on_the_object() -> None:
    assert required("s3", "UploadPart", {"Bucket": "b", "Key": "exports/x.csv"}) == [
        ("s3:PutObject", "arn:aws:s3:::b/exports/x.csv")
    ]
    assert required("s3", "AbortMultipartUpload", {"Bucket": "b", "Key": "k"}) == [
        ("s3:AbortMultipartUpload", "arn:aws:s3:::b/k")
    ]
    assert required("s3", "GetObject", {"Bucket": "b", "Key": "k"}) == [("s3:GetObject", "arn:aws:s3:::b/k")]


def test_a_denied_call_raises_what_aws_answers_and_logs_function_action_and_resource(
    capsys: pytest.CaptureFixture[str],
) -> None:
    access = Access("plaudit-local-SlackFunction", policy(TABLE_READS))
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/plaudit-local-FulfilmentQueue"
    with pytest.raises(ClientError) as denied:
        access.check("sqs", "SendMessage", {"QueueUrl": url, "MessageBody": '{"redemption_id": "red_1"}'})
    assert denied.value.response["Error"]["Code"] == "AccessDenied"
    with pytest.raises(ClientError) as denied:
        access.check("dynamodb", "PutItem", {"TableName": "plaudit-local-DomainTable", "Item": {}})
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"
    logged = capsys.readouterr().err
    assert f"plaudit-local-SlackFunction sqs:SendMessage on {QUEUE}" in logged
    assert "red_1" not in logged  # the request's content is not logged
    access.check("dynamodb", "GetItem", {"TableName": "plaudit-local-DomainTable", "Key": {}})  # allowed
