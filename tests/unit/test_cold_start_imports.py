"""A handler's import is its function's cold start (issue 9, bench.coldstart): modules only needed to publish
the OpenAPI document never load there. Powertools' `openapi.models` builds about a hundred pydantic classes
when imported (measured side by side: 0.43x the boto3 baseline's CPU time); only `get_openapi_schema` needs
it."""

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.slack_ack import FUNCTION_ID as SLACK_FUNCTION
from plaudit_dev.template import load_template

REPO = Path(__file__).resolve().parents[2]
DOCUMENT_ONLY = ("aws_lambda_powertools.event_handler.openapi.models",)

# Imports every handler module, one after the other, and names the first whose import loaded a module of
# DOCUMENT_ONLY (printed as JSON: {module: handler}).
PROBE = """
import importlib.util, json, sys
document_only, handlers = json.loads(sys.argv[1]), json.loads(sys.argv[2])
loaded_by = {}
for code_dir, module in handlers:
    sys.path.insert(0, code_dir)
    location = f"{code_dir}/{module}.py"
    spec = importlib.util.spec_from_file_location(f"handler_{len(sys.modules)}_{module}", location)
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
    sys.path.remove(code_dir)
    for name in document_only:
        if name in sys.modules and name not in loaded_by:
            loaded_by[name] = code_dir
print(json.dumps(loaded_by))
"""


def test_no_http_api_handler_imports_what_only_the_openapi_document_needs() -> None:
    """Every function behind the HTTP API but Slack's (Bolt, not the resolver; it reads its secrets while
    it imports)."""
    template = load_template()
    served = {route.function_id for route in template.routes} - {SLACK_FUNCTION}
    functions = [spec for function_id, spec in template.functions.items() if function_id in served]
    assert len(functions) > 10
    environment = {name: value for spec in functions for name, value in spec.environment.items()}
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))},
        **environment,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "LAMBDA_TASK_ROOT": str(REPO),  # as in Lambda: X-Ray creates no sampling clients at import
        "PYTHONPATH": str(REPO / "layers" / "core"),
    }
    handlers = [(str(spec.code_dir), spec.handler.partition(".")[0]) for spec in functions]
    probe = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(DOCUMENT_ONLY), json.dumps(handlers)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr[-3000:]
    assert json.loads(probe.stdout.strip().splitlines()[-1]) == {}
