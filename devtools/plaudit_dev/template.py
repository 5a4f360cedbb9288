"""What the local stack needs from the SAM template: tables, queues, functions, HTTP routes, stream and queue
sources, and schedules.

CloudFormation tags (`!Ref`, `!GetAtt`, `!Sub`, ...) load as `Intrinsic` markers; the values the local stack
needs (function environments, schedule expressions) are resolved against local resources: `!Ref <Table>` is
the local table name, `!Ref <Queue>` the local queue's URL (`!GetAtt <Queue>.Arn|QueueName|QueueUrl` too),
`!Ref <Parameter>` its Default (or an override).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from plaudit_dev import event_filter
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


def local_queue_name(logical_id: str, fifo: bool = False) -> str:
    return f"{LOCAL_PREFIX}{logical_id}{'.fifo' if fifo else ''}"


def queue_arn(name: str) -> str:
    return f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{name}"


def queue_url(name: str) -> str:
    """The queue's URL as SQS (and moto) give it; moto's server finds the queue by the URL's last segment."""
    return f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT_ID}/{name}"


@dataclass(frozen=True)
class TableSpec:
    logical_id: str
    name: str
    create_kwargs: dict[str, Any]  # ready for `dynamodb.create_table(**create_kwargs)`
    ttl_attribute: str | None


@dataclass(frozen=True)
class Redrive:
    """A RedrivePolicy: after `max_receive_count` receives, a message moves to the dead-letter queue."""

    dead_letter_queue_id: str
    max_receive_count: int


@dataclass(frozen=True)
class QueueSpec:
    logical_id: str
    name: str
    attributes: dict[str, str]  # ready for `sqs.create_queue(QueueName=name, Attributes=attributes)`
    redrive: Redrive | None
    visibility_timeout_s: int

    @property
    def url(self) -> str:
        return queue_url(self.name)

    @property
    def arn(self) -> str:
        return queue_arn(self.name)


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
class QueueSource:
    """An SQS event source mapping."""

    function_id: str
    queue_id: str
    batch_size: int
    report_batch_item_failures: bool
    filter_patterns: tuple[dict[str, Any], ...]


SCHEDULER_EVENT = "ScheduleV2"  # EventBridge Scheduler
RULE_EVENT = "Schedule"  # an EventBridge rule with a schedule expression
_RATE_UNITS = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}


@dataclass(frozen=True)
class ScheduleSource:
    """A `Schedule` (EventBridge rule) or `ScheduleV2` (EventBridge Scheduler) event of a function."""

    function_id: str
    event_id: str  # the event's name under the function's Events
    kind: str  # SCHEDULER_EVENT or RULE_EVENT
    name: str  # the schedule's (or rule's) name: its Name, else <function id><event id>
    expression: str  # rate(...), cron(...) or at(...)
    input: str | None  # the target's Input (JSON text), delivered instead of the default event
    enabled: bool

    @property
    def arn(self) -> str:
        if self.kind == SCHEDULER_EVENT:
            return f"arn:aws:scheduler:{REGION}:{ACCOUNT_ID}:schedule/default/{self.name}"
        return f"arn:aws:events:{REGION}:{ACCOUNT_ID}:rule/{self.name}"

    @property
    def rate_seconds(self) -> int | None:
        """The period of a `rate(...)` expression; None for cron(...) and at(...)."""
        found = re.fullmatch(r"rate\(\s*(\d+)\s+([a-z]+)\s*\)", self.expression.strip())
        if not found or found.group(2) not in _RATE_UNITS:
            return None
        return int(found.group(1)) * _RATE_UNITS[found.group(2)]


@dataclass(frozen=True)
class Template:
    tables: dict[str, TableSpec]
    functions: dict[str, FunctionSpec]
    routes: tuple[Route, ...]
    stream_sources: tuple[StreamSource, ...]
    global_environment: dict[str, str]  # Globals.Function.Environment, resolved
    queues: dict[str, QueueSpec] = field(default_factory=dict)
    queue_sources: tuple[QueueSource, ...] = ()
    schedules: tuple[ScheduleSource, ...] = ()
    kms_aliases: dict[str, str] = field(default_factory=dict)  # alias name -> the AWS::KMS::Key's logical id

    def resource_environment(self) -> dict[str, str]:
        """The functions' variables that name a local table or queue (its name, URL or ARN), e.g.
        IDEMPOTENCY_TABLE_NAME or a queue URL: what a process needs to act as the functions do. Where two
        functions give one variable different values, the first function's wins."""
        resources = {table.name for table in self.tables.values()}
        resources |= {value for queue in self.queues.values() for value in (queue.name, queue.url, queue.arn)}
        found: dict[str, str] = {}
        for spec in self.functions.values():
            for name, value in spec.environment.items():
                if value in resources:
                    found.setdefault(name, value)
        return found


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
    queues = {
        logical_id: _queue_spec(logical_id, resource.get("Properties") or {}, resolver)
        for logical_id, resource in resources.items()
        if resource.get("Type") == QUEUE_TYPE
    }
    functions: dict[str, FunctionSpec] = {}
    routes: list[Route] = []
    streams: list[StreamSource] = []
    queue_sources: list[QueueSource] = []
    schedules: list[ScheduleSource] = []
    for logical_id, resource in resources.items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        props = resource.get("Properties") or {}
        name = props.get("FunctionName")
        functions[logical_id] = FunctionSpec(
            logical_id=logical_id,
            name=resolver.resolve(name, f"{logical_id}.FunctionName")
            if name
            else local_function_name(logical_id),
            code_dir=(path.parent / (props.get("CodeUri") or function_globals["CodeUri"])).resolve(),
            handler=props.get("Handler") or function_globals["Handler"],
            environment={**global_env, **resolver.environment(props, logical_id)},
            memory_mb=int(props.get("MemorySize") or function_globals.get("MemorySize") or 128),
            timeout_s=float(props.get("Timeout") or function_globals.get("Timeout") or 3),
        )
        for event_id, event in (props.get("Events") or {}).items():
            event_props = event.get("Properties") or {}
            if event.get("Type") == "HttpApi":
                routes.append(_route(logical_id, event_props, resources))
            elif event.get("Type") == "DynamoDB":
                streams.append(_stream_source(logical_id, event_props))
            elif event.get("Type") == "SQS" and (source := _queue_source(logical_id, event_props, queues)):
                queue_sources.append(source)
            elif event.get("Type") in (SCHEDULER_EVENT, RULE_EVENT):
                schedules.append(_schedule(logical_id, event_id, event["Type"], event_props, resolver))
    return Template(
        tables,
        functions,
        tuple(routes),
        tuple(streams),
        global_env,
        queues,
        tuple(queue_sources),
        tuple(schedules),
        _kms_aliases(resources, resolver),
    )


def _kms_aliases(resources: dict[str, dict[str, Any]], resolver: _Resolver) -> dict[str, str]:
    aliases = {}
    for logical_id, resource in resources.items():
        if resource.get("Type") != "AWS::KMS::Alias":
            continue
        props = resource.get("Properties") or {}
        target = props.get("TargetKeyId")
        if not (isinstance(target, Intrinsic) and target.fn == "Ref"):
            raise TemplateError(f"{logical_id}.TargetKeyId must be !Ref <Key>")
        aliases[resolver.resolve(props["AliasName"], f"{logical_id}.AliasName")] = target.value
    return aliases


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
        filter_patterns=tuple(event_filter.parse(f["Pattern"]) for f in filters),
    )


QUEUE_TYPE = "AWS::SQS::Queue"
_QUEUE_ATTRIBUTES = (  # CloudFormation properties that are SetQueueAttributes attributes of the same name
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "ContentBasedDeduplication",
)
DEFAULT_VISIBILITY_TIMEOUT_S = 30


def _queue_spec(logical_id: str, props: dict[str, Any], resolver: _Resolver) -> QueueSpec:
    where = f"{logical_id}.Properties"
    fifo = resolver.resolve(props.get("FifoQueue", False), where) == "true"
    attributes = {
        key: resolver.resolve(props[key], f"{where}.{key}") for key in _QUEUE_ATTRIBUTES if key in props
    }
    if fifo:
        attributes["FifoQueue"] = "true"
    redrive = None
    if policy := props.get("RedrivePolicy"):
        if isinstance(policy, str):
            policy = json.loads(policy)
        target = policy.get("deadLetterTargetArn")
        if not (isinstance(target, Intrinsic) and target.fn == "GetAtt"):
            raise TemplateError(f"{where}.RedrivePolicy: deadLetterTargetArn must be !GetAtt <Queue>.Arn")
        dead_letter_id = _get_att_target(target)[0]
        if resolver.resources.get(dead_letter_id, {}).get("Type") != QUEUE_TYPE:
            raise TemplateError(f"{where}.RedrivePolicy: {dead_letter_id} is not a queue of the template")
        redrive = Redrive(dead_letter_id, int(resolver.resolve(policy["maxReceiveCount"], where)))
        attributes["RedrivePolicy"] = json.dumps(
            {
                "deadLetterTargetArn": resolver.resolve(target, f"{where}.RedrivePolicy"),
                "maxReceiveCount": redrive.max_receive_count,
            }
        )
    visibility = int(attributes.get("VisibilityTimeout", DEFAULT_VISIBILITY_TIMEOUT_S))
    return QueueSpec(logical_id, local_queue_name(logical_id, fifo), attributes, redrive, visibility)


def _queue_source(
    function_id: str, props: dict[str, Any], queues: dict[str, QueueSpec]
) -> QueueSource | None:
    """The SQS event source, or None when the template disables it (`Enabled: false`)."""
    queue = props.get("Queue")
    if not (isinstance(queue, Intrinsic) and queue.fn == "GetAtt" and _get_att_target(queue)[1] == "Arn"):
        raise TemplateError(f"{function_id}: SQS event Queue must be !GetAtt <Queue>.Arn")
    queue_id = _get_att_target(queue)[0]
    if queue_id not in queues:
        raise TemplateError(f"{function_id}: SQS event Queue {queue_id} is not a queue of the template")
    if props.get("Enabled") is False:
        return None
    filters = (props.get("FilterCriteria") or {}).get("Filters") or []
    return QueueSource(
        function_id=function_id,
        queue_id=queue_id,
        batch_size=int(props.get("BatchSize", 10)),
        report_batch_item_failures="ReportBatchItemFailures" in (props.get("FunctionResponseTypes") or []),
        filter_patterns=tuple(event_filter.parse(f["Pattern"]) for f in filters),
    )


def _schedule(
    function_id: str, event_id: str, kind: str, props: dict[str, Any], resolver: _Resolver
) -> ScheduleSource:
    where = f"{function_id}.Events.{event_id}"
    expression = props.get("ScheduleExpression" if kind == SCHEDULER_EVENT else "Schedule")
    if expression is None:
        raise TemplateError(f"{where}: the schedule has no expression")
    input_text = resolver.resolve(props["Input"], f"{where}.Input") if "Input" in props else None
    if input_text is not None:
        try:
            json.loads(input_text)
        except ValueError as exc:
            raise TemplateError(f"{where}.Input must be JSON for a Lambda target: {exc}") from exc
    state = resolver.resolve(props.get("State", "ENABLED"), f"{where}.State")
    enabled = props.get("Enabled", True) is not False and state.upper() != "DISABLED"
    return ScheduleSource(
        function_id=function_id,
        event_id=event_id,
        kind=kind,
        name=resolver.resolve(props["Name"], f"{where}.Name") if "Name" in props else function_id + event_id,
        expression=resolver.resolve(expression, f"{where}.Schedule"),
        input=input_text,
        enabled=enabled,
    )


def _get_att_target(value: Intrinsic) -> tuple[str, str]:
    """(logical id, attribute) of a `!GetAtt`, in its list or dotted form."""
    name, attribute = value.value if isinstance(value.value, list) else value.value.split(".", 1)
    return name, attribute


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
                return self._get_att(*_get_att_target(value), where)
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
        if queue := self._queue_name(name):
            return queue_url(queue)
        raise TemplateError(f"{where}: cannot resolve !Ref {name} locally (a parameter without Default?)")

    def _get_att(self, name: str, attribute: str, where: str) -> str:
        if (self.resources.get(name) or {}).get("Type") == "AWS::DynamoDB::Table" and attribute == "Arn":
            return f"arn:aws:dynamodb:{REGION}:{ACCOUNT_ID}:table/{local_table_name(name)}"
        queue = self._queue_name(name)
        if queue and attribute in _QUEUE_GET_ATT:
            return _QUEUE_GET_ATT[attribute](queue)
        raise TemplateError(f"{where}: cannot resolve !GetAtt {name}.{attribute} locally")

    def _queue_name(self, name: str) -> str | None:
        """The local name of the queue `name`, or None when it is no queue."""
        resource = self.resources.get(name) or {}
        if resource.get("Type") != QUEUE_TYPE:
            return None
        fifo = self.resolve((resource.get("Properties") or {}).get("FifoQueue", False), f"{name}.FifoQueue")
        return local_queue_name(name, fifo == "true")


_QUEUE_GET_ATT = {"Arn": queue_arn, "QueueName": lambda name: name, "QueueUrl": queue_url}
