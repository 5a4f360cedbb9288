"""Loading the real handler modules (functions/*/app.py) the way Lambda does, once per "container".

A fresh container re-imports the handler and the whole `plaudit` package, so every module-level state
(caches such as the email->id mapping, the lazily created DynamoDB client) starts empty wherever it lives.
The caller then injects what tests inject (the moto client, a fixed clock) into the new modules.
"""

from __future__ import annotations

import importlib.util
import itertools
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

from plaudit_dev.template import FunctionSpec

_containers = itertools.count(1)


def fresh_container(spec: FunctionSpec, inject: Callable[[], None] = lambda: None) -> ModuleType:
    for name in [name for name in sys.modules if name == "plaudit" or name.startswith("plaudit.")]:
        del sys.modules[name]
    module_name, _, _ = spec.handler.partition(".")
    unique = f"bench_fn_{spec.logical_id}_{next(_containers)}"
    loader = importlib.util.spec_from_file_location(unique, spec.code_dir / f"{module_name}.py")
    if loader is None or loader.loader is None:
        raise ImportError(f"cannot load {spec.handler} from {spec.code_dir}")
    module = importlib.util.module_from_spec(loader)
    sys.modules[unique] = module
    loader.loader.exec_module(module)
    inject()
    return module


def handler_of(module: ModuleType, spec: FunctionSpec) -> Callable[..., Any]:
    return getattr(module, spec.handler.partition(".")[2])
