"""The local stand-in for the HTTP API's JWT authorizer: a dev RSA key, token minting and verification.

`verify` applies the checks API Gateway documents for JWT authorizers (kid, RS256 signature, iss, aud or
client_id, exp, nbf, iat) and returns the claims the way the gateway hands them to the function: every value
a string, formatted as Go's `%v` formats JSON values (arrays become "[a b c]").
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
import uuid
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from plaudit_dev.local_aws import LOCAL_MAIL_FROM
from plaudit_dev.paths import state_dir

ISSUER = "http://127.0.0.1/plaudit-local"
CONSOLE_CLIENT_ID = "plaudit-local"  # the dev stand-in of the user pool's console app client
INTEGRATION_CLIENT_ID = "plaudit-dev-client"  # ...and of an integration's client-credentials app client
AUDIENCES = (CONSOLE_CLIENT_ID, INTEGRATION_CLIENT_ID)
AUDIENCE = CONSOLE_CLIENT_ID
KEY_FILE = "jwt-dev-key.pem"
USER_SCOPES = ("openid", "email", "profile")  # what the console asks the hosted UI for
_DEV_SUBJECTS = uuid.UUID("6f1c0b8e-2a57-4d0b-9a0e-5d1c7e0d4a11")  # namespace of the dev people's subjects
# Locally the authorizer trusts the dev issuer (the template's JwtIssuer: an external issuer, so no user pool
# is modelled) with the dev app clients as audiences. Email is on, from the sender moto's SES verified.
TEMPLATE_PARAMETERS = {
    "JwtIssuer": ISSUER,
    "JwtAudience": ",".join(AUDIENCES),
    "RewardMailFrom": LOCAL_MAIL_FROM,
}


class Unauthorized(Exception):
    """The request carries no valid token: API Gateway answers 401 with this `www-authenticate` value."""

    def __init__(self, description: str | None = None) -> None:
        super().__init__(description or "missing token")
        self.www_authenticate = "Bearer"
        if description:
            self.www_authenticate += f' scope="" error="invalid_token" error_description="{description}"'


def dev_subject(employee_id: str) -> str:
    """The user pool subject (a UUID, as Cognito's `sub`) a dev person signs in as: the same every time, so
    the seed links it once and `plaudit token` and the tests mint tokens for it."""
    return str(uuid.uuid5(_DEV_SUBJECTS, employee_id))


def access_claims(
    subject: str,
    *,
    groups: Iterable[str] = (),
    scopes: Iterable[str] = USER_SCOPES,
    client_id: str = CONSOLE_CLIENT_ID,
    ttl: int = 3600,
) -> dict[str, Any]:
    """A person's access token's claims exactly as Cognito issues them after the hosted UI's sign-in: no
    `aud` (`client_id` instead), `token_use: access`, `cognito:groups` only when the person is in a group,
    the granted `scope`s, the pool's `username` (Cognito's is the subject for email sign-in)."""
    claims: dict[str, Any] = {"sub": subject}
    if groups := list(groups):
        claims["cognito:groups"] = groups
    return claims | {
        "iss": ISSUER,
        "version": 2,
        "client_id": client_id,
        "origin_jti": str(uuid.uuid4()),
        "event_id": str(uuid.uuid4()),
        "token_use": "access",
        "scope": " ".join(scopes),
        **_times(ttl),
        "username": subject,
    }


def client_claims(
    client_id: str = INTEGRATION_CLIENT_ID, *, scopes: Iterable[str], ttl: int = 3600
) -> dict[str, Any]:
    """An integration's access token's claims from the client-credentials grant, as Cognito issues them:
    `sub` is the app client's id, no groups, no username, the resource server's scopes (`plaudit/hris`)."""
    return {
        "sub": client_id,
        "token_use": "access",
        "scope": " ".join(scopes),
        **_times(ttl),
        "iss": ISSUER,
        "version": 2,
        "client_id": client_id,
    }


def id_claims(
    subject: str,
    *,
    email: str,
    email_verified: bool = True,
    groups: Iterable[str] = (),
    client_id: str = CONSOLE_CLIENT_ID,
    ttl: int = 3600,
) -> dict[str, Any]:
    """A person's ID token's claims as Cognito issues them beside the access token: `aud` is the app
    client, with the email and whether the pool verified it (what POST /v1/me/link reads)."""
    claims: dict[str, Any] = {"sub": subject}
    if groups := list(groups):
        claims["cognito:groups"] = groups
    return claims | {
        "email_verified": email_verified,
        "iss": ISSUER,
        "cognito:username": subject,
        "origin_jti": str(uuid.uuid4()),
        "aud": client_id,
        "event_id": str(uuid.uuid4()),
        "token_use": "id",
        **_times(ttl),
        "email": email,
    }


def sign(claims: dict[str, Any]) -> str:
    """The token of `claims` (from access_claims, client_claims or id_claims, changed as a test needs),
    RS256-signed with the dev key under its key id, as the user pool signs with its own."""
    key, kid = _dev_key(state_dir())
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def _times(ttl: int) -> dict[str, Any]:
    """`auth_time`, `exp`, `iat` and a fresh `jti`; a negative `ttl` makes an expired token."""
    now = int(time.time())
    return {"auth_time": now, "exp": now + ttl, "iat": now, "jti": str(uuid.uuid4())}


def verify(authorization: str | None) -> tuple[dict[str, str], list[str] | None]:
    """Check an Authorization header value (the token, optionally prefixed with "Bearer ").

    Returns `(claims, scopes)` as they appear under `requestContext.authorizer.jwt`; raises `Unauthorized`.
    """
    token = (authorization or "").strip()
    if token[:7].lower() == "bearer ":
        token = token[7:].strip()
    if not token:
        raise Unauthorized()
    key, kid = _dev_key(state_dir())
    try:
        if jwt.get_unverified_header(token).get("kid") != kid:
            raise Unauthorized("the token's kid does not match a known key")
        claims = jwt.decode(
            token,
            key.public_key(),
            algorithms=["RS256"],
            issuer=ISSUER,
            options={"require": ["exp", "iss"], "verify_aud": False},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("the token has expired") from exc
    except jwt.InvalidIssuerError as exc:
        raise Unauthorized("the token does not have a valid issuer") from exc
    except jwt.ImmatureSignatureError as exc:
        raise Unauthorized("the token is not valid yet") from exc
    except jwt.PyJWTError as exc:
        reason = str(exc).replace('"', "'").replace("\n", " ")
        raise Unauthorized(f"the token is invalid: {reason}") from exc
    # API Gateway checks `aud`, or `client_id` when there is no `aud` (Cognito access tokens): one of them
    # must be among the authorizer's audiences (the app clients).
    audiences = claims["aud"] if "aud" in claims else claims.get("client_id")
    if not set(AUDIENCES).intersection(audiences if isinstance(audiences, list) else [audiences]):
        raise Unauthorized("the token does not have a valid audience")
    return {name: go_format(value) for name, value in claims.items()}, token_scopes(claims)


def token_scopes(claims: dict[str, Any]) -> list[str] | None:
    """The token's scopes from `scope` (space-separated) or `scp` (string or list); None when it has none."""
    raw = claims.get("scope", claims.get("scp"))
    if raw is None:
        return None
    return raw.split() if isinstance(raw, str) else [str(item) for item in raw]


def go_format(value: Any) -> str:
    """A JSON value rendered like Go's `%v`: how HTTP API passes JWT claims to the integration."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "<nil>"
    if isinstance(value, list):
        return "[" + " ".join(go_format(item) for item in value) + "]"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{key}:{go_format(value[key])}" for key in sorted(value)) + "]"
    return json.dumps(value)


@lru_cache(maxsize=4)
def _dev_key(directory: Path) -> tuple[rsa.RSAPrivateKey, str]:
    """The dev key in `directory` and its key id, generated on first use; concurrent first uses agree."""
    path = directory / KEY_FILE
    if not path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        scratch = directory / f".{KEY_FILE}.{os.getpid()}"
        scratch.write_bytes(pem)
        scratch.chmod(0o600)
        try:
            os.link(scratch, path)  # atomic, and fails if another process got there first
        except FileExistsError:
            pass
        finally:
            scratch.unlink()
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TypeError(f"{path} does not hold an RSA private key")
    return key, _key_id(key)


def _key_id(key: rsa.RSAPrivateKey) -> str:
    """The RFC 7638 thumbprint of the public key: stable for as long as the dev key file is kept."""
    jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    canonical = json.dumps({name: jwk[name] for name in ("e", "kty", "n")}, separators=(",", ":"))
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()
