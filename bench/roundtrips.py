"""DynamoDB round trips per API operation, counted on the real handlers with real HTTP API events.

moto runs in process (mock_aws) with the template's own tables and the bench organisation. A handler on
the DynamoDB client's `before-send` event (registered first, ahead of moto's own stub) records every HTTP
request the SDK sends, retries included, by its X-Amz-Target operation name. Every operation is measured
with both kinds of token, in a fresh "container" (handler module imported anew, email->id cache empty):
the first call is `cold`, the second, in the same container, `warm`.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import boto3
from moto import mock_aws

from bench import org
from bench.capacity import Units, units_of
from bench.events import TOKEN_KINDS, Call, EventFactory, LambdaContext, claims_for
from bench.handlers import fresh_container, handler_of
from bench.tables import create_tables, enable_streams
from plaudit_dev import moto_patches
from plaudit_dev.local_aws import DUMMY_CREDENTIALS, REGION, environ
from plaudit_dev.streams import StreamCursor
from plaudit_dev.template import FunctionSpec, Template

PHASES = ("cold", "warm")
PROJECTIONS = "ProjectionsFunction"  # the stream consumer whose writes are counted
CLOCK = datetime(2026, 11, 16, 9, 30, tzinfo=UTC)


@dataclass(frozen=True)
class Count:
    operation: str
    claim: str  # what identifies the caller: "sub", "email", or "-" (stream events carry no token)
    phase: str  # "cold" or "warm"
    calls: tuple[str, ...]  # DynamoDB operations, in the order they were sent
    units: Units = field(default_factory=Units)  # the request units they consume (bench.capacity)

    @property
    def round_trips(self) -> int:
        return len(self.calls)


@dataclass(frozen=True)
class Budget:
    operation: str
    limit: int
    goal: int | None
    phases: tuple[str, ...]  # which calls the budget applies to

    def applies_to(self, count: Count) -> bool:
        return count.operation == self.operation and count.phase in self.phases

    def exceeded(self, counts: list[Count]) -> list[Count]:
        return [c for c in counts if self.applies_to(c) and c.round_trips > self.limit]

    def goal_missed(self, counts: list[Count]) -> list[Count]:
        """Warm calls above the goal (the goal is about a warm container, as the issue measures it)."""
        if self.goal is None:
            return []
        return [c for c in counts if self.applies_to(c) and c.phase == "warm" and c.round_trips > self.goal]


KUDOS_1 = "give kudos, 1 recipient"
KUDOS_20 = "give kudos, 20 recipients"
WALLET = "read a wallet"
ADD_ON = "add on to a kudos"
FEED = "feed page"
GET_KUDOS = "get a kudos"
LEDGER = "ledger page"
PUT_EMPLOYEE = "PUT an employee"
CHANGE_SETTING = "change a setting (PATCH)"
REPLACE_RULE = "replace a milestone rule"
TOP_UP = "top up a budget"
PROJECT_1 = "project a kudos, 1 recipient"
PROJECT_20 = "project a kudos, 20 recipients"

# The budgets. Kudos hold cold and warm (a cold email token adds its one lookup); the wallet's
# single round trip is for a warm container (cold, an email token first needs its email->id lookup).
BUDGETS = (
    Budget(KUDOS_1, limit=3, goal=2, phases=PHASES),
    Budget(KUDOS_20, limit=3, goal=2, phases=PHASES),
    Budget(WALLET, limit=1, goal=1, phases=("warm",)),
    # The administrative trail adds no round trip to an act: before it, a settings change took 2, a top-up
    # and a rule change 3, and so they do with it (docs/performance.md, "Administrative trail").
    Budget(CHANGE_SETTING, limit=2, goal=None, phases=("warm",)),
    Budget(TOP_UP, limit=3, goal=None, phases=("warm",)),
    Budget(REPLACE_RULE, limit=3, goal=None, phases=("warm",)),
)


class BenchError(RuntimeError):
    """The scenario itself failed (a request was refused): the figures would mean nothing."""


class RoundTripCounter:
    def __init__(self, client: Any) -> None:
        self._calls: list[str] = []
        self._units = Units()
        self._params: dict[str, Any] = {}
        client.meta.events.register_first("before-send.dynamodb", self._on_send)
        client.meta.events.register("provide-client-params.dynamodb", self._on_params)
        client.meta.events.register("after-call.dynamodb", self._on_response)

    def _on_params(self, params: dict[str, Any], **_: Any) -> None:
        self._params = params

    def _on_response(self, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        self._units.add(units_of(model.name, self._params, parsed))

    def _on_send(self, request: Any, **_: Any) -> None:
        target = request.headers.get("X-Amz-Target", b"")
        target = target.decode() if isinstance(target, bytes) else str(target)
        self._calls.append(target.rpartition(".")[2] or "?")

    def reset(self) -> None:
        self._calls.clear()
        self._units = Units()

    def take(self) -> tuple[tuple[str, ...], Units]:
        calls, units = tuple(self._calls), self._units
        self.reset()
        return calls, units


class Injection:
    """What tests inject into Plaudit (the moto client, a fixed clock and counter ids), re-applied to
    whichever `plaudit` modules are imported now: each fresh container imports them anew."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self._ids = iter(range(1, 1 << 62))

    def apply(self) -> None:
        importlib.import_module("plaudit.store.client").use_client(self.client)
        runtime = importlib.import_module("plaudit.services.runtime").runtime
        runtime.clock = lambda: CLOCK
        runtime.entropy = lambda size: next(self._ids).to_bytes(size, "big")


@contextlib.contextmanager
def in_process_aws(template: Template) -> Iterator[Injection]:
    """moto in process with the template's tables (as tests/conftest.py), injected into Plaudit."""
    table = template.tables["DomainTable"]
    env = {
        **DUMMY_CREDENTIALS,
        "AWS_DEFAULT_REGION": REGION,
        "TABLE_NAME": table.name,
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "Plaudit",
        "POWERTOOLS_DEV": "false",
    }
    removed = ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE")
    moto_patches.apply()
    with environ(env, removed), mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        create_tables(client, template)
        injection = Injection(client)
        injection.apply()
        try:
            yield injection
        finally:
            importlib.import_module("plaudit.store.client").use_client(None)


class Scenario:
    def __init__(self, template: Template, injection: Injection) -> None:
        self.template = template
        self.injection = injection
        self.events = EventFactory(template)
        self.counter = RoundTripCounter(injection.client)
        self.admin = boto3.client("dynamodb", region_name=REGION)  # not the counted client
        source = next(s for s in template.stream_sources if s.function_id == PROJECTIONS)
        streams = boto3.client("dynamodbstreams", region_name=REGION)
        self.stream = StreamCursor(source, template.tables[source.table_id].name, self.admin, streams)
        self.counts: list[Count] = []
        self.sample_batch: dict[str, Any] = {}  # a projection event, for the cold-start benchmark

    # -- requests

    def claims(self, token: str, employee_id: str) -> dict[str, str]:
        return claims_for(token, employee_id, org.EMAILS[employee_id])

    def invoke(self, handler: Callable[..., Any], call: Call) -> Any:
        with contextlib.redirect_stdout(io.StringIO()):  # Powertools Metrics prints its EMF blob
            result = handler(call.event, LambdaContext())
        status = result.get("statusCode", 200) if isinstance(result, dict) else 200
        failures = result.get("batchItemFailures") if isinstance(result, dict) else None
        if not 200 <= int(status) < 300 or failures:
            raise BenchError(f"{call.function_id} answered {status}: {json.dumps(result)[:400]}")
        return result

    def container(self, spec: FunctionSpec) -> Callable[..., Any]:
        """A fresh container's handler."""
        return handler_of(fresh_container(spec, self.injection.apply), spec)

    def invoke_once(self, call: Call) -> Any:
        """A setup request, in a container of its own (not counted)."""
        spec = self.template.functions[call.function_id]
        return self.invoke(self.container(spec), call)

    def measure(self, operation: str, make: Callable[[str, int], Call], tokens=TOKEN_KINDS) -> None:
        """`make(token, n)` builds the n-th request of the operation (n counts across tokens)."""
        number = 0
        for token in tokens:
            container = None
            for phase in PHASES:
                call = make(token, number)
                number += 1
                spec = self.template.functions[call.function_id]
                if container is None:
                    container = self.container(spec)
                self.counter.reset()
                self.invoke(container, call)
                calls, units = self.counter.take()
                self.counts.append(Count(operation, token, phase, calls, units))

    # -- the operations

    def give(self, token: str, giver: str, recipients: list[str]) -> Call:
        body = org.kudos_body(recipients)
        return self.events.http("POST", "/v1/recognitions", self.claims(token, giver), body)

    def given_id(self, recipients: list[str]) -> str:
        reply = self.invoke_once(self.give("sub", org.GIVER, recipients))
        return json.loads(reply["body"])["id"]

    def project_all(self) -> None:
        _, records = self.stream.read()
        if records:
            spec = self.template.functions[self.stream.source.function_id]
            self.invoke(self.container(spec), Call(spec.logical_id, {"Records": records}))

    def measure_administrative_acts(self) -> None:
        """Acts the administrative trail records: each appends its entry in the act's own transaction."""
        http = self.events.http
        hr = org.HR_ADMIN
        self.measure(
            CHANGE_SETTING,
            lambda token, n: http(
                "PATCH", "/v1/settings", self.claims(token, hr), {"celebration_hour": 8 + n}
            ),
        )
        budget = {"id": "bench-awards", "name": "Bench awards", "kind": "company"}
        self.invoke_once(http("POST", "/v1/budgets", self.claims("sub", hr), budget))
        self.measure(
            TOP_UP,
            lambda token, _: http(
                "POST", "/v1/budgets/bench-awards/top-ups", self.claims(token, hr), {"points": 1000}
            ),
        )
        rule = {
            "name": "Bench bonus",
            "type": "hris_event",
            "event_name": "bench-bonus",
            "points": 100,
            "budget_id": "bench-awards",
            "message": "{points} points, {first_name}!",
        }
        created = self.invoke_once(http("POST", "/v1/milestone-rules", self.claims("sub", hr), rule))
        path = f"/v1/milestone-rules/{json.loads(created['body'])['id']}"
        self.measure(
            REPLACE_RULE,
            lambda token, n: http("PUT", path, self.claims(token, hr), rule | {"points": 200 + n}),
        )

    def run(self) -> list[Count]:
        http = self.events.http
        self.measure(KUDOS_1, lambda token, _: self.give(token, org.GIVER, [org.RECIPIENT]))
        self.measure(KUDOS_20, lambda token, _: self.give(token, org.GIVER, org.RECIPIENTS_20))
        wallet_path = f"/v1/employees/{org.GIVER}/wallet"
        self.measure(WALLET, lambda token, _: http("GET", wallet_path, self.claims(token, org.GIVER)))

        targets = [self.given_id([org.RECIPIENT]) for _ in range(4)]
        self.measure(
            ADD_ON,
            lambda token, n: http(
                "POST",
                f"/v1/recognitions/{targets[n]}/add-ons",
                self.claims(token, org.ADDER),
                {"points": 1, "message": "+1, great work"},
            ),
        )
        detail = f"/v1/recognitions/{targets[0]}"  # has an add-on now
        self.measure(GET_KUDOS, lambda token, _: http("GET", detail, self.claims(token, org.RECIPIENT)))
        ledger = f"/v1/employees/{org.RECIPIENT}/ledger"
        self.measure(LEDGER, lambda token, _: http("GET", ledger, self.claims(token, org.RECIPIENT)))
        person = f"/v1/employees/{org.RECIPIENT}"
        self.measure(
            PUT_EMPLOYEE,
            lambda token, _: http(
                "PUT", person, self.claims(token, org.HR_ADMIN), org.employee_body(org.RECIPIENT)
            ),
        )

        self.measure_administrative_acts()

        # The feed is written by the projection, from the stream: turned on only now (see bench.tables).
        enable_streams(self.admin, self.template)
        for recipient in (org.RECIPIENT, org.ADDER, org.HR_ADMIN):
            self.given_id([recipient])
        self.project_all()
        self.measure(
            FEED, lambda token, _: http("GET", "/v1/recognitions", self.claims(token, org.RECIPIENT))
        )

        for operation, recipients in ((PROJECT_1, [org.RECIPIENT]), (PROJECT_20, org.RECIPIENTS_20)):
            batches = []
            for _ in PHASES:
                self.given_id(recipients)
                batches.append({"Records": self.stream.read()[1]})
            if operation == PROJECT_1:
                self.sample_batch = batches[0]
            self.measure(
                operation,
                lambda _token, n, b=batches: Call(self.stream.source.function_id, b[n]),
                tokens=("-",),
            )
        return self.counts


def measure_round_trips(template: Template) -> tuple[list[Count], dict[str, Any]]:
    """The counts, and one projection event (a kudos' stream batch) for the cold-start benchmark."""
    with in_process_aws(template) as injection:
        org.seed_bench_org()
        scenario = Scenario(template, injection)
        return scenario.run(), scenario.sample_batch
