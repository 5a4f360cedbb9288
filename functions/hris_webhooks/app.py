"""HRIS webhooks (no JWT: each verifies its own signature over the raw body, before anything parses it).

A verified delivery is parsed, its changes queued for the HRIS worker (one SQS message each) and answered
202 at once. A redelivery (same source and delivery id, within three days) queues nothing new; the same
delivery id with other changes is refused with a 409.
"""

import gc

gc.disable()  # cold start: imports only create long-lived objects; collecting now is wasted time

import base64
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)
from pydantic import Field

from plaudit.api.error_shape import refusal_result
from plaudit.api.http import create_app, reply
from plaudit.domain.errors import Conflict, NotFound, PlauditError
from plaudit.domain.model import Model
from plaudit.environment import environment
from plaudit.integrations.hris import bamboohr, credentials, plaudit_webhook, signatures
from plaudit.integrations.hris.queue import QueuedChange, Work, send
from plaudit.services.metrics import count
from plaudit.services.runtime import new_id

logger = Logger()
tracer = Tracer()
metrics = Metrics()
app = create_app("HRIS webhooks", public=True)
idempotency = IdempotencyConfig(
    event_key_jmespath="[source, delivery_id]",
    payload_validation_jmespath="changes",  # the same delivery id with other changes is refused (409)
    expires_after_seconds=3 * 24 * 3600,
)
gc.freeze()  # keep them out of every later collection
gc.enable()

PLAUDIT_PATH = "/v1/hris/webhooks/plaudit"
BAMBOOHR_PATH = "/v1/hris/webhooks/bamboohr"
VERIFIERS = {
    PLAUDIT_PATH: (credentials.plaudit_signing_secret, signatures.verify_plaudit),
    BAMBOOHR_PATH: (credentials.bamboohr_webhook_key, signatures.verify_bamboohr),
}


class DeliveryAccepted(Model):
    delivery_id: str
    accepted: int = Field(description="Changes queued by this delivery (0 for a redelivery)")
    replayed: bool = Field(description="True: this delivery id was seen before; nothing new was queued")


RESPONSES: dict[int, Any] = {
    401: reply("Forged or unsigned (invalid_signature), or signed over 5 minutes away (stale_request)"),
    409: reply(
        "The same delivery is being processed right now (delivery_in_progress): retry shortly; or this "
        "delivery id was already used for other changes (delivery_id_reused): nothing was queued"
    ),
    503: reply(
        "The webhook's secret is still empty (secret_empty, details.secret names it): an administrator must "
        "fill it in (README, Secrets); nothing was queued, retry later"
    ),
}


@app.exception_handler(IdempotencyAlreadyInProgressError)
def _in_progress(_: IdempotencyAlreadyInProgressError) -> Response:
    return app.said(Conflict("error.delivery_in_progress", code="delivery_in_progress"))


@app.exception_handler(IdempotencyValidationError)
def _reused(_: IdempotencyValidationError) -> Response:
    return app.said(Conflict("error.delivery_id_reused", code="delivery_id_reused"))


@app.post(
    PLAUDIT_PATH,
    summary="Generic HRIS webhook: employee upserts, terminations, manager changes, named events, referrals",
    description=(
        "Signed: `X-Plaudit-Timestamp: <unix seconds>` and `X-Plaudit-Signature: sha256=<hex HMAC-SHA256 of "
        '"<timestamp>." + raw body, keyed with the HRIS webhook secret>`; rejected (401) when forged or '
        "signed more than 5 minutes away. A redelivery of the same `id` queues nothing."
    ),
    responses=RESPONSES,
    status_code=202,
    response_description="Verified and queued",
)
@tracer.capture_method
def plaudit_delivery(body: plaudit_webhook.PlauditDelivery) -> Response[DeliveryAccepted]:
    return _accept("hris_webhook", body.id, plaudit_webhook.to_changes(body))


@app.post(
    BAMBOOHR_PATH,
    summary="BambooHR event-based webhook (employee.created / updated / deleted, JSON)",
    description="Signed by BambooHR: X-BambooHR-Timestamp and X-BambooHR-Signature (HMAC-SHA256).",
    responses=RESPONSES,
    status_code=202,
    response_description="Verified and queued",
)
@tracer.capture_method
def bamboohr_delivery(body: bamboohr.BambooHrEvent) -> Response[DeliveryAccepted]:
    delivery = bamboohr.delivery_id(_raw_body(app.current_event.raw_event))
    return _accept("bamboohr", delivery, bamboohr.to_work(body))


def _accept(source: str, delivery_id: str, changes: list[Work]) -> Response:
    token = new_id("hook")
    outcome = _enqueue_once()(
        delivery={
            "source": source,
            "delivery_id": delivery_id,
            "token": token,
            "changes": [change.model_dump(mode="json") for change in changes],
        }
    )
    replayed = outcome["token"] != token
    logger.info(
        "HRIS delivery accepted",
        extra={"source": source, "delivery_id": delivery_id, "changes": len(changes), "replayed": replayed},
    )
    if not replayed:
        count("HrisChangesQueued", len(changes))
    answer = DeliveryAccepted(
        delivery_id=delivery_id, accepted=0 if replayed else len(changes), replayed=replayed
    )
    return Response(status_code=202, content_type="application/json", body=answer)


def _enqueue(delivery: dict[str, Any]) -> dict[str, str]:
    send(
        [
            QueuedChange.model_validate(
                {"source": delivery["source"], "delivery_id": delivery["delivery_id"], "change": change}
            )
            for change in delivery["changes"]
        ]
    )
    return {"token": delivery["token"]}


@cache
def _enqueue_once() -> Any:
    """_enqueue, run once per (source, delivery id): a replay returns the first run's token."""
    store = DynamoDBPersistenceLayer(table_name=environment().idempotency_table_name)
    return idempotent_function(data_keyword_argument="delivery", persistence_store=store, config=idempotency)(
        _enqueue
    )


def _raw_body(event: dict[str, Any]) -> bytes:
    body = event.get("body") or ""
    return base64.b64decode(body) if event.get("isBase64Encoded") else body.encode()


def _rejection(event: dict[str, Any]) -> dict[str, Any] | None:
    """The answer to a request that is not a genuine, fresh delivery to one of the routes (None for one
    that is): only verified requests reach the resolver."""
    verifier = VERIFIERS.get(event.get("routeKey", "").partition(" ")[2])
    try:
        if verifier is None:
            raise NotFound("error.route_not_found", code="route_not_found")
        secret, verify = verifier
        verify(secret(), _raw_body(event), event.get("headers") or {})
    except PlauditError as error:
        logger.warning("HRIS delivery rejected", extra={"route": event.get("routeKey"), "code": error.code})
        count("HrisDeliveriesRejected")
        return refusal_result(error, event.get("headers"))
    return None


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict, context: Any) -> dict:
    rejection = _rejection(event)
    if rejection is not None:
        return rejection
    idempotency.register_lambda_context(context)
    return app.resolve(event, context)
