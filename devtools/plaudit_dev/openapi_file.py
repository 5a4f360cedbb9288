"""Write the API's OpenAPI document to a file without running the local stack: the console's types are
generated from it (`python -m plaudit_dev.openapi_file console/build/openapi.json`, run by `make console`).

Each routed function is imported in a worker process, one after the other, exactly as /openapi.json does it;
a function that cannot give its schema fails the command (a document with a hole would silently drop types).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from plaudit_dev.iam import Policy
from plaudit_dev.iam_calls import Access
from plaudit_dev.invoker import Invoker
from plaudit_dev.openapi_docs import merged_schema
from plaudit_dev.stack import LocalStack

NO_AWS = "http://127.0.0.1:9"  # nothing listens: producing a schema makes no AWS call
SERVER_URL = "/"  # the console calls the API on its own origin


def document() -> dict:
    stack = LocalStack()  # not started: its template and the variables it sets for each function
    template = stack.template
    routed = {route.function_id: template.functions[route.function_id] for route in template.routes}
    no_access = {fid: Access(spec.name, Policy(())) for fid, spec in routed.items()}
    invoker = Invoker(routed, NO_AWS, no_access, max_workers=1, local_env=stack.local_env(NO_AWS))
    try:
        return merged_schema(template, invoker, SERVER_URL, strict=True)
    finally:
        invoker.close()


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m plaudit_dev.openapi_file OUTPUT.json", file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document(), indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
