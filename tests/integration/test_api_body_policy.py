"""The one request-body policy, on every route that takes a JSON body (the signed HRIS webhooks included):
deep nesting, huge numbers, wrong or oddly cased media types, forms, multipart without a boundary and
oversized bodies are all a 4xx in the error shape, before any handler work (nothing is written)."""

from __future__ import annotations

import json

import pytest
from api_checks import assert_error, table_items

from plaudit.api.json_body import MAX_BODY_BYTES, MAX_DEPTH, MAX_NUMBER_CHARS
from plaudit.integrations.hris.signatures import sign_bamboohr, sign_plaudit
from plaudit_dev.local_secrets import DEV_WEBHOOK_SECRETS

HR = "E1001"
CSV_ROUTES = ("/v1/catalog/items/{id}/codes", "/v1/employees/import-preview")  # take text/csv, not JSON
BODYLESS = {  # they read no body (the one sent is ignored), and refuse the request for what they check
    ("POST", "/v1/vouchers/{id}/used"): (422, "invalid_request"),  # the path's "x"
    ("POST", "/v1/me/link"): (422, "id_token_needed"),  # HR's access token, not an ID token
    ("POST", "/v1/campaigns/{campaign_id}/run"): (422, "invalid_request"),  # the path's "x"
    ("POST", "/v1/campaigns/{campaign_id}/cancel"): (422, "invalid_request"),
    ("POST", "/v1/employees/{id}/exports"): (404, "employee_not_found"),  # the path's "x", asked by HR
}
SIGNERS = {
    "/v1/hris/webhooks/plaudit": (
        ("X-Plaudit-Timestamp", "X-Plaudit-Signature"),
        lambda ts, body: sign_plaudit(DEV_WEBHOOK_SECRETS["HRIS_WEBHOOK_SECRET"], ts, body),
    ),
    "/v1/hris/webhooks/bamboohr": (
        ("X-BambooHR-Timestamp", "X-BambooHR-Signature"),
        lambda ts, body: sign_bamboohr(DEV_WEBHOOK_SECRETS["BAMBOOHR_WEBHOOK_KEY"], str(ts), body),
    ),
}

DEEP = b"[" * 100_000 + b"]" * 100_000
JUST_TOO_DEEP = json.dumps({"a": json.loads("[" * MAX_DEPTH + "]" * MAX_DEPTH)}).encode()
BAD_BODIES = {
    "deep nesting": (DEEP, "application/json", 400, "body_too_deep"),
    "one level too deep": (JUST_TOO_DEEP, "application/json", 400, "body_too_deep"),
    "a 5000-digit integer": (
        b'{"points": ' + b"9" * 5000 + b"}",
        "application/json",
        400,
        "number_too_large",
    ),
    "a long integer": (
        b'{"points": ' + b"1" * (MAX_NUMBER_CHARS + 1) + b"}",
        "application/json",
        400,
        "number_too_large",
    ),
    "a float overflowing": (b'{"points": 1e999}', "application/json", 400, "number_too_large"),
    "NaN": (b'{"points": NaN}', "application/json", 400, "malformed_json"),
    "Infinity": (b'{"points": -Infinity}', "application/json", 400, "malformed_json"),
    "a form": (b"points=10&message=hi", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    "multipart without boundary": (b"--x\r\n\r\n", "multipart/form-data", 415, "unsupported_media_type"),
    "multipart": (
        b'--b\r\nContent-Disposition: form-data; name="points"\r\n\r\n10\r\n--b--\r\n',
        "multipart/form-data; boundary=b",
        415,
        "unsupported_media_type",
    ),
    "text": (b"{}", "text/plain", 415, "unsupported_media_type"),
    "JSON in latin-1": (b"{}", "application/json; charset=latin-1", 415, "unsupported_media_type"),
    "too large": (
        b'{"message": "' + b"x" * MAX_BODY_BYTES + b'"}',
        "application/json",
        413,
        "body_too_large",
    ),
}


def json_routes(api) -> list[tuple[str, str]]:
    return sorted(
        (route.method, route.path)
        for route in api.template.routes
        if route.method in ("POST", "PUT", "PATCH")
        and route.path.startswith("/v1/")
        and route.path not in CSV_ROUTES
    )


def concrete(path: str) -> str:
    """The path with every `{parameter}` filled: the policy answers before parameters are looked at."""
    return "/".join("x" if part.startswith("{") else part for part in path.split("/"))


def send(api, clock, method: str, path: str, body: bytes, content_type: str):
    headers = {"Content-Type": content_type}
    if path in SIGNERS:
        (ts_header, sig_header), sign = SIGNERS[path]
        ts = int(clock().timestamp())
        headers |= {ts_header: str(ts), sig_header: sign(ts, body)}
        return api.call(method, path, raw_body=body, as_employee=None, headers=headers)
    return api.call(method, concrete(path), raw_body=body, as_employee=HR, headers=headers)


def test_every_json_route_refuses_what_the_policy_refuses_in_the_error_shape(api, aws, org, clock):
    routes = json_routes(api)
    assert ("POST", "/v1/hris/webhooks/plaudit") in routes
    assert len(routes) >= 20
    before = table_items(aws)
    for method, path in routes:
        for name, (body, content_type, status, code) in BAD_BODIES.items():
            reply = send(api, clock, method, path, body, content_type)
            if (method, path) in BODYLESS:
                assert_error(reply, *BODYLESS[method, path], (method, path, name))
            else:
                assert_error(reply, status, code, (method, path, name))
    assert table_items(aws) == before


@pytest.mark.parametrize("content_type", ["APPLICATION/JSON", "Application/Json; Charset=UTF-8", ""])
def test_media_types_compare_case_insensitively_and_a_missing_one_is_json(api, org, clock, content_type):
    body = {"recipient_ids": ["E1004"], "points": 5, "message": "Thanks"}
    reply = api.call(
        "POST",
        "/v1/recognitions",
        as_employee="E1003",
        raw_body=json.dumps(body).encode(),
        headers={"Content-Type": content_type},
    )
    assert reply.status == 201, reply.body


def test_a_form_body_cannot_reset_the_settings(api, aws, org):
    before = table_items(aws)
    reply = api.call(
        "PUT",
        "/v1/settings",
        as_employee=HR,
        raw_body=b"announce_channel=",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_error(reply, 415, "unsupported_media_type")
    assert table_items(aws) == before
