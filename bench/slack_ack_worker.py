"""The warm Slack container: `python -S -c <this file's text> <config> <results>`, in the Slack function's
sandbox (bench.sandbox, bench.slack_ack); standard library only, besides the handler.

Imports the handler once, then serves the same `/kudos` slash command again and again, each signed afresh
(outside the clock), and records per request the handler's wall and CPU time: the ack, lambda.invoke of
the lazy listener included (Bolt returns only after starting it).
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import sys
import time
from typing import Any


class LambdaContext:
    function_version = "$LATEST"
    memory_limit_in_mb = 1024
    function_name = "plaudit-bench-slack"
    invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
    aws_request_id = "c0ffee00-0000-4000-8000-000000000003"
    log_group_name = f"/aws/lambda/{function_name}"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 10_000


def _signed(config: dict[str, Any]) -> dict[str, Any]:
    event = copy.deepcopy(config["event"])
    timestamp = str(int(time.time()))
    message = f"v0:{timestamp}:{config['body']}".encode()
    digest = hmac.new(config["secret"].encode(), message, hashlib.sha256).hexdigest()
    event["headers"] |= {"x-slack-request-timestamp": timestamp, "x-slack-signature": f"v0={digest}"}
    return event


def main() -> None:
    config_path, results_path = sys.argv[1:3]
    with open(config_path, encoding="utf-8") as stream:
        config = json.load(stream)
    module_name, _, function_name = config["handler"].partition(".")
    handler = getattr(__import__(module_name, fromlist=["_"]), function_name)  # found on PYTHONPATH
    samples = []
    for number in range(config["warmup"] + config["requests"]):
        event = _signed(config)
        wall, cpu = time.perf_counter(), time.process_time()
        result = handler(event, LambdaContext())
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if result.get("statusCode") != 200:
            raise RuntimeError(f"the ack was not 200: {json.dumps(result)[:400]}")
        if number >= config["warmup"]:
            samples.append({"wall": wall, "cpu": cpu})
    with open(results_path, "w", encoding="utf-8") as stream:
        json.dump(samples, stream)


main()
