"""404 and 403 (and 400, 500) for the whole site: the portal's pages for people, the API's
JSON envelope for programs (core.views).

A page is answered when the request is for a portal URL, or its client asks for HTML
(a browser's Accept header); `/api/` is always JSON."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core import views as core_views


def _wants_page(request: HttpRequest) -> bool:
    if request.path.startswith("/api/"):
        return False
    match = getattr(request, "resolver_match", None)
    if match is not None and match.namespace == "portal":
        return True
    return "text/html" in request.headers.get("Accept", "")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_page(request):
        return render(request, "portal/errors/404.html", status=404)
    return core_views.not_found(request, exception)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_page(request):
        return render(request, "portal/errors/403.html", status=403)
    return core_views.permission_denied(request, exception)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return core_views.bad_request(request, exception)


def server_error(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return core_views.server_error(request, *args, **kwargs)
