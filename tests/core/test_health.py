"""`/healthz` checks the database and the broker; the OpenAPI schema and docs are public."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError
from rest_framework.test import APIClient

import core.health
from config.celery import app as celery_app

pytestmark = pytest.mark.django_db

EAGER = "ok (no broker configured: tasks run eagerly)"
CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture
def real_broker(settings: Any) -> None:
    if settings.CELERY_BROKER_URL == "memory://":
        pytest.skip("needs a broker: set CELERY_BROKER_URL (make test does)")
    settings.CELERY_TASK_ALWAYS_EAGER = False


@pytest.fixture
def unreachable_broker(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # Celery reads the broker URL from the environment first, then from its configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", CLOSED_PORT_BROKER)
    monkeypatch.setenv("CELERY_BROKER_WRITE_URL", CLOSED_PORT_BROKER)
    monkeypatch.setitem(celery_app.conf, "broker_url", CLOSED_PORT_BROKER)
    assert celery_app.conf.broker_write_url == CLOSED_PORT_BROKER


class _BrokenConnection:
    def cursor(self) -> Any:
        raise OperationalError("could not connect to server: Connection refused")


def test_healthy_with_a_real_broker(api_client: APIClient, real_broker: None) -> None:
    response = api_client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "broker": "ok"},
        "failed": [],
    }


def test_healthy_without_a_broker_when_tasks_run_eagerly(
    api_client: APIClient, settings: Any
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True

    response = api_client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "broker": EAGER},
        "failed": [],
    }


def test_an_unreachable_broker_is_503(api_client: APIClient, unreachable_broker: None) -> None:
    response = api_client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "checks": {"database": "ok", "broker": "error: OperationalError"},
        "failed": ["broker"],
    }


def test_a_failing_database_is_503(
    api_client: APIClient, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    monkeypatch.setattr(core.health, "connection", _BrokenConnection())

    response = api_client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "checks": {"database": "error: OperationalError", "broker": EAGER},
        "failed": ["database"],
    }


def test_both_failing_name_both(
    api_client: APIClient, unreachable_broker: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(core.health, "connection", _BrokenConnection())

    response = api_client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["failed"] == ["database", "broker"]


def test_the_schema_is_public(api_client: APIClient) -> None:
    response = api_client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "City AI subsidy platform API"
    assert {
        "/api/v1/organisations/register",
        "/api/v1/auth/token",
        "/api/v1/me",
        "/api/v1/organisations/me/members",
        "/api/v1/organisations/me/affiliations",
    } <= set(schema["paths"])


def test_the_schema_documents_the_register_response_as_api_md(api_client: APIClient) -> None:
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    created = schema["paths"]["/api/v1/organisations/register"]["post"]["responses"]["201"]
    output_ref = created["content"]["application/json"]["schema"]["$ref"]
    output = components[output_ref.rsplit("/", 1)[1]]
    organisation_ref = output["properties"]["organisation"]["$ref"]
    organisation = components[organisation_ref.rsplit("/", 1)[1]]

    assert set(output["properties"]) == {"organisation", "user"}
    assert set(organisation["properties"]) == {"id", "kind", "name", "credit_code"}


def test_the_docs_are_public(api_client: APIClient) -> None:
    response = api_client.get("/api/docs/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"swagger-ui" in response.content
