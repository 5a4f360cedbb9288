"""Identifiers: time-sortable random ids (ULID layout) and ids derived from idempotency keys."""

import hashlib

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _base32(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        value, index = divmod(value, 32)
        chars.append(_CROCKFORD[index])
    return "".join(reversed(chars))


def sortable_id(prefix: str, epoch_ms: int, entropy: bytes) -> str:
    """48 bits of milliseconds then 80 random bits, Crockford base32: sorts by creation time."""
    if len(entropy) != 10:
        raise ValueError("a sortable id needs 10 bytes of entropy")
    return f"{prefix}_{_base32(epoch_ms, 10)}{_base32(int.from_bytes(entropy, 'big'), 16)}"


def derived_id(prefix: str, *parts: str) -> str:
    """A stable id for the same parts: a replayed request maps to the same record."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return f"{prefix}_{_base32(int.from_bytes(digest[:16], 'big'), 26)}"


def fingerprint(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()
