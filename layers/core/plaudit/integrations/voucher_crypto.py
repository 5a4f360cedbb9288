"""Voucher codes at rest: KMS encryption bound to the voucher id, and a keyed hash to find a code by.

The KMS key is VOUCHER_KEY_ID (a key id, ARN or alias). The hash key comes from Secrets Manager
(VOUCHER_HASH_SECRET_ARN, the secret string itself is the key) in AWS, else from VOUCHER_HASH_KEY, else the
documented dev default (refused when STAGE is prod). Nothing here logs a code.
"""

import base64
import hashlib
import hmac
import logging
from typing import Any

from plaudit.environment import environment
from plaudit.integrations import aws

DEV_HASH_KEY = "plaudit-dev-voucher-hash-key"
_hash_keys: dict[str, bytes] = {}


class _NoPlaintext(logging.Filter):
    """botocore's debug lines carry request and response bodies: KMS's hold a code (base64)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Plaintext" not in record.getMessage()


for _name in ("botocore.endpoint", "botocore.parsers"):
    logging.getLogger(_name).addFilter(_NoPlaintext())


def kms() -> Any:
    return aws.client("kms")


def _context(voucher_id: str) -> dict[str, str]:
    return {"voucher_id": voucher_id}


def encrypt(code: str, voucher_id: str) -> str:
    """The code encrypted under the voucher key, base64: it only decrypts for this voucher id."""
    blob = kms().encrypt(
        KeyId=environment().voucher_key_id, Plaintext=code.encode(), EncryptionContext=_context(voucher_id)
    )["CiphertextBlob"]
    return base64.b64encode(blob).decode()


def decrypt(ciphertext: str, voucher_id: str) -> str:
    blob = base64.b64decode(ciphertext)
    return kms().decrypt(CiphertextBlob=blob, EncryptionContext=_context(voucher_id))["Plaintext"].decode()


def hash_key() -> bytes:
    """The HMAC key, read once per container (per source)."""
    env = environment()
    arn = env.voucher_hash_secret_arn
    source = arn or env.voucher_hash_key or DEV_HASH_KEY
    if source not in _hash_keys:
        if arn:
            value = str(aws.secret(arn, max_age=3600))
        else:
            if source == DEV_HASH_KEY and env.stage == "prod":
                raise RuntimeError("VOUCHER_HASH_SECRET_ARN must be set in prod")
            value = source
        _hash_keys[source] = value.encode()
    return _hash_keys[source]


def code_hash(canonical_code: str) -> str:
    """HMAC-SHA256 of the canonical code, hex: equal codes meet, the hash alone reveals nothing."""
    return hmac.new(hash_key(), canonical_code.encode(), hashlib.sha256).hexdigest()
