"""What the local stack needs from the SAM template: tables, functions, HTTP routes and stream sources.

CloudFormation tags (`!Ref`, `!GetAtt`, `!Sub`, ...) load as `Intrinsic` markers; the values the local stack
needs (function environments) are resolved against local resources: `!Ref <Table>` is the local table name,
`!Ref <Parameter>` its Default (or an override).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from plaudit_dev.local_aws import ACCOUNT_ID, REGION
from plaudit_dev.paths import TEMPLATE_PATH

LOCAL_PREFIX = "plaudit-local-"
DEFAULT_ROUTE = "$default"
PSEUDO_PARAMETERS = {
    "AWS::Region": REGION,
    "AWS::AccountId": ACCOUNT_ID,
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::StackName": "plaudit-local",
}


class TemplateError(ValueError):
    """The template holds something the local stack cannot reproduce."""


@dataclass(frozen=True)
class Intrinsic:
    """A CloudFormation intrinsic as written in the template, e.g. `Intrinsic("Ref", "DomainTable")`."""

    fn: str
    value: Any


class _CfnLoader(yaml.SafeLoader):
    """A safe YAML loader that turns any `!Tag` into an `Intrinsic`."""


def _construct_intrinsic(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> Intrinsic:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return Intrinsic(tag_suffix, value)


_CfnLoader.add_multi_constructor("!", _construct_intrinsic)


def load_yaml(path: Path) -> dict[str, Any]:
    """Parse a CloudFormation/SAM YAML file, keeping intrinsics as `Intrinsic` markers."""
    with path.open(encoding="utf-8") as stream:
        return yaml.load(stream, Loader=_CfnLoader)  # noqa: S506 - a SafeLoader subclass


def local_table_name(logical_id: str) -> str:
    return f"{LOCAL_PREFIX}{logical_id}"


def local_function_name(logical_id: str) -> str:
    return f"{LOCAL_PREFIX}{logical_id}"


@dataclass(frozen=True)
class TableSpec:
    logical_id: str
    name: str
    create_kwargs: dict[str, Any]  # ready for `dynamodb.create_table(**create_kwargs)`
    ttl_attribute: str | None


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    name: str
    code_dir: Path
    handler: str  # "module.function", as in the template
    environment: dict[str, str]
    memory_mb: int
    timeout_s: float


@dataclass(frozen=True)
class Route:
    """An HttpApi event. `path` uses API Gateway syntax ({id}, {proxy+}); `method` may be "ANY".

    SAM makes an HttpApi event without Path/Method the API's `$default` route (the catch-all): its path
    is "$default".
    """

    function_id: str
    method: str
    path: str
    requires_jwt: bool
    scopes: tuple[str, ...] = ()

    @property
    def route_key(self) -> str:
        return DEFAULT_ROUTE if self.path == DEFAULT_ROUTE else f"{self.method} {self.path}"


@dataclass(frozen=True)
class StreamSource:
    """A DynamoDB stream event source mapping."""

    function_id: str
    table_id: str
    batch_size: int
    max_retries: int | None  # None: the template leaves it infinite (-1 or unset)
    report_batch_item_failures: bool
    filter_patterns: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Template:
    tables: dict[str, TableSpec]
    functions: dict[str, FunctionSpec]
    routes: tuple[Route, ...]
    stream_sources: tuple[StreamSource, ...]
    global_environment: dict[str, str]  # Globals.Function.Environment, resolved


def load_template(path: Path = TEMPLATE_PATH, parameters: dict[str, str] | None = None) -> Template:
    """Read the SAM template at `path`; `parameters` override the template's parameter Defaults."""
    doc = load_yaml(path)
    resources: dict[str, dict[str, Any]] = doc.get("Resources") or {}
    declared = doc.get("Parameters") or {}
    defaults = {name: str(spec["Default"]) for name, spec in declared.items() if "Default" in spec}
    resolver = _Resolver(resources, {**defaults, **(parameters or {})})
    function_globals = (doc.get("Globals") or {}).get("Function") or {}
    global_env = resolver.environment(function_globals, "Globals")

    tables = {
        logical_id: _table_spec(logical_id, resource.get("Properties") or {})
        for logical_id, resource in resources.items()
        if resource.get("Type") == "AWS::DynamoDB::Table"
    }
    functions: dict[str, FunctionSpec] = {}
    routes: list[Route] = []
    streams: list[StreamSource] = []
    for logical_id, resource in resources.items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        props = resource.get("Properties") or {}
        functions[logical_id] = FunctionSpec(
            logical_id=logical_id,
            name=local_function_name(logical_id),
            code_dir=(path.parent / (props.get("CodeUri") or function_globals["CodeUri"])).resolve(),
            handler=props.get("Handler") or function_globals["Handler"],
            environment={**global_env, **resolver.environment(props, logical_id)},
            memory_mb=int(props.get("MemorySize") or function_globals.get("MemorySize") or 128),
            timeout_s=float(props.get("Timeout") or function_globals.get("Timeout") or 3),
        )
        for event in (props.get("Events") or {}).values():
            event_props = event.get("Properties") or {}
            if event.get("Type") == "HttpApi":
                routes.append(_route(logical_id, event_props, resources))
            elif event.get("Type") == "DynamoDB":
                streams.append(_stream_source(logical_id, event_props))
    return Template(tables, functions, tuple(routes), tuple(streams), global_env)


def _table_spec(logical_id: str, props: dict[str, Any]) -> TableSpec:
    name = local_table_name(logical_id)
    kwargs: dict[str, Any] = {
        "TableName": name,
        "KeySchema": props["KeySchema"],
        "AttributeDefinitions": props["AttributeDefinitions"],
        "BillingMode": props.get("BillingMode", "PROVISIONED"),
    }
    for key in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes", "ProvisionedThroughput"):
        if key in props:
            kwargs[key] = props[key]
    if stream := props.get("StreamSpecification"):
        kwargs["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]}
    ttl = props.get("TimeToLiveSpecification") or {}
    return TableSpec(logical_id, name, kwargs, ttl.get("AttributeName") if ttl.get("Enabled") else None)


def _route(function_id: str, props: dict[str, Any], resources: dict[str, dict[str, Any]]) -> Route:
    auth = props.get("Auth") or {}
    authorizer = auth.get("Authorizer")
    if authorizer is None:  # fall back to the API's DefaultAuthorizer
        api_id = props["ApiId"].value if isinstance(props.get("ApiId"), Intrinsic) else None
        api_auth = ((resources.get(api_id) or {}).get("Properties") or {}).get("Auth") or {}
        authorizer = api_auth.get("DefaultAuthorizer")
    return Route(
        function_id=function_id,
        method=str(props.get("Method", "ANY")).upper(),
        path=props.get("Path", DEFAULT_ROUTE),
        requires_jwt=bool(authorizer) and authorizer != "NONE",
        scopes=tuple(auth.get("AuthorizationScopes") or ()),
    )


def _stream_source(function_id: str, props: dict[str, Any]) -> StreamSource:
    stream = props["Stream"]
    if not (isinstance(stream, Intrinsic) and stream.fn == "GetAtt"):
        raise TemplateError(f"{function_id}: DynamoDB event Stream must be !GetAtt <Table>.StreamArn")
    table_id = stream.value[0] if isinstance(stream.value, list) else stream.value.split(".")[0]
    retries = int(props.get("MaximumRetryAttempts", -1))
    filters = (props.get("FilterCriteria") or {}).get("Filters") or []
    return StreamSource(
        function_id=function_id,
        table_id=table_id,
        batch_size=int(props.get("BatchSize", 100)),
        max_retries=retries if retries >= 0 else None,
        report_batch_item_failures="ReportBatchItemFailures" in (props.get("FunctionResponseTypes") or []),
        filter_patterns=tuple(json.loads(f["Pattern"]) for f in filters),
    )


class _Resolver:
    """Resolves intrinsics in environment variables to what they mean in the local stack."""

    def __init__(self, resources: dict[str, dict[str, Any]], parameters: dict[str, str]) -> None:
        self.resources = resources
        self.parameters = {**PSEUDO_PARAMETERS, **parameters}

    def environment(self, props: dict[str, Any], owner: str) -> dict[str, str]:
        variables = ((props.get("Environment") or {}).get("Variables")) or {}
        return {name: self.resolve(value, f"{owner}.{name}") for name, value in variables.items()}

    def resolve(self, value: Any, where: str) -> str:
        if isinstance(value, Intrinsic):
            if value.fn == "Ref":
                return self._ref(value.value, where)
            if value.fn == "GetAtt":
                name, attribute = value.value if isinstance(value.value, list) else value.value.split(".", 1)
                return self._get_att(name, attribute, where)
            if value.fn == "Sub" and isinstance(value.value, str):
                return re.sub(r"\$\{([^}!]+)\}", lambda m: self._sub_variable(m.group(1), where), value.value)
            raise TemplateError(f"{where}: !{value.fn} is not supported by the local stack")
        if isinstance(value, bool):
            return str(value).lower()
        return str(value)

    def _sub_variable(self, name: str, where: str) -> str:
        if "." in name:
            resource, attribute = name.split(".", 1)
            return self._get_att(resource, attribute, where)
        return self._ref(name, where)

    def _ref(self, name: str, where: str) -> str:
        if name in self.parameters:
            return self.parameters[name]
        if (self.resources.get(name) or {}).get("Type") == "AWS::DynamoDB::Table":
            return local_table_name(name)
        raise TemplateError(f"{where}: cannot resolve !Ref {name} locally (a parameter without Default?)")

    def _get_att(self, name: str, attribute: str, where: str) -> str:
        if (self.resources.get(name) or {}).get("Type") == "AWS::DynamoDB::Table" and attribute == "Arn":
            return f"arn:aws:dynamodb:{REGION}:{ACCOUNT_ID}:table/{local_table_name(name)}"
        raise TemplateError(f"{where}: cannot resolve !GetAtt {name}.{attribute} locally")
