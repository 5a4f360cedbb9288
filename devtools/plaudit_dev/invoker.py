"""Invoke functions the way Lambda does: each function gets a small pool of worker processes, and each worker
is like a Lambda execution environment: its own environment variables, the handler module imported once
(lazily) and kept warm, one event at a time, killed on timeout, replaced after a crash.

Workers are never forked from the parent (it has threads): they fork from multiprocessing's forkserver, a
small single-threaded process with this module preloaded, or are spawned where there is no forkserver
(Windows). Keep this module's imports light, and entry points too: multiprocessing makes every worker import
the parent's __main__ module.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from multiprocessing.connection import Connection
from types import ModuleType
from typing import Any

from plaudit_dev.iam_calls import Access
from plaudit_dev.iam_calls import install as install_iam
from plaudit_dev.local_aws import function_arn, sdk_env
from plaudit_dev.template import FunctionSpec

log = logging.getLogger(__name__)

INIT_TIMEOUT_S = 10.0  # Lambda's limit for the init phase: added to the first call a worker gets


def _process_context() -> multiprocessing.context.BaseContext:
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])  # no effect if the forkserver already runs
    return context


_PROCESSES = _process_context()


class FunctionError(Exception):
    """The invocation failed the way Lambda reports it: errorType, errorMessage, stackTrace."""

    def __init__(self, function_id: str, error: dict[str, Any]) -> None:
        super().__init__(f"{function_id}: {error.get('errorType')}: {error.get('errorMessage')}")
        self.function_id = function_id
        self.error_type: str = error.get("errorType", "Unknown")
        self.error_message: str = error.get("errorMessage", "")
        self.stack_trace: list[str] = error.get("stackTrace") or []


class Invoker:
    """Runs the template's functions in Lambda-like worker processes; thread-safe."""

    def __init__(
        self,
        functions: Mapping[str, FunctionSpec],
        aws_endpoint_url: str,
        access: Mapping[str, Access],
        max_workers: int = 4,
        local_env: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        """`access`: per function id, what its AWS calls are checked against (its role's policy);
        `local_env`: per function id, variables set over everything else (the local stack's endpoints)."""
        self._pools = {
            function_id: _FunctionPool(
                spec,
                {**worker_environment(spec, aws_endpoint_url), **(local_env or {}).get(function_id, {})},
                access[function_id],
                max_workers,
            )
            for function_id, spec in functions.items()
        }

    def invoke(self, function_id: str, event: Any) -> Any:
        """Call the function's handler with `event` and a Lambda context; returns its (JSON) result."""
        return self._pools[function_id].call("invoke", event)

    def openapi_schema(self, function_id: str) -> dict[str, Any]:
        """The OpenAPI schema of the Powertools resolver named `app` in the function's handler module."""
        return self._pools[function_id].call("openapi")

    def warm(self) -> None:
        """Start one worker per function and import its handler module, in parallel (Lambda's init phase).

        A function that fails to import is logged, not fatal: its invocations report the error.
        """
        ids = list(self._pools)
        if not ids:
            return
        with ThreadPoolExecutor(max_workers=len(ids)) as pool:
            for function_id, error in zip(ids, pool.map(self._init_quietly, ids), strict=True):
                if error:
                    log.warning("%s failed to initialise: %s", function_id, error)

    def close(self) -> None:
        """Stop every worker, all at once (a busy one is killed after a second)."""
        workers = [worker for pool in self._pools.values() for worker in pool.close()]
        for worker in workers:
            worker.ask_to_exit()
        for worker in workers:
            worker.stop()

    def _init_quietly(self, function_id: str) -> FunctionError | None:
        try:
            self._pools[function_id].call("init")
        except FunctionError as exc:
            return exc
        return None


_RUNTIME_HOST_VARIABLES = ("PATH", "LANG", "LD_LIBRARY_PATH", "PYTHONPATH")  # Lambda sets these too


def worker_environment(spec: FunctionSpec, aws_endpoint_url: str) -> dict[str, str]:
    """The environment a worker runs with, as in Lambda: only the function's variables from the template and
    what the Lambda runtime itself sets (the few of those that are about this machine come from the host),
    with moto as the AWS endpoint. Nothing else of the host's environment reaches a function."""
    host = {name: os.environ[name] for name in _RUNTIME_HOST_VARIABLES if name in os.environ}
    return {
        **host,
        **spec.environment,
        **sdk_env(aws_endpoint_url),
        "AWS_LAMBDA_FUNCTION_NAME": spec.name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{spec.name}",
        "LAMBDA_TASK_ROOT": str(spec.code_dir),
        "POWERTOOLS_TRACE_DISABLED": "true",
        "TZ": ":UTC",
    }


class _FunctionPool:
    """Up to `max_workers` workers for one function, started on demand; the most recently used is reused."""

    def __init__(self, spec: FunctionSpec, env: dict[str, str], access: Access, max_workers: int) -> None:
        self._spec = spec
        self._env = env
        self._access = access
        self._max_workers = max_workers
        self._cond = threading.Condition()
        self._idle: list[_Worker] = []
        self._workers: set[_Worker] = set()
        self._starting = 0
        self._closed = False

    def call(self, kind: str, payload: Any = None) -> Any:
        worker = self._acquire()
        healthy = False
        try:
            result = worker.call(kind, payload)
            healthy = True
            return result
        except FunctionError as exc:
            healthy = exc.error_type not in _FATAL_ERRORS
            raise
        finally:
            self._release(worker, healthy)

    def close(self) -> list[_Worker]:
        """Refuse new calls; returns the workers, for the caller to stop."""
        with self._cond:
            self._closed = True
            workers = list(self._workers)
            self._workers.clear()
            self._idle.clear()
            self._cond.notify_all()
        return workers

    def _acquire(self) -> _Worker:
        with self._cond:
            while True:
                if self._closed:
                    raise RuntimeError("the invoker is closed")
                if self._idle:
                    return self._idle.pop()
                if len(self._workers) + self._starting < self._max_workers:
                    self._starting += 1
                    break
                self._cond.wait()
        worker: _Worker | None = None
        try:
            worker = _Worker(self._spec, self._env, self._access)
        finally:
            with self._cond:
                self._starting -= 1
                if worker is not None:
                    self._workers.add(worker)
                self._cond.notify()
        return worker

    def _release(self, worker: _Worker, healthy: bool) -> None:
        with self._cond:
            if healthy and not self._closed:
                self._idle.append(worker)
            else:
                self._workers.discard(worker)
            self._cond.notify()
        if not healthy:
            worker.kill()


_TIMED_OUT = "Sandbox.Timedout"
_EXITED = "Runtime.ExitError"
_FATAL_ERRORS = {_TIMED_OUT, _EXITED}  # the worker is gone or stuck: replace it


class _Worker:
    """The parent's handle on one worker process."""

    def __init__(self, spec: FunctionSpec, env: dict[str, str], access: Access) -> None:
        self._spec = spec
        self._conn, child_conn = _PROCESSES.Pipe()
        self._process = _PROCESSES.Process(
            target=_worker_main,
            args=(child_conn, spec, env, access),
            name=f"lambda:{spec.logical_id}",
            daemon=True,
        )
        self._process.start()
        child_conn.close()
        self._initialised = False

    def call(self, kind: str, payload: Any) -> Any:
        request_id = str(uuid.uuid4())
        timeout = self._spec.timeout_s + 1.0 + (0.0 if self._initialised else INIT_TIMEOUT_S)
        try:
            self._conn.send((kind, payload, request_id))
            if not self._conn.poll(timeout):
                message = f"{request_id} Task timed out after {self._spec.timeout_s:.2f} seconds"
                raise FunctionError(self._spec.logical_id, {"errorType": _TIMED_OUT, "errorMessage": message})
            status, body = self._conn.recv()
        except (EOFError, OSError) as exc:
            message = f"RequestId: {request_id} Error: Runtime exited ({self._process.exitcode})"
            error = {"errorType": _EXITED, "errorMessage": message}
            raise FunctionError(self._spec.logical_id, error) from exc
        self._initialised = True
        if status == "error":
            raise FunctionError(self._spec.logical_id, body)
        return json.loads(body)

    def ask_to_exit(self) -> None:
        with contextlib.suppress(OSError):
            self._conn.send(None)

    def stop(self) -> None:
        """Wait for the worker to exit once asked; kill it if it has not within a second (it may be busy)."""
        self._process.join(timeout=1.0)
        self.kill()

    def kill(self) -> None:
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._conn.close()


# --- what runs inside a worker process ---------------------------------------------------------------


class LambdaContext:
    """The context object a handler receives (the attributes handlers and Powertools read).

    As in the real Python runtime, `memory_limit_in_mb` is a string.
    """

    def __init__(self, spec: FunctionSpec, request_id: str) -> None:
        self.function_name = spec.name
        self.function_version = "$LATEST"
        self.invoked_function_arn = function_arn(spec.name)
        self.memory_limit_in_mb = str(spec.memory_mb)
        self.aws_request_id = request_id
        self.log_group_name = f"/aws/lambda/{spec.name}"
        self.log_stream_name = f"local/[$LATEST]{os.getpid()}"
        self.identity = None
        self.client_context = None
        self._deadline = time.time() + spec.timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.time()) * 1000))


def _worker_main(conn: Connection, spec: FunctionSpec, env: dict[str, str], access: Access) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which stops its workers
    for stream in (sys.stdout, sys.stderr):  # the handler's logs reach the console as they are written
        stream.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    os.environ.clear()
    os.environ.update(env)
    time.tzset()
    install_iam(lambda: access)  # before the handler creates any AWS client
    os.chdir(spec.code_dir)
    sys.path.insert(0, str(spec.code_dir))
    runtime = _Runtime(spec)
    while True:
        try:
            message = conn.recv()
        except EOFError:  # the parent is gone
            break
        if message is None:
            break
        conn.send(runtime.handle(*message))
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # no interpreter teardown (~0.5 s with a large import graph); Lambda does not run one either


class _Runtime:
    """Imports the handler module on first use and runs invocations, reporting errors like Lambda does."""

    def __init__(self, spec: FunctionSpec) -> None:
        self._spec = spec
        self._module: ModuleType | None = None

    def handle(self, kind: str, payload: Any, request_id: str) -> tuple[str, Any]:
        try:
            if kind == "init":
                self.module()
                return "ok", "null"
            if kind == "openapi":
                resolver = getattr(self.module(), "app", None)
                if not hasattr(resolver, "get_openapi_json_schema"):
                    raise _RuntimeFailure("Runtime.NoOpenAPI", "the module has no Powertools resolver `app`")
                return "ok", resolver.get_openapi_json_schema()
            return "ok", self.invoke(payload, request_id)
        except _RuntimeFailure as exc:
            error_type, stack_trace, message = exc.error_type, exc.stack_trace, str(exc)
        except Exception as exc:
            error_type, stack_trace, message = type(exc).__name__, _user_frames(exc), str(exc)
        if kind != "openapi":  # like Lambda, log what failed an invocation or the init
            sys.stderr.write(f"[ERROR] {error_type}: {message}\n{''.join(stack_trace)}")
            sys.stderr.flush()
        error = {"errorType": error_type, "errorMessage": message, "stackTrace": stack_trace}
        return "error", {**error, "requestId": request_id}

    def module(self) -> ModuleType:
        """Import the handler module under a name unique to the function (two functions' `app.py` never
        collide), with CodeUri on sys.path for its sibling modules. A failed import is retried next time."""
        if self._module is None:
            module_path = self._spec.handler.rpartition(".")[0]
            file = self._spec.code_dir.joinpath(*module_path.split(".")).with_suffix(".py")
            name = f"_lambda_{self._spec.logical_id}_{module_path.replace('.', '_')}"
            try:
                spec = importlib.util.spec_from_file_location(name, file)
                if spec is None or spec.loader is None:
                    raise ImportError(f"No module named '{module_path}' in {self._spec.code_dir}")
                module = importlib.util.module_from_spec(spec)
                sys.modules[name] = module  # before exec: pydantic and dataclasses look themselves up there
                spec.loader.exec_module(module)
            except Exception as exc:
                sys.modules.pop(name, None)
                raise _RuntimeFailure(
                    "Runtime.ImportModuleError",
                    f"Unable to import module '{module_path}': {exc}",
                    _user_frames(exc),
                ) from exc
            self._module = module
        return self._module

    def invoke(self, event: Any, request_id: str) -> str:
        function_name = self._spec.handler.rpartition(".")[2]
        handler = getattr(self.module(), function_name, None)
        if not callable(handler):
            message = f"Handler '{self._spec.handler}' missing on module"
            raise _RuntimeFailure("Runtime.HandlerNotFound", message)
        result = handler(event, LambdaContext(self._spec, request_id))
        try:
            return json.dumps(result, default=_json_default)
        except (TypeError, ValueError) as exc:
            raise _RuntimeFailure("Runtime.MarshalError", f"Unable to marshal response: {exc}") from exc


class _RuntimeFailure(Exception):
    def __init__(self, error_type: str, message: str, stack_trace: list[str] | None = None) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.stack_trace = stack_trace or []


def _user_frames(exc: BaseException) -> list[str]:
    """The exception's stack trace without the runtime's own frames (this module, importlib's)."""
    frames = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if frame.filename != __file__ and not frame.filename.startswith("<frozen importlib")
    ]
    return traceback.format_list(frames)


def _json_default(value: Any) -> Any:
    """Like the Lambda runtime, encode Decimal (what boto3 returns for DynamoDB numbers) as a number."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
