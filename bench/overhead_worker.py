"""The warm container of the overhead benchmark: `python -S -c <this file's text> <config> <results>`,
in the function's Lambda sandbox (bench.sandbox); standard library only, besides the handler.

Imports the recognition handler once, warms it up, then serves the cases round-robin and records, per
request, the process CPU time (time.process_time), the CPU spent inside DynamoDB calls and the number of
calls. "Inside a call" is the whole botocore `_make_api_call` (validation, serialisation, signing, HTTP,
parsing); the part between botocore's `before-call` and `after-call` events (signing, HTTP, parsing) is
recorded too. moto runs in another process, so its CPU is not in these figures.
"""

from __future__ import annotations

import copy
import json
import sys
import time
from typing import Any


class LambdaContext:
    function_version = "$LATEST"
    memory_limit_in_mb = 1024
    function_name = "plaudit-bench-overhead"
    invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
    aws_request_id = "c0ffee00-0000-4000-8000-000000000002"
    log_group_name = f"/aws/lambda/{function_name}"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 10_000


class SdkMeter:
    """CPU time and call count inside the DynamoDB client's calls."""

    def __init__(self, client: Any) -> None:
        self.calls = 0
        self.sdk_cpu = 0.0
        self.wire_cpu = 0.0
        self._wire_started = 0.0
        original = client._make_api_call

        def timed(operation_name: str, api_params: dict[str, Any]) -> Any:
            started = time.process_time()
            try:
                return original(operation_name, api_params)
            finally:
                self.sdk_cpu += time.process_time() - started
                self.calls += 1

        client._make_api_call = timed
        client.meta.events.register("before-call.dynamodb", self._before_call)
        client.meta.events.register("after-call.dynamodb", self._after_call)

    def _before_call(self, **_: Any) -> None:
        self._wire_started = time.process_time()

    def _after_call(self, **_: Any) -> None:
        self.wire_cpu += time.process_time() - self._wire_started

    def reset(self) -> None:
        self.calls, self.sdk_cpu, self.wire_cpu = 0, 0.0, 0.0


def _serve(handler: Any, event: dict[str, Any]) -> None:
    result = handler(event, LambdaContext())
    status = int(result.get("statusCode", 200)) if isinstance(result, dict) else 200
    if not 200 <= status < 300:
        raise RuntimeError(f"the handler answered {status}: {json.dumps(result)[:400]}")


def main() -> None:
    config_path, results_path = sys.argv[1:3]
    with open(config_path, encoding="utf-8") as stream:
        config = json.load(stream)
    module_name, _, function_name = config["handler"].partition(".")
    handler = getattr(__import__(module_name, fromlist=["_"]), function_name)  # found on PYTHONPATH

    from plaudit.store.client import dynamodb

    meter = SdkMeter(dynamodb())
    cases = config["cases"]
    for _ in range(config["warmup"]):
        for case in cases:
            _serve(handler, copy.deepcopy(case["event"]))
    samples: dict[str, list[dict[str, float]]] = {case["name"]: [] for case in cases}
    for _ in range(config["requests"]):
        for case in cases:
            event = copy.deepcopy(case["event"])
            meter.reset()
            wall, cpu = time.perf_counter(), time.process_time()
            _serve(handler, event)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            samples[case["name"]].append(
                {"cpu": cpu, "sdk": meter.sdk_cpu, "wire": meter.wire_cpu, "wall": wall, "calls": meter.calls}
            )
    with open(results_path, "w", encoding="utf-8") as stream:
        json.dump(samples, stream)


main()
