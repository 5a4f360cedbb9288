"""Local stack memory: `plaudit dev` started as a developer starts it (fresh, seeded), then driven with mixed
requests over HTTP, one at a time, while the resident memory of the stack process and of its workers (every
process descended from it: the forkserver and the Lambda-like workers) is sampled.

The mix, repeated in order: give kudos (REST), read a wallet, the feed, update a person (HR admin), top up a
budget (HR admin), read a person, the catalogue, a signed Slack `/kudos` (lazy listener, fake Slack), a
ledger page, and an unknown route. Kudos go round the demo organisation one point at a time, so allowances
last; once a giver's allowance is spent the refusal (a 4xx) is itself a request of the mix. Answers are
counted by status class: a 5xx is a failure of the run, not a figure.

Linux only: memory is read from /proc (`VmRSS` and `VmHWM`, the kernel's own peak).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.moto_host import REPO_ROOT

STARTUP_S = 120
SAMPLE_EVERY = 100  # requests between memory samples
MIB = 1024 * 1024


@dataclass(frozen=True)
class MemorySample:
    requests: int  # requests answered when sampled
    stack_rss: int  # bytes, the `plaudit dev` process
    workers_rss: int  # bytes, all its descendants together
    workers: int  # how many descendants


@dataclass(frozen=True)
class StoredData:
    """What moto's tables hold: the data the stack process must keep in memory."""

    items: int
    bytes: int  # the items as DynamoDB JSON (attribute names and values), a lower bound of what moto keeps


@dataclass
class MemoryResult:
    samples: list[MemorySample] = field(default_factory=list)
    stored_start: StoredData | None = None
    stored_end: StoredData | None = None
    stack_peak: int = 0  # VmHWM of the stack process at the end
    workers_peak: int = 0  # the largest sum of descendants' RSS seen in a sample
    statuses: Counter[str] = field(default_factory=Counter)  # "2xx", "4xx", ...
    duration_s: float = 0.0

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    @property
    def start(self) -> MemorySample:
        return self.samples[0]

    @property
    def warmed(self) -> MemorySample:
        """After the first SAMPLE_EVERY requests: every worker has served (and imported what it imports
        lazily), the pumps have run."""
        return self.samples[min(1, len(self.samples) - 1)]

    @property
    def end(self) -> MemorySample:
        return self.samples[-1]

    def failures(self) -> list[str]:
        server_errors = self.statuses.get("5xx", 0)
        return [f"local stack memory run: {server_errors} request(s) answered 5xx"] if server_errors else []


def _status_file(pid: int) -> dict[str, str]:
    fields: dict[str, str] = {}
    with open(f"/proc/{pid}/status", encoding="utf-8") as stream:
        for line in stream:
            name, _, value = line.partition(":")
            fields[name] = value.strip()
    return fields


def _kib(value: str) -> int:
    return int(value.split()[0]) * 1024 if value else 0


def descendants(pid: int) -> list[int]:
    """Every live process below `pid` (children, their children, ...)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as stream:
                parent = int(stream.read().rpartition(")")[2].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found, pending = [], [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def sample(pid: int, requests: int) -> MemorySample:
    workers_rss, workers = 0, 0
    for child in descendants(pid):
        try:
            workers_rss += _kib(_status_file(child).get("VmRSS", ""))
            workers += 1
        except OSError:  # exited in between
            continue
    return MemorySample(requests, _kib(_status_file(pid).get("VmRSS", "")), workers_rss, workers)


@dataclass
class _Stack:
    api_url: str
    pid: int
    env: dict[str, str]


@contextmanager
def local_stack() -> Iterator[_Stack]:
    """`plaudit dev --fresh` on a free port with a state directory of its own; stopped with SIGTERM."""
    with tempfile.TemporaryDirectory(prefix="plaudit-bench-memory-") as workdir:
        state = Path(workdir)
        env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
        env |= {"PLAUDIT_STATE_DIR": str(state), "PORT": "0", "PYTHONUNBUFFERED": "1"}
        env.pop("TABLE_NAME", None)
        with (state / "stack.log").open("w") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "plaudit_dev.cli", "dev", "--fresh"],
                cwd=REPO_ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                yield _Stack(_wait_ready(state, process), process.pid, env)
            finally:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def _wait_ready(state: Path, process: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the local stack exited with {process.returncode}; see {state}/stack.log")
        try:
            api_url = json.loads((state / "local.json").read_text())["api_url"]
            with urllib.request.urlopen(f"{api_url}/_local/health", timeout=2):  # noqa: S310 - loopback
                return api_url
        except (OSError, ValueError, KeyError):
            time.sleep(0.2)
    raise RuntimeError(f"the local stack did not start within {STARTUP_S} s")


class RequestMix:
    """The n-th request of the mix, as (method, path, headers, body)."""

    def __init__(self, api_url: str, state_dir: str) -> None:
        from plaudit_dev.jwt_local import access_claims, dev_subject, sign
        from plaudit_dev.local_aws import environ
        from plaudit_dev.seed import DEMO_HR_ADMIN, PEOPLE

        self.api_url = api_url
        self.people = [person[0] for person in PEOPLE]
        self.slack_users = {person[0]: person for person in PEOPLE}
        self.hr_admin = DEMO_HR_ADMIN
        with environ({"PLAUDIT_STATE_DIR": state_dir}):  # where the dev signing key of this stack lives
            self.tokens = {pid: sign(access_claims(dev_subject(pid), ttl=86_400)) for pid in self.people}
        self.kinds: list[Callable[[int], tuple[str, str, dict[str, str], bytes]]] = [
            self.kudos,
            self.wallet,
            self.feed,
            self.put_person,
            self.top_up,
            self.person,
            self.catalogue,
            self.slack_kudos,
            self.ledger,
            self.unknown_route,
        ]

    def request(self, number: int) -> tuple[str, str, dict[str, str], bytes]:
        return self.kinds[number % len(self.kinds)](number // len(self.kinds))

    def _json(self, caller: str, body: Any = None, **headers: str) -> tuple[dict[str, str], bytes]:
        data = json.dumps(body).encode() if body is not None else b""
        return {
            "Authorization": f"Bearer {self.tokens[caller]}",
            "Content-Type": "application/json",
            **headers,
        }, data

    def _pair(self, round_number: int) -> tuple[str, str]:
        giver = self.people[round_number % len(self.people)]
        return giver, self.people[(round_number + 1) % len(self.people)]

    def kudos(self, n: int) -> tuple[str, str, dict[str, str], bytes]:
        giver, recipient = self._pair(n)
        body = {
            "recipient_ids": [recipient],
            "points": 1,
            "message": "Thanks for the help!",
            "values": ["teamwork"],
        }
        return ("POST", "/v1/recognitions", *self._json(giver, body))

    def wallet(self, n: int) -> tuple[str, str, dict[str, str], bytes]:
        person = self._pair(n)[1]
        return ("GET", f"/v1/employees/{person}/wallet", *self._json(person))

    def feed(self, n: int) -> tuple[str, str, dict[str, str], bytes]:
        return ("GET", "/v1/recognitions", *self._json(self._pair(n)[0]))

    def put_person(self, n: int) -> tuple[str, str, dict[str, str], bytes]:
        from bench.org import employee_body

        person = self._pair(n)[1]
        return ("PUT", f"/v1/employees/{person}", *self._json(self.hr_admin, employee_body(person)))

    def top_up(self, n: int) -> tuple[str, str, dict[str, str], bytes]:
        from plaudit_dev.seed import MILESTONES_BUDGET

        headers, body = self._json(self.hr_admin, {"points": 1}, **{"Idempotency-Key": f"bench-memory-{n}"})
        return ("POST", f"/v1/budgets/{MILESTONES_BUDGET}/top-ups", headers, body)

    def person(self, n: int) -> tuple[str, str, dict[str, str], bytes]:
        return ("GET", f"/v1/employees/{self._pair(n)[1]}", *self._json(self._pair(n)[0]))

    def catalogue(self, n: int) -> tuple[str, str, dict[str, str], bytes]:
        return ("GET", "/v1/catalog/items", *self._json(self._pair(n)[0]))

    def slack_kudos(self, n: int) -> tuple[str, str, dict[str, str], bytes]:
        from plaudit_dev.fake_slack import signing_secret
        from plaudit_dev.seed import slack_id
        from plaudit_dev.slack_client import SlackUser, signature_headers, slash_command_form

        giver, recipient = (self.slack_users[pid] for pid in self._pair(n + 1))
        user = SlackUser(slack_id(giver[1]), giver[1].split()[0].lower(), giver[1])
        text = f"/kudos <@{slack_id(recipient[1])}> 1 thanks for the review #teamwork"
        body = urlencode(slash_command_form(self.api_url, text, user))
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            **signature_headers(body, signing_secret()),
        }
        return "POST", "/slack/events", headers, body.encode()

    def ledger(self, n: int) -> tuple[str, str, dict[str, str], bytes]:
        person = self._pair(n)[1]
        return ("GET", f"/v1/employees/{person}/ledger", *self._json(person))

    def unknown_route(self, n: int) -> tuple[str, str, dict[str, str], bytes]:
        return ("GET", f"/v1/nowhere/{n}", *self._json(self._pair(n)[0]))


def send(api_url: str, method: str, path: str, headers: dict[str, str], body: bytes) -> int:
    request = urllib.request.Request(api_url + path, data=body or None, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - loopback only
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        error.read()
        return error.code


def stored_data(state_dir: str) -> StoredData:
    """Scan every table of the running stack (through its moto endpoint) for items and their size."""
    from plaudit_dev.local_aws import client, environ
    from plaudit_dev.state import read_state

    with environ({"PLAUDIT_STATE_DIR": state_dir}):
        state = read_state()
    assert state is not None
    dynamodb = client("dynamodb", state.aws_endpoint_url)
    items = size = 0
    for table in state.tables.values():
        for page in dynamodb.get_paginator("scan").paginate(TableName=table):
            items += page["Count"]
            size += sum(len(json.dumps(item, separators=(",", ":"))) for item in page["Items"])
    return StoredData(items, size)


def measure_memory(requests: int, progress: Callable[[str], None] = lambda _: None) -> MemoryResult:
    result = MemoryResult()
    started = time.perf_counter()
    with local_stack() as stack:
        mix = RequestMix(stack.api_url, stack.env["PLAUDIT_STATE_DIR"])
        result.stored_start = stored_data(stack.env["PLAUDIT_STATE_DIR"])
        result.samples.append(sample(stack.pid, 0))
        for number in range(requests):
            status = send(stack.api_url, *mix.request(number))
            result.statuses[f"{status // 100}xx"] += 1
            if (number + 1) % SAMPLE_EVERY == 0 or number + 1 == requests:
                # background work (lazy listeners, stream and queue deliveries) finishes before sampling
                send(stack.api_url, "GET", "/_local/idle?timeout=60", {}, b"")
                taken = sample(stack.pid, number + 1)
                result.samples.append(taken)
                result.workers_peak = max(result.workers_peak, taken.workers_rss)
                if (number + 1) % (SAMPLE_EVERY * 10) == 0:
                    progress(
                        f"  {number + 1} requests: stack {taken.stack_rss / MIB:.0f} MiB, "
                        f"workers {taken.workers_rss / MIB:.0f} MiB"
                    )
        result.stack_peak = _kib(_status_file(stack.pid).get("VmHWM", ""))
        result.stored_end = stored_data(stack.env["PLAUDIT_STATE_DIR"])
    result.workers_peak = max([result.workers_peak, *(s.workers_rss for s in result.samples)])
    result.duration_s = time.perf_counter() - started
    return result


def main() -> None:
    """`python -m bench.memory [REQUESTS]`: the memory run alone, printed as it goes."""
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    result = measure_memory(requests, lambda message: print(message, flush=True))
    for taken in result.samples:
        print(
            f"{taken.requests:6d} requests  stack {taken.stack_rss / MIB:7.1f} MiB  "
            f"workers ({taken.workers}) {taken.workers_rss / MIB:7.1f} MiB"
        )
    print(f"peak: stack {result.stack_peak / MIB:.1f} MiB, workers {result.workers_peak / MIB:.1f} MiB")
    print(f"answers: {dict(result.statuses)} in {result.duration_s:.0f} s")


if __name__ == "__main__":
    main()
