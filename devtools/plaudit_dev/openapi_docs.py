"""The API's OpenAPI document, merged from the functions' Powertools resolvers, and a Swagger UI page for it
(served from the assets aws_lambda_powertools ships: no CDN)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import aws_lambda_powertools
from aws_lambda_powertools.event_handler.openapi.merge import OpenAPIMerge
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer, Server

from plaudit_dev.invoker import FunctionError, Invoker
from plaudit_dev.template import Route, Template

log = logging.getLogger(__name__)

SWAGGER_UI_DIR = Path(aws_lambda_powertools.__file__).parent / "event_handler" / "openapi" / "swagger_ui"
SWAGGER_ASSETS = {"swagger-ui-bundle.min.js": "text/javascript", "swagger-ui.min.css": "text/css"}
SECURITY_SCHEME = "jwt"
NO_RESOLVER = "Runtime.NoOpenAPI"  # the invoker's error for a function without a Powertools resolver

SWAGGER_PAGE = """<!DOCTYPE html>
<html>
<head>
  <meta charset="utf-8">
  <title>Plaudit API (local)</title>
  <link rel="stylesheet" href="/docs/swagger-ui.min.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.min.js"></script>
  <script>
    SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", persistAuthorization: true});
  </script>
</body>
</html>
"""


def merged_schema(
    template: Template, invoker: Invoker, server_url: str, strict: bool = False
) -> dict[str, Any]:
    """Merge the `paths` and `components` of every routed function's `app.get_openapi_json_schema()`.

    A function without a Powertools resolver named `app` (or that fails to import) is skipped, with a
    warning; with `strict`, only one without a resolver is skipped and any other failure raises. Every
    operation takes a bearer JWT, except on routes the template leaves unauthenticated.
    """
    merger = OpenAPIMerge(
        title="Plaudit API (local)",
        version="local",
        servers=[Server(url=server_url)],
        security_schemes={SECURITY_SCHEME: HTTPBearer(bearerFormat="JWT")},
        security=[{SECURITY_SCHEME: []}],
    )
    components: dict[str, tuple[str, Any]] = {}  # schema name -> (first function, its definition)
    for function_id in sorted({route.function_id for route in template.routes}):
        try:
            schema = invoker.openapi_schema(function_id)
        except FunctionError as exc:
            if strict and exc.error_type != NO_RESOLVER:
                raise
            log.warning("%s left out of /openapi.json: %s", function_id, exc.error_message)
            continue
        _mark_public(
            schema, [r for r in template.routes if r.function_id == function_id and not r.requires_jwt]
        )
        check_components(schema, function_id, components)
        merger.add_schema(schema)
    return json.loads(merger.get_openapi_json_schema())


def swagger_asset(name: str) -> tuple[str, bytes] | None:
    """(content type, bytes) of a Swagger UI asset, or None if `name` is not one."""
    if name not in SWAGGER_ASSETS:
        return None
    return SWAGGER_ASSETS[name], (SWAGGER_UI_DIR / name).read_bytes()


def check_components(schema: dict[str, Any], function_id: str, seen: dict[str, tuple[str, Any]]) -> None:
    """Two functions' schemas of one name must be the same schema: the merged document keeps only one, so
    two different types of one name (say two `Status` enums) would silently give one of them the other's
    values."""
    for name, definition in ((schema.get("components") or {}).get("schemas") or {}).items():
        first, known = seen.setdefault(name, (function_id, definition))
        if known != definition:
            raise ValueError(f"schema {name!r} differs between {first} and {function_id}: rename one")


def _mark_public(schema: dict[str, Any], public_routes: list[Route]) -> None:
    paths = schema.get("paths") or {}
    for route in public_routes:
        for method, operation in (paths.get(route.path) or {}).items():
            if route.method in ("ANY", method.upper()) and isinstance(operation, dict):
                operation["security"] = []
