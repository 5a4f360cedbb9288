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
AUDIENCE = "plaudit-local"
KEY_FILE = "jwt-dev-key.pem"
# The template's authorizer parameters have no Default: locally they are the dev issuer's. Email is on, from
# the sender the local stack verifies in moto's SES.
TEMPLATE_PARAMETERS = {"JwtIssuer": ISSUER, "JwtAudience": AUDIENCE, "RewardMailFrom": LOCAL_MAIL_FROM}


class Unauthorized(Exception):
    """The request carries no valid token: API Gateway answers 401 with this `www-authenticate` value."""

    def __init__(self, description: str | None = None) -> None:
        super().__init__(description or "missing token")
        self.www_authenticate = "Bearer"
        if description:
            self.www_authenticate += f' scope="" error="invalid_token" error_description="{description}"'


def mint(
    sub: str = "dev-user",
    *,
    email: str | None = None,
    roles: Iterable[str] = (),
    scopes: Iterable[str] = (),
    ttl: int = 3600,
    audience: str = AUDIENCE,
    **claims: Any,
) -> str:
    """An RS256 token signed with the dev key, as the identity provider would issue it.

    `roles` become Cognito groups (`cognito:groups`, omitted when empty, as Cognito does): the claim roles
    are read from. `scopes` become the space-separated `scope` claim (omitted when empty); extra `claims`
    are added as-is. A negative `ttl` mints an already expired token.
    """
    now = int(time.time())
    payload: dict[str, Any] = {"sub": sub, "iat": now, "exp": now + ttl}
    payload.update(iss=ISSUER, aud=audience)
    if roles := list(roles):
        payload["cognito:groups"] = roles
    if email:
        payload["email"] = email
    if scope := " ".join(scopes):
        payload["scope"] = scope
    payload.update(claims)
    key, kid = _dev_key(state_dir())
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": kid})


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
    # API Gateway checks `aud`, or `client_id` when there is no `aud` (Cognito access tokens).
    audiences = claims["aud"] if "aud" in claims else claims.get("client_id")
    if AUDIENCE not in (audiences if isinstance(audiences, list) else [audiences]):
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
