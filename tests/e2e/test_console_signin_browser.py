"""The prod build's sign-in (console/dist: OIDC authorization code with PKCE, oidc-client-ts) in headless
Chromium against a tiny issuer and API of this test's own, on one origin as CloudFront gives them: the
console reads /config.json (what the deploy step writes from the stack's ConsoleConfig output), sends the
person to the issuer with an S256 code challenge, exchanges the code with its verifier, keeps the tokens
out of every storage, links the account once with the ID token when /v1/me says it is not linked, and
returns the person to the page they were on."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from console_pages import CONSOLE, element, wait_for

pytestmark = pytest.mark.browser

CLIENT_ID = "console-test-client"
ACCESS, REFRESH = "access-token-1", "refresh-token-1"
ME = {
    "id": "E1004",
    "email": "bob@example.com",
    "name": "Bob Okafor",
    "roles": ["employee"],
    "locale": "en",
    "tier": None,
    "time_zone": "UTC",
}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Issuer:
    """What the issuer and the API saw: the authorize request, the token request, the link's bearer."""

    def __init__(self) -> None:
        self.authorize: dict[str, str] = {}
        self.token: dict[str, str] = {}
        self.links: list[str] = []
        self.logout: dict[str, str] = {}
        self.base = ""

    def id_token(self) -> str:
        header = b64url(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
        claims = {
            "iss": f"{self.base}/issuer",
            "aud": CLIENT_ID,
            "sub": "0d6f6e3a-7c1b-4c55-9a39-5a1c8d7e2f10",
            "email": ME["email"],
            "email_verified": True,
            "token_use": "id",
            "iat": 1_700_000_000,
            "exp": 4_000_000_000,
        }
        if nonce := self.authorize.get("nonce"):
            claims["nonce"] = nonce
        return f"{header}.{b64url(json.dumps(claims).encode())}.{b64url(b'not-checked-by-the-browser')}"


def handler(issuer: Issuer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def answer(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if body is not None:
                self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            if url.path == "/config.json":
                metadata = {
                    "issuer": f"{issuer.base}/issuer",
                    "authorization_endpoint": f"{issuer.base}/issuer/authorize",
                    "token_endpoint": f"{issuer.base}/issuer/token",
                    "end_session_endpoint": f"{issuer.base}/issuer/logout",  # Cognito's /logout
                }
                authority = f"{issuer.base}/issuer"
                return self.answer(
                    200, {"authority": authority, "client_id": CLIENT_ID, "metadata": metadata}
                )
            if url.path == "/issuer/authorize":
                issuer.authorize = {k: v[0] for k, v in parse_qs(url.query).items()}
                back = (
                    issuer.authorize["redirect_uri"]
                    + "?"
                    + urlencode({"code": "the-code", "state": issuer.authorize["state"]})
                )
                return self.answer(302, headers={"location": back})
            if url.path == "/issuer/logout":  # as Cognito's: back to logout_uri
                issuer.logout = {k: v[0] for k, v in parse_qs(url.query).items()}
                return self.answer(302, headers={"location": issuer.logout["logout_uri"]})
            if url.path == "/v1/me":
                if self.headers.get("authorization") != f"Bearer {ACCESS}":
                    return self.answer(401, {"message": "Unauthorized"})
                if not issuer.links:
                    return self.answer(
                        403, {"error": {"code": "not_in_directory", "message": "Not linked", "details": {}}}
                    )
                return self.answer(200, ME)
            if url.path.startswith("/v1/"):
                return self.answer(200, {"items": [], "next_cursor": None})
            name = "index.html" if url.path in ("", "/") else url.path.lstrip("/")
            path = (CONSOLE / "dist" / name).resolve()
            if not path.is_file() or CONSOLE / "dist" not in path.parents:
                return self.answer(404, {"error": "not found"})
            data = path.read_bytes()
            kind = {".js": "text/javascript", ".css": "text/css", ".html": "text/html"}.get(path.suffix, "")
            self.send_response(200)
            self.send_header("content-type", kind or "application/octet-stream")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            if self.path == "/issuer/token":
                issuer.token = {k: v[0] for k, v in parse_qs(body.decode()).items()}
                return self.answer(
                    200,
                    {
                        "access_token": ACCESS,
                        "id_token": issuer.id_token(),
                        "refresh_token": REFRESH,
                        "token_type": "Bearer",
                        "expires_in": 3600,
                    },
                )
            if self.path == "/v1/me/link":
                issuer.links.append(self.headers.get("authorization", ""))
                return self.answer(201, {"employee_id": ME["id"]})
            return self.answer(404, {"error": "not found"})

    return Handler


@pytest.fixture(scope="module")
def issuer() -> Iterator[Issuer]:
    seen = Issuer()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler(seen))
    seen.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield seen
    finally:
        server.shutdown()
        server.server_close()


def test_sign_in_with_pkce_keeps_tokens_in_memory_links_once_and_returns_to_the_page(browser, issuer) -> None:
    browser.set_window_size(1280, 900)
    browser.get("about:blank")
    browser.get(issuer.base + "/#/profile")
    element(browser, "#sign-in").click()

    # back from the issuer, on the page the person was on, signed in and linked
    wait_for(lambda: "Bob Okafor" in element(browser, "main").text, "the profile after signing in")
    assert browser.execute_script("return location.hash") == "#/profile"
    assert browser.execute_script("return location.search") == ""  # the code left the address bar

    # PKCE: an S256 challenge in the authorize request, its verifier in the token request
    assert issuer.authorize["code_challenge_method"] == "S256"
    assert issuer.authorize["response_type"] == "code"
    assert issuer.authorize["client_id"] == CLIENT_ID
    assert issuer.authorize["redirect_uri"] == issuer.base + "/"
    assert issuer.token["grant_type"] == "authorization_code"
    assert issuer.token["code"] == "the-code"
    verifier = issuer.token["code_verifier"]
    assert b64url(hashlib.sha256(verifier.encode()).digest()) == issuer.authorize["code_challenge"]

    # the ID token went once, as the bearer of POST /v1/me/link; the access token is used for the rest
    assert issuer.links == [f"Bearer {issuer.id_token()}"]

    # no token in any storage the page keeps
    stored = browser.execute_script(
        "return JSON.stringify("
        "[Object.entries(localStorage), Object.entries(sessionStorage), document.cookie])"
    )
    for token in (ACCESS, REFRESH, issuer.id_token().split(".")[1]):
        assert token not in stored

    # reloading forgets the session (tokens were in memory only): the sign-in button again
    browser.refresh()
    element(browser, "#sign-in")
    assert issuer.links == [f"Bearer {issuer.id_token()}"]

    # signing out ends the issuer's session too (Cognito's /logout: client_id, logout_uri), back at the root
    element(browser, "#sign-in").click()
    wait_for(lambda: "Bob Okafor" in element(browser, "main").text, "the profile after signing in again")
    element(browser, "button[data-action=sign-out]").click()
    element(browser, "#sign-in")
    assert issuer.logout == {"client_id": CLIENT_ID, "logout_uri": issuer.base + "/"}
    assert browser.execute_script("return location.pathname + location.search + location.hash") == "/"
