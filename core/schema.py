"""OpenAPI schema tweaks: component names, the token scheme, paths and the error envelope."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

# Serializers whose name does not say what they are once `Input`/`Output` is dropped, keyed by
# `__qualname__` (which survives a move to another module). Every other serializer is named by
# `component_base_name`'s rule. drf-spectacular then adds `Request` to request bodies and
# `Patched` to PATCH bodies: `OrdersApi.InputSerializer` -> `Order` -> `OrderRequest`.
COMPONENT_NAMES = {
    "RegisterApi.InputSerializer": "Registration",
    "RegisterApi.OutputSerializer": "Registration",
    "TokenApi.InputSerializer": "AuthToken",
    "TokenApi.OutputSerializer": "AuthToken",
    "MembersApi.InputSerializer": "Member",
    "AffiliationsApi.InputSerializer": "Affiliation",
    "OfferingsApi.InputSerializer": "Offering",
    "OfferingDetailApi.InputSerializer": "Offering",
    "OrdersApi.InputSerializer": "Order",
    "OrderDeliveriesApi.InputSerializer": "Delivery",
    "AccreditationRequestsApi.InputSerializer": "AccreditationApplication",
    "PayoutBatchesApi.InputSerializer": "PayoutBatch",
    "BankStatementsApi.InputSerializer": "BankStatement",
    "ReconciliationExceptionResolveApi.InputSerializer": "ReconciliationExceptionResolution",
    "ClawbacksApi.InputSerializer": "Clawback",
    "VoucherApplicationsApi.InputSerializer": "VoucherApplication",
    "VoucherApplicationApproveApi.InputSerializer": "VoucherApplicationApproval",
    "DisputeResolveInput": "DisputeResolution",
    "BatchOutput": "PayoutBatch",
    "StatementOutput": "BankStatement",
    "ExceptionOutput": "ReconciliationException",
    "PoolOutput": "BudgetPool",
    "ReportPoolOutput": "ProgrammeReportPool",
    "ReportProviderOutput": "ProgrammeReportProvider",
    "ApplicationOutput": "VoucherApplication",
}


def component_base_name(serializer_class: type) -> str:
    """`OrderOutput` -> `Order`, `ReasonInput` -> `Reason`, `MeApi.OutputSerializer` -> `Me`."""
    qualname = serializer_class.__qualname__
    if qualname in COMPONENT_NAMES:
        return COMPONENT_NAMES[qualname]
    name = serializer_class.__name__
    if "." in qualname and name in ("InputSerializer", "OutputSerializer"):
        return qualname.split(".")[-2].removesuffix("Api")
    for suffix in ("Serializer", "Output", "Input"):
        name = name.removesuffix(suffix)
    return name


class AutoSchema(SpectacularAutoSchema):
    def get_serializer_name(self, serializer: Any, direction: Any) -> str:
        return component_base_name(type(serializer))

    def _map_basic_serializer(self, serializer: Any, direction: Any) -> dict[str, Any]:
        """A response carries every field its serializer has (null where it says so), so its
        properties are required (typed clients then need no "unset" checks), except a field
        declared `required=False`: the house style's way of saying it may be absent (a bank
        account number is left out for all but finance officers). Model fields with a default
        are `required=False` only as input, which an output serializer never takes."""
        schema: dict[str, Any] = super()._map_basic_serializer(serializer, direction)
        if direction == "response" and schema.get("properties"):
            declared = getattr(serializer, "_declared_fields", {})
            schema["required"] = [
                name
                for name in schema["properties"]
                if name not in declared or declared[name].required is not False
            ]
        return schema


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """`Authorization: Token <token>`, the token `POST /api/v1/auth/token` answers with.

    Registered on import: this module is the default schema class, so it is loaded before any
    operation's security is worked out."""

    target_class = "accounts.authentication.TokenAuthentication"
    name = "tokenAuth"
    priority = 1

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "`Authorization: Token <token>`, with the token from `POST /api/v1/auth/token`."
            ),
        }


def strip_trailing_slashes(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Paths answer with and without a trailing slash; document them as API.md writes them."""
    result["paths"] = {
        (path.rstrip("/") if path != "/" else path): item for path, item in result["paths"].items()
    }
    return result


def public_operations_take_no_credentials(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular writes `security: [{}]` ("credentials optional") for the public
    endpoints (register, token); they take none, `security: []`, so a generated client calls
    them without a token (openapi-python-client wanted an `AuthenticatedClient` to log in)."""
    for item in result.get("paths", {}).values():
        for operation in item.values():
            if isinstance(operation, dict) and operation.get("security") == [{}]:
                operation["security"] = []
    return result


ERROR_ENVELOPE = "ErrorEnvelope"

ERROR_ENVELOPE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "The one error envelope every error answers with (API.md, Conventions).",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "example": "validation_error"},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "additionalProperties": True,
                    "description": "Which input was wrong, keyed by field name.",
                },
                "request_id": {"type": "string", "nullable": True},
            },
            "required": ["code", "message", "fields"],
        }
    },
    "required": ["error"],
}

_ERROR_DESCRIPTIONS = {
    "400": "Malformed or invalid input: `validation_error`, and `fields` says which.",
    "401": "Not authenticated: `not_authenticated`.",
    "403": "Wrong role for this action: `permission_denied`.",
    "404": "Missing, or belongs to another tenant: `not_found`.",
    "409": (
        "Wrong state for this action, or an idempotency key conflict: `invalid_state`, "
        "`idempotency_key_reused`, `idempotency_key_in_use`."
    ),
    "415": (
        "The request body's `Content-Type` is missing or not one this operation takes: "
        "`unsupported_media_type`."
    ),
    "422": "A subsidy rule refuses it; `code` says which.",
    "429": "Too many requests: `throttled`. `Retry-After` says when to try again.",
}
_UNSAFE_METHODS = frozenset({"post", "put", "patch", "delete"})
_HTTP_METHODS = frozenset({"get", "head", "options", "trace", *_UNSAFE_METHODS})

IDEMPOTENCY_KEY_PARAMETER: dict[str, Any] = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "description": (
        "Repeat the request safely: the same key, user and body replay the first response "
        "with `Idempotent-Replayed: true`; the same key with another body answers 409."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
}


def _schema_path(path: str) -> str:
    return path.rstrip("/") or "/"


def _endpoint_handlers(generator: Any) -> dict[tuple[str, str], tuple[Any, Any]]:
    """(path, method) -> (view class, handler) for every endpoint the generator documented."""
    handlers: dict[tuple[str, str], tuple[Any, Any]] = {}
    for path, _regex, method, callback in getattr(generator, "endpoints", None) or []:
        view_class = getattr(callback, "cls", None)
        if view_class is None:
            continue
        action = (getattr(callback, "actions", None) or {}).get(method.lower(), method.lower())
        handlers[(_schema_path(path), method.lower())] = (
            view_class,
            getattr(view_class, action, None),
        )
    return handlers


def _takes_credentials(operation: dict[str, Any], result: dict[str, Any]) -> bool:
    """Whether the operation accepts credentials (and so can refuse them): `[{}]` is public."""
    security = operation.get("security", result.get("security"))
    if security is None:
        return True  # no word either way: the default permission is IsAuthenticated
    return any(requirement for requirement in security)


def add_error_responses(
    result: dict[str, Any], generator: Any = None, **kwargs: Any
) -> dict[str, Any]:
    """Document the error envelope on every operation, so the schema tells the truth.

    - 400 and 404 on every operation;
    - 401 and 403 on every operation that takes credentials;
    - 409 and 422 on every unsafe method (state conflicts, idempotency keys, subsidy rules);
    - 415 on every operation that takes a request body (a missing or unsupported
      `Content-Type`);
    - 429 on throttled views;
    - the `Idempotency-Key` header on `@idempotent` handlers.

    Responses an operation documents itself are kept.
    """
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})[ERROR_ENVELOPE] = ERROR_ENVELOPE_SCHEMA
    handlers = _endpoint_handlers(generator)
    reference = {"$ref": f"#/components/schemas/{ERROR_ENVELOPE}"}

    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in _HTTP_METHODS:
                continue
            view_class, handler = handlers.get((path, method), (None, None))
            codes = ["400", "404"]
            if _takes_credentials(operation, result):
                codes += ["401", "403"]
            if method in _UNSAFE_METHODS:
                codes += ["409", "422"]
            if "requestBody" in operation:
                codes.append("415")
            throttles = getattr(view_class, "throttle_classes", None) if view_class else None
            if throttles and (
                method in _UNSAFE_METHODS
                or not all(getattr(throttle, "writes_only", False) for throttle in throttles)
            ):
                codes.append("429")
            responses = operation.setdefault("responses", {})
            for code in sorted(codes):
                responses.setdefault(
                    code,
                    {
                        "description": _ERROR_DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": reference}},
                    },
                )
            operation["responses"] = dict(sorted(responses.items()))
            if getattr(handler, "is_idempotent", False):
                parameters = operation.setdefault("parameters", [])
                if not any(
                    p.get("in") == "header" and p.get("name") == IDEMPOTENCY_KEY_PARAMETER["name"]
                    for p in parameters
                ):
                    parameters.append(dict(IDEMPOTENCY_KEY_PARAMETER))
    return result
