"""schemathesis hooks of the API fuzzer (tests/e2e/test_openapi_fuzz.py), loaded by `st run` through
SCHEMATHESIS_HOOKS."""

from __future__ import annotations

import itertools
import os
import re

import schemathesis

from plaudit.api.http import IDEMPOTENCY_KEY

_keys = itertools.count()


@schemathesis.hook
def before_call(context, case, kwargs) -> None:
    """A fresh Idempotency-Key for every request that carries a valid one (invalid ones stay, to be
    refused): a key generated twice would replay the first answer, which depends on the order examples
    run in."""
    key = (case.headers or {}).get("idempotency-key")
    if isinstance(key, str) and re.fullmatch(IDEMPOTENCY_KEY, key):
        case.headers["idempotency-key"] = f"fuzz-{os.getpid()}-{next(_keys)}"
