"""HRIS webhook signatures: both schemes, forged and stale requests, a 5-minute window on Plaudit's clock."""

import hashlib
import hmac
from datetime import timedelta

import pytest

from plaudit.domain.errors import Unauthenticated
from plaudit.integrations.hris.signatures import (
    sign_bamboohr,
    sign_plaudit,
    verify_bamboohr,
    verify_plaudit,
)

SECRET = "plaudit-dev-hris-secret"
KEY = "plaudit-dev-bamboohr-key"
BODY = b'{"id": "d-1", "events": []}'


def refused(code: str, verify, *args) -> None:
    with pytest.raises(Unauthenticated) as caught:
        verify(*args)
    assert caught.value.code == code
    assert caught.value.status == 401


def plaudit_headers(ts: int, signature: str) -> dict[str, str]:
    return {"x-plaudit-timestamp": str(ts), "x-plaudit-signature": signature}


def bamboo_headers(ts: str, signature: str) -> dict[str, str]:
    return {"x-bamboohr-timestamp": ts, "x-bamboohr-signature": signature}


def test_plaudit_scheme_signs_timestamp_dot_body(clock):
    ts = int(clock().timestamp())
    expected = hmac.new(SECRET.encode(), f"{ts}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert sign_plaudit(SECRET, ts, BODY) == f"sha256={expected}"
    verify_plaudit(SECRET, BODY, plaudit_headers(ts, f"sha256={expected}"))


def test_plaudit_forgeries_are_refused(clock):
    ts = int(clock().timestamp())
    good = sign_plaudit(SECRET, ts, BODY)
    refused("invalid_signature", verify_plaudit, "another-secret", BODY, plaudit_headers(ts, good))
    refused("invalid_signature", verify_plaudit, SECRET, BODY + b" ", plaudit_headers(ts, good))
    refused("invalid_signature", verify_plaudit, SECRET, BODY, plaudit_headers(ts + 1, good))
    refused("invalid_signature", verify_plaudit, SECRET, BODY, plaudit_headers(ts, good[7:]))  # no sha256=
    refused("invalid_signature", verify_plaudit, SECRET, BODY, {"x-plaudit-signature": good})
    refused("invalid_signature", verify_plaudit, SECRET, BODY, {"x-plaudit-timestamp": str(ts)})
    refused("invalid_signature", verify_plaudit, SECRET, BODY, plaudit_headers(ts, "sha256=é"))
    wide, superscript = "\uff11\uff17\uff16\uff13", "\u00b2"  # digits to str.isdigit, not to a timestamp
    for bad_time in ("yesterday", wide, superscript, "9" * 5000):
        headers = {"x-plaudit-timestamp": bad_time, "x-plaudit-signature": good}
        refused("invalid_signature", verify_plaudit, SECRET, BODY, headers)


@pytest.mark.parametrize("skew", [timedelta(minutes=-5, seconds=-1), timedelta(minutes=5, seconds=1)])
def test_plaudit_requests_outside_five_minutes_are_stale(clock, skew):
    ts = int((clock() + skew).timestamp())
    refused(
        "stale_request", verify_plaudit, SECRET, BODY, plaudit_headers(ts, sign_plaudit(SECRET, ts, BODY))
    )


@pytest.mark.parametrize("skew", [timedelta(minutes=-5), timedelta(minutes=5)])
def test_plaudit_requests_within_five_minutes_pass(clock, skew):
    ts = int((clock() + skew).timestamp())
    verify_plaudit(SECRET, BODY, plaudit_headers(ts, sign_plaudit(SECRET, ts, BODY)))


def test_bamboohr_scheme_signs_body_then_timestamp(clock):
    ts = str(int(clock().timestamp()))
    expected = hmac.new(KEY.encode(), BODY + ts.encode(), hashlib.sha256).hexdigest()
    assert sign_bamboohr(KEY, ts, BODY) == expected
    verify_bamboohr(KEY, BODY, bamboo_headers(ts, expected))
    verify_bamboohr(KEY, BODY, bamboo_headers(ts, expected.upper()))  # hex case does not matter


def test_bamboohr_iso_timestamps_are_read_too(clock):
    ts = clock().strftime("%Y-%m-%dT%H:%M:%S+0000")
    verify_bamboohr(KEY, BODY, bamboo_headers(ts, sign_bamboohr(KEY, ts, BODY)))
    old = (clock() - timedelta(minutes=6)).strftime("%Y-%m-%dT%H:%M:%SZ")
    refused("stale_request", verify_bamboohr, KEY, BODY, bamboo_headers(old, sign_bamboohr(KEY, old, BODY)))


def test_bamboohr_forgeries_are_refused(clock):
    ts = str(int(clock().timestamp()))
    good = sign_bamboohr(KEY, ts, BODY)
    refused("invalid_signature", verify_bamboohr, "wrong-key", BODY, bamboo_headers(ts, good))
    refused("invalid_signature", verify_bamboohr, KEY, b'{"id": "d-2"}', bamboo_headers(ts, good))
    refused("invalid_signature", verify_bamboohr, KEY, BODY, bamboo_headers(str(int(ts) + 60), good))
    refused("invalid_signature", verify_bamboohr, KEY, BODY, {"x-bamboohr-signature": good})
    for bad_time in ("99999999999999999999", "²", "2026-13-45T00:00:00Z"):
        refused("invalid_signature", verify_bamboohr, KEY, BODY, bamboo_headers(bad_time, good))


def test_a_valid_but_stale_bamboohr_request_is_stale_not_forged(clock):
    ts = str(int((clock() - timedelta(hours=1)).timestamp()))
    refused("stale_request", verify_bamboohr, KEY, BODY, bamboo_headers(ts, sign_bamboohr(KEY, ts, BODY)))
