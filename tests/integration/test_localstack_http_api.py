"""plaudit_dev.routes and plaudit_dev.http_api: routing, the payload 2.0 event, and response translation."""

from __future__ import annotations

import base64
import json

import pytest

from plaudit_dev.http_api import HttpRequest, MalformedResponse, build_event, to_http_response
from plaudit_dev.routes import Router
from plaudit_dev.template import Route

ROUTES = [
    Route("Things", "GET", "/v1/things/{id}", requires_jwt=True),
    Route("Things", "GET", "/v1/things/mine", requires_jwt=True),
    Route("Things", "ANY", "/v1/things/{id}", requires_jwt=True),
    Route("Files", "GET", "/files/{proxy+}", requires_jwt=False),
    Route("Hooks", "POST", "/hooks/slack", requires_jwt=False),
]


def test_routes_pick_the_most_specific_match() -> None:
    router = Router(ROUTES)
    mine = router.match("GET", "/v1/things/mine")
    assert mine is not None
    assert mine.route.path == "/v1/things/mine"
    assert mine.path_parameters == {}

    by_id = router.match("GET", "/v1/things/t-1")
    assert by_id is not None
    assert (by_id.route.method, by_id.path_parameters) == ("GET", {"id": "t-1"})

    any_method = router.match("DELETE", "/v1/things/t-1")
    assert any_method is not None
    assert any_method.route.method == "ANY"

    greedy = router.match("GET", "/files/a/b/c.txt")
    assert greedy is not None
    assert greedy.path_parameters == {"proxy": "a/b/c.txt"}


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/v1/things"), ("GET", "/v1/things/"), ("GET", "/files"), ("GET", "/hooks/slack"), ("GET", "/")],
)
def test_no_match_is_none(method: str, path: str) -> None:
    assert Router(ROUTES).match(method, path) is None


def test_default_route_catches_the_rest() -> None:
    router = Router([*ROUTES, Route("Fallback", "ANY", "$default", requires_jwt=False)])
    match = router.match("GET", "/nowhere")
    assert match is not None
    assert match.route.route_key == "$default"
    assert router.match("GET", "/v1/things/mine").route.function_id == "Things"  # type: ignore[union-attr]


def test_v2_event_for_path_params_query_string_and_headers() -> None:
    router = Router(ROUTES)
    match = router.match("GET", "/v1/things/t 1")
    assert match is not None
    request = HttpRequest(
        method="GET",
        path="/v1/things/t 1",
        query="tag=a&tag=b&q=hello%20world&empty=",
        headers=[
            ("Host", "127.0.0.1:3000"),
            ("User-Agent", "curl/8"),
            ("X-Custom", "one"),
            ("x-custom", "two"),
            ("Cookie", "session=abc; theme=dark"),
            ("Authorization", "Bearer t0ken"),
        ],
        body=b"",
        source_ip="127.0.0.1",
        received_at=1_700_000_000.25,
    )
    claims = {"sub": "E1003", "cognito:groups": "[manager]"}
    event = build_event(request, match, (claims, ["a/read"]), "req-1")

    assert event["version"] == "2.0"
    assert event["routeKey"] == "GET /v1/things/{id}"
    assert event["rawPath"] == "/v1/things/t 1"
    assert event["rawQueryString"] == "tag=a&tag=b&q=hello%20world&empty="
    assert event["queryStringParameters"] == {"tag": "a,b", "q": "hello world", "empty": ""}
    assert event["pathParameters"] == {"id": "t 1"}
    assert event["cookies"] == ["session=abc", "theme=dark"]
    headers = event["headers"]
    assert headers["x-custom"] == "one,two"
    assert headers["user-agent"] == "curl/8"
    assert headers["authorization"] == "Bearer t0ken"
    assert headers["x-forwarded-for"] == "127.0.0.1"
    assert headers["x-forwarded-port"] == "3000"
    assert headers["x-forwarded-proto"] == "http"
    assert "cookie" not in headers
    assert all(name == name.lower() for name in headers)
    assert event["isBase64Encoded"] is False
    assert "body" not in event

    context = event["requestContext"]
    assert context["authorizer"] == {"jwt": {"claims": claims, "scopes": ["a/read"]}}
    assert context["http"] == {
        "method": "GET",
        "path": "/v1/things/t 1",
        "protocol": "HTTP/1.1",
        "sourceIp": "127.0.0.1",
        "userAgent": "curl/8",
    }
    assert context["routeKey"] == "GET /v1/things/{id}"
    assert context["stage"] == "$default"
    assert context["requestId"] == "req-1"
    assert context["accountId"] == "123456789012"
    assert context["apiId"]
    assert context["domainName"] == "127.0.0.1:3000"
    assert context["domainPrefix"] == "127"
    assert context["time"] == "14/Nov/2023:22:13:20 +0000"
    assert context["timeEpoch"] == 1_700_000_000_250
    json.dumps(event)  # what Lambda would receive


def test_unauthenticated_route_has_no_authorizer_and_empty_parts_are_left_out() -> None:
    match = Router(ROUTES).match("POST", "/hooks/slack")
    assert match is not None
    request = HttpRequest("POST", "/hooks/slack", "", [("Host", "localhost")], b"", "10.0.0.1")
    event = build_event(request, match, None, "req-2")
    assert "authorizer" not in event["requestContext"]
    for absent in ("cookies", "queryStringParameters", "pathParameters", "body"):
        assert absent not in event


@pytest.mark.parametrize(
    ("content_type", "encoded"),
    [
        ("application/json", False),
        ("application/json; charset=utf-8", False),
        ("text/plain", False),
        ("application/problem+json", False),
        ("application/x-www-form-urlencoded", True),  # as HTTP API does: Slack's requests arrive in base64
        ("application/octet-stream", True),
        ("", True),
    ],
)
def test_body_is_base64_for_non_text_content(content_type: str, encoded: bool) -> None:
    match = Router(ROUTES).match("POST", "/hooks/slack")
    assert match is not None
    body = b"token=x&text=hi%20there"
    request = HttpRequest("POST", "/hooks/slack", "", [("Content-Type", content_type)], body, "127.0.0.1")
    event = build_event(request, match, None, "req")
    assert event["isBase64Encoded"] is encoded
    assert event["body"] == (base64.b64encode(body).decode() if encoded else body.decode())


def test_response_with_status_code() -> None:
    response = to_http_response(
        {
            "statusCode": 201,
            "headers": {"Content-Type": "application/json", "X-Id": "7"},
            "cookies": ["a=1; HttpOnly", "b=2"],
            "body": '{"ok":true}',
        }
    )
    assert response.status == 201
    assert ("X-Id", "7") in response.headers
    assert [v for k, v in response.headers if k == "set-cookie"] == ["a=1; HttpOnly", "b=2"]
    assert response.body == b'{"ok":true}'


def test_binary_response() -> None:
    response = to_http_response(
        {"statusCode": 200, "body": base64.b64encode(b"\x00\x01").decode(), "isBase64Encoded": True}
    )
    assert response.body == b"\x00\x01"


@pytest.mark.parametrize(
    ("result", "body"),
    [({"message": "hi"}, b'{"message": "hi"}'), ("hello", b"hello"), ([1, 2], b"[1, 2]"), (None, b"null")],
)
def test_anything_without_status_code_is_a_200_json_body(result: object, body: bytes) -> None:
    response = to_http_response(result)
    assert response.status == 200
    assert response.headers == [("content-type", "application/json")]
    assert response.body == body


@pytest.mark.parametrize(
    "result", [{"statusCode": "two hundred"}, {"statusCode": 200, "body": {"not": "a string"}}]
)
def test_malformed_response(result: dict) -> None:
    with pytest.raises(MalformedResponse):
        to_http_response(result)
