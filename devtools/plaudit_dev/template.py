"""What the local stack needs from the SAM template: tables, queues, functions, HTTP routes, stream and queue
sources, and schedules.

The YAML is read by samtranslator's own helper (CloudFormation tags in their JSON form: `!Ref X` is
{"Ref": "X"}, `!GetAtt X.Y` {"Fn::GetAtt": ["X", "Y"]}), and the values the local stack needs (function
environments, schedule expressions, queue attributes) are resolved by SAM CLI's intrinsic resolver (the one
`sam local` uses: Ref, GetAtt, Sub, If on the template's Conditions, Join, Select...) against the local
resources: `!Ref <Table>` is the local table name, `!Ref <Queue>` the local queue's URL (`!GetAtt
<Queue>.Arn|QueueName|QueueUrl` too), `!Ref <Parameter>` its Default (or an override).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


def load_yaml(path: Path) -> dict[str, Any]:
    """Parse a CloudFormation/SAM YAML file, intrinsics in their JSON form (samtranslator's YAML helper)."""
    from samtranslator.yaml_helper import yaml_parse

    return yaml_parse(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _ref(value: Any) -> str | None:
    """X of a `!Ref X`, else None."""
    if isinstance(value, dict) and list(value) == ["Ref"] and isinstance(value["Ref"], str):
        return value["Ref"]
    return None


def _get_att(value: Any) -> tuple[str, str] | None:
    """(logical id, attribute) of a `!GetAtt`, in its list or dotted form; else None."""
    if not (isinstance(value, dict) and list(value) == ["Fn::GetAtt"]):
        return None
    target = value["Fn::GetAtt"]
    name, attribute = target if isinstance(target, list) else str(target).split(".", 1)
    return str(name), str(attribute)


def _describe(value: Any) -> str:
    """An intrinsic as written in YAML, for messages: `!GetAtt Jobs.Arn`, `!Ref Stage`."""
    if isinstance(value, dict) and len(value) == 1:
        ((name, argument),) = value.items()
        if name == "Fn::GetAtt" and isinstance(argument, list):
            argument = ".".join(str(part) for part in argument)
        return (
            f"!{name.removeprefix('Fn::')} {argument if isinstance(argument, str) else json.dumps(argument)}"
        )
    return repr(value)


def local_table_name(logical_id: str) -> str:
    return f"{LOCAL_PREFIX}{logical_id}"


def local_function_name(logical_id: str) -> str:
    return f"{LOCAL_PREFIX}{logical_id}"


def local_queue_name(logical_id: str, fifo: bool = False) -> str:
    return f"{LOCAL_PREFIX}{logical_id}{'.fifo' if fifo else ''}"


def local_bucket_name(logical_id: str) -> str:
    """S3 bucket names are lower case."""
    return f"{LOCAL_PREFIX}{logical_id}".lower()


def local_user_pool_name(logical_id: str) -> str:
    return f"{LOCAL_PREFIX}{logical_id}"


def local_user_pool_id(logical_id: str) -> str:
    """The id moto gives the local pool: derived from its name (plaudit_dev.local_cognito creates it with
    the name alone, under moto's hash id strategy), so the template resolves before moto runs."""
    from moto.cognitoidp.models import CognitoIdpUserPool
    from moto.cognitoidp.utils import ID_HASH_STRATEGY, generate_id

    name = local_user_pool_name(logical_id)
    pool = generate_id(ID_HASH_STRATEGY, REGION, name, {"PoolName": name})  # as moto hashes the request
    return f"{REGION}_{pool}"[: CognitoIdpUserPool.MAX_ID_LENGTH]


def user_pool_arn(pool_id: str) -> str:
    return f"arn:aws:cognito-idp:{REGION}:{ACCOUNT_ID}:userpool/{pool_id}"


def bucket_arn(name: str) -> str:
    return f"arn:aws:s3:::{name}"


def local_secret_name(logical_id: str) -> str:
    return f"{LOCAL_PREFIX}{logical_id}"


def secret_arn(logical_id: str) -> str:
    """A Secrets Manager secret's ARN in the local stack (`!Ref <Secret>`); the functions read local variables
    instead of it (plaudit_dev.stack); a test that wants the real path creates the secret of that name in moto
    (a partial ARN: without the suffix Secrets Manager adds)."""
    return f"arn:aws:secretsmanager:{REGION}:{ACCOUNT_ID}:secret:{local_secret_name(logical_id)}"


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
    on_failure_queue_id: str | None = None  # EventInvokeConfig's SQS destination of failed Event invocations


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
    buckets: dict[str, str] = field(default_factory=dict)  # an AWS::S3::Bucket's logical id -> its local name
    secrets: dict[str, str] = field(default_factory=dict)  # an AWS::SecretsManager::Secret's id -> its ARN
    user_pools: dict[str, tuple[str, ...]] = field(default_factory=dict)  # a pool's logical id -> its groups

    def resource_environment(self) -> dict[str, str]:
        """The functions' variables that name a local table, queue or user pool (its name, URL or ARN), e.g.
        IDEMPOTENCY_TABLE_NAME or a queue URL: what a process needs to act as the functions do. Where two
        functions give one variable different values, the first function's wins."""
        resources = {table.name for table in self.tables.values()}
        resources |= {value for queue in self.queues.values() for value in (queue.name, queue.url, queue.arn)}
        resources |= set(self.buckets.values())
        resources |= {local_user_pool_id(logical_id) for logical_id in self.user_pools}
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
    resolver = _Resolver(doc, {**defaults, **(parameters or {})})
    function_globals = (doc.get("Globals") or {}).get("Function") or {}
    global_env = resolver.environment(function_globals, "Globals")

    tables = {
        logical_id: _table_spec(logical_id, resource.get("Properties") or {})
        for logical_id, resource in resources.items()
        if resource.get("Type") == TABLE_TYPE
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
            on_failure_queue_id=_on_failure_queue(logical_id, props, queues),
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
        {
            logical_id: local_bucket_name(logical_id)
            for logical_id, resource in resources.items()
            if resource.get("Type") == BUCKET_TYPE
        },
        {
            logical_id: secret_arn(logical_id)
            for logical_id, resource in resources.items()
            if resource.get("Type") == SECRET_TYPE
        },
        _user_pools(resources),
    )


def _user_pools(resources: dict[str, dict[str, Any]]) -> dict[str, tuple[str, ...]]:
    """Each AWS::Cognito::UserPool's logical id and the names of its groups (UserPoolId: !Ref <pool>)."""
    pools: dict[str, list[str]] = {
        logical_id: [] for logical_id, resource in resources.items() if resource.get("Type") == USER_POOL_TYPE
    }
    for logical_id, resource in resources.items():
        if resource.get("Type") != USER_POOL_GROUP_TYPE:
            continue
        props = resource.get("Properties") or {}
        pool = _ref(props.get("UserPoolId"))
        if pool not in pools or not isinstance(props.get("GroupName"), str):
            raise TemplateError(f"{logical_id}: UserPoolId must be !Ref <UserPool>, GroupName a plain name")
        pools[pool].append(props["GroupName"])
    return {logical_id: tuple(sorted(groups)) for logical_id, groups in pools.items()}


def _kms_aliases(resources: dict[str, dict[str, Any]], resolver: _Resolver) -> dict[str, str]:
    aliases = {}
    for logical_id, resource in resources.items():
        if resource.get("Type") != "AWS::KMS::Alias":
            continue
        props = resource.get("Properties") or {}
        target = _ref(props.get("TargetKeyId"))
        if target is None:
            raise TemplateError(f"{logical_id}.TargetKeyId must be !Ref <Key>")
        aliases[resolver.resolve(props["AliasName"], f"{logical_id}.AliasName")] = target
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
        api_id = _ref(props.get("ApiId"))
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
    stream = _get_att(props["Stream"])
    if stream is None:
        raise TemplateError(f"{function_id}: DynamoDB event Stream must be !GetAtt <Table>.StreamArn")
    table_id = stream[0]
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
        if _get_att(target) is None:
            raise TemplateError(f"{where}.RedrivePolicy: deadLetterTargetArn must be !GetAtt <Queue>.Arn")
        dead_letter_id = _get_att(target)[0]  # type: ignore[index]
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


def _on_failure_queue(function_id: str, props: dict[str, Any], queues: dict[str, QueueSpec]) -> str | None:
    """The queue of an EventInvokeConfig's SQS on-failure destination (`!GetAtt <Queue>.Arn`), if any."""
    config = (props.get("EventInvokeConfig") or {}).get("DestinationConfig") or {}
    destination = config.get("OnFailure") or {}
    if destination.get("Type") != "SQS":
        return None
    target = _get_att(destination.get("Destination"))
    if target is None or target[0] not in queues:
        raise TemplateError(f"{function_id}.EventInvokeConfig: OnFailure must be !GetAtt <Queue>.Arn")
    return target[0]


def _queue_source(
    function_id: str, props: dict[str, Any], queues: dict[str, QueueSpec]
) -> QueueSource | None:
    """The SQS event source, or None when the template disables it (`Enabled: false`)."""
    queue = _get_att(props.get("Queue"))
    if queue is None or queue[1] != "Arn":
        raise TemplateError(f"{function_id}: SQS event Queue must be !GetAtt <Queue>.Arn")
    queue_id = queue[0]
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


class _Resolver:
    """Resolves intrinsics to what they mean in the local stack, with SAM CLI's intrinsic resolver."""

    def __init__(self, doc: dict[str, Any], parameters: dict[str, str]) -> None:
        from samcli.lib.intrinsic_resolver.intrinsic_property_resolver import IntrinsicResolver

        self.resources: dict[str, dict[str, Any]] = doc.get("Resources") or {}
        translator: dict[str, Any] = {**PSEUDO_PARAMETERS, **parameters}
        for logical_id, resource in self.resources.items():
            if resource.get("Type") == TABLE_TYPE:
                name = local_table_name(logical_id)
                translator[logical_id] = {"Ref": name, "Arn": table_arn(name)}
            elif resource.get("Type") == QUEUE_TYPE:
                fifo = (resource.get("Properties") or {}).get("FifoQueue") in (True, "true")
                name = local_queue_name(logical_id, fifo)
                translator[logical_id] = {
                    "Ref": queue_url(name),
                    "Arn": queue_arn(name),
                    "QueueName": name,
                    "QueueUrl": queue_url(name),
                }
            elif resource.get("Type") == BUCKET_TYPE:
                name = local_bucket_name(logical_id)
                translator[logical_id] = {"Ref": name, "Arn": bucket_arn(name)}
            elif resource.get("Type") == SECRET_TYPE:
                translator[logical_id] = {"Ref": secret_arn(logical_id)}
            elif resource.get("Type") == USER_POOL_TYPE:
                pool_id = local_user_pool_id(logical_id)
                translator[logical_id] = {"Ref": pool_id, "Arn": user_pool_arn(pool_id)}
        self._known = set(translator) | {"AWS::NoValue"}
        self._resolver = IntrinsicResolver(template=doc, symbol_resolver=local_symbols(doc, translator))

    def environment(self, props: dict[str, Any], owner: str) -> dict[str, str]:
        variables = ((props.get("Environment") or {}).get("Variables")) or {}
        return {name: self.resolve(value, f"{owner}.{name}") for name, value in variables.items()}

    def resolve(self, value: Any, where: str) -> str:
        unknown = unknown_names(value, self._known)
        if unknown:
            raise TemplateError(
                f"{where}: cannot resolve {_describe(value)} locally: {', '.join(unknown)} unknown"
            )
        try:
            resolved = self._resolver.intrinsic_property_resolver(value, ignore_errors=False)
        except Exception as exc:  # SAM CLI's InvalidIntrinsicException, InvalidSymbolException
            raise TemplateError(f"{where}: cannot resolve {_describe(value)} locally ({exc})") from exc
        if isinstance(resolved, bool):
            return str(resolved).lower()
        if isinstance(resolved, str | int | float):
            return str(resolved)
        raise TemplateError(f"{where}: {_describe(value)} does not resolve to a string locally")


def local_symbols(doc: dict[str, Any], translator: dict[str, Any]) -> Any:
    """SAM CLI's symbol table over `translator`, without its made-up values for resources (any `Arn` would
    be a Lambda ARN). Its `Ref` fallback (a name is itself) stays: its Fn::Sub resolves the values of a
    variable map through it. Check `unknown_names` first, so an unknown name never resolves to itself."""
    from samcli.lib.intrinsic_resolver.intrinsics_symbol_table import IntrinsicsSymbolTable

    class LocalSymbols(IntrinsicsSymbolTable):  # type: ignore[misc]
        def get_default_type_resolver(self) -> dict[str, Any]:
            return {}

        def get_default_attribute_resolver(self) -> dict[str, Any]:
            return {"Ref": lambda logical_id: logical_id}

    return LocalSymbols(template=doc, logical_id_translator=translator)


_SUB_NAME = re.compile(r"\$\{([^}!][^}]*)\}")


def unknown_names(value: Any, known: set[str]) -> list[str]:
    """The names `value` references (`Ref`, `Fn::GetAtt`, `${...}` in `Fn::Sub`) that are not in `known`."""
    found: list[str] = []
    if isinstance(value, list):
        for item in value:
            found += unknown_names(item, known)
    elif isinstance(value, dict):
        for key, argument in value.items():
            if key == "Ref" and isinstance(argument, str):
                found += [] if argument in known else [argument]
            elif key == "Fn::GetAtt":
                target = _get_att(value)
                found += [] if target is None or target[0] in known else [target[0]]
            elif key == "Fn::Sub":
                text, variables = (argument, {}) if isinstance(argument, str) else (argument[0], argument[1])
                names = {name.split(".", 1)[0] for name in _SUB_NAME.findall(text) if name not in variables}
                found += sorted(names - known) + unknown_names(variables, known)
            else:
                found += unknown_names(argument, known)
    return found


TABLE_TYPE = "AWS::DynamoDB::Table"
BUCKET_TYPE = "AWS::S3::Bucket"
SECRET_TYPE = "AWS::SecretsManager::Secret"  # noqa: S105 (a resource type)
USER_POOL_TYPE = "AWS::Cognito::UserPool"
USER_POOL_GROUP_TYPE = "AWS::Cognito::UserPoolGroup"


def table_arn(name: str) -> str:
    return f"arn:aws:dynamodb:{REGION}:{ACCOUNT_ID}:table/{name}"
