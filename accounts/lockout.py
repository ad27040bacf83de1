"""Login lockout (django-axes): how a client and a locked-out login are told apart and answered.

Failed logins are counted per e-mail and client address in the shared cache (Redis whenever
Redis is configured), so every web process sees the same count. `AXES_FAILURE_LIMIT` failures
lock that e-mail out from that address for `AXES_COOLOFF_MINUTES`, for the API token and the
Django admin alike.
"""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse, JsonResponse

from core.exceptions import error_body

LOCKED_MESSAGE = "Too many failed logins: this account is locked for a while. Try again later."


def username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The e-mail a login attempt names: `email` for the API, `username` for the admin form."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username")
    if not value and request is not None and request.method == "POST":
        value = request.POST.get("username")
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().lower()


def retry_after_seconds(request: HttpRequest | None = None) -> int | None:
    cool_off = get_cool_off(request)
    return int(cool_off.total_seconds()) if cool_off else None


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """The answer to a locked-out login outside the API's own views (the Django admin): 429
    with Retry-After, as the envelope under /api/ and as plain text elsewhere."""
    seconds = retry_after_seconds(request)
    headers = {"Retry-After": str(seconds)} if seconds else {}
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body("account_locked", LOCKED_MESSAGE), status=429, headers=headers
        )
    return HttpResponse(
        LOCKED_MESSAGE, status=429, content_type="text/plain; charset=utf-8", headers=headers
    )
