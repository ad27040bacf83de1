"""Every request has an id: in the X-Request-ID header and on every log line it causes."""

from __future__ import annotations

import io
import logging
import re
from typing import Any, cast

import pytest
import structlog
from rest_framework.test import APIClient

from tests.factories import credit_code

pytestmark = pytest.mark.django_db

GENERATED_ID = re.compile(r"^[0-9a-f]{32}$")


def _register_body() -> dict[str, str]:
    return {
        "kind": "firm",
        "name": "Acme",
        "credit_code": credit_code(),
        "legal_representative": "Li Lei",
        "admin_email": "a@example.com",
        "admin_password": "a-long-passphrase-1",
    }


def test_service_log_events_carry_the_request_id(
    api_client: APIClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)

    response = api_client.post("/api/v1/organisations/register", _register_body(), format="json")

    assert response.status_code == 201
    request_id = response["X-Request-ID"]
    # structlog hands its event dict to logging as the record's message.
    events = [cast("dict[str, Any]", r.msg) for r in caplog.records if isinstance(r.msg, dict)]
    [event] = [e for e in events if e["event"] == "organisation.registered"]
    assert event["request_id"] == request_id
    assert event["organisation"] == response.json()["organisation"]["id"]
    assert event["kind"] == "firm"


@pytest.mark.urls("tests.core.urls_testing")
def test_rendered_lines_carry_the_request_id_for_structlog_and_stdlib_loggers(
    api_client: APIClient, log_lines: io.StringIO
) -> None:
    response = api_client.get("/api/v1/_test/log", HTTP_X_REQUEST_ID="trace-abcdef-0001")

    assert response.status_code == 200
    lines = log_lines.getvalue().splitlines()
    [structured] = [line for line in lines if "test.view_called" in line]
    [plain] = [line for line in lines if "plain stdlib record" in line]
    assert "trace-abcdef-0001" in structured
    assert "answer" in structured
    assert "trace-abcdef-0001" in plain


@pytest.mark.urls("tests.core.urls_testing")
def test_the_request_id_is_unbound_after_the_request(
    api_client: APIClient, log_lines: io.StringIO
) -> None:
    api_client.get("/api/v1/_test/log", HTTP_X_REQUEST_ID="trace-abcdef-0002")

    assert "request_id" not in structlog.contextvars.get_contextvars()
    logging.getLogger("tests.core.after").warning("after the request")
    [after] = [line for line in log_lines.getvalue().splitlines() if "after the request" in line]
    assert "trace-abcdef-0002" not in after


def test_every_response_has_a_fresh_request_id(api_client: APIClient) -> None:
    first = api_client.get("/healthz")
    second = api_client.get("/api/v1/me")  # a 401 has one too
    third = api_client.get("/api/v1/nowhere")  # and a 404 from Django's handler

    ids = [first["X-Request-ID"], second["X-Request-ID"], third["X-Request-ID"]]
    assert all(GENERATED_ID.match(request_id) for request_id in ids)
    assert len(set(ids)) == 3


@pytest.mark.parametrize("incoming", ["abcdefgh", "req.2026-03-02_0001", "A" * 64])
def test_a_valid_incoming_request_id_is_echoed(api_client: APIClient, incoming: str) -> None:
    response = api_client.get("/healthz", HTTP_X_REQUEST_ID=incoming)

    assert response["X-Request-ID"] == incoming


@pytest.mark.parametrize(
    "incoming", ["short", "A" * 65, "has space inside", "semi;colon-123", "new\u00e9line-1234"]
)
def test_an_invalid_incoming_request_id_is_replaced(api_client: APIClient, incoming: str) -> None:
    response = api_client.get("/healthz", HTTP_X_REQUEST_ID=incoming)

    assert response["X-Request-ID"] != incoming
    assert GENERATED_ID.match(response["X-Request-ID"])
