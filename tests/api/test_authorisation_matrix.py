"""Every endpoint, every method, every role, against another tenant's objects (issue 5).

The cases come from ``tests/api/matrix.py``; read its docstring to add an endpoint. The
completeness tests below fail when a named URL under ``/api/v1/`` (or one of its methods) has
no entry there, and when an entry names a URL that no longer exists.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from tests.api.matrix import ALL_ROLES, ANONYMOUS, MATRIX, Endpoint, OtherTenant
from tests.factories import user_with_role

API_PREFIX = "api/v1/"
_IGNORED_METHODS = frozenset({"OPTIONS", "HEAD"})
_REFUSALS = {401: "not_authenticated", 403: "permission_denied", 404: "not_found"}


# --- walking the URL configuration ----------------------------------------------------------


def _readable(route: str) -> str:
    """``api/v1/orders/(?P<id>[0-9a-f...])/?$`` -> ``api/v1/orders/<id>``."""
    return re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route).removesuffix("$").removesuffix("/?")


def _api_routes() -> Iterator[tuple[str, str | None, Any]]:
    """(route, name, view callback) for every URL pattern under ``/api/v1/``."""

    def walk(patterns: Any, prefix: str, namespace: str) -> Iterator[tuple[str, str | None, Any]]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern).lstrip("^")
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern) and route.startswith(API_PREFIX):
                name = f"{namespace}{pattern.name}" if pattern.name else None
                yield _readable(route), name, pattern.callback

    yield from walk(get_resolver().url_patterns, "", "")


def _view_methods(callback: Any) -> set[str]:
    """The HTTP methods a view answers: a viewset's actions, or an APIView's handlers."""
    actions = getattr(callback, "actions", None)
    if actions:
        methods = {method.upper() for method in actions}
    else:
        view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
        if view_class is None:  # a plain function view: it declares nothing we can read
            return set()
        methods = {
            method.upper() for method in view_class.http_method_names if hasattr(view_class, method)
        }
    return methods - _IGNORED_METHODS


def _routes_by_name() -> dict[str | None, dict[str, Any]]:
    routes: dict[str | None, dict[str, Any]] = {}
    for route, name, callback in _api_routes():
        entry = routes.setdefault(name, {"routes": [], "methods": set()})
        entry["routes"].append(route)
        entry["methods"] |= _view_methods(callback)
    return routes


def test_every_api_url_is_in_the_matrix() -> None:
    routes = _routes_by_name()
    unnamed = routes.pop(None, None)
    problems: list[str] = []
    if unnamed:
        problems.append(f"URLs without a name (name them): {sorted(unnamed['routes'])}")
    named = {name for name in routes if name is not None}
    missing = sorted(named - {endpoint.url_name for endpoint in MATRIX})
    for name in missing:
        methods = ", ".join(f'"{m}": ...' for m in sorted(routes[name]["methods"]))
        problems.append(
            f"{name} ({routes[name]['routes'][0]}) is missing from tests/api/matrix.py; "
            f'add Endpoint("{name}", {{{methods}}}, foreign=...)'
        )
    assert not problems, "\n".join(problems)


def test_every_matrix_entry_is_a_url_with_these_methods() -> None:
    routes = _routes_by_name()
    problems: list[str] = []
    seen: set[str] = set()
    for endpoint in MATRIX:
        if endpoint.url_name in seen:
            problems.append(f"{endpoint.url_name} is in the matrix twice")
        seen.add(endpoint.url_name)
        if endpoint.url_name not in routes:
            problems.append(f"{endpoint.url_name} is in the matrix but no longer a URL: remove it")
            continue
        if endpoint.foreign is None and any("<" in r for r in routes[endpoint.url_name]["routes"]):
            problems.append(
                f"{endpoint.url_name} takes URL parameters: give it foreign= to build the other "
                "tenant's object and its kwargs"
            )
        declared = set(endpoint.allowed)
        answered = routes[endpoint.url_name]["methods"]
        if answered and declared != answered:
            problems.append(
                f"{endpoint.url_name}: the view answers {sorted(answered)}, "
                f"the matrix lists {sorted(declared)}"
            )
        unknown = {role for roles in endpoint.allowed.values() for role in roles} - set(ALL_ROLES)
        if unknown:
            problems.append(f"{endpoint.url_name}: unknown roles {sorted(unknown)}")
    assert not problems, "\n".join(problems)


# --- the matrix itself ----------------------------------------------------------------------


def _cases() -> Iterator[Any]:
    for endpoint in MATRIX:
        for method in sorted(endpoint.allowed):
            for role in ALL_ROLES:
                yield pytest.param(
                    endpoint, method, role, id=f"{endpoint.url_name}-{method}-{role}"
                )


@pytest.fixture
def other_tenant(db: Any) -> OtherTenant:
    return OtherTenant.create()


def _client(role: str) -> APIClient:
    client = APIClient()
    if role != ANONYMOUS:
        from knox.models import AuthToken

        _, token = AuthToken.objects.create(user=user_with_role(role))
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def _leaked(body: str, secrets: list[str]) -> list[str]:
    return [secret for secret in secrets if secret and secret in body]


@pytest.mark.parametrize(("endpoint", "method", "role"), list(_cases()))
def test_authorisation(
    endpoint: Endpoint, method: str, role: str, other_tenant: OtherTenant
) -> None:
    foreign = endpoint.build(other_tenant)
    url = reverse(endpoint.url_name, kwargs=foreign.kwargs)
    response = _client(role).generic(
        method, url, data=json.dumps(dict(endpoint.body)), content_type="application/json"
    )
    body = response.content.decode()
    status = response.status_code
    where = f"{method} {url} as {role}: {status} {body[:300]}"
    secrets = [s for s in other_tenant.secrets() + foreign.secrets if s not in foreign.public]

    if role in endpoint.allowed[method]:
        assert status < 500, where
        assert status not in (401, 403), f"the matrix allows it, but it was refused: {where}"
        if foreign.kwargs:
            assert status != 404, f"the matrix allows it, but the object was not found: {where}"
        if role not in endpoint.sees_secrets:  # staff work across tenants, others see their own
            assert not _leaked(body, secrets), f"another tenant's data leaked: {where}"
        return

    expected = {401} if role == ANONYMOUS else {403, 404}
    assert status in expected, f"expected {sorted(expected)}: {where}"
    payload = response.json()
    assert set(payload) == {"error"}, f"not the error envelope: {where}"
    assert payload["error"]["code"] == _REFUSALS[status], where
    assert {"message", "fields"} <= set(payload["error"]), where
    assert not _leaked(body, secrets), f"another tenant's data leaked: {where}"
