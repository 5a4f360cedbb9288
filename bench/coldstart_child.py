"""What a cold-start sample runs, in a fresh interpreter: `python -c <this file's text> ...`.

Standard library only, and nothing imported before the clock starts: the parent measures from spawning
the process, this reports when the script began, when the imports were done and when the response was
ready (time.perf_counter is CLOCK_MONOTONIC on Linux: one clock for every process), with the CPU time.

argv: mode ("handler", "any" or "statements"), what to run (a handler, "app.lambda_handler"; or in
"statements" mode a JSON pair of sources: the imports, then what runs once they are done), event file,
result file. In "handler" mode only a 2xx without batch item failures is a success; in "any" mode every
answer is, an error the handler raised included (it is reported).
"""

import time

STARTED = time.perf_counter()

import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402


class Context:
    function_version = "$LATEST"
    memory_limit_in_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024"))
    function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "plaudit")
    invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
    aws_request_id = "c0ffee00-0000-4000-8000-000000000001"
    log_group_name = f"/aws/lambda/{function_name}"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 10_000


def _answer(result: object) -> str:
    if not isinstance(result, dict):
        return "served"
    if "raised" in result:
        return f"raised {result['raised']}"
    if "statusCode" in result:
        return str(result["statusCode"])
    return "batch item failures" if result.get("batchItemFailures") else "batch"


def main() -> None:
    mode, handler, event_path, result_path = sys.argv[1:5]
    outcome, answer = "ok", "-"
    if mode == "statements":
        imports, first = json.loads(handler)
        scope: dict[str, object] = {}
        exec(imports, scope)  # noqa: S102 - the bench's own baseline and floor sources (bench.floors)
        imported = time.perf_counter()
        exec(first, scope)  # noqa: S102
    else:
        with open(event_path, encoding="utf-8") as stream:
            event = json.load(stream)
        module_name, _, function_name = handler.partition(".")
        module = __import__(module_name, fromlist=["_"])  # as `import`: seen by -X importtime
        imported = time.perf_counter()
        try:
            result = getattr(module, function_name)(event, Context())
        except Exception as exc:
            if mode != "any":
                raise
            result = {"raised": type(exc).__name__}
        answer = _answer(result)
        status = result.get("statusCode", 200) if isinstance(result, dict) else 200
        failed = isinstance(result, dict) and result.get("batchItemFailures")
        if mode != "any" and (not 200 <= int(status) < 300 or failed):
            outcome = json.dumps(result)[:300]
    served = time.perf_counter()
    cpu = time.process_time()
    sample = {
        "started": STARTED,
        "imported": imported,
        "served": served,
        "cpu": cpu,
        "outcome": outcome,
        "answer": answer,
    }
    with open(result_path, "w", encoding="utf-8") as stream:
        json.dump(sample, stream)
    sys.stdout.flush()
    os._exit(0)  # Lambda never tears the interpreter down; neither does the sample


main()
