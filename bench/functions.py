"""One cold-start variant per function of template.yaml, so a function added to the template is measured
without touching the benchmark. Five functions get a request that does their main work and must succeed
(2xx, no batch item failures): recognition gives a kudos, directory reads a person, projections projects a
kudos' stream batch, the HRIS webhooks queue a signed delivery (its secret read from Secrets Manager, a
fresh delivery per process), and Slack acks a signed `/kudos` (built by the caller). Every other function
gets the event its first trigger in the template sends, and any answer counts (a 4xx, batch item failures,
an error raised by the handler): what is measured is the process getting to a served request, as Lambda's
init and first invocation would.

- HTTP API: the function's first GET route without path parameters, else with its parameters filled with a
  bench employee's id, else its first route with an empty JSON body; as the HR admin (sub token).
- DynamoDB stream: the projection's batch (a kudos' records).
- SQS: one message with an empty JSON object as its body.
- Schedule: what the schedule sends (the template's Input, else EventBridge's event).

Each variant names its stack floor (bench.floors): HTTP for a function with routes, Slack for the Slack
function, events for every other.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from bench import floors, org
from bench.coldstart import Variant
from bench.events import EventFactory, claims_for
from bench.roundtrips import PROJECTIONS
from plaudit.integrations.hris.signatures import PLAUDIT_SIGNATURE, PLAUDIT_TIMESTAMP, sign_plaudit
from plaudit_dev.schedules import schedule_event
from plaudit_dev.template import DEFAULT_ROUTE, Template

RECOGNITION = "RecognitionFunction"
DIRECTORY = "DirectoryFunction"
HRIS_WEBHOOKS = "HrisWebhooksFunction"
HRIS_WEBHOOK_PATH = "/v1/hris/webhooks/plaudit"
_PATH_PARAMETER = re.compile(r"\{[^}]+\}")


def function_variants(
    template: Template, projection_event: dict[str, Any], slack: Variant | None, hris_secret_arn: str
) -> list[Variant]:
    """A variant per function, in the template's order; `slack` stands for the Slack function, and the
    HRIS webhooks read their signing secret from `hris_secret_arn`."""
    events = EventFactory(template)
    giver = claims_for("sub", org.GIVER, org.EMAILS[org.GIVER])
    main_work = {
        RECOGNITION: Variant(
            "recognition: give kudos",
            RECOGNITION,
            events.http("POST", "/v1/recognitions", giver, org.kudos_body([org.RECIPIENT])).event,
        ),
        DIRECTORY: Variant(
            "directory: get an employee",
            DIRECTORY,
            events.http("GET", f"/v1/employees/{org.RECIPIENT}", giver).event,
        ),
        PROJECTIONS: Variant("projections: project a kudos", PROJECTIONS, projection_event),
        HRIS_WEBHOOKS: Variant(
            "hriswebhooks: queue a signed delivery",
            HRIS_WEBHOOKS,
            _hris_delivery(events),
            env={"HRIS_SECRET_ARN": hris_secret_arn},
            fresh_event=lambda: _hris_delivery(events),
        ),
    }
    if slack is not None:
        main_work[slack.function_id] = slack
    variants = []
    for function_id in template.functions:
        variant = main_work.get(function_id) or _first_trigger(
            template, events, function_id, projection_event
        )
        if variant is not None:
            variants.append(replace(variant, floor=_floor(template, function_id, slack)))
    return variants


def _floor(template: Template, function_id: str, slack: Variant | None) -> floors.Statements:
    if slack is not None and function_id == slack.function_id:
        return floors.SLACK
    if any(route.function_id == function_id for route in template.routes):
        return floors.HTTP
    return floors.EVENTS


def _name(function_id: str) -> str:
    return function_id.removesuffix("Function").lower()


def _first_trigger(
    template: Template, events: EventFactory, function_id: str, projection_event: dict[str, Any]
) -> Variant | None:
    name = _name(function_id)
    routes = [r for r in template.routes if r.function_id == function_id and r.path != DEFAULT_ROUTE]
    if routes:
        route = min(routes, key=lambda r: (r.method not in ("GET", "ANY"), "{" in r.path))
        method = "GET" if route.method == "ANY" else route.method
        path = _PATH_PARAMETER.sub(org.RECIPIENT, route.path)
        body = None if method in ("GET", "DELETE") else {}
        admin = claims_for("sub", org.HR_ADMIN, org.EMAILS[org.HR_ADMIN])
        event = events.http(method, path, admin, body).event
        return Variant(f"{name}: {method} {route.path}", function_id, event, any_answer=True)
    if any(source.function_id == function_id for source in template.stream_sources):
        return Variant(f"{name}: a kudos' stream batch", function_id, projection_event, any_answer=True)
    queue_source = next((s for s in template.queue_sources if s.function_id == function_id), None)
    if queue_source is not None:
        event = {"Records": [_sqs_record(template.queues[queue_source.queue_id].arn)]}
        return Variant(f"{name}: an SQS message", function_id, event, any_answer=True)
    schedule = next((s for s in template.schedules if s.function_id == function_id), None)
    if schedule is not None:
        event = schedule_event(schedule, datetime.now(UTC))
        return Variant(f"{name}: its schedule ({schedule.event_id})", function_id, event, any_answer=True)
    return None


def _hris_delivery(events: EventFactory) -> dict[str, Any]:
    """A generic HRIS webhook delivery, signed now, with a delivery id of its own: a person's department."""
    body = json.dumps(
        {
            "id": f"bench-{uuid.uuid4()}",
            "events": [
                {"type": "employee.upserted", "employee_id": org.RECIPIENT, "fields": {"department": "Bench"}}
            ],
        }
    ).encode()
    timestamp = int(time.time())
    headers = {
        PLAUDIT_TIMESTAMP: str(timestamp),
        PLAUDIT_SIGNATURE: sign_plaudit(org.HRIS_SECRET, timestamp, body),
    }
    return events.http("POST", HRIS_WEBHOOK_PATH, None, body, headers=headers).event


def _sqs_record(queue_arn: str) -> dict[str, Any]:
    return {
        "messageId": str(uuid.uuid4()),
        "receiptHandle": "bench-receipt-handle",
        "body": "{}",
        "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1764000000000"},
        "messageAttributes": {},
        "md5OfBody": "99914b932bd37a50b983c5e7c90ae93b",
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": "us-east-1",
    }
