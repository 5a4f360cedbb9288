"""moto's server in a process of its own, with the template's tables and the bench organisation.

The cold-start and overhead benchmarks send their requests here over HTTP, so none of moto's CPU is
counted against the handlers (plaudit_dev.moto_patches are the only changes made to moto here). Run by
`MotoHost` (in the parent) as `python -m bench.moto_host`: it prints one JSON line with the endpoint once
the data is seeded, and serves until its stdin closes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


class MotoHost:
    """Starts and stops the moto host process (a context manager); `endpoint_url` once started."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self.endpoint_url = ""
        self.hris_secret_arn = ""  # the generic HRIS webhook's signing secret, in Secrets Manager

    def __enter__(self) -> MotoHost:
        env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bench.moto_host"],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            self.__exit__()
            raise RuntimeError("the moto host exited before it was ready (see its output above)")
        ready = json.loads(line)
        self.endpoint_url, self.hris_secret_arn = ready["endpoint"], ready["hris_secret_arn"]
        return self

    def __exit__(self, *_: object) -> None:
        if self._process is None:
            return
        process, self._process = self._process, None
        if process.stdin:
            process.stdin.close()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> None:
    from bench import org
    from bench.tables import create_tables
    from plaudit.store.client import use_client
    from plaudit_dev.local_aws import client, sdk_env
    from plaudit_dev.moto_server import MotoServer
    from plaudit_dev.queues import create_queues
    from plaudit_dev.template import load_template

    server = MotoServer().start()  # applies plaudit_dev.moto_patches
    try:
        template = load_template()
        dynamodb = client("dynamodb", server.endpoint_url)
        create_tables(dynamodb, template)
        create_queues(client("sqs", server.endpoint_url), template.queues.values())
        secret = client("secretsmanager", server.endpoint_url).create_secret(
            Name="plaudit-bench-hris-webhook", SecretString=json.dumps({"signing_secret": org.HRIS_SECRET})
        )
        os.environ.update(sdk_env(server.endpoint_url))
        os.environ["TABLE_NAME"] = template.tables["DomainTable"].name
        use_client(dynamodb)
        org.seed_bench_org()
        print(json.dumps({"endpoint": server.endpoint_url, "hris_secret_arn": secret["ARN"]}), flush=True)
        sys.stdin.read()  # serve until the parent closes our stdin
    finally:
        server.stop()


if __name__ == "__main__":
    main()
