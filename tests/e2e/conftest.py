"""The local stack, started once for the e2e tests as a user would (`plaudit dev`), driven over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

STARTUP_SECONDS = 90


@dataclass
class HttpReply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class LocalStack:
    api_url: str
    env: dict[str, str]

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> HttpReply:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.api_url + path, data=data, method=method)  # noqa: S310 - loopback only
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return HttpReply(
                    response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
                )
        except urllib.error.HTTPError as error:
            return HttpReply(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "plaudit_dev.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def token(self, *args: str) -> str:
        result = self.cli("token", *args)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    state = tmp_path_factory.mktemp("plaudit-state")
    env = {**os.environ, "PLAUDIT_STATE_DIR": str(state), "PORT": "0", "PYTHONUNBUFFERED": "1"}
    for name in ("AWS_ENDPOINT_URL", "TABLE_NAME", "AWS_PROFILE"):
        env.pop(name, None)
    log = (state / "stack.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "plaudit_dev.cli", "dev"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        api_url = _wait_ready(state / "local.json", process)
        yield LocalStack(api_url, env)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _wait_ready(state_file: Path, process: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"the local stack exited with {process.returncode}; see {state_file.parent}/stack.log"
            )
        if state_file.exists():
            api_url = json.loads(state_file.read_text())["api_url"]
            try:
                with urllib.request.urlopen(api_url + "/_local/health", timeout=2):  # noqa: S310
                    return api_url
            except OSError:
                pass
        time.sleep(0.2)
    raise RuntimeError(f"the local stack did not start within {STARTUP_SECONDS} s")
