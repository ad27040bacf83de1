"""Django-level handlers so that even non-DRF 404s and 500s answer with the error envelope."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse

from core.context import current_request_id
from core.exceptions import RequestTooLargeError, error_body, server_error_body


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(error_body("not_found", "Not found."), status=404)


def server_error(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    return JsonResponse(server_error_body(current_request_id()), status=500)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """Django answers its `SuspiciousOperation`s here, raised outside DRF (in a middleware, or
    a non-API view reading `request.POST`): a body over the limit is a 413."""
    if isinstance(exception, RequestDataTooBig):
        too_large = RequestTooLargeError(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return JsonResponse(error_body(too_large.code, too_large.message), status=413)
    return JsonResponse(error_body("bad_request", "Bad request."), status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(error_body("permission_denied", "Permission denied."), status=403)
