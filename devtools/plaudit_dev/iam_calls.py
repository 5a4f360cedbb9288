"""IAM enforcement inside a local Lambda worker: every AWS call the function makes through botocore is
checked against its execution role's policy (plaudit_dev.iam) before it is sent, the way AWS authorizes it.

Each call is mapped to the IAM actions and resource ARNs AWS checks for it: DynamoDB per table (and index for
Query/Scan), batch and transaction requests per item's table and underlying action (a transaction's Put
needs dynamodb:PutItem on its table: `dynamodb:TransactWriteItems` is no IAM action), SQS per queue, KMS per
key (aliases resolved, a Decrypt without KeyId by the key named in moto's ciphertext), Secrets Manager per
secret, SES per sending identity, Lambda per function, Cognito per user pool. A call outside the policy
raises the ClientError AWS would answer (AccessDeniedException, or AccessDenied for SQS) and logs one line
naming the function, the action and the resource. A call this module cannot map is refused with an error
saying so, never let through.
"""

from __future__ import annotations

import struct
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from plaudit_dev.iam import Policy
from plaudit_dev.local_aws import ACCOUNT_ID, REGION

Check = tuple[str, str]  # (IAM action, resource ARN)


class UnmappedCall(RuntimeError):
    """The local stack does not know which IAM action and resource an AWS call needs."""


@dataclass(frozen=True)
class Access:
    """What a function's calls are checked against: its role's policy, and the KMS aliases of the stack."""

    function_name: str
    policy: Policy
    kms_aliases: Mapping[str, str] = field(default_factory=dict)  # "alias/x" -> key ARN

    def check(self, service: str, operation: str, params: Mapping[str, Any]) -> None:
        """Raise the AccessDenied ClientError AWS would give when the policy does not allow the call."""
        for action, resource in required(service, operation, params, self.kms_aliases):
            if not self.policy.allows(action, resource):
                sys.stderr.write(f"[IAM] AccessDenied: {self.function_name} {action} on {resource}\n")
                sys.stderr.flush()
                raise _access_denied(service, operation, self.function_name, action, resource)


def install(current: Callable[[], Access | None]) -> None:
    """Check every botocore call made from now on in this process (every session, every client created
    after this) against `current()`, the access of the function running now (None: no function runs)."""
    import botocore.handlers

    def check(params: Mapping[str, Any], model: Any, **_: Any) -> None:
        access = current()
        if access is not None:
            access.check(model.service_model.service_name, model.name, params)

    botocore.handlers.BUILTIN_HANDLERS.append(("before-parameter-build", check))


def _access_denied(service: str, operation: str, function_name: str, action: str, resource: str) -> Exception:
    from botocore.exceptions import ClientError

    role = f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{function_name}-role/{function_name}"
    message = (
        f"User: {role} is not authorized to perform: {action} on resource: {resource} "
        f"because no identity-based policy allows the {action} action"
    )
    code = "AccessDenied" if service in ("sqs", "s3") else "AccessDeniedException"
    error = {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": 403}}
    return ClientError(error, operation)  # type: ignore[arg-type]


# --- which action on which resource each call needs --------------------------------------------------------


def required(
    service: str, operation: str, params: Mapping[str, Any], kms_aliases: Mapping[str, str] | None = None
) -> list[Check]:
    """The (action, resource ARN) pairs IAM checks for `service`'s `operation` called with `params`."""
    mapper = _MAPPERS.get(service)
    if mapper is None:
        raise UnmappedCall(f"the local stack cannot check IAM for {service}.{operation}: add it to iam_calls")
    return mapper(operation, params, kms_aliases or {})


def _arn(service: str, resource: str) -> str:
    return f"arn:aws:{service}:{REGION}:{ACCOUNT_ID}:{resource}"


def _table(name: str) -> str:
    return name if name.startswith("arn:") else _arn("dynamodb", f"table/{name}")


_TRANSACT_ACTIONS = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "Get": "GetItem"}
_TRANSACT_ACTIONS["ConditionCheck"] = "ConditionCheckItem"


def _dynamodb(operation: str, params: Mapping[str, Any], _: Mapping[str, str]) -> list[Check]:
    if operation in ("BatchGetItem", "BatchWriteItem"):
        return [(f"dynamodb:{operation}", _table(name)) for name in params.get("RequestItems") or {}]
    if operation in ("TransactWriteItems", "TransactGetItems"):
        checks = []
        for item in params.get("TransactItems") or []:
            for kind, request in item.items():
                checks.append((f"dynamodb:{_TRANSACT_ACTIONS[kind]}", _table(request["TableName"])))
        return checks
    if "TableName" not in params:
        raise UnmappedCall(f"the local stack cannot check IAM for dynamodb.{operation}: add it to iam_calls")
    resource = _table(params["TableName"])
    if params.get("IndexName"):
        resource += f"/index/{params['IndexName']}"
    return [(f"dynamodb:{operation}", resource)]


_SQS_BATCHES = {
    "SendMessageBatch": "SendMessage",
    "DeleteMessageBatch": "DeleteMessage",
    "ChangeMessageVisibilityBatch": "ChangeMessageVisibility",
}


def _sqs(operation: str, params: Mapping[str, Any], _: Mapping[str, str]) -> list[Check]:
    name = (
        params["QueueUrl"].rstrip("/").rsplit("/", 1)[-1] if "QueueUrl" in params else params.get("QueueName")
    )
    if not name:
        raise UnmappedCall(f"the local stack cannot check IAM for sqs.{operation}: add it to iam_calls")
    return [(f"sqs:{_SQS_BATCHES.get(operation, operation)}", _arn("sqs", name))]


def _kms(operation: str, params: Mapping[str, Any], aliases: Mapping[str, str]) -> list[Check]:
    key = params.get("KeyId")
    if key is None and "CiphertextBlob" in params:  # Decrypt: the key is the one that encrypted
        key = _moto_ciphertext_key(params["CiphertextBlob"])
    if not key:
        raise UnmappedCall(f"the local stack cannot check IAM for kms.{operation}: add it to iam_calls")
    return [(f"kms:{operation}", _key_arn(key, aliases))]


def _key_arn(key: str, aliases: Mapping[str, str]) -> str:
    alias = key.split(":", 5)[-1] if key.startswith("arn:") else key
    if alias.startswith("alias/"):  # IAM authorizes the key an alias points to
        return aliases.get(alias, _arn("kms", alias))
    return key if key.startswith("arn:") else _arn("kms", f"key/{key}")


def _moto_ciphertext_key(blob: bytes) -> str:
    from moto.kms.utils import CIPHERTEXT_HEADER_FORMAT, HEADER_LEN

    key_id = struct.unpack(CIPHERTEXT_HEADER_FORMAT, bytes(blob[:HEADER_LEN]))[0]
    return str(key_id.decode())


def _secretsmanager(operation: str, params: Mapping[str, Any], _: Mapping[str, str]) -> list[Check]:
    secret = params.get("SecretId") or ""
    return [
        (
            f"secretsmanager:{operation}",
            secret if secret.startswith("arn:") else _arn("secretsmanager", f"secret:{secret}"),
        )
    ]


def _ses(operation: str, params: Mapping[str, Any], _: Mapping[str, str]) -> list[Check]:
    sender = params.get("FromEmailAddress") or params.get("Source")
    if operation not in ("SendEmail", "SendRawEmail") or not sender:
        raise UnmappedCall(f"the local stack cannot check IAM for ses.{operation}: add it to iam_calls")
    address = sender.rsplit("<", 1)[-1].rstrip(">")  # "Name <a@b>" or "a@b"
    return [(f"ses:{operation}", _arn("ses", f"identity/{address}"))]


def _lambda(operation: str, params: Mapping[str, Any], _: Mapping[str, str]) -> list[Check]:
    if operation not in ("Invoke", "InvokeAsync", "InvokeWithResponseStream"):
        raise UnmappedCall(f"the local stack cannot check IAM for lambda.{operation}: add it to iam_calls")
    name = params["FunctionName"]
    name = name.split(":")[6] if name.startswith("arn:") else name.split(":")[0]  # without a qualifier
    return [("lambda:InvokeFunction", _arn("lambda", f"function:{name}"))]


# S3 object operations -> the IAM action AWS checks (a multipart upload's steps are s3:PutObject).
_S3_OBJECT_ACTIONS = {
    "GetObject": "s3:GetObject",
    "HeadObject": "s3:GetObject",
    "PutObject": "s3:PutObject",
    "CreateMultipartUpload": "s3:PutObject",
    "UploadPart": "s3:PutObject",
    "CompleteMultipartUpload": "s3:PutObject",
    "AbortMultipartUpload": "s3:AbortMultipartUpload",
    "DeleteObject": "s3:DeleteObject",
}


def _s3(operation: str, params: Mapping[str, Any], _: Mapping[str, str]) -> list[Check]:
    action = _S3_OBJECT_ACTIONS.get(operation)
    if action is None or "Bucket" not in params or "Key" not in params:
        raise UnmappedCall(f"the local stack cannot check IAM for s3.{operation}: add it to iam_calls")
    return [(action, f"arn:aws:s3:::{params['Bucket']}/{params['Key']}")]


def _cognito_idp(operation: str, params: Mapping[str, Any], _: Mapping[str, str]) -> list[Check]:
    pool = params.get("UserPoolId")
    if not pool:
        raise UnmappedCall(
            f"the local stack cannot check IAM for cognito-idp.{operation}: add it to iam_calls"
        )
    return [(f"cognito-idp:{operation}", _arn("cognito-idp", f"userpool/{pool}"))]


_MAPPERS: dict[str, Callable[[str, Mapping[str, Any], Mapping[str, str]], list[Check]]] = {
    "dynamodb": _dynamodb,
    "s3": _s3,
    "sqs": _sqs,
    "kms": _kms,
    "secretsmanager": _secretsmanager,
    "ses": _ses,
    "sesv2": _ses,
    "lambda": _lambda,
    "cognito-idp": _cognito_idp,
}
