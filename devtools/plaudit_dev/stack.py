"""The whole local stack in one process: moto, the template's tables and queues, Lambda-like workers, stream
and queue consumers, schedules and the HTTP API, recorded in the state file while it runs."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from plaudit_dev import console, snapshot
from plaudit_dev.deliveries import Deliveries
from plaudit_dev.fake_rewards import rewards_function_env
from plaudit_dev.fake_slack import CALLS_PATH, SLACK_FUNCTION_ID, slack_function_env
from plaudit_dev.iam import local_resources, translate_roles
from plaudit_dev.iam_calls import Access
from plaudit_dev.invoker import Invoker
from plaudit_dev.jwt_local import TEMPLATE_PARAMETERS
from plaudit_dev.lambda_invoke import OnFailureDestinations, lambda_endpoint_env
from plaudit_dev.local_aws import client, environ, sdk_env
from plaudit_dev.local_mail import MAIL_PATH, verify_sender
from plaudit_dev.local_secrets import create_voucher_key, voucher_secrets, webhook_secrets
from plaudit_dev.moto_server import MotoServer, create_buckets, create_tables
from plaudit_dev.paths import TEMPLATE_PATH
from plaudit_dev.queues import QueuePump, create_queues
from plaudit_dev.schedules import ScheduleTicker
from plaudit_dev.server import ApiServer
from plaudit_dev.state import LocalState, clear_state, state_path, write_state
from plaudit_dev.streams import StreamPump
from plaudit_dev.template import ScheduleSource, Template, load_template

log = logging.getLogger(__name__)

DEFAULT_PORT = 3000
LOG_FORMAT = "%(asctime)s %(levelname)-7s %(message)s"
DELIVERY_POLL_S = 1.0  # how often streams and queues are drained between requests
# Settings of dev-only integrations (the sandbox rewards provider, a BambooHR account to try) that the local
# stack passes from the developer's environment to every function; nothing else of it reaches them.
DEVELOPER_SETTINGS = (
    "SANDBOX_TRANSIENT_FAILURES",
    "SANDBOX_CODE_KEY",
    "BAMBOOHR_API_KEY",
    "BAMBOOHR_COMPANY_DOMAIN",
    "BAMBOOHR_API_URL",
)


class LocalStack:
    """Start with `start()` (or `with LocalStack(...) as stack:`), stop with `stop()`."""

    def __init__(
        self,
        port: int = DEFAULT_PORT,
        template_path: Path = TEMPLATE_PATH,
        max_workers: int = 4,
        persist: bool = False,
    ) -> None:
        """`persist`: load moto's state from the last run's snapshot (if any) instead of seeding, and save
        it while running and when stopping (plaudit_dev.snapshot)."""
        self.template: Template = load_template(template_path, TEMPLATE_PARAMETERS)
        self._template_path = template_path
        self._port = port
        self._max_workers = max_workers
        self._persist = persist
        self.restored = False  # whether the data came from the last run's snapshot
        self._running = False  # started completely: only then is what moto holds worth saving
        self._saver: snapshot.Saver | None = None
        self._moto: MotoServer | None = None
        self._invoker: Invoker | None = None
        self._server: ApiServer | None = None
        self._ticker: ScheduleTicker | None = None
        self._poller: _Poller | None = None

    def start(self, seed: Callable[[str], object] | None = None) -> LocalState:
        """Bring everything up; `seed(api_url)` runs against the fresh tables once the API listens, before
        the stack is announced (with the functions' global environment and moto as the AWS endpoint), and
        the stream consumers then process what it wrote.
        If anything fails, what was started is stopped again."""
        try:
            return self._start(seed)
        except BaseException:
            self.stop()
            raise

    def _start(self, seed: Callable[[str], object] | None) -> LocalState:
        self._moto = moto = MotoServer()
        self.restored = self._persist and snapshot.restore()
        moto.start()
        create_tables(moto.endpoint_url, self.template.tables.values())  # those the template added since
        create_buckets(moto.endpoint_url, self.template.buckets.values())
        sqs = client("sqs", moto.endpoint_url)
        create_queues(sqs, self.template.queues.values())
        kms = client("kms", moto.endpoint_url)
        if not self.restored:
            for alias in self.template.kms_aliases:
                create_voucher_key(kms, alias)
            verify_sender(client("sesv2", moto.endpoint_url))
        key_ids = {  # restored keys keep their ids: find each by its alias
            key: kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"]
            for alias, key in self.template.kms_aliases.items()
        }
        self._server = server = ApiServer(self.template, self._port, console.DEV_BUILD)
        self._invoker = invoker = Invoker(
            self.template.functions,
            moto.endpoint_url,
            self._access(key_ids),
            self._max_workers,
            self.local_env(server.url),
        )
        invoker.warm()
        deliveries = Deliveries(
            StreamPump(self.template, invoker, moto.endpoint_url, moto.trim_stream),
            QueuePump(self.template, invoker.invoke, sqs),
        )
        queue_urls = {queue_id: queue.url for queue_id, queue in self.template.queues.items()}
        server.start(invoker, deliveries, OnFailureDestinations(self.template.functions, queue_urls, sqs))
        if seed is not None and not self.restored:
            # as the functions see it, the voucher hash key's stand-in too
            with environ(
                {**self.template.global_environment, **voucher_secrets(), **sdk_env(moto.endpoint_url)}
            ):
                seed(server.url)
            deliveries.drain()
        # what arrives outside a request: the CLI writing to the table, queue retries, delayed messages
        self._poller = _Poller(deliveries.drain, DELIVERY_POLL_S).start()
        self._ticker = ScheduleTicker(self.template.schedules, server.fire_schedule).start()
        if self._persist:
            self._saver = snapshot.Saver(lambda: snapshot.save(moto.lock)).start()
        self._running = True
        tables = {logical_id: table.name for logical_id, table in self.template.tables.items()}
        queues = {logical_id: queue.url for logical_id, queue in self.template.queues.items()}
        state = LocalState(server.url, moto.endpoint_url, os.getpid(), tables, queues)
        write_state(state)
        return state

    def _access(self, kms_key_ids: Mapping[str, str]) -> dict[str, Access]:
        """Each function's role policy, as the SAM translator makes it, over the local resources."""
        resources = local_resources(self.template, kms_key_ids)
        roles = translate_roles(self._template_path, TEMPLATE_PARAMETERS)
        policies = roles.policies(resources, self.template.functions)
        aliases = {alias: resources[key]["Arn"] for alias, key in self.template.kms_aliases.items()}
        return {
            function_id: Access(spec.name, policies[function_id], aliases)
            for function_id, spec in self.template.functions.items()
        }

    def local_env(self, server_url: str) -> dict[str, dict[str, str]]:
        """Per function, what the local stack sets over the template's variables: its Lambda endpoint, the
        developer's settings of dev-only integrations, and what stands in for a secret the function declares
        (a variable naming a Secrets Manager secret gets the secret's value in local variables)."""
        webhooks = webhook_secrets()
        stand_ins = {
            "SLACK_SECRET_ARN": slack_function_env(server_url),
            "HRIS_SECRET_ARN": {"HRIS_WEBHOOK_SECRET": webhooks["HRIS_WEBHOOK_SECRET"]},
            "BAMBOOHR_SECRET_ARN": {"BAMBOOHR_WEBHOOK_KEY": webhooks["BAMBOOHR_WEBHOOK_KEY"]},
            "VOUCHER_HASH_SECRET_ARN": voucher_secrets(),
            **rewards_function_env(server_url),  # the fake Tremendous and Tango Card
        }
        developer = {name: os.environ[name] for name in DEVELOPER_SETTINGS if name in os.environ}
        local_env = {}
        for function_id, spec in self.template.functions.items():
            env = {**lambda_endpoint_env(server_url), **developer}
            for variable, values in stand_ins.items():
                if variable in spec.environment:
                    env.update(values)
            local_env[function_id] = env
        return local_env

    @property
    def schedule_periods(self) -> Mapping[ScheduleSource, float]:
        """How often each schedule fires while the stack runs (seconds); absent: it does not tick."""
        return self._ticker.periods if self._ticker is not None else {}

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no background (`Event`) invocation runs; False if some still do after `timeout` s."""
        return self._server is None or self._server.background.wait_idle(timeout)

    def stop(self) -> None:
        """Remove the state file, then stop whatever runs; with `persist`, save moto's state last (once
        nothing writes any more)."""
        clear_state(os.getpid())
        for thread in (self._ticker, self._poller, self._saver):
            if thread is not None:
                thread.stop()
        if self._server is not None:
            self._server.stop()
        if self._invoker is not None:
            self._invoker.close()
        if self._moto is not None:
            if self._persist and self._running:
                try:
                    log.info("saved the local stack's data to %s", snapshot.save(self._moto.lock))
                except Exception:  # stopping matters more; the last periodic snapshot stays
                    log.exception("could not save the local stack's data")
            self._moto.stop()
        self._server = self._invoker = self._moto = self._ticker = self._poller = self._saver = None
        self._running = False

    def __enter__(self) -> LocalStack:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


class _Poller:
    """Calls `poll()` every `interval` seconds from a daemon thread until stopped; logs what it raises."""

    def __init__(self, poll: Callable[[], object], interval: float) -> None:
        self._poll = poll
        self._interval = interval
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="deliveries", daemon=True)

    def start(self) -> _Poller:
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stopping.wait(self._interval):
            try:
                self._poll()
            except Exception:
                log.exception("queue delivery failed")


def run_local_stack(
    port: int | None = None,
    seed: Callable[[str], object] | None = None,
    on_ready: Callable[[str], object] | None = None,
    fresh: bool = False,
) -> None:
    """Run the local stack until Ctrl-C or SIGTERM. The port is `port`, else $PORT, else 3000 (0: any free
    port). The data of the last run is kept (plaudit_dev.snapshot) unless `fresh`; `seed(api_url)` fills new
    tables before the stack is announced; `on_ready(api_url)` runs once it is listening."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format=LOG_FORMAT, datefmt="%H:%M:%S")
        logging.getLogger("botocore").setLevel(logging.WARNING)
    stopping = threading.Event()
    with _stop_signals(stopping):
        if fresh and snapshot.discard():
            print("Starting from the seed: the last run's data is deleted (--fresh).", flush=True)
        stack = LocalStack(
            port if port is not None else int(os.environ.get("PORT", DEFAULT_PORT)), persist=True
        )
        try:
            state = stack.start(seed)
            print(_banner(stack.template, state, stack.schedule_periods), flush=True)
            if stack.restored:
                print(
                    f"Data: kept from the last run ({snapshot.snapshot_path()}); "
                    "`plaudit dev --fresh` (FRESH=1 make dev) starts from the seed.",
                    flush=True,
                )
            if on_ready is not None:
                on_ready(state.api_url)
            while not stopping.wait(1.0):
                pass
            print("Stopping the local stack...", flush=True)
        finally:
            stack.stop()


def _banner(template: Template, state: LocalState, periods: Mapping[ScheduleSource, float]) -> str:
    routes = {function_id: 0 for function_id in template.functions}
    for route in template.routes:
        routes[route.function_id] += 1
    functions = ", ".join(f"{function_id} ({count} routes)" for function_id, count in routes.items())
    tables = ", ".join(f"{logical_id}={name}" for logical_id, name in state.tables.items())
    consumers = {source.queue_id: source.function_id for source in template.queue_sources}
    queues = ", ".join(
        f"{logical_id} -> {consumers[logical_id]}" if logical_id in consumers else logical_id
        for logical_id in template.queues
    )
    schedules = ", ".join(
        f"{s.function_id} {s.expression} ({f'every {periods[s]:g} s' if s in periods else 'not ticking'})"
        for s in template.schedules
    )
    slack = (
        [f"  Slack      {state.api_url}/slack/events; what the bot sent: {state.api_url}{CALLS_PATH}"]
        if SLACK_FUNCTION_ID in template.functions
        else []
    )
    slack.append(f"  Mail       what was sent by email: {state.api_url}{MAIL_PATH}")
    return "\n".join(
        [
            "Plaudit local stack is ready",
            f"  API        {state.api_url}",
            f"  Docs       {state.api_url}/docs",
            *slack,
            f"  AWS (moto) {state.aws_endpoint_url}",
            f"  Tables     {tables}",
            *([f"  Queues     {queues}"] if queues else []),
            *(
                [f"  Schedules  {schedules}; fire one now: plaudit schedule fire FUNCTION_ID"]
                if schedules
                else []
            ),
            f"  Functions  {functions}",
            f"  State      {state_path()}",
            "Ctrl-C to stop.",
        ]
    )


@contextlib.contextmanager
def _stop_signals(stopping: threading.Event) -> Iterator[None]:
    """Turn SIGINT/SIGTERM into `stopping.set()` while inside (only possible in the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, lambda *_: stopping.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
