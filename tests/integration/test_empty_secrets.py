"""Secrets the template creates empty (Slack's, BambooHR's): until a person fills them in, the function that
needs them answers 503 secret_empty in the one error shape instead of crashing at import, logs it once per
container and counts a SecretEmpty metric each time; filled in, the same container serves again."""

from __future__ import annotations

import json
import time
from typing import Any

import boto3
import pytest
from api_checks import assert_error

from plaudit.environment import environment
from plaudit.integrations import aws as aws_clients
from plaudit.integrations import secrets
from plaudit.integrations.hris.signatures import sign_bamboohr, sign_plaudit
from plaudit_dev.slack_client import signature_headers
from plaudit_dev.template import local_secret_name, secret_arn

LOGGED = "A secret is empty"


@pytest.fixture
def secret_store(aws: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Puts a secret of the template (by logical id) in moto and points the function's variable at it, as in
    AWS (the local stand-ins unset); a fresh container's caches."""
    monkeypatch.setattr(aws_clients, "_secrets", None)
    monkeypatch.setattr(secrets, "_logged", set())
    client = boto3.client("secretsmanager", region_name="us-east-1")

    def put(logical_id: str, variable: str, value: dict[str, str], *stand_ins: str) -> None:
        try:
            client.put_secret_value(SecretId=secret_arn(logical_id), SecretString=json.dumps(value))
        except client.exceptions.ResourceNotFoundException:
            client.create_secret(Name=local_secret_name(logical_id), SecretString=json.dumps(value))
        monkeypatch.setenv(variable, secret_arn(logical_id))
        for name in stand_ins:
            monkeypatch.delenv(name, raising=False)
        environment.cache_clear()  # a new container would read it afresh
        monkeypatch.setattr(aws_clients, "_secrets", None)  # ... and its secrets

    return put


def emitted(out: str, metric: str = secrets.METRIC) -> list[dict[str, Any]]:
    """The EMF documents of `metric` printed (CloudWatch turns them into metrics)."""
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{") and '"_aws"' in line]
    return [doc for doc in lines if metric in doc]


def slack_request(api: Any, secret: str, *, retry: int | None = None) -> Any:
    """The Events API's URL verification (Bolt answers it itself: no listener, no lazy invocation)."""
    body = json.dumps({"type": "url_verification", "challenge": "c-123", "token": "t"})
    headers = {"Content-Type": "application/json", **signature_headers(body, secret)}
    if retry is not None:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_error"}
    return api.call("POST", "/slack/events", raw_body=body.encode(), as_employee=None, headers=headers)


def test_an_empty_slack_secret_is_a_503_not_a_crash_logged_once_and_counted(
    api, secret_store, capsys, caplog
):
    secret_store(
        "SlackSecret",
        "SLACK_SECRET_ARN",
        {"signing_secret": "", "bot_token": ""},  # as the template creates it
        "SLACK_SIGNING_SECRET",
        "PLAUDIT_SLACK_BOT_TOKEN",
    )
    first = slack_request(api, "anything")  # the function imports (a cold start), then answers
    details = assert_error(first, 503, "secret_empty")
    assert details == {"secret": "slack"}
    assert "slack" in first.json["error"]["message"]
    retried = slack_request(api, "anything", retry=1)  # Slack retries: the same answer, nothing else
    assert_error(retried, 503, "secret_empty")
    out = capsys.readouterr().out
    assert [r.message for r in caplog.records if r.message.startswith(LOGGED)] == [  # once per container
        "A secret is empty: requests that need it are refused (503) until it is filled in"
    ]
    assert all(getattr(r, "secret", "slack") == "slack" for r in caplog.records)
    counted = emitted(out)
    assert len(counted) == 3  # the cold start's attempt, then each refused request
    assert {doc["secret"] for doc in counted} == {"slack"}
    assert all(doc[secrets.METRIC] == [1.0] for doc in counted)


def test_once_the_slack_secret_is_filled_in_the_same_container_serves(api, secret_store, capsys):
    secret_store(
        "SlackSecret",
        "SLACK_SECRET_ARN",
        {"signing_secret": "", "bot_token": ""},
        "SLACK_SIGNING_SECRET",
        "PLAUDIT_SLACK_BOT_TOKEN",
    )
    assert_error(slack_request(api, "s3cret"), 503, "secret_empty")
    secret_store("SlackSecret", "SLACK_SECRET_ARN", {"signing_secret": "s3cret", "bot_token": "xoxb-1"})
    assert_error(slack_request(api, "forged"), 401, "invalid_signature")  # verified with the secret now
    served = slack_request(api, "s3cret")
    assert (served.status, served.json) == (200, {"challenge": "c-123"})


def test_a_half_filled_slack_secret_is_still_empty(api, secret_store):
    secret_store(
        "SlackSecret",
        "SLACK_SECRET_ARN",
        {"signing_secret": "s3cret", "bot_token": ""},
        "SLACK_SIGNING_SECRET",
        "PLAUDIT_SLACK_BOT_TOKEN",
    )
    assert assert_error(slack_request(api, "s3cret"), 503, "secret_empty") == {"secret": "slack"}


def test_an_empty_bamboohr_secret_refuses_its_webhook_with_a_503(api, secret_store, capsys):
    secret_store(
        "BambooHrSecret",
        "BAMBOOHR_SECRET_ARN",
        {"webhook_key": "", "api_key": "", "company_domain": ""},
        "BAMBOOHR_WEBHOOK_KEY",
    )
    body = json.dumps({"employees": []}).encode()
    ts = str(int(time.time()))
    headers = {
        "X-BambooHR-Timestamp": ts,
        "X-BambooHR-Signature": sign_bamboohr("k", ts, body),
        "Accept-Language": "fr",
    }
    reply = api.call("POST", "/v1/hris/webhooks/bamboohr", raw_body=body, as_employee=None, headers=headers)
    assert assert_error(reply, 503, "secret_empty") == {"secret": "bamboohr"}
    message = reply.json["error"]["message"]  # in the caller's language
    assert message.startswith("Plaudit n'est pas encore configuré")
    assert "bamboohr" in message
    assert [doc["secret"] for doc in emitted(capsys.readouterr().out)] == ["bamboohr"]


def test_the_generated_hris_secret_is_read_and_verifies_deliveries(api, secret_store):
    secret_store(
        "HrisWebhookSecret", "HRIS_SECRET_ARN", {"signing_secret": "generated"}, "HRIS_WEBHOOK_SECRET"
    )
    body = json.dumps({"id": "d1", "changes": []}).encode()
    ts = int(time.time())
    forged = {"X-Plaudit-Timestamp": str(ts), "X-Plaudit-Signature": sign_plaudit("other", ts, body)}
    reply = api.call("POST", "/v1/hris/webhooks/plaudit", raw_body=body, as_employee=None, headers=forged)
    assert_error(reply, 401, "invalid_signature")
    secret_store("HrisWebhookSecret", "HRIS_SECRET_ARN", {"signing_secret": ""}, "HRIS_WEBHOOK_SECRET")
    reply = api.call("POST", "/v1/hris/webhooks/plaudit", raw_body=body, as_employee=None, headers=forged)
    assert assert_error(reply, 503, "secret_empty") == {"secret": "hris_webhook"}
