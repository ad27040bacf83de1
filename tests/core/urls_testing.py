"""Test-only URLs: the project's own, plus views that fail, log, or wait on purpose.

Use with `@pytest.mark.urls("tests.core.urls_testing")`.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import structlog
from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as project_urlpatterns
from core.idempotency import idempotent

SECRET_FAILURE = "boom: the secret sauce is 42"

log = structlog.get_logger("tests.core.views")
stdlib_log = logging.getLogger("tests.core.stdlib")


class BoomApi(APIView):
    """A DRF view with a bug in it."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    def get(self, request: Request) -> Response:
        raise RuntimeError(SECRET_FAILURE)


def plain_boom(request: HttpRequest) -> HttpResponse:
    """A plain Django view with a bug in it: Django's handler500 answers."""
    raise RuntimeError(SECRET_FAILURE)


class LoggingApi(APIView):
    """Logs one structlog event and one plain stdlib record, then answers 200."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    def get(self, request: Request) -> Response:
        log.info("test.view_called", answer=42)
        stdlib_log.warning("plain stdlib record")
        return Response({"ok": True})


class SlowGate:
    """Holds `SlowIdempotentApi` inside its handler until a test releases it."""

    entered = threading.Event()
    release = threading.Event()
    calls = 0
    lock = threading.Lock()
    timeout_seconds = 30.0

    @classmethod
    def reset(cls) -> None:
        cls.entered = threading.Event()
        cls.release = threading.Event()
        cls.calls = 0


class SlowIdempotentApi(APIView):
    """An idempotent POST whose handler waits on `SlowGate.release`."""

    permission_classes = [IsAuthenticated]

    @idempotent
    def post(self, request: Request) -> Response:
        with SlowGate.lock:
            SlowGate.calls += 1
            call = SlowGate.calls
        SlowGate.entered.set()
        if not SlowGate.release.wait(timeout=SlowGate.timeout_seconds):
            return Response({"released": False}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        return Response({"call": call, "echo": request.data}, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("api/v1/_test/boom", BoomApi.as_view()),
    path("_test/plain-boom", plain_boom),
    path("api/v1/_test/log", LoggingApi.as_view()),
    path("api/v1/_test/slow", SlowIdempotentApi.as_view()),
    *project_urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
