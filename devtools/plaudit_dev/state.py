"""Where a running local stack listens (`<state dir>/local.json`), and how CLI commands connect to it."""

from __future__ import annotations

import json
import os
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

from plaudit.environment import environment
from plaudit_dev.jwt_local import TEMPLATE_PARAMETERS
from plaudit_dev.local_aws import sdk_env
from plaudit_dev.paths import TEMPLATE_PATH, state_dir
from plaudit_dev.template import load_template

STATE_FILE = "local.json"


class StackNotRunning(RuntimeError):
    """No local stack answers at the address in the state file (or there is no state file)."""


@dataclass(frozen=True)
class LocalState:
    api_url: str
    aws_endpoint_url: str
    pid: int
    tables: dict[str, str]  # logical id -> local table name
    queues: dict[str, str] = field(default_factory=dict)  # logical id -> local queue URL


def state_path() -> Path:
    return state_dir() / STATE_FILE


def write_state(state: LocalState) -> Path:
    path = state_path()
    scratch = path.with_suffix(f".{os.getpid()}.tmp")
    scratch.write_text(json.dumps(asdict(state), indent=2) + "\n")
    scratch.replace(path)
    return path


def clear_state(pid: int) -> None:
    """Remove the state file if it belongs to the stack running as `pid` (another may have replaced it)."""
    state = read_state()
    if state is not None and state.pid == pid:
        state_path().unlink(missing_ok=True)


def read_state() -> LocalState | None:
    try:
        return LocalState(**json.loads(state_path().read_text()))
    except (FileNotFoundError, json.JSONDecodeError, TypeError):
        return None


def connect_local(template_path: Path = TEMPLATE_PATH) -> LocalState:
    """Point this process's AWS SDK at the running local stack: AWS_ENDPOINT_URL, region, dummy
    credentials, TABLE_NAME and the functions' other table and queue variables (IDEMPOTENCY_TABLE_NAME, queue
    URLs) as the functions see them. Raises `StackNotRunning` if none answers."""
    state = read_state()
    if state is None or not _is_healthy(state.api_url):
        raise StackNotRunning(
            f"no local Plaudit stack is running (looked for {state_path()}): start the local stack first"
        )
    os.environ.update(sdk_env(state.aws_endpoint_url))
    template = load_template(template_path, TEMPLATE_PARAMETERS)
    os.environ.update(template.resource_environment())
    table_name = template.global_environment.get("TABLE_NAME")
    if table_name:
        os.environ["TABLE_NAME"] = table_name
    environment.cache_clear()  # plaudit's code in this process reads the variables just set
    return state


def _is_healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/_local/health", timeout=2) as response:  # noqa: S310
            return response.status == 200
    except OSError:
        return False
