"""Voucher codes at rest: KMS ciphertext bound to its voucher id, and the hash key's sources."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from plaudit.environment import environment
from plaudit.integrations import voucher_crypto


@pytest.fixture
def fresh_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(voucher_crypto, "_hash_keys", {})


def test_a_ciphertext_decrypts_only_for_its_voucher(aws: Any) -> None:
    sealed = voucher_crypto.encrypt("7KQ4-M9TX-2HCF-WZ8R-P3", "vch_1")
    assert "7KQ4" not in sealed
    assert voucher_crypto.decrypt(sealed, "vch_1") == "7KQ4-M9TX-2HCF-WZ8R-P3"
    with pytest.raises(Exception, match="InvalidCiphertext"):
        voucher_crypto.decrypt(sealed, "vch_2")


def test_the_hash_key_comes_from_the_secret_then_the_environment(
    aws: Any, fresh_keys: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    dev = voucher_crypto.code_hash("ABC")
    monkeypatch.setenv("VOUCHER_HASH_KEY", "another-key")
    environment.cache_clear()  # a new container would read it afresh
    from_env = voucher_crypto.code_hash("ABC")
    arn = boto3.client("secretsmanager", region_name="us-east-1").create_secret(
        Name="plaudit/test/voucher-hash", SecretString="secret-key"
    )["ARN"]
    monkeypatch.setenv("VOUCHER_HASH_SECRET_ARN", arn)
    environment.cache_clear()  # a new container would read it afresh
    from_secret = voucher_crypto.code_hash("ABC")
    assert len({dev, from_env, from_secret}) == 3
    assert from_secret == voucher_crypto.code_hash("ABC")


def test_the_dev_key_is_refused_in_prod(fresh_keys: None, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("VOUCHER_HASH_KEY", "VOUCHER_HASH_SECRET_ARN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("STAGE", "prod")
    environment.cache_clear()  # a new container would read it afresh
    with pytest.raises(RuntimeError, match="VOUCHER_HASH_SECRET_ARN"):
        voucher_crypto.code_hash("ABC")
