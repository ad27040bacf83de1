"""Property-based fuzzing of the whole API against its own OpenAPI schema (issue 5).

Schemathesis loads ``/api/schema/`` in-process from the WSGI app and, for every operation in
it, generates requests (schema-valid and schema-invalid ones) and sends each as one of the
roles, with a real API token, or anonymously. Every response must:

- not be a server error (5xx);
- have a status code, content type, headers and body that the schema documents for the
  operation. The error responses every operation may give are documented by
  ``core.schema.add_error_responses``.

A new endpoint is covered as soon as it is in the schema: nothing to register here.

**Roles.** Each request goes as one role, so the cost grows with the number of operations and
not with operations times roles. The role is picked from the request itself (a hash of it):
the same request always goes as the same role, so Hypothesis can replay and shrink a failure.
Three requests in four go as a role ``tests/api/matrix.py`` allows on the operation, so that
they get past the permission checks to the code behind them; the rest as a role that must be
refused. Operations the matrix does not know spread over every role. A failure's ``curl`` line
names the role in an ``X-Fuzz-Role`` header (the token itself is hidden).

**Runtime.** ``FUZZ_MAX_EXAMPLES`` requests per operation (default 30), the same ones on every
run. Explore further locally with e.g. ``FUZZ_MAX_EXAMPLES=500 FUZZ_SEED=7``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, seed, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from tests.api.matrix import ALL_ROLES, ANONYMOUS, allowed_roles
from tests.factories import user_with_role

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "30"))
SEED = os.environ.get("FUZZ_SEED")

CONFIG = schemathesis.Config.from_dict(
    {
        # Credentials are the test's to choose (a real token per role), not random
        # `Authorization` headers and session cookies.
        "generation": {"mode": "all", "with-security-parameters": False},
        # The coverage phase (boundary values of every parameter) costs as much again as the
        # fuzzing; enable it for a deeper local run.
        "phases": {"coverage": {"enabled": os.environ.get("FUZZ_COVERAGE") == "1"}},
    }
)

schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def _keep_test_transaction() -> Iterator[None]:
    """Requests go through the real WSGI handler, whose request signals would close the database
    connection and with it the test's transaction. Django's test client detaches them likewise."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def auth_headers(db: Any) -> Callable[[str], dict[str, str]]:
    """``auth_headers(role)``: headers authenticating as a user with `role`, made on first use."""
    from knox.models import AuthToken

    made: dict[str, dict[str, str]] = {ANONYMOUS: {}}

    def headers(role: str) -> dict[str, str]:
        if role not in made:
            _, token = AuthToken.objects.create(user=user_with_role(role))
            made[role] = {"Authorization": f"Token {token}"}
        return made[role]

    return headers


def role_for(case: schemathesis.Case, candidates: tuple[str, ...]) -> str:
    """The role to send `case` as, picked by a hash of the request (see the module docstring)."""
    body = None if isinstance(case.body, schemathesis.core.NotSet) else case.body
    request = repr(
        (case.path_parameters, case.query, case.headers, case.cookies, case.media_type, body)
    )
    digest = int.from_bytes(hashlib.sha256(request.encode()).digest()[:8], "big")
    allowed = allowed_roles(case.operation.path, case.operation.method) or frozenset(candidates)
    favoured = sorted(role for role in candidates if role in allowed)
    others = sorted(role for role in candidates if role not in allowed)
    pool = others if others and digest % 4 == 0 else favoured
    return pool[(digest // 4) % len(pool)]


def _seeded(test: Any) -> Any:
    return seed(int(SEED))(test) if SEED else test


@_seeded
@schema.parametrize()
# The one parameter also gives each operation its own test id (`...[GET /api/v1/me][any-role]`).
@pytest.mark.parametrize("candidates", [ALL_ROLES], ids=["any-role"])
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=SEED is None,  # the same requests on every run, so CI does not flake
    database=None,
    # The users and tokens are made once per operation and shared by its examples, on purpose.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
def test_api_conforms_to_schema(
    case: schemathesis.Case,
    candidates: tuple[str, ...],
    auth_headers: Callable[[str], dict[str, str]],
) -> None:
    role = role_for(case, candidates)
    cache.clear()  # throttles would otherwise answer 429 instead of exercising the view
    # The app ignores X-Fuzz-Role; it names the role in a failure's curl line.
    case.call_and_validate(headers={**auth_headers(role), "X-Fuzz-Role": role}, checks=CHECKS)
