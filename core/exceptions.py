"""Domain exceptions and the one DRF exception handler that renders the API error envelope.

Every error the API returns has the shape
``{"error": {"code": ..., "message": ..., "fields": {...}}}`` (API.md, Conventions).
"""

from __future__ import annotations

from typing import Any

import structlog
from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404
from rest_framework import exceptions as drf_exceptions
from rest_framework import status
from rest_framework.response import Response

from core.context import current_request_id

log = structlog.get_logger(__name__)


class DomainError(Exception):
    """Base of every error a service raises on purpose. Rendered as the API envelope."""

    status_code: int = status.HTTP_400_BAD_REQUEST
    code: str = "domain_error"

    def __init__(
        self, message: str, *, code: str | None = None, fields: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.fields = fields or {}


class ValidationError(DomainError):
    status_code = status.HTTP_400_BAD_REQUEST
    code = "validation_error"


class NotFoundError(DomainError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"


class PermissionDeniedError(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "permission_denied"


class InvalidStateError(DomainError):
    """The object is in the wrong state for the action (API.md: 409 invalid_state)."""

    status_code = status.HTTP_409_CONFLICT
    code = "invalid_state"


class ConflictError(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "conflict"


class AccountLockedError(DomainError):
    """Too many failed logins (django-axes): refused until the cool-off has passed."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    code = "account_locked"

    def __init__(self, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.headers = {"Retry-After": str(retry_after)} if retry_after else {}


class RequestTooLargeError(DomainError):
    """The body is larger than `DATA_UPLOAD_MAX_MEMORY_SIZE` (413 request_too_large)."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    code = "request_too_large"

    def __init__(self, limit: int | None = None) -> None:
        limit_text = f" of {limit} bytes" if limit is not None else ""
        super().__init__(f"The request body is larger than the limit{limit_text}.")


class SubsidyRuleError(DomainError):
    """A subsidy rule refuses the action (API.md: 422 with one of the listed codes)."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY

    def __init__(self, code: str, message: str, *, fields: dict[str, Any] | None = None) -> None:
        super().__init__(message, code=code, fields=fields)


_DRF_CODES: dict[type[drf_exceptions.APIException], str] = {
    drf_exceptions.ValidationError: "validation_error",
    drf_exceptions.ParseError: "validation_error",
    drf_exceptions.NotAuthenticated: "not_authenticated",
    drf_exceptions.AuthenticationFailed: "not_authenticated",
    drf_exceptions.PermissionDenied: "permission_denied",
    drf_exceptions.NotFound: "not_found",
    drf_exceptions.MethodNotAllowed: "method_not_allowed",
    drf_exceptions.NotAcceptable: "not_acceptable",
    drf_exceptions.UnsupportedMediaType: "unsupported_media_type",
    drf_exceptions.Throttled: "throttled",
}


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _drf_message(exc: drf_exceptions.APIException) -> str:
    detail = exc.detail
    if isinstance(detail, str):
        return str(detail)
    if isinstance(exc, drf_exceptions.ValidationError):
        return "The request is invalid; see fields."
    return str(exc.default_detail)


def _drf_fields(exc: drf_exceptions.APIException) -> dict[str, Any]:
    if not isinstance(exc, drf_exceptions.ValidationError):
        return {}
    detail = exc.detail
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    return {"non_field_errors": _flatten(detail)}


def _flatten(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _flatten(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_flatten(item) for item in value]
    return str(value)


def from_django(exc: Exception) -> Exception:
    """The envelope's error for one of Django's own exceptions; any other is returned as is.

    - `RequestDataTooBig` (a body over `DATA_UPLOAD_MAX_MEMORY_SIZE`, raised when the body is
      first read): 413 `request_too_large`; any other `SuspiciousOperation` (too many fields,
      a bad multipart boundary): 400 `validation_error`;
    - a model's `ValidationError`: 400 `validation_error`, naming its fields;
    - `IntegrityError`, a unique constraint lost to a concurrent request that passed the same
      check: 409 `conflict` (services catch the races they expect and answer in their terms;
      this is the backstop);
    - `DataError`, a value the database refuses (a NUL in text, a number out of range):
      400 `validation_error`.
    """
    if isinstance(exc, Http404):
        return drf_exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return drf_exceptions.PermissionDenied()
    if isinstance(exc, RequestDataTooBig):
        return RequestTooLargeError(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    if isinstance(exc, SuspiciousOperation):
        return ValidationError("The request is malformed.")
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            fields: dict[str, Any] = {k: list(v) for k, v in exc.message_dict.items()}
        else:
            fields = {"non_field_errors": list(exc.messages)}
        return ValidationError("The request is invalid; see fields.", fields=fields)
    if isinstance(exc, IntegrityError):
        log.warning("api.integrity_error", error=str(exc)[:500])
        return ConflictError("The request conflicts with a concurrent change; try again.")
    if isinstance(exc, DataError):
        log.warning("api.data_error", error=str(exc)[:500])
        return ValidationError("A value in the request is out of range or not allowed.")
    return exc


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """Render every exception as the error envelope; unexpected ones as a 500 with a request id."""
    exc = from_django(exc)

    if isinstance(exc, DomainError):
        return Response(
            error_body(exc.code, exc.message, exc.fields),
            status=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    if isinstance(exc, drf_exceptions.APIException):
        code = next(
            (code for cls, code in _DRF_CODES.items() if isinstance(exc, cls)),
            str(exc.default_code),
        )
        headers: dict[str, str] = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
        if getattr(exc, "wait", None) is not None:
            headers["Retry-After"] = str(int(exc.wait))  # type: ignore[attr-defined]
        return Response(
            error_body(code, _drf_message(exc), _drf_fields(exc)),
            status=exc.status_code,
            headers=headers,
        )

    request_id = current_request_id()
    log.exception("api.unhandled_exception", request_id=request_id, exc_type=type(exc).__name__)
    return server_error_response(request_id)


def server_error_body(request_id: str | None) -> dict[str, Any]:
    body = error_body(
        "server_error",
        "An unexpected error occurred. Quote the request id when reporting it.",
        {"request_id": request_id} if request_id else {},
    )
    body["error"]["request_id"] = request_id
    return body


def server_error_response(request_id: str | None) -> Response:
    return Response(server_error_body(request_id), status=status.HTTP_500_INTERNAL_SERVER_ERROR)
