"""moto's server in a background thread, one request at a time, and the template's tables in it.

moto is not safe under concurrent requests (a transaction can fail or apply twice), so the WSGI app runs
under a lock: a faithful model of DynamoDB's per-request atomicity, at local-dev throughput.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from moto.server import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server

from plaudit_dev import moto_patches
from plaudit_dev.local_aws import ACCOUNT_ID, REGION, client
from plaudit_dev.template import TableSpec


class _Serialized:
    """WSGI middleware that lets one request at a time into the app, response body included."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self._app = app
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with self.lock:
            response = self._app(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                if hasattr(response, "close"):
                    response.close()


class _QuietRequestHandler(MotoRequestHandler):
    """Keeps werkzeug from logging every SDK call to the console; errors are still logged."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class MotoServer:
    """moto on 127.0.0.1:`port` (0 picks a free port), served from a daemon thread."""

    def __init__(self, port: int = 0) -> None:
        moto_patches.apply()
        self._app = app = _Serialized(DomainDispatcherApplication(create_backend_app))
        self._server: BaseWSGIServer = make_server(
            "127.0.0.1", port, app, threaded=True, request_handler=_QuietRequestHandler
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, name="moto", daemon=True
        )

    @property
    def lock(self) -> threading.Lock:
        """Held while moto serves a request: hold it to read or change moto's state in between."""
        return self._app.lock

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> MotoServer:
        self._thread.start()
        return self

    def trim_stream(self, table_name: str, through_sequence_number: int) -> int:
        """Drop the stream records of `table_name` up to `through_sequence_number` (every consumer has read
        them; see moto_patches.trim_stream); returns how many."""
        from moto.dynamodb.models import dynamodb_backends

        with self.lock:
            table = dynamodb_backends[ACCOUNT_ID][REGION].tables.get(table_name)
            return moto_patches.trim_stream(table, through_sequence_number) if table is not None else 0

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


def create_tables(endpoint_url: str, tables: Iterable[TableSpec]) -> None:
    """Create the tables that do not exist yet, with their streams, and enable their TTL."""
    dynamodb = client("dynamodb", endpoint_url)
    existing = set(dynamodb.list_tables()["TableNames"])
    for table in tables:
        if table.name in existing:
            continue
        dynamodb.create_table(**table.create_kwargs)
        if table.ttl_attribute:
            dynamodb.update_time_to_live(
                TableName=table.name,
                TimeToLiveSpecification={"AttributeName": table.ttl_attribute, "Enabled": True},
            )


def create_buckets(endpoint_url: str, names: Iterable[str]) -> None:
    """Create the template's S3 buckets that do not exist yet."""
    s3 = client("s3", endpoint_url)
    existing = {bucket["Name"] for bucket in s3.list_buckets().get("Buckets", [])}
    for name in names:
        if name not in existing:
            s3.create_bucket(Bucket=name)
