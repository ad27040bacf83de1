"""The OpenAPI schema documents the error envelope on every operation (core.schema)."""

from __future__ import annotations

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator

ENVELOPE = {"$ref": "#/components/schemas/ErrorEnvelope"}


@pytest.fixture(scope="module")
def api_schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(api_schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in api_schema["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def _error_schema(operation: dict[str, Any], status: str) -> Any:
    return operation["responses"][status]["content"]["application/json"]["schema"]


def test_every_operation_documents_the_error_envelope(api_schema: dict[str, Any]) -> None:
    assert "error" in api_schema["components"]["schemas"]["ErrorEnvelope"]["properties"]
    for path, method, operation in _operations(api_schema):
        public = operation.get("security") == [{}]
        expected = {"400", "404"} | (set() if public else {"401", "403"})
        if method != "get":
            expected |= {"409", "422"}
        for status in expected:
            assert _error_schema(operation, status) == ENVELOPE, (method, path, status)


def test_throttled_and_idempotent_operations_say_so(api_schema: dict[str, Any]) -> None:
    register = api_schema["paths"]["/api/v1/organisations/register"]["post"]
    assert _error_schema(register, "429") == ENVELOPE
    members = api_schema["paths"]["/api/v1/organisations/me/members"]
    assert "429" not in members["get"]["responses"]
    assert any(p["name"] == "Idempotency-Key" for p in members["post"]["parameters"])
    assert not any(p["name"] == "Idempotency-Key" for p in members["get"]["parameters"])


def test_operations_with_a_body_document_unsupported_media_types(
    api_schema: dict[str, Any],
) -> None:
    """A body in a media type the operation does not take answers 415 (the fuzzer found
    `POST /api/v1/orders` without a Content-Type answering an undocumented 415)."""
    with_body = [op for _, _, op in _operations(api_schema) if "requestBody" in op]
    assert with_body
    for path, method, operation in _operations(api_schema):
        if "requestBody" in operation:
            assert _error_schema(operation, "415") == ENVELOPE, (method, path)
        else:
            assert "415" not in operation["responses"], (method, path)
