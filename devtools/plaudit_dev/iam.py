"""The IAM policies of the template's functions, as AWS would evaluate them for the calls a function makes.

The template goes through the SAM translator (what `sam deploy` runs): each function's execution role comes
out with its inline policies, policy templates (SQSSendMessagePolicy, DynamoDBCrudPolicy, KMSDecryptPolicy...)
and event-source grants expanded. The role's intrinsics (`Fn::GetAtt`, `Fn::Sub`, `Fn::If` on the template's
Conditions...) are resolved by SAM CLI's intrinsic resolver against the local stack's resources, so each
statement names the ARNs the function may use locally.

Evaluation follows IAM for identity-based policies: a request is allowed when some Allow statement matches
its action and resource and no Deny statement does. Action patterns match case-insensitively, resource
patterns case-sensitively; both take the `*` and `?` wildcards. What this evaluator cannot judge (a
`Condition`, `NotAction`, `NotResource`, `Principal`) is refused when the policy is loaded rather than
ignored, so a policy never looks broader or narrower locally than it is.

Managed policies (SAM attaches AWSLambdaBasicExecutionRole, AWSXrayWriteOnlyAccess, and the stream and
queue execution roles used by the Lambda service's pollers) are not expanded: the functions' own code does not
rely on them, and a call that did would be refused locally.
"""

from __future__ import annotations

import copy
import fnmatch
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from plaudit_dev.local_aws import ACCOUNT_ID, REGION, function_arn
from plaudit_dev.template import (
    PSEUDO_PARAMETERS,
    Template,
    bucket_arn,
    local_symbols,
    local_user_pool_id,
    table_arn,
    unknown_names,
    user_pool_arn,
)

_SUPPORTED_KEYS = {"Sid", "Effect", "Action", "Resource"}


class UnsupportedPolicy(ValueError):
    """The policy uses something the local evaluator cannot judge faithfully."""


@dataclass(frozen=True)
class Statement:
    allow: bool
    actions: tuple[str, ...]
    resources: tuple[str, ...]

    def matches(self, action: str, resource: str) -> bool:
        return any(_wildcard(pattern, action, ignore_case=True) for pattern in self.actions) and any(
            _wildcard(pattern, resource, ignore_case=False) for pattern in self.resources
        )


@dataclass(frozen=True)
class Policy:
    """The statements of every policy of one role."""

    statements: tuple[Statement, ...]

    @classmethod
    def from_documents(cls, documents: Iterable[Mapping[str, Any]], owner: str = "policy") -> Policy:
        statements: list[Statement] = []
        for document in documents:
            raw = document.get("Statement") or []
            for number, statement in enumerate([raw] if isinstance(raw, Mapping) else raw):
                statements.append(_statement(statement, f"{owner} statement {number}"))
        return cls(tuple(statements))

    def allows(self, action: str, resource: str) -> bool:
        matching = [statement for statement in self.statements if statement.matches(action, resource)]
        return any(statement.allow for statement in matching) and all(s.allow for s in matching)


def _statement(statement: Mapping[str, Any], where: str) -> Statement:
    unsupported = sorted(set(statement) - _SUPPORTED_KEYS)
    if unsupported:
        raise UnsupportedPolicy(f"{where}: {', '.join(unsupported)} cannot be evaluated by the local stack")
    effect = statement.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise UnsupportedPolicy(f"{where}: Effect must be Allow or Deny, not {effect!r}")
    actions, resources = _strings(statement.get("Action"), where), _strings(statement.get("Resource"), where)
    if not actions or not resources:
        raise UnsupportedPolicy(f"{where}: a statement needs an Action and a Resource")
    return Statement(effect == "Allow", actions, resources)


def _strings(value: Any, where: str) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value] if value is not None else []
    if not all(isinstance(item, str) for item in values):
        raise UnsupportedPolicy(f"{where}: unresolved value in {value!r}")
    return tuple(values)


@cache
def _pattern(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    return re.compile(fnmatch.translate(pattern), re.IGNORECASE if ignore_case else 0)


def _wildcard(pattern: str, value: str, *, ignore_case: bool) -> bool:
    return _pattern(pattern, ignore_case).match(value) is not None


# --- the template's roles ----------------------------------------------------------------------------------


_NO_VALUE: dict[str, Any] = {}  # what SAM CLI's resolver leaves as it is, unlike None (which it refuses)


def _without_no_value(value: Any) -> Any:
    """`value` with each `{"Ref": "AWS::NoValue"}` replaced by `_NO_VALUE`."""
    if value == {"Ref": "AWS::NoValue"}:
        return _NO_VALUE
    if isinstance(value, dict):
        return {key: _without_no_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_no_value(item) for item in value]
    return value


def local_resources(template: Template, kms_key_ids: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """What `Ref` and `Fn::GetAtt` give for the template's resources in the local stack; `kms_key_ids`: the
    moto key id of each AWS::KMS::Key (by logical id)."""
    found: dict[str, dict[str, str]] = {}
    for logical_id, table in template.tables.items():
        found[logical_id] = {"Ref": table.name, "Arn": table_arn(table.name)}
    for logical_id, queue in template.queues.items():
        found[logical_id] = {
            "Ref": queue.url,
            "Arn": queue.arn,
            "QueueName": queue.name,
            "QueueUrl": queue.url,
        }
    for logical_id, function in template.functions.items():
        found[logical_id] = {"Ref": function.name, "Arn": function_arn(function.name)}
    for logical_id, name in template.buckets.items():
        found[logical_id] = {"Ref": name, "Arn": bucket_arn(name)}
    for logical_id, arn in template.secrets.items():
        found[logical_id] = {"Ref": arn}
    for logical_id in template.user_pools:
        pool_id = local_user_pool_id(logical_id)
        found[logical_id] = {"Ref": pool_id, "Arn": user_pool_arn(pool_id)}
    for logical_id, key_id in kms_key_ids.items():
        found[logical_id] = {"Ref": key_id, "Arn": f"arn:aws:kms:{REGION}:{ACCOUNT_ID}:key/{key_id}"}
    return found


class _NoManagedPolicies:
    """The translator looks managed policies up by name in IAM; the local stack has none to offer."""

    def load(self) -> dict[str, str]:
        return {}


@dataclass(frozen=True)
class Roles:
    """The template as the SAM translator makes it (each function with its generated role)."""

    translated: dict[str, Any]
    parameters: Mapping[str, str]

    def policies(
        self, resources: Mapping[str, Mapping[str, str]], function_ids: Iterable[str]
    ) -> dict[str, Policy]:
        """Each function's policy, from its SAM-generated role (or the role its `Role` names), resolved:
        `resources` gives, per logical id, what `Ref` and each `Fn::GetAtt` attribute are locally, e.g.
        {"DomainTable": {"Ref": ..., "Arn": ...}}."""
        return _resolve_policies(self.translated, self.parameters, resources, function_ids)


def translate_roles(template_path: Path, parameters: Mapping[str, str]) -> Roles:
    """The SAM translator's output for the template (`parameters`: its values; Defaults for the rest)."""
    from samcli.lib.translate.sam_template_validator import SamTemplateValidator
    from samcli.yamlhelper import yaml_parse

    source = yaml_parse(template_path.read_text(encoding="utf-8"))
    validator = SamTemplateValidator(
        copy.deepcopy(source), _NoManagedPolicies(), region=REGION, parameter_overrides=dict(parameters)
    )
    return Roles(yaml_parse(validator.get_translated_template_if_valid()), dict(parameters))


def _resolve_policies(
    translated: dict[str, Any],
    parameters: Mapping[str, str],
    resources: Mapping[str, Mapping[str, str]],
    function_ids: Iterable[str],
) -> dict[str, Policy]:
    from samcli.lib.intrinsic_resolver.intrinsic_property_resolver import IntrinsicResolver

    declared = translated.get("Parameters") or {}
    translator = {
        **{name: str(spec["Default"]) for name, spec in declared.items() if "Default" in spec},
        **parameters,
        **{logical_id: dict(values) for logical_id, values in resources.items()},
        **PSEUDO_PARAMETERS,
    }
    resolver = IntrinsicResolver(template=translated, symbol_resolver=local_symbols(translated, translator))
    known = set(translator) | {"AWS::NoValue"}
    policies: dict[str, Policy] = {}
    for function_id in function_ids:
        function = translated["Resources"][function_id]
        role_ref = function["Properties"]["Role"]
        if not (isinstance(role_ref, dict) and "Fn::GetAtt" in role_ref):
            raise UnsupportedPolicy(
                f"{function_id}: Role must be a role of the template (!GetAtt <Role>.Arn)"
            )
        role_id = role_ref["Fn::GetAtt"][0]
        role = translated["Resources"][role_id]["Properties"]
        documents = []
        for entry in role.get("Policies") or []:
            if unknown := unknown_names(entry, known):
                raise UnsupportedPolicy(f"{role_id}: cannot resolve {', '.join(unknown)} locally")
            resolved = resolver.intrinsic_property_resolver(_without_no_value(entry), ignore_errors=False)
            if resolved != _NO_VALUE:  # an `Fn::If` gave AWS::NoValue
                documents.append(resolved["PolicyDocument"])
        documents += key_policy_grants(translated, role_id, resources)
        policies[function_id] = Policy.from_documents(documents, owner=role_id)
    return policies


def key_policy_grants(
    translated: dict[str, Any], role_id: str, resources: Mapping[str, Mapping[str, str]]
) -> list[dict[str, Any]]:
    """What the template's KMS key policies allow the role `role_id` by naming it (`!GetAtt <Role>.Arn` as
    the Principal), as one more identity policy: KMS allows a principal its key policy names, whatever the
    role's own policies say. A key policy's `Resource: "*"` is the key itself."""
    grants = []
    for key_id, resource in (translated.get("Resources") or {}).items():
        if resource.get("Type") != "AWS::KMS::Key":
            continue
        raw = ((resource.get("Properties") or {}).get("KeyPolicy") or {}).get("Statement") or []
        for statement in [raw] if isinstance(raw, Mapping) else raw:
            principals = (statement.get("Principal") or {}).get("AWS")
            named = principals if isinstance(principals, list) else [principals]
            if statement.get("Effect") != "Allow" or {"Fn::GetAtt": [role_id, "Arn"]} not in named:
                continue
            if set(statement) - {"Sid", "Effect", "Principal", "Action", "Resource"}:
                raise UnsupportedPolicy(f"{key_id}: a statement naming {role_id} cannot be evaluated locally")
            grant = {"Effect": "Allow", "Action": statement["Action"], "Resource": resources[key_id]["Arn"]}
            grants.append({"Statement": [grant]})
    return grants
