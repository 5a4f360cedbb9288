"""Lambda's Invoke API on the local stack's own server, so a function can invoke itself or another one with
boto3 (Bolt's lazy listeners do): `POST /2015-03-31/functions/{FunctionName}/invocations`.

`RequestResponse` runs the function and answers with its result; `Event` answers 202 at once and runs it in
the background. Workers reach this endpoint through AWS_ENDPOINT_URL_LAMBDA (`lambda_endpoint_env`).

A failed `Event` invocation is not retried here (a local retry would only fail the same way); when the
function's EventInvokeConfig names an SQS on-failure destination, the record Lambda sends there (the request,
the error) is put on that queue, as Lambda does once the retries are spent (`OnFailureDestinations`).
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from plaudit_dev.http_api import HttpRequest, HttpResponse, json_response
from plaudit_dev.invoker import FunctionError, Invoker
from plaudit_dev.local_aws import function_arn
from plaudit_dev.template import FunctionSpec

log = logging.getLogger(__name__)

PATH_PREFIX = "/2015-03-31/functions/"
PATH_SUFFIX = "/invocations"
LATEST = "$LATEST"


def lambda_endpoint_env(server_url: str) -> dict[str, str]:
    """What a worker needs for boto3's lambda client to reach this endpoint (other services stay moto)."""
    return {"AWS_ENDPOINT_URL_LAMBDA": server_url}


class BackgroundInvocations:
    """Runs `Event` invocations on threads (each then drains the streams its writes fed) and tells when
    none is left; thread-safe."""

    def __init__(
        self,
        invoker: Invoker,
        after_each: Callable[[], None],
        on_failure: Callable[[str, Any, FunctionError], None] | None = None,
    ) -> None:
        self._invoker = invoker
        self._after_each = after_each
        self._on_failure = on_failure
        self._pending = 0
        self._idle = threading.Condition()

    def submit(self, function_id: str, event: Any) -> None:
        with self._idle:
            self._pending += 1
        threading.Thread(target=self._run, args=(function_id, event), name=f"event:{function_id}").start()

    @property
    def pending(self) -> int:
        with self._idle:
            return self._pending

    def wait_idle(self, timeout: float) -> bool:
        """Block until no invocation runs (including those they started), or `timeout` seconds passed."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def _run(self, function_id: str, event: Any) -> None:
        try:
            self._invoker.invoke(function_id, event)
        except FunctionError as exc:  # Lambda retries, then parks it in the on-failure destination, if any
            log.error("%s (Event invocation) failed: %s", function_id, exc)
            if self._on_failure is not None:
                self._on_failure(function_id, event, exc)
        except Exception:
            log.exception("%s (Event invocation) could not run", function_id)
        finally:
            try:
                self._after_each()
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()


class OnFailureDestinations:
    """Puts a failed `Event` invocation on its function's on-failure queue, shaped as Lambda's record."""

    def __init__(
        self, functions: Mapping[str, FunctionSpec], queue_urls: Mapping[str, str], sqs: Any
    ) -> None:
        self._functions = functions
        self._queue_urls = queue_urls
        self._sqs = sqs

    def __call__(self, function_id: str, event: Any, error: FunctionError) -> None:
        queue_id = self._functions[function_id].on_failure_queue_id
        if queue_id is None:
            return
        record = destination_record(self._functions[function_id].name, event, error, datetime.now(UTC))
        self._sqs.send_message(QueueUrl=self._queue_urls[queue_id], MessageBody=json.dumps(record))


def destination_record(function_name: str, event: Any, error: FunctionError, at: datetime) -> dict[str, Any]:
    """What Lambda sends an asynchronous invocation's on-failure destination: the request and the error."""
    return {
        "version": "1.0",
        "timestamp": at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "requestContext": {
            "requestId": str(uuid.uuid4()),
            "functionArn": f"{function_arn(function_name)}:{LATEST}",
            "condition": "RetriesExhausted",
            "approximateInvokeCount": 1,
        },
        "requestPayload": event,
        "responseContext": {"statusCode": 200, "executedVersion": LATEST, "functionError": "Unhandled"},
        "responsePayload": {"errorMessage": error.error_message, "errorType": error.error_type},
    }


class InvokeApi:
    """Answers Invoke requests for the template's functions."""

    def __init__(
        self,
        functions: Mapping[str, FunctionSpec],
        invoker: Invoker,
        background: BackgroundInvocations,
        after_sync: Callable[[], None],
    ) -> None:
        self._ids_by_name = {spec.name: function_id for function_id, spec in functions.items()}
        self._invoker = invoker
        self._background = background
        self._after_sync = after_sync

    def handle(self, request: HttpRequest) -> HttpResponse | None:
        """The response to an Invoke request, or None when `request` is not one."""
        if not (request.path.startswith(PATH_PREFIX) and request.path.endswith(PATH_SUFFIX)):
            return None
        if request.method != "POST":
            return _error(405, "UnsupportedOperation", f"{request.method} is not supported here")
        requested = request.path[len(PATH_PREFIX) : -len(PATH_SUFFIX)]
        qualifier = dict(parse_qsl(request.query)).get("Qualifier")
        name, qualified = _split_function_name(requested, qualifier)
        function_id = self._ids_by_name.get(name)
        if function_id is None or qualified not in (None, LATEST):
            arn = function_arn(name) + (f":{qualified}" if qualified else "")
            return _error(404, "ResourceNotFoundException", f"Function not found: {arn}")
        try:
            event = json.loads(request.body or b"{}")
        except ValueError:
            return _error(400, "InvalidRequestContentException", "Could not parse request body into json")
        headers = {name.lower(): value for name, value in request.headers}
        invocation_type = headers.get("x-amz-invocation-type", "RequestResponse")
        if invocation_type == "Event":
            self._background.submit(function_id, event)
            return HttpResponse(202, [], b"")
        if invocation_type == "DryRun":
            return HttpResponse(204, [], b"")
        if invocation_type != "RequestResponse":
            message = f"1 validation error detected: Value '{invocation_type}' at 'invocationType' failed"
            return _error(400, "InvalidParameterValueException", message)
        return self._run(function_id, event)

    def _run(self, function_id: str, event: Any) -> HttpResponse:
        headers = [("content-type", "application/json"), ("x-amz-executed-version", LATEST)]
        try:
            result = self._invoker.invoke(function_id, event)
        except FunctionError as exc:
            error: dict[str, Any] = {"errorMessage": exc.error_message, "errorType": exc.error_type}
            if exc.stack_trace:
                error["stackTrace"] = exc.stack_trace
            body = json.dumps(error).encode()
            return HttpResponse(200, [*headers, ("x-amz-function-error", "Unhandled")], body)
        finally:
            self._after_sync()
        return HttpResponse(200, headers, json.dumps(result).encode())


def _split_function_name(requested: str, qualifier: str | None) -> tuple[str, str | None]:
    """(function name, qualifier) from a name, `name:qualifier`, a full ARN or a partial one
    (`123456789012:function:name`), each optionally qualified."""
    parts = requested.split(":")
    if "function" in parts:
        parts = parts[parts.index("function") + 1 :]
    name = parts[0]
    return name, parts[1] if len(parts) > 1 else qualifier


def _error(status: int, error_type: str, message: str) -> HttpResponse:
    """An error shaped like Lambda's: the type in x-amzn-ErrorType, as boto3 reads it."""
    return json_response(status, {"Type": "User", "Message": message}, [("x-amzn-errortype", error_type)])
