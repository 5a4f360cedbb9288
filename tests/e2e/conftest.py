"""The local stack, started once for the e2e tests as a user would (`plaudit dev`), driven over HTTP."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

STARTUP_SECONDS = 180  # the seed applies examples/org.yaml through the API: cold starts on a busy machine


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

    def deliver_hris(self, payload: dict[str, Any]) -> None:
        """A delivery to the generic HRIS webhook, signed with the dev secret as an HRIS signs it (the bytes
        `request` sends); the webhook queues it (202)."""
        from plaudit.integrations.hris.signatures import sign_plaudit
        from plaudit_dev.local_secrets import DEV_WEBHOOK_SECRETS

        timestamp = int(time.time())
        secret = DEV_WEBHOOK_SECRETS["HRIS_WEBHOOK_SECRET"]
        signature = sign_plaudit(secret, timestamp, json.dumps(payload).encode())
        headers = {"X-Plaudit-Timestamp": str(timestamp), "X-Plaudit-Signature": signature}
        delivered = self.request("POST", "/v1/hris/webhooks/plaudit", body=payload, headers=headers)
        assert delivered.status == 202, delivered.body


@contextmanager
def running_stack(state: Path, *args: str) -> Iterator[LocalStack]:
    """`plaudit dev [args]` with `state` as its state directory, on a free port; stopped as Ctrl-C would
    (SIGINT), so it saves its data."""
    env = {**os.environ, "PLAUDIT_STATE_DIR": str(state), "PORT": "0", "PYTHONUNBUFFERED": "1"}
    for name in ("AWS_ENDPOINT_URL", "TABLE_NAME", "AWS_PROFILE"):
        env.pop(name, None)
    (state / "local.json").unlink(missing_ok=True)
    log = (state / "stack.log").open("a")
    process = subprocess.Popen(
        [sys.executable, "-m", "plaudit_dev.cli", "dev", *args], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        api_url = _wait_ready(state / "local.json", process)
        yield LocalStack(api_url, env)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture
def start_stack() -> Callable[..., AbstractContextManager[LocalStack]]:
    """`with start_stack(state_dir, *args) as stack:` a stack of the test's own (see running_stack)."""
    return running_stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    with running_stack(tmp_path_factory.mktemp("plaudit-state")) as local:
        yield local


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


CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium (Debian's chromium + chromium-driver) for every browser test of the run."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="plaudit-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--window-size=1280,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_script_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
