"""`/healthz`: 200 when the database and the broker answer, 503 naming what failed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


def check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "ok (no broker configured: tasks run eagerly)"
    from celery import current_app  # the project's app (config/__init__.py makes it current)

    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


def healthz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, Any] = {"database": check_database(), "broker": check_broker()}
    failed = [name for name, result in checks.items() if not result.startswith("ok")]
    return JsonResponse(
        {"status": "error" if failed else "ok", "checks": checks, "failed": failed},
        status=503 if failed else 200,
    )
