"""plaudit_dev.jwt_local: the local JWT authorizer, checked the way API Gateway's HTTP API checks tokens."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from plaudit_dev import jwt_local
from plaudit_dev.jwt_local import (
    AUDIENCE,
    CONSOLE_CLIENT_ID,
    INTEGRATION_CLIENT_ID,
    ISSUER,
    Unauthorized,
    access_claims,
    client_claims,
    dev_subject,
    go_format,
    id_claims,
    sign,
    verify,
)

ALICE = dev_subject("E1003")


def mint(subject: str = ALICE, **access) -> str:
    return sign(access_claims(subject, **access))


@pytest.fixture(scope="module")
def key_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("jwt-state")


@pytest.fixture(autouse=True)
def _state_dir(key_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAUDIT_STATE_DIR", str(key_dir))


def test_an_access_token_is_shaped_as_cognitos_and_arrives_as_api_gateway_passes_it() -> None:
    token = mint(groups=["manager", "hr_admin"], scopes=["openid", "plaudit/vouchers"])
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256"
    assert header["kid"]

    claims, scopes = verify(f"Bearer {token}")
    assert set(claims) == {
        "sub", "cognito:groups", "iss", "version", "client_id", "origin_jti", "event_id", "token_use",
        "scope", "auth_time", "exp", "iat", "jti", "username",
    }  # fmt: skip
    assert str(uuid.UUID(claims["sub"])) == claims["sub"] == ALICE  # a UUID, the same for E1003 every time
    assert claims["token_use"] == "access"
    assert claims["client_id"] == CONSOLE_CLIENT_ID  # no aud: the authorizer checks client_id
    assert claims["cognito:groups"] == "[manager hr_admin]"  # arrays arrive as HTTP API renders them
    assert claims["scope"] == "openid plaudit/vouchers"
    assert claims["iss"] == ISSUER
    assert claims["username"] == ALICE
    assert claims["exp"].isdigit()  # numbers arrive as strings
    assert int(claims["exp"]) - int(claims["iat"]) == 3600
    assert claims["auth_time"] == claims["iat"]
    assert claims["jti"] != claims["origin_jti"]
    assert all(isinstance(value, str) for value in claims.values())
    assert scopes == ["openid", "plaudit/vouchers"]


def test_a_person_in_no_group_has_no_groups_claim() -> None:
    claims, scopes = verify(mint())
    assert "cognito:groups" not in claims  # as Cognito: no groups, no claim
    assert scopes == ["openid", "email", "profile"]


def test_a_client_credentials_token_is_the_app_client_with_scopes_only() -> None:
    claims, scopes = verify(sign(client_claims(scopes=["plaudit/hris"])))
    assert claims["sub"] == claims["client_id"] == INTEGRATION_CLIENT_ID
    assert claims["token_use"] == "access"
    assert {"aud", "cognito:groups", "username", "email"}.isdisjoint(claims)
    assert scopes == ["plaudit/hris"]


def test_an_id_token_has_the_console_as_audience_and_the_verified_email() -> None:
    claims, scopes = verify(sign(id_claims(ALICE, email="alice@plaudit.example")))
    assert (claims["token_use"], claims["aud"], claims["sub"]) == ("id", AUDIENCE, ALICE)
    assert (claims["email"], claims["email_verified"]) == ("alice@plaudit.example", "true")
    assert "client_id" not in claims
    assert scopes is None


def test_key_is_generated_once_and_kept_in_the_state_dir(key_dir: Path) -> None:
    first = mint()
    assert (key_dir / jwt_local.KEY_FILE).exists()
    jwt_local._dev_key.cache_clear()  # as a new process would: read the key back from disk
    verify(first)
    assert (key_dir / ".gitignore").read_text() == "*\n"


@pytest.mark.parametrize("header", [None, "", "Bearer ", "Bearer not-a-jwt"])
def test_missing_or_malformed_token(header: str | None) -> None:
    with pytest.raises(Unauthorized) as caught:
        verify(header)
    assert caught.value.www_authenticate.startswith("Bearer")


def test_missing_token_challenge_is_plain_bearer() -> None:
    with pytest.raises(Unauthorized) as caught:
        verify(None)
    assert caught.value.www_authenticate == "Bearer"


def test_expired_token() -> None:
    with pytest.raises(Unauthorized) as caught:
        verify(mint(ttl=-5))
    assert caught.value.www_authenticate == (
        'Bearer scope="" error="invalid_token" error_description="the token has expired"'
    )


def test_wrong_audience() -> None:
    with pytest.raises(Unauthorized, match="valid audience"):
        verify(mint(client_id="someone-else"))
    with pytest.raises(Unauthorized, match="valid audience"):
        verify(sign(id_claims(ALICE, email="alice@plaudit.example", client_id="someone-else")))


def test_client_id_stands_in_for_a_missing_audience() -> None:
    """Cognito access tokens carry client_id, not aud: API Gateway checks client_id then."""
    key, kid = jwt_local._dev_key(jwt_local.state_dir())
    now = int(time.time())
    payload = {
        "sub": "client",
        "iss": ISSUER,
        "client_id": INTEGRATION_CLIENT_ID,
        "iat": now,
        "exp": now + 60,
    }
    claims, _ = verify(jwt.encode(payload, key, algorithm="RS256", headers={"kid": kid}))
    assert claims["client_id"] == INTEGRATION_CLIENT_ID
    payload["client_id"] = "other-client"
    with pytest.raises(Unauthorized, match="valid audience"):
        verify(jwt.encode(payload, key, algorithm="RS256", headers={"kid": kid}))
    payload |= {"client_id": CONSOLE_CLIENT_ID, "aud": "other-client"}  # with both, only aud counts
    with pytest.raises(Unauthorized, match="valid audience"):
        verify(jwt.encode(payload, key, algorithm="RS256", headers={"kid": kid}))


def test_forged_signature_is_rejected() -> None:
    """Same claims and kid, signed by a key that is not the dev key."""
    genuine = mint(groups=["hr_admin"])
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = jwt.decode(genuine, options={"verify_signature": False})
    forged = jwt.encode(claims, forger, algorithm="RS256", headers=jwt.get_unverified_header(genuine))
    with pytest.raises(Unauthorized, match="Signature verification failed"):
        verify(forged)


def test_tampered_payload_is_rejected() -> None:
    header, _, signature = mint().split(".")
    other_payload = mint(dev_subject("E1001"), groups=["hr_admin"]).split(".")[1]
    with pytest.raises(Unauthorized):
        verify(f"{header}.{other_payload}.{signature}")


def test_wrong_issuer_unknown_kid_and_not_yet_valid() -> None:
    with pytest.raises(Unauthorized, match="valid issuer"):
        verify(sign(access_claims(ALICE) | {"iss": "https://elsewhere"}))
    with pytest.raises(Unauthorized, match="not valid yet"):
        verify(sign(access_claims(ALICE) | {"nbf": int(time.time()) + 600}))
    key, _ = jwt_local._dev_key(jwt_local.state_dir())
    token = jwt.encode({"sub": "x", "iss": ISSUER, "aud": AUDIENCE, "exp": time.time() + 60}, key, "RS256")
    with pytest.raises(Unauthorized, match="kid"):
        verify(token)  # no kid header


def test_go_format_renders_json_values_like_http_api() -> None:
    assert go_format("text") == "text"
    assert go_format(["a", "b", 3]) == "[a b 3]"
    assert go_format(1700000000) == "1700000000"
    assert go_format(1.5) == "1.5"
    assert go_format(True) == "true"
    assert go_format({"b": 1, "a": ["x"]}) == "map[a:[x] b:1]"
