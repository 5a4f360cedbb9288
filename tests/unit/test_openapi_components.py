"""The merged OpenAPI document keeps one schema per name: two functions' different schemas of one name fail
the merge instead of silently typing one function's field with the other's values."""

from __future__ import annotations

import pytest

from plaudit_dev.openapi_docs import check_components


def schema(**components: dict) -> dict:
    return {"components": {"schemas": components}}


REDEMPTION_STATUS = {"enum": ["pending_approval", "fulfilled"], "type": "string"}
SEASON_STATUS = {"enum": ["scheduled", "frozen"], "type": "string"}


def test_the_same_schema_in_two_functions_is_kept_once() -> None:
    seen: dict = {}
    check_components(schema(Status=REDEMPTION_STATUS), "RewardsFunction", seen)
    check_components(schema(Status=dict(REDEMPTION_STATUS)), "ApprovalsFunction", seen)
    assert seen == {"Status": ("RewardsFunction", REDEMPTION_STATUS)}


def test_two_different_schemas_of_one_name_fail_the_merge() -> None:
    seen: dict = {}
    check_components(schema(Status=REDEMPTION_STATUS), "RewardsFunction", seen)
    with pytest.raises(ValueError, match="'Status' differs between RewardsFunction and SeasonsFunction"):
        check_components(schema(Status=SEASON_STATUS), "SeasonsFunction", seen)
