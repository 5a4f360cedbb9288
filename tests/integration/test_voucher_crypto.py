"""Voucher codes at rest: KMS ciphertext bound to its voucher id, and the hash key's sources."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import boto3
import pytest

from plaudit.domain.access import Caller
from plaudit.domain.voucher_codes import canonical
from plaudit.environment import InvalidEnvironment, environment
from plaudit.integrations import aws as aws_clients
from plaudit.integrations import voucher_crypto
from plaudit.services import vouchers
from plaudit_dev.template import local_secret_name, secret_arn


def test_a_ciphertext_decrypts_only_for_its_voucher(aws: Any) -> None:
    sealed = voucher_crypto.encrypt("7KQ4-M9TX-2HCF-WZ8R-P3", "vch_1")
    assert "7KQ4" not in sealed
    assert voucher_crypto.decrypt(sealed, "vch_1") == "7KQ4-M9TX-2HCF-WZ8R-P3"
    with pytest.raises(Exception, match="InvalidCiphertext"):
        voucher_crypto.decrypt(sealed, "vch_2")


def test_the_hash_key_comes_from_the_environment_then_the_secret(
    aws: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(aws_clients, "_secrets", None)
    monkeypatch.delenv("VOUCHER_HASH_KEY")
    environment.cache_clear()  # a new container would read it afresh
    dev = voucher_crypto.code_hash("ABC")  # neither: the documented dev key
    arn = boto3.client("secretsmanager", region_name="us-east-1").create_secret(
        Name="plaudit/test/voucher-hash", SecretString=json.dumps({"key": "secret-key", "previous": []})
    )["ARN"]
    monkeypatch.setenv("VOUCHER_HASH_SECRET_ARN", arn)
    environment.cache_clear()
    from_secret = voucher_crypto.code_hash("ABC")
    monkeypatch.setenv("VOUCHER_HASH_KEY", "another-key")  # the local stack's stand-in comes first
    environment.cache_clear()
    from_env = voucher_crypto.code_hash("ABC")
    assert len({dev, from_env, from_secret}) == 3
    assert voucher_crypto.code_hashes("ABC") == [from_env]


def test_the_dev_key_is_refused_in_prod(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("VOUCHER_HASH_KEY", "VOUCHER_HASH_SECRET_ARN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("STAGE", "prod")
    environment.cache_clear()  # a new container would read it afresh
    with pytest.raises(InvalidEnvironment, match="VOUCHER_HASH_SECRET_ARN: required in prod"):
        voucher_crypto.code_hash("ABC")
    monkeypatch.setenv("VOUCHER_HASH_KEY", voucher_crypto.DEV_HASH_KEY)
    environment.cache_clear()
    with pytest.raises(InvalidEnvironment, match="VOUCHER_HASH_KEY: a development setting"):
        voucher_crypto.code_hash("ABC")


DESK = Caller(employee_id=None, scopes=frozenset({"vouchers"}), subject="perk-desk-client")
STAFF = {
    "sub": "perk-desk-client",
    "client_id": "perk-desk-client",
    "iss": "https://idp.example/",
    "aud": "x",
}


def test_codes_issued_before_a_rotation_are_still_found_and_new_ones_use_the_new_key(
    org: Any, api: Any, clock: Any, aws: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """VoucherHashSecret as the template makes it (v1 generated), then rotated to v2 with v1 kept: a code
    issued under v1 is validated and redeemed after the rotation; a new code is stored under v2; a code
    found under the current key costs no extra read, one under a previous key one more (a BatchGetItem of
    the previous keys' hashes), never a scan."""
    monkeypatch.setattr(vouchers, "redemption_state", lambda rid, status: None)
    secrets_manager = boto3.client("secretsmanager", region_name="us-east-1")
    secrets_manager.create_secret(
        Name=local_secret_name("VoucherHashSecret"), SecretString=json.dumps({"key": "v1", "previous": []})
    )
    monkeypatch.delenv("VOUCHER_HASH_KEY")
    monkeypatch.setenv("VOUCHER_HASH_SECRET_ARN", secret_arn("VoucherHashSecret"))

    def new_container() -> None:
        environment.cache_clear()
        monkeypatch.setattr(aws_clients, "_secrets", None)

    new_container()
    redemption = {"employee_id": "E1003", "item_id": "item_spa", "item_name": "Spa day"}
    old_id = vouchers.issue(redemption | {"id": "red_1"}, expires_on=None)
    old_code = _code(api, old_id)
    assert (
        _stored_hash(aws, old_id) == hmac.new(b"v1", canonical(old_code).encode(), hashlib.sha256).hexdigest()
    )

    secrets_manager.put_secret_value(
        SecretId=secret_arn("VoucherHashSecret"), SecretString=json.dumps({"key": "v2", "previous": ["v1"]})
    )
    new_container()
    new_id = vouchers.issue(redemption | {"id": "red_2"}, expires_on=None)
    new_code = _code(api, new_id)
    assert (
        _stored_hash(aws, new_id) == hmac.new(b"v2", canonical(new_code).encode(), hashlib.sha256).hexdigest()
    )

    checked = _staff(api, "validate", old_code)  # through the API, as the desk does (its IAM policy too)
    assert checked.status == 200, checked.body
    assert checked.json["voucher_id"] == old_id

    calls: list[str] = []
    aws.meta.events.register("before-call.dynamodb", lambda model, **_: calls.append(model.name))
    assert vouchers.validate(DESK, new_code, locale="en").voucher_id == new_id
    reads_new, calls[:] = list(calls), []
    assert vouchers.validate(DESK, old_code, locale="en").voucher_id == old_id
    owner = ["BatchGetItem"]  # the owner's first name, read live (never kept on the voucher)
    assert reads_new == ["BatchGetItem", "GetItem", *owner]  # code and tries; the voucher; its owner
    assert calls == ["BatchGetItem", "BatchGetItem", "GetItem", *owner]  # + the previous keys' hashes
    redeemed = _staff(api, "redeem", old_code)
    assert redeemed.status == 200, redeemed.body
    assert redeemed.json["status"] == "redeemed"
    assert _staff(api, "validate", "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZ").status == 404  # unknown under every key


def _code(api: Any, voucher_id: str) -> str:
    reply = api.call("GET", "/v1/vouchers/mine", as_employee="E1003")
    assert reply.status == 200, reply.body
    return next(item["code"] for item in reply.json["items"] if item["id"] == voucher_id)


def _stored_hash(aws: Any, voucher_id: str) -> str:
    found = aws.scan(
        TableName=environment().table_name,
        FilterExpression="voucher_id = :v AND begins_with(PK, :p)",
        ExpressionAttributeValues={":v": {"S": voucher_id}, ":p": {"S": "CODE#"}},
    )["Items"]
    assert len(found) == 1, found
    return found[0]["PK"]["S"].removeprefix("CODE#")


def _staff(api: Any, action: str, code: str) -> Any:
    return api.call(
        "POST", f"/v1/vouchers/{action}", claims=STAFF, scopes=["plaudit/vouchers"], body={"code": code}
    )
