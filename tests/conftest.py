"""Shared fixtures: moto with the template's own tables, an injected clock and ids, the demo org, and
a harness that invokes the real handlers with the API Gateway v2 events the local stack builds, each with
only the IAM permissions its role in the template grants (as the local stack enforces them)."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws

from plaudit.environment import environment
from plaudit.integrations import aws as aws_clients
from plaudit.integrations.voucher_crypto import DEV_HASH_KEY
from plaudit.services.runtime import runtime
from plaudit.store import accounts as account_store
from plaudit.store import employees as employee_store
from plaudit.store.accounts import account_of, employee_id_by_subject, link_writes
from plaudit.store.client import dynamodb, use_client
from plaudit.store.transact import write_all
from plaudit_dev import bootstrap, iam_calls, moto_patches
from plaudit_dev.http_api import HttpRequest, build_event, to_http_response
from plaudit_dev.iam import Roles, local_resources, translate_roles
from plaudit_dev.jwt_local import TEMPLATE_PARAMETERS, access_claims, dev_subject, go_format
from plaudit_dev.local_cognito import create_user_pools
from plaudit_dev.local_secrets import DEV_WEBHOOK_SECRETS, create_voucher_key
from plaudit_dev.paths import TEMPLATE_PATH
from plaudit_dev.queues import QueueFailure, QueuePump, create_queues
from plaudit_dev.routes import Router
from plaudit_dev.seed import DEMO_HR_ADMIN, seed_demo
from plaudit_dev.streams import StreamCursor
from plaudit_dev.template import FunctionSpec, Template, load_template

DOMAIN_TABLE = "DomainTable"
START = datetime(2026, 11, 16, 9, 30, tzinfo=UTC)

_RUNNING: list[iam_calls.Access] = []  # the role of the handler the harness runs now, if any
iam_calls.install(lambda: _RUNNING[-1] if _RUNNING else None)


@pytest.fixture(scope="session")
def template() -> Template:
    return load_template()


@pytest.fixture(scope="session")
def roles() -> Roles:
    return translate_roles(TEMPLATE_PATH, TEMPLATE_PARAMETERS)


class FakeClock:
    """A clock tests move by hand; ids stay deterministic because entropy is a counter; a retry's backoff
    is recorded in `slept`, not waited."""

    def __init__(self, at: datetime = START):
        self.at = at
        self._counter = 0
        self.slept: list[float] = []

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)

    def entropy(self, size: int) -> bytes:
        self._counter += 1
        return self._counter.to_bytes(size, "big")

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


@pytest.fixture(autouse=True)
def fresh_environment() -> Iterator[None]:
    """Every test's functions read the environment afresh, as a new container would; a test that changes
    a variable after something read it calls `environment.cache_clear()` itself."""
    environment.cache_clear()
    yield
    environment.cache_clear()


@pytest.fixture
def clock() -> Iterator[FakeClock]:
    fake = FakeClock()
    saved = runtime.clock, runtime.entropy, runtime.sleep
    runtime.clock, runtime.entropy, runtime.sleep = fake, fake.entropy, fake.sleep
    yield fake
    runtime.clock, runtime.entropy, runtime.sleep = saved


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, template: Template) -> Iterator[Any]:
    """moto, with the tables and queues created from template.yaml's own definitions, and the variables
    that name them (TABLE_NAME, IDEMPOTENCY_TABLE_NAME, queue URLs...) and the dev webhook secrets set as
    the functions see them."""
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "Plaudit")
    monkeypatch.setenv("POWERTOOLS_DEV", "false")
    table = template.tables[DOMAIN_TABLE]
    monkeypatch.setenv("TABLE_NAME", table.name)
    if "IdempotencyTable" in template.tables:
        monkeypatch.setenv("IDEMPOTENCY_TABLE_NAME", template.tables["IdempotencyTable"].name)
    for name, value in {**template.resource_environment(), **DEV_WEBHOOK_SECRETS}.items():
        monkeypatch.setenv(name, value)
    # the functions' roles here are the local stack's (the dev issuer: no user pool); the tests of accounts
    # set USER_POOL_ID themselves, with the roles of a stack that has its pool
    monkeypatch.delenv("USER_POOL_ID", raising=False)
    moto_patches.apply()
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        for spec in template.tables.values():
            client.create_table(**spec.create_kwargs)
        create_queues(boto3.client("sqs", region_name="us-east-1"), template.queues.values())
        s3 = boto3.client("s3", region_name="us-east-1")
        for bucket in template.buckets.values():
            s3.create_bucket(Bucket=bucket)
        create_user_pools(boto3.client("cognito-idp", region_name="us-east-1"), template)
        kms = boto3.client("kms", region_name="us-east-1")  # voucher codes (template: VoucherKey)
        monkeypatch.setenv("VOUCHER_KEY_ID", create_voucher_key(kms, None))
        monkeypatch.setenv("VOUCHER_HASH_KEY", DEV_HASH_KEY)
        monkeypatch.delenv("VOUCHER_HASH_SECRET_ARN", raising=False)
        aws_clients.use_client("kms", kms)
        use_client(client)
        employee_store._email_cache.clear()
        account_store._subject_cache.clear()
        yield client
        use_client(None)
        employee_store._email_cache.clear()
        account_store._subject_cache.clear()
        aws_clients.use_client("kms", None)
        aws_clients.use_client("cognito-idp", None)


@pytest.fixture
def org(aws: Any, clock: FakeClock) -> dict[str, int]:
    """The demo organisation (see plaudit_dev.seed)."""
    return seed_demo()


@pytest.fixture(autouse=True)
def seed_delivered(request: pytest.FixtureRequest) -> None:
    """A test that calls the handlers on the demo organisation starts after the stream has delivered the
    seed's records (as it does within seconds of `plaudit seed`): the administrative trail's entries are
    linked, and the seed's kudos counted."""
    if {"org", "api"} <= set(request.fixturenames):
        request.getfixturevalue("org")
        request.getfixturevalue("api").drain_streams()


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def error_code(self) -> str | None:
        return self.json.get("error", {}).get("code") if self.status >= 400 else None


class LambdaContext:
    function_name = "plaudit-test"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:plaudit-test"
    aws_request_id = "00000000-0000-4000-8000-000000000000"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 10_000


@dataclass
class Api:
    """Calls the real handlers, routed by template.yaml, with payload 2.0 events; feeds stream records
    and queue messages to their consumer functions afterwards, as the local stack does."""

    template: Template
    client: Any
    access: dict[str, iam_calls.Access]
    router: Router = field(init=False)
    queue_failures: list[QueueFailure] = field(default_factory=list)  # every drain's, in order
    _modules: dict[str, Any] = field(default_factory=dict)
    _linked: set[str] = field(default_factory=set)
    _cursors: list[StreamCursor] = field(init=False)
    _queues: QueuePump = field(init=False)

    def __post_init__(self) -> None:
        self.router = Router(self.template.routes)
        streams = boto3.client("dynamodbstreams", region_name="us-east-1")
        self._cursors = [
            StreamCursor(source, self.template.tables[source.table_id].name, self.client, streams)
            for source in self.template.stream_sources
        ]
        self._queues = QueuePump(self.template, self.invoke, boto3.client("sqs", region_name="us-east-1"))

    def call(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        raw_body: bytes | None = None,
        as_employee: str | None = DEMO_HR_ADMIN,
        claims: dict[str, Any] | None = None,
        scopes: list[str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """`as_employee` signs in as that person: the claims of their Cognito access token (their dev
        subject, linked to them on first use if they are in the directory, as accounts sync links it);
        `claims` replaces them; both None: no authorizer."""
        path, _, query = path.partition("?")
        match = self.router.match(method, path)
        assert match is not None, f"no route for {method} {path}"
        if claims is None and as_employee is not None:
            claims = self.signed_in(as_employee)
        jwt = ({k: go_format(v) for k, v in claims.items()}, scopes) if claims is not None else None
        payload = (
            raw_body if raw_body is not None else (json.dumps(body).encode() if body is not None else b"")
        )
        merged = {"content-type": "application/json", "host": "127.0.0.1:3000"}
        merged |= {name.lower(): value for name, value in (headers or {}).items()}
        request_headers = list(merged.items())
        request = HttpRequest(method, path, query, request_headers, payload, "127.0.0.1")
        event = build_event(request, match, jwt if match.route.requires_jwt else None, "test-request")
        result = self.invoke(match.route.function_id, event)
        response = to_http_response(result)
        self.drain_streams()
        self.drain_queues()
        return Reply(response.status, {k.lower(): v for k, v in response.headers}, response.body)

    def transport(self, as_employee: str = DEMO_HR_ADMIN) -> bootstrap.Transport:
        """These handlers as `plaudit bootstrap` reaches a stack (requests as `as_employee`)."""

        def send(method: str, path: str, body: Any, headers: dict[str, str]) -> bootstrap.Reply:
            raw = body.encode() if isinstance(body, str) else None
            reply = self.call(
                method,
                path,
                body=None if raw else body,
                raw_body=raw,
                as_employee=as_employee,
                headers=headers,
            )
            if reply.status >= 400:
                raise bootstrap.ApiError(method, path, reply.status, reply.body.decode())
            return bootstrap.Reply(
                reply.status, reply.json if reply.body else None, reply.headers.get("etag")
            )

        return send

    def signed_in(self, employee_id: str, **access: Any) -> dict[str, Any]:
        """The claims of the person's Cognito access token (`access`: access_claims' groups, scopes...),
        their account linked first if they are in the directory and it is not yet."""
        if employee_id not in self._linked:
            counting = dynamodb()  # a test may be counting the request's round trips: this is set-up
            use_client(self.client)
            try:
                known, subject = account_of(employee_id)
                if known and subject is None:
                    write_all(link_writes(employee_id, dev_subject(employee_id)))
                if known:
                    employee_id_by_subject(dev_subject(employee_id))  # a warm container, as with emails
                    self._linked.add(employee_id)
            finally:
                use_client(counting)
        return access_claims(dev_subject(employee_id), **access)

    def drain_streams(self) -> None:
        """Deliver new stream records to their consumers (the projection), filtered as the template says."""
        for cursor in self._cursors:
            _, records = cursor.read()
            if records:
                result = self.invoke(cursor.source.function_id, {"Records": records})
                assert not result.get("batchItemFailures"), result

    def drain_queues(self) -> list[QueueFailure]:
        """Deliver the visible queue messages to their consumers once (as SQS records, in the template's
        batch sizes), then the stream records their writes made. Returns the messages that failed (also kept
        in `queue_failures`): they are retried at the next drain, and moved to the dead-letter queue after
        the queue's maxReceiveCount receives."""
        report = self._queues.drain()
        if report.succeeded:
            self.drain_streams()
        self.queue_failures += report.failures
        return report.failures

    def invoke(self, function_id: str, event: Any) -> Any:
        """Call a function's own handler with `event` (a schedule tick, a queue batch), as Lambda would."""
        spec = self.template.functions[function_id]
        with self.running(function_id):
            return getattr(self._module(spec), spec.handler.rpartition(".")[2])(event, LambdaContext())

    @contextlib.contextmanager
    def running(self, function_id: str) -> Iterator[None]:
        """AWS calls made inside are checked against the function's role."""
        _RUNNING.append(self.access[function_id])
        try:
            yield
        finally:
            _RUNNING.pop()

    def _module(self, spec: FunctionSpec) -> Any:
        if spec.logical_id not in self._modules:
            module_name, _, _ = spec.handler.partition(".")
            unique = f"plaudit_fn_{spec.logical_id}"
            loader = importlib.util.spec_from_file_location(unique, spec.code_dir / f"{module_name}.py")
            assert loader is not None
            assert loader.loader is not None
            module = importlib.util.module_from_spec(loader)
            sys.modules[unique] = module
            loader.loader.exec_module(module)
            self._modules[spec.logical_id] = module
        return self._modules[spec.logical_id]


@pytest.fixture
def api(aws: Any, template: Template, roles: Roles) -> Api:
    key_ids = {key: os.environ["VOUCHER_KEY_ID"] for key in template.kms_aliases.values()}
    resources = local_resources(template, key_ids)
    aliases = {alias: resources[key]["Arn"] for alias, key in template.kms_aliases.items()}
    policies = roles.policies(resources, template.functions)
    access = {
        function_id: iam_calls.Access(spec.name, policies[function_id], aliases)
        for function_id, spec in template.functions.items()
    }
    return Api(template, aws, access)
