"""The JSON-over-HTTPS client of the rewards providers (Tremendous, Tango Card): urllib3 (already in the
layer with botocore), connect and read timeouts, and the one retry helper (services/retry.py) for reads.

Failures come out as the two the fulfilment path knows: ProviderUnavailable (429, 5xx, a timeout, a
connection that failed: the same request may work later) and, from the adapters, OrderRejected. Orders are
never re-posted here: a POST that timed out is found again by its external reference at the next attempt
(each adapter looks it up before ordering), so a lost answer never becomes a second order.
Nothing here logs: bodies carry codes and links, headers carry credentials.
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from plaudit.integrations.rewards.orders import ProviderUnavailable
from plaudit.services.retry import attempts

CONNECT_TIMEOUT_S = 3.0
READ_TIMEOUT_S = 10.0  # the fulfilment function's timeout is 60 s: one order, a look-up and retries fit
READ_ATTEMPTS = 3
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    headers: Mapping[str, str]
    body: bytes | None = None


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None


Transport = Callable[[Request], Response]


class TransportError(Exception):
    """The request got no answer (timeout, connection refused or reset)."""


_shared: Transport | None = None


def shared_transport() -> Transport:
    """The container's transport (one connection pool for every provider), made on first use."""
    global _shared
    if _shared is None:
        _shared = urllib3_transport()
    return _shared


def use_transport(replacement: Transport | None) -> None:
    """Swap the container's transport (tests: a provider's fake). None resets to the real one."""
    global _shared
    _shared = replacement


def urllib3_transport() -> Transport:
    """The real transport: timeouts, no retries of its own (ours are counted)."""
    import urllib3

    pool = urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=CONNECT_TIMEOUT_S, read=READ_TIMEOUT_S), retries=False
    )

    def send(request: Request) -> Response:
        try:
            answer = pool.request(
                request.method, request.url, body=request.body, headers=dict(request.headers)
            )
        except urllib3.exceptions.HTTPError as error:  # timeouts, connection and protocol errors
            raise TransportError(type(error).__name__) from None
        return Response(answer.status, answer.data)

    return send


class JsonApi:
    """Calls to one provider: `base_url` (e.g. https://api.tremendous.com/api/v2) and the headers every
    call carries (credentials)."""

    def __init__(self, name: str, base_url: str, headers: Mapping[str, str], transport: Transport):
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.headers = {"Accept": "application/json", **headers}
        self.transport = transport

    def get(self, path: str, query: Mapping[str, str] | None = None) -> Response:
        """A read, retried with backoff while the provider is unavailable."""
        url = self.base_url + path + (f"?{urlencode(query)}" if query else "")
        reason = ""
        for _ in attempts(READ_ATTEMPTS):
            try:
                return self._send(Request("GET", url, self.headers))
            except ProviderUnavailable as error:
                reason = str(error)
        raise ProviderUnavailable(reason)

    def post(self, path: str, body: Mapping[str, Any]) -> Response:
        """A write, sent once (see the module's note)."""
        headers = {**self.headers, "Content-Type": "application/json"}
        return self._send(Request("POST", self.base_url + path, headers, json.dumps(body).encode()))

    def _send(self, request: Request) -> Response:
        try:
            response = self.transport(request)
        except TransportError as error:
            raise ProviderUnavailable(f"{self.name}: no answer ({error})") from None
        if response.status in TRANSIENT_STATUSES:
            raise ProviderUnavailable(f"{self.name}: HTTP {response.status}")
        return response
