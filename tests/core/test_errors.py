"""Every error answers with one envelope: {"error": {"code", "message", "fields"}} (API.md)."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from typing import Any, cast

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Organisation, User
from accounts.roles import Role
from core.models import AuditEvent
from tests import factories
from tests.core.urls_testing import SECRET_FAILURE

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/organisations/register"
MEMBERS = "/api/v1/organisations/me/members"
SERVER_ERROR_MESSAGE = "An unexpected error occurred. Quote the request id when reporting it."


def _nothing_written() -> None:
    assert Organisation.objects.count() == 0
    assert User.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_validation_error_names_the_fields(api_client: APIClient) -> None:
    response = api_client.post(REGISTER, {"kind": "bank", "name": "Acme"}, format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": {
            "code": "validation_error",
            "message": "The request is invalid; see fields.",
            "fields": {
                "kind": ['"bank" is not a valid choice.'],
                "credit_code": ["This field is required."],
                "legal_representative": ["This field is required."],
                "admin_email": ["This field is required."],
                "admin_password": ["This field is required."],
            },
        }
    }
    _nothing_written()


def test_malformed_json_is_a_400(api_client: APIClient) -> None:
    response = api_client.post(REGISTER, data='{"kind": "firm",', content_type="application/json")

    assert response.status_code == 400
    body = response.json()
    assert body["error"]["code"] == "validation_error"
    assert body["error"]["message"].startswith("JSON parse error - ")
    assert body["error"]["fields"] == {}
    _nothing_written()


def test_malformed_json_with_an_idempotency_key_is_the_same_400(
    client_for: Callable[[Any], APIClient],
) -> None:
    admin = factories.user_with_role(Role.FIRM_ADMIN)
    client = client_for(admin)

    response = client.post(
        MEMBERS, data="{not json", content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1"
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert response.json()["error"]["message"].startswith("JSON parse error - ")
    assert response.json()["error"]["fields"] == {}
    assert User.objects.count() == 1
    assert AuditEvent.objects.count() == 0


def test_unauthenticated_is_401(api_client: APIClient) -> None:
    response = api_client.get("/api/v1/me")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {
        "error": {
            "code": "not_authenticated",
            "message": "Authentication credentials were not provided.",
            "fields": {},
        }
    }


def test_a_bad_token_is_401(api_client: APIClient) -> None:
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = api_client.get("/api/v1/me")

    assert response.status_code == 401
    assert response.json() == {
        "error": {"code": "not_authenticated", "message": "Invalid token.", "fields": {}}
    }


def test_wrong_role_is_403(client_for: Callable[[Any], APIClient]) -> None:
    member = factories.user_with_role(Role.FIRM_MEMBER)
    users_before = User.objects.count()

    response = client_for(member).post(
        MEMBERS,
        {"email": "new@example.com", "password": "a-long-passphrase-1", "role": "firm_member"},
        format="json",
    )

    assert response.status_code == 403
    assert response.json() == {
        "error": {
            "code": "permission_denied",
            "message": "Your role does not allow this action.",
            "fields": {},
        }
    }
    assert User.objects.count() == users_before
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing", "/api/v1/no-such-thing/", "/nowhere"])
def test_unknown_url_is_a_json_404(api_client: APIClient, path: str, settings: Any) -> None:
    assert settings.DEBUG is False

    response = api_client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": {"code": "not_found", "message": "Not found.", "fields": {}}
    }


def test_method_not_allowed_is_405(client_for: Callable[[Any], APIClient]) -> None:
    user = factories.user_with_role(Role.FIRM_ADMIN)

    response = client_for(user).delete("/api/v1/me")

    assert response.status_code == 405
    assert response.json() == {
        "error": {
            "code": "method_not_allowed",
            "message": 'Method "DELETE" not allowed.',
            "fields": {},
        }
    }
    assert User.objects.filter(pk=user.pk).exists()


@pytest.mark.urls("tests.core.urls_testing")
def test_unexpected_exception_is_a_500_envelope_with_the_request_id(
    api_client: APIClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)

    response = api_client.get("/api/v1/_test/boom")

    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    assert response.json() == {
        "error": {
            "code": "server_error",
            "message": SERVER_ERROR_MESSAGE,
            "fields": {"request_id": request_id},
            "request_id": request_id,
        }
    }
    text = response.content.decode()
    assert "Traceback" not in text
    assert "RuntimeError" not in text
    assert SECRET_FAILURE not in text

    [record] = [r for r in caplog.records if isinstance(r.msg, dict)]
    event = cast("dict[str, Any]", record.msg)  # structlog hands its event dict to logging
    assert record.levelno == logging.ERROR
    assert event["event"] == "api.unhandled_exception"
    assert event["request_id"] == request_id
    assert event["exc_type"] == "RuntimeError"
    assert record.exc_info is not None
    assert record.exc_info[0] is RuntimeError
    assert str(record.exc_info[1]) == SECRET_FAILURE


@pytest.mark.urls("tests.core.urls_testing")
def test_a_non_drf_view_crashing_gets_the_same_envelope_from_handler500(
    caplog: pytest.LogCaptureFixture, log_lines: io.StringIO
) -> None:
    caplog.set_level(logging.ERROR)
    client = Client(raise_request_exception=False)

    response = client.get("/_test/plain-boom", HTTP_X_REQUEST_ID="trace-0123456789")

    assert response.status_code == 500
    assert response["X-Request-ID"] == "trace-0123456789"
    assert response.json() == {
        "error": {
            "code": "server_error",
            "message": SERVER_ERROR_MESSAGE,
            "fields": {"request_id": "trace-0123456789"},
            "request_id": "trace-0123456789",
        }
    }
    assert SECRET_FAILURE not in response.content.decode()
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is not None
    assert record.exc_info[0] is RuntimeError
    # The rendered log line names the request id and keeps the traceback the client never sees.
    output = log_lines.getvalue()
    assert "Internal Server Error: /_test/plain-boom" in output
    assert "trace-0123456789" in output
    assert SECRET_FAILURE in output
