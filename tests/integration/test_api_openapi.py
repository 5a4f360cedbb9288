"""What each function's OpenAPI document promises (the fuzzer, tests/e2e/test_openapi_fuzz.py, checks the
answers keep those promises): Plaudit's error schema for its refusals, the authorizer's own 401 beside it,
the success status each route really uses, and never Powertools' default validation-error schema."""

from __future__ import annotations

import json
from typing import Any


def documents(api) -> dict[str, dict[str, Any]]:
    functions = sorted({route.function_id for route in api.template.routes if route.path.startswith("/v1/")})
    return {
        function_id: json.loads(
            api._module(api.template.functions[function_id]).app.get_openapi_json_schema()
        )
        for function_id in functions
    }


def operations(api):
    for function_id, document in documents(api).items():
        for path, methods in document["paths"].items():
            for method, operation in methods.items():
                yield function_id, f"{method.upper()} {path}", operation, document


def test_every_refusal_is_documented_with_the_plaudit_error_schema(api, aws):
    seen = 0
    for function_id, name, operation, _ in operations(api):
        seen += 1
        responses = operation["responses"]
        assert {"422", "429"} <= set(responses), name
        for status, response in responses.items():
            if status.startswith("4") and status != "401":
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (name, status)
        assert "HTTPValidationError" not in json.dumps(operation), (function_id, name)
        if operation.get("requestBody"):
            assert {"400", "413", "415"} <= set(responses), name
    assert seen >= 40


def test_a_jwt_routes_401_is_the_authorizers_or_plaudits_and_a_webhooks_is_plaudits(api, aws):
    for _, name, operation, document in operations(api):
        schema = operation["responses"]["401"]["content"]["application/json"]["schema"]
        if name.startswith("POST /v1/hris/webhooks/"):
            assert schema == {"$ref": "#/components/schemas/ErrorBody"}, name
        else:
            assert schema == {"$ref": "#/components/schemas/Unauthorized"}, name
            refs = [any_of["$ref"] for any_of in document["components"]["schemas"]["Unauthorized"]["anyOf"]]
            assert sorted(refs) == [
                "#/components/schemas/AuthorizerRefusal",
                "#/components/schemas/ErrorBody",
            ]


def test_success_statuses_are_the_ones_the_routes_use(api, aws):
    success = {
        name: sorted(status for status in operation["responses"] if status.startswith("2"))
        for _, name, operation, _ in operations(api)
    }
    assert success["POST /v1/recognitions"] == ["201"]
    assert success["DELETE /v1/catalog/items/{item_id}"] == ["204"]
    assert success["POST /v1/hris/webhooks/plaudit"] == ["202"]
    assert success["PUT /v1/employees/{employee_id}"] == ["200", "201"]
    assert success["GET /v1/recognitions"] == ["200"]


def test_a_body_read_as_csv_is_documented_as_csv(api, aws):
    bodies = {
        name: operation["requestBody"]
        for _, name, operation, _ in operations(api)
        if "requestBody" in operation
        and not any(media.endswith("json") for media in operation["requestBody"]["content"])
    }
    csv_body = {
        "content": {"text/csv": {"schema": {"type": "string"}}, "text/plain": {"schema": {"type": "string"}}},
        "required": True,
    }
    assert bodies == {
        "POST /v1/catalog/items/{item_id}/codes": csv_body,
        "POST /v1/employees/import-preview": csv_body,
    }
