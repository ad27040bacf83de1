"""The OpenAPI schema documents the error envelope on every operation (core.schema)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.validation import validate_schema

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
        public = operation["security"] == []
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


# Names drf-spectacular falls back to when the house style's nested serializers are not named:
# `Kind2e2Enum` (a hash), `PatchedInputRequest`, `InputRequest`, `OutputSerializer`...
MEANINGLESS_NAME = re.compile(r"\d[a-z0-9]{2}Enum|^Patched.*Input|Input|Output|Serializer")


def test_the_schema_is_valid_openapi_without_warnings() -> None:
    from drf_spectacular.drainage import GENERATOR_STATS

    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        generated = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(generated)

    # `manage.py spectacular --fail-on-warn` (make lint) fails on any of these.
    assert list(GENERATOR_STATS._warn_cache) == []
    assert list(GENERATOR_STATS._error_cache) == []


def test_component_names_say_what_they_are(api_schema: dict[str, Any]) -> None:
    names = set(api_schema["components"]["schemas"])

    assert [name for name in sorted(names) if MEANINGLESS_NAME.search(name)] == []
    # Request bodies and responses of the order story, by name.
    assert {
        "RegistrationRequest",
        "Registration",
        "AuthTokenRequest",
        "AuthToken",
        "OrderRequest",
        "Order",
        "PatchedOfferingRequest",
        "PayoutBatch",
        "BankStatementRequest",
        "OrganisationKindEnum",
        "ReconciliationExceptionKindEnum",
    } <= names


def _enum_values(schema: Any, components: dict[str, Any]) -> set[Any]:
    """Every value an enum property allows, following `$ref`s, `oneOf`s and array items."""
    if not isinstance(schema, dict):
        return set()
    if "$ref" in schema:
        return _enum_values(components[schema["$ref"].rsplit("/", 1)[1]], components)
    values = set(schema.get("enum", ()))
    for key in ("oneOf", "allOf", "anyOf"):
        for item in schema.get(key, ()):
            values |= _enum_values(item, components)
    return values | _enum_values(schema.get("items"), components)


def test_named_enums_keep_each_fields_choices(
    api_schema: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two serializers of one component name (`Member`, `MemberRequest`) with a field of one
    name but other choices must not share an enum: drf-spectacular would silently give both the
    first one's (ENUM_NAME_OVERRIDES names them apart)."""
    hooks = [
        hook
        for hook in spectacular_settings.POSTPROCESSING_HOOKS
        if getattr(hook, "__name__", hook) != "postprocess_schema_enums"
    ]
    assert len(hooks) == len(spectacular_settings.POSTPROCESSING_HOOKS) - 1
    monkeypatch.setattr(spectacular_settings, "POSTPROCESSING_HOOKS", hooks)
    raw = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    named = api_schema["components"]["schemas"]

    checked = 0
    for component, schema in raw.items():
        for field, field_schema in schema.get("properties", {}).items():
            choices = _enum_values(field_schema, raw)
            if choices:
                checked += 1
                assert _enum_values(named[component]["properties"][field], named) == choices, (
                    component,
                    field,
                )
    assert checked > 20


def test_every_operation_says_how_to_authenticate(api_schema: dict[str, Any]) -> None:
    schemes = api_schema["components"]["securitySchemes"]

    assert schemes["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": (
            "`Authorization: Token <token>`, with the token from `POST /api/v1/auth/token`."
        ),
    }
    public = {
        (path, method)
        for path, method, operation in _operations(api_schema)
        if operation["security"] == []
    }
    assert public == {
        ("/api/v1/organisations/register", "post"),
        ("/api/v1/auth/token", "post"),
    }
    for path, method, operation in _operations(api_schema):
        if (path, method) not in public:
            assert {"tokenAuth": []} in operation["security"], (method, path)


def test_request_bodies_are_json_except_the_statement_upload(api_schema: dict[str, Any]) -> None:
    media_types = {
        (method, path): sorted(operation["requestBody"]["content"])
        for path, method, operation in _operations(api_schema)
        if "requestBody" in operation
    }

    assert media_types.pop(("post", "/api/v1/bank-statements")) == ["multipart/form-data"]
    assert len(media_types) > 20
    assert {tuple(types) for types in media_types.values()} == {("application/json",)}


ORDER_ACTIONS = ("accept", "cancel", "complete", "confirm", "reject", "dispute", "resolve")


def test_each_order_action_documents_its_own_body(api_schema: dict[str, Any]) -> None:
    def body(action: str) -> Any:
        operation = api_schema["paths"][f"/api/v1/orders/{{id}}/{action}"]["post"]
        if "requestBody" not in operation:
            return None
        return operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]

    assert {action: body(action) for action in ORDER_ACTIONS} == {
        "accept": None,
        "cancel": None,
        "complete": None,
        "confirm": None,
        "reject": "#/components/schemas/ReasonRequest",
        "dispute": "#/components/schemas/ReasonRequest",
        "resolve": "#/components/schemas/DisputeResolutionRequest",
    }
    for action in ORDER_ACTIONS:
        operation = api_schema["paths"][f"/api/v1/orders/{{id}}/{action}"]["post"]
        assert any(p["name"] == "Idempotency-Key" for p in operation["parameters"]), action


def test_responses_require_what_they_always_carry(api_schema: dict[str, Any]) -> None:
    """Output fields are always there (typed clients need no "unset" checks), except those
    declared `required=False` because they are left out for some callers."""
    schemas = api_schema["components"]["schemas"]

    assert set(schemas["Order"]["required"]) == set(schemas["Order"]["properties"])
    assert "status" in schemas["PayoutBatch"]["required"]
    assert set(schemas["BankAccount"]["properties"]) - set(schemas["BankAccount"]["required"]) == {
        "account_number"
    }
    assert set(schemas["Provider"]["properties"]) - set(schemas["Provider"]["required"]) == {
        "bank_account"
    }
    assert "required" not in schemas["PatchedOfferingRequest"]
