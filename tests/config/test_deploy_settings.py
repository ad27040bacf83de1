"""Production settings: a secret is required, HTTPS is on by default, the cache is shared.

Settings are read once per process, so each case starts a fresh interpreter with its own
environment (`config.settings`, not the suite's `tests.settings`).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

PRODUCTION_SECRET = "k3J9-vQz_8xW2mN5pR7tY1uA4sD6fG0hL2jK8bV3cX5zQ9wE7rT1yU4iO6pA8sD0"
SECURE_VARIABLES = [
    "DJANGO_SECURE_PROXY_SSL_HEADER",
    "DJANGO_SECURE_SSL_REDIRECT",
    "DJANGO_SECURE_HSTS_SECONDS",
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "DJANGO_SECURE_HSTS_PRELOAD",
    "DJANGO_SESSION_COOKIE_SECURE",
    "DJANGO_CSRF_COOKIE_SECURE",
    "DJANGO_SECURE_CONTENT_TYPE_NOSNIFF",
]
PRINT_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SECURE_PROXY_SSL_HEADER": settings.SECURE_PROXY_SSL_HEADER,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SECURE_REDIRECT_EXEMPT": settings.SECURE_REDIRECT_EXEMPT,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "SECURE_HSTS_PRELOAD": settings.SECURE_HSTS_PRELOAD,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "SECURE_CONTENT_TYPE_NOSNIFF": settings.SECURE_CONTENT_TYPE_NOSNIFF,
    "CACHES": settings.CACHES,
}))
"""


def _environment(**overrides: str | None) -> dict[str, str]:
    """The suite's environment as production would have it: DEBUG off, a real secret, a host,
    no secure-setting overrides. An override of None removes the variable."""
    env = {
        key: value
        for key, value in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE is the browser tests' own (tests/conftest.py).
        if key not in SECURE_VARIABLES
        and key not in {"CACHE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=PRODUCTION_SECRET,
        DJANGO_ALLOWED_HOSTS="subsidy.example.cn",
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _settings(**overrides: str | None) -> dict[str, Any]:
    result = _run(["-c", PRINT_SETTINGS], _environment(**overrides))
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], _environment())

    issues = re.findall(r"^\?: \((\S+)\)", result.stdout + result.stderr, flags=re.MULTILINE)
    assert issues == []
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_start_up_refuses_without_a_secret_key() -> None:
    result = _run(["manage.py", "check"], _environment(DJANGO_SECRET_KEY=None))

    assert result.returncode == 1
    assert (
        "django.core.exceptions.ImproperlyConfigured: DJANGO_SECRET_KEY is not set."
    ) in result.stderr
    assert result.stdout == ""


def test_an_empty_secret_key_is_refused_too() -> None:
    result = _run(["manage.py", "check"], _environment(DJANGO_SECRET_KEY=""))

    assert result.returncode == 1
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY is not set." in result.stderr


def test_a_debug_process_starts_without_a_secret_and_without_https() -> None:
    values = _settings(DJANGO_SECRET_KEY=None, DJANGO_DEBUG="true")

    assert values["DEBUG"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["CSRF_COOKIE_SECURE"] is False


def test_production_is_secure_by_default() -> None:
    values = _settings()

    assert values["DEBUG"] is False
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_REDIRECT_EXEMPT"] == [r"^healthz/?$"]
    assert values["SECURE_HSTS_SECONDS"] == 60
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True


def test_each_secure_setting_can_be_turned_off() -> None:
    values = _settings(
        DJANGO_SECURE_PROXY_SSL_HEADER="false",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_HSTS_SECONDS="0",
        DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS="false",
        DJANGO_SECURE_HSTS_PRELOAD="false",
        DJANGO_SESSION_COOKIE_SECURE="false",
        DJANGO_CSRF_COOKIE_SECURE="false",
        DJANGO_SECURE_CONTENT_TYPE_NOSNIFF="false",
    )

    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert values["SECURE_HSTS_PRELOAD"] is False
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["CSRF_COOKIE_SECURE"] is False
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is False


def test_the_cache_is_redis_on_the_next_database_when_redis_is_configured() -> None:
    values = _settings(REDIS_URL="redis://cache-host:6380/4")

    assert values["CACHES"] == {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://cache-host:6380/5",
        }
    }


def test_cache_url_wins_over_redis_url() -> None:
    values = _settings(REDIS_URL="redis://broker:6379/0", CACHE_URL="redis://cache:6379/3")

    assert values["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert values["CACHES"]["default"]["LOCATION"] == "redis://cache:6379/3"


def test_the_cache_is_process_memory_only_without_redis() -> None:
    values = _settings(REDIS_URL=None)

    assert values["CACHES"]["default"]["BACKEND"] == (
        "django.core.cache.backends.locmem.LocMemCache"
    )


@pytest.mark.django_db
def test_the_health_check_answers_plain_http_while_the_rest_redirects(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client = Client()

    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz/").status_code == 200
    redirected = client.get("/api/v1/me")
    assert redirected.status_code == 301
    assert redirected["Location"] == "https://testserver/api/v1/me"
    behind_proxy = client.get("/api/v1/me", HTTP_X_FORWARDED_PROTO="https")
    assert behind_proxy.status_code == 401
    assert behind_proxy["Strict-Transport-Security"] == "max-age=60; includeSubDomains; preload"
