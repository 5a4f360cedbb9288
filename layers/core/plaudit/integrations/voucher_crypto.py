"""Voucher codes at rest: KMS encryption bound to the voucher id, and a keyed hash to find a code by.

The KMS key is VOUCHER_KEY_ID (a key id, ARN or alias). The hash keys come from Secrets Manager in AWS
(VOUCHER_HASH_SECRET_ARN: the template generates VoucherHashSecret, kept when the stack goes); the local
stack's VOUCHER_HASH_KEY comes first, and the documented dev default when neither is set
(plaudit.environment refuses the key in prod, and requires the secret). Nothing here logs a code.

The hash key is versioned, so rotating it never makes an issued code unfindable. The secret is JSON
{"key": "<current>", "previous": ["<the one before>", ...]}: new codes are hashed with `key`; a lookup tries
`key`, then the previous keys (services/vouchers.py: one more read, only when the current key finds nothing).
A JSON list rather than Secrets Manager's AWSCURRENT/AWSPREVIOUS stages: those keep one previous version,
so a second rotation would lose the codes of the first; the list keeps every key whose codes may still be
live, in one read. To rotate: put {"key": <new>, "previous": [<old key>, *<old previous>]}
(docs/operations.md); a key may leave the list once the last voucher hashed with it has ended.
"""

import base64
import hashlib
import hmac
import logging
from typing import Any

from plaudit.environment import environment
from plaudit.integrations import aws, secrets

DEV_HASH_KEY = "plaudit-dev-voucher-hash-key"
SECRET_MAX_AGE_SECONDS = 300  # a rotation reaches every warm container within this


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


def hash_keys() -> tuple[bytes, ...]:
    """The HMAC keys, current first, then the previous ones (newest first)."""
    env = environment()
    if env.voucher_hash_key or not env.voucher_hash_secret_arn:  # the local stack's, like the other secrets
        return ((env.voucher_hash_key or DEV_HASH_KEY).encode(),)
    secret = secrets.json_secret(
        env.voucher_hash_secret_arn, "voucher_hash", ("key",), max_age=SECRET_MAX_AGE_SECONDS
    )
    previous = secret.get("previous") or []
    return tuple(key.encode() for key in [secret["key"], *previous])


def code_hash(canonical_code: str) -> str:
    """HMAC-SHA256 of the canonical code under the current key, hex: equal codes meet, the hash alone
    reveals nothing. New codes are stored by this."""
    return _hmac(hash_keys()[0], canonical_code)


def code_hashes(canonical_code: str) -> list[str]:
    """The code's hash under each key, current first: where a code issued before a rotation is found."""
    return [_hmac(key, canonical_code) for key in hash_keys()]


def _hmac(key: bytes, canonical_code: str) -> str:
    return hmac.new(key, canonical_code.encode(), hashlib.sha256).hexdigest()
