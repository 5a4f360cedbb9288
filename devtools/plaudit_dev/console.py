"""The web console on the local stack: its dev build (console/dist-dev, built by `make console`) served at
`/` from the API's own origin, as CloudFront serves the prod build beside the API (no CORS), and the dev
sign-in's two endpoints: GET /_local/dev/people (the demo people and their roles, and the demo desk's
account) and POST /_local/dev/token (a dev token for one of them, as `plaudit token --employee ID` prints
it)."""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path

from plaudit.services.desks import DESK_GROUP
from plaudit_dev.http_api import HttpRequest, HttpResponse, json_response
from plaudit_dev.jwt_local import access_claims, dev_subject, sign
from plaudit_dev.paths import REPO_ROOT
from plaudit_dev.seed import DEMO_DESK, DEMO_DESK_ACCOUNT, PEOPLE

DEV_BUILD = REPO_ROOT / "console" / "dist-dev"
TOKEN_TTL_S = 3600
# The console's headers, the same in dev as CloudFront's response-headers policy sets in prod: no inline
# script, no framing, nothing loaded from elsewhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
]


def demo_people() -> list[dict[str, object]]:
    """The demo people, then the demo desk's account (no person: only the voucher_desk group)."""
    return [
        *(
            {"id": person_id, "name": name, "roles": ["employee", *extra_roles]}
            for person_id, name, _department, _manager, extra_roles, *_ in PEOPLE
        ),
        {"id": DEMO_DESK_ACCOUNT, "name": DEMO_DESK.name, "roles": [DESK_GROUP]},
    ]


def handle(request: HttpRequest, directory: Path | None) -> HttpResponse | None:
    """The console's answer to `request`, or None when it is not the console's."""
    if request.path == "/_local/dev/people" and request.method == "GET":
        return json_response(200, {"people": demo_people()})
    if request.path == "/_local/dev/token" and request.method == "POST":
        return _token(request)
    if directory is None or request.method not in ("GET", "HEAD"):
        return None
    return _asset(directory, request.path)


def _token(request: HttpRequest) -> HttpResponse:
    try:
        employee_id = json.loads(request.body or b"{}").get("employee_id")
    except (ValueError, AttributeError):
        employee_id = None
    if employee_id not in {person["id"] for person in demo_people()}:
        return json_response(400, {"message": "employee_id: one of the demo people's ids"})
    # a demo person's Cognito-shaped access token: the seed linked their dev subject (the desk account's to
    # its desk, and it is in the voucher_desk group as a desk account in the user pool is)
    groups = [DESK_GROUP] if employee_id == DEMO_DESK_ACCOUNT else []
    token = sign(access_claims(dev_subject(employee_id), groups=groups, ttl=TOKEN_TTL_S))
    return json_response(200, {"access_token": token, "expires_in": TOKEN_TTL_S})


def _asset(directory: Path, path: str) -> HttpResponse | None:
    """`/` is index.html; `/assets/...` the build's hashed files (cached for good); anything else is not the
    console's (the API's routes, and its 404)."""
    if path == "/":
        file = directory / "index.html"
        cache = "no-cache"
    elif path.startswith("/assets/") and "/.." not in path and "\\" not in path:
        file = directory / path.removeprefix("/")
        cache = "public, max-age=31536000, immutable"
    else:
        return None
    if not file.is_file():
        return None
    content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    if content_type.startswith("text/") or content_type == "application/javascript":
        content_type += "; charset=utf-8"
    headers = [("content-type", content_type), ("cache-control", cache), *SECURITY_HEADERS]
    return HttpResponse(200, headers, file.read_bytes())
