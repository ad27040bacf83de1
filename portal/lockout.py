"""django-axes' answer to a locked-out login (settings.AXES_LOCKOUT_CALLABLE): the portal's
sign-in form answers with its own page, translated; the API and the admin as before."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from accounts import lockout


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    match = getattr(request, "resolver_match", None)
    if match is not None and match.namespace == "portal":
        from portal.views.auth import locked_out

        return locked_out(request)
    return lockout.lockout_response(request, original_response, credentials)
