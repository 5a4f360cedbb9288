"""Lambda-like processes: the environment, import path and bytecode cache a function gets in Lambda.

- Environment: what template.yaml sets for the function, what the Lambda runtime sets (LAMBDA_TASK_ROOT,
  AWS_LAMBDA_FUNCTION_NAME, ...), dummy credentials and the moto host as the endpoint. Tracing off is
  POWERTOOLS_TRACE_DISABLED=true (the local default); tracing on leaves it unset and adds a sampled trace
  header, so Powertools patches botocore and streams subsegments to a local UDP sink (as to the X-Ray daemon).
- Import path: `python -S` (no site-packages, no .pth files) with PYTHONPATH = the function's code, then
  layers/core and the layer's dependencies (bench.layer_site), as /var/task and /opt/python in Lambda.
- Bytecode: PYTHONPYCACHEPREFIX points every process at one cache outside the repository, warm after the
  first process. `sam build` ships no .pyc (it unzips wheels and copies sources), and /opt and /var/task are
  read-only, so in Lambda the layer and the function are compiled at every cold start; `without_layer_pyc`
  makes a cache with only the standard library's bytecode, for measuring exactly that.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench import layer_site
from plaudit_dev.local_aws import sdk_env
from plaudit_dev.template import FunctionSpec, Template

REPO_ROOT = Path(__file__).resolve().parents[1]
LAYER_DIR = REPO_ROOT / "layers" / "core"
# A sampled request's trace header, as the Lambda service sets it for an active-tracing function.
TRACE_HEADER = "Root=1-6741a6c0-0123456789abcdef01234567;Parent=89abcdef01234567;Sampled=1"
_NOT_INHERITED = ("AWS_", "POWERTOOLS_", "_X_AMZN_", "LAMBDA_", "PYTHON")


@dataclass(frozen=True)
class Sandbox:
    root: Path
    template: Template
    endpoint_url: str
    layer_site: Path
    layer_distributions: list[str]
    pycache: Path
    xray_daemon: str

    def environment(
        self, spec: FunctionSpec, *, tracing: bool = False, pycache: Path | None = None
    ) -> dict[str, str]:
        host = {name: value for name, value in os.environ.items() if not name.startswith(_NOT_INHERITED)}
        env = {
            **host,
            **spec.environment,
            **sdk_env(self.endpoint_url),
            "AWS_LAMBDA_FUNCTION_NAME": spec.name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{spec.name}",
            "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
            "LAMBDA_TASK_ROOT": str(spec.code_dir),
            "PYTHONPATH": os.pathsep.join([str(spec.code_dir), str(LAYER_DIR), str(self.layer_site)]),
            "PYTHONPYCACHEPREFIX": str(pycache or self.pycache),
            "TZ": ":UTC",
        }
        if pycache is not None:
            env["PYTHONDONTWRITEBYTECODE"] = "1"  # like a read-only /opt: compiled, never cached
        if tracing:
            env |= {
                "_X_AMZN_TRACE_ID": TRACE_HEADER,
                "AWS_XRAY_DAEMON_ADDRESS": self.xray_daemon,
                "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
            }
        else:
            env["POWERTOOLS_TRACE_DISABLED"] = "true"
        return env

    @staticmethod
    def command(source: str, args: list[str], flags: tuple[str, ...] = ()) -> list[str]:
        """`python -S [flags] -c source args`; run it with cwd = the function's code directory."""
        return [sys.executable, "-S", *flags, "-c", source, *args]

    def without_layer_pyc(self) -> Path:
        """A copy of the warm cache without the bytecode of the layer and the functions' code."""
        copy = self.root / "pycache-sam-build"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(self.pycache, copy)
        code_dirs = [spec.code_dir for spec in self.template.functions.values()]
        for source_dir in [self.layer_site, LAYER_DIR, *code_dirs]:
            shutil.rmtree(copy / source_dir.relative_to(source_dir.anchor), ignore_errors=True)
        return copy


@contextmanager
def open_sandbox(template: Template, endpoint_url: str) -> Iterator[Sandbox]:
    with tempfile.TemporaryDirectory(prefix="plaudit-bench-") as workdir, _udp_sink() as daemon:
        root = Path(workdir)
        site = root / "layer"
        distributions = layer_site.build(site)
        yield Sandbox(root, template, endpoint_url, site, distributions, root / "pycache", daemon)


@contextmanager
def _udp_sink() -> Iterator[str]:
    """A local UDP port that swallows X-Ray segments (nothing reads them; the kernel drops the excess)."""
    sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sink.bind(("127.0.0.1", 0))
    try:
        yield f"127.0.0.1:{sink.getsockname()[1]}"
    finally:
        sink.close()
